// DistributedExecutor against a real nats-server with JetStream on 127.0.0.1, with worker programs
// on another runtime than the submitter (Deno's tests use Bun workers, Bun's and Node's use Deno
// workers). Skipped, with the reason printed, only where nats-server cannot be had.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  asCompleted,
  BrokenExecutor,
  type Future,
  InvalidStateError,
  partial,
  SerializationError,
  wait,
} from "../mod.ts";
import { DistributedExecutor } from "../distributed.ts";
import { jetstream } from "@nats-io/jetstream";
import {
  connect,
  CONNECTION_OPTIONS,
  ensureQueue,
  resolveOptions,
} from "../lib/distributed/connection.ts";
import { decodeValue, encodeValue } from "../lib/distributed/_codec.ts";
import { PRIMES_OUTPUT, runScript, testdata } from "./_child.ts";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  freePort,
  killAll,
  natsServer,
  partnerRuntime,
  type Server,
  startServer,
  startWorkerProcess,
  type WorkerProcess,
} from "./testdata/distributed_cluster.ts";

const found = natsServer();
const skip = "missing" in found ? found.missing : false;
if (skip) console.log(`distributed tests skipped: ${skip}`);

const TASKS_MODULE = new URL(
  `./testdata/distributed_tasks${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`,
  import.meta.url,
);

// The least-privilege account layout of docs/distributed.md: an administrator creates the
// streams; submitters publish tasks (and may remove their own from the queue) and read results;
// workers read tasks from their consumer, acknowledge them, and publish results.
const LEAST_PRIVILEGE = `
authorization {
  users = [
    { user: "admin", password: "admin-pw" }
    { user: "submitter", password: "submitter-pw", permissions: {
        publish: { allow: ["cf.tasks", "cf.tasks.abort.>", "$JS.API.INFO",
          "$JS.API.STREAM.INFO.CF_TASKS", "$JS.API.STREAM.INFO.CF_RESULTS",
          "$JS.API.STREAM.MSG.DELETE.CF_TASKS", "$JS.API.CONSUMER.CREATE.CF_RESULTS",
          "$JS.API.CONSUMER.CREATE.CF_RESULTS.>", "$JS.API.CONSUMER.MSG.NEXT.CF_RESULTS.>",
          "$JS.API.CONSUMER.INFO.CF_RESULTS.>", "$JS.API.CONSUMER.DELETE.CF_RESULTS.>"] }
        subscribe: { allow: ["_INBOX.>"] } } }
    { user: "worker", password: "worker-pw", permissions: {
        publish: { allow: ["cf.results.>", "$JS.API.INFO", "$JS.API.STREAM.INFO.CF_TASKS",
          "$JS.API.STREAM.INFO.CF_RESULTS", "$JS.API.CONSUMER.INFO.CF_TASKS.cf-workers",
          "$JS.API.CONSUMER.MSG.NEXT.CF_TASKS.cf-workers", "$JS.ACK.CF_TASKS.cf-workers.>"] }
        subscribe: { allow: ["_INBOX.>", "cf.tasks.abort.>"] } } }
  ]
}
`;

const sleepTask = (ms: number, value: unknown) =>
  new Promise((resolve) => setTimeout(() => resolve(value), ms));

test("the value codec carries what a process pool carries, the same on every runtime", () => {
  const shared = { n: 1 };
  const cyclic: Record<string, unknown> = { name: "loop" };
  cyclic.self = cyclic;
  const sparse = [1, , 3]; // a hole
  const cause = new RangeError("inner");
  const error = new TypeError("outer", { cause });
  const value = {
    numbers: [0, -0, NaN, Infinity, -Infinity, 1.5, 2n ** 80n],
    text: "héllo \u{1F600}",
    nothing: [undefined, null],
    when: new Date(86_400_000),
    invalid: new Date(NaN),
    pattern: /a+b/gi,
    map: new Map<unknown, unknown>([[1, "one"], [shared, shared]]),
    set: new Set([shared, "x"]),
    bytes: new Uint8Array([1, 2, 255]),
    floats: new Float64Array([0.5, -1]).subarray(1),
    buffer: new Uint16Array([513]).buffer,
    view: new DataView(new Uint8Array([7, 8]).buffer),
    boxed: [Object(false), Object(3), Object("s"), Object(5n)],
    sparse,
    cyclic,
    error,
    ["__proto__"]: 1,
  };
  const copy = decodeValue(encodeValue(value)) as typeof value;
  // Node 20's deepStrictEqual finds two invalid dates unequal: compared on their own.
  assert.deepEqual(
    { ...copy, error: undefined, invalid: undefined },
    { ...value, error: undefined, invalid: undefined },
  );
  assert.ok(copy.invalid instanceof Date && Number.isNaN(copy.invalid.getTime()));
  assert.ok(Object.hasOwn(copy, "__proto__"));
  assert.ok(Object.is(copy.numbers[1], -0));
  assert.equal(copy.cyclic.self, copy.cyclic);
  assert.equal(copy.map.get(1), "one");
  assert.equal([...copy.set][0], [...copy.map.keys()][1]); // one object, shared
  assert.equal(1 in copy.sparse, false);
  assert.ok(copy.error instanceof TypeError);
  assert.ok((copy.error as Error).cause instanceof RangeError);
  assert.equal(copy.error.stack, error.stack);
  assert.deepEqual(copy.floats, new Float64Array([-1]));
  // A DOMException (an AbortSignal's reason) is one again, as through a process pool.
  const aborted = decodeValue(encodeValue(new DOMException("stopped", "AbortError"))) as Error;
  assert.ok(aborted instanceof DOMException, String(aborted));
  assert.equal(aborted.name, "AbortError");
  assert.equal(aborted.message, "stopped");
  assert.throws(() => decodeValue(new TextEncoder().encode('["?"]')), SyntaxError);
});

describe("DistributedExecutor options", () => {
  test("unknown, missing and badly typed options are refused by name", () => {
    assert.throws(
      () => new DistributedExecutor({ servers: "nats://x:1", severs: 1 } as never),
      { name: "TypeError", message: /unknown option "severs" \(did you mean servers\?\)/ },
    );
    assert.throws(() => new DistributedExecutor({} as never), {
      name: "TypeError",
      message: /servers must be/,
    });
    assert.throws(() => new DistributedExecutor({ servers: "nats://x:1", ackWait: 5 }), {
      name: "TypeError",
      message: /ackWait must be an integer >= 1000/,
    });
    assert.throws(() => new DistributedExecutor({ servers: "nats://x:1", user: "u" }), {
      name: "TypeError",
      message: /user and pass go together/,
    });
    assert.throws(
      () => new DistributedExecutor({ servers: "nats://x:1", tls: { caFlie: "x" } as never }),
      { name: "TypeError", message: /unknown option "tls.caFlie" \(did you mean tls.caFile\?\)/ },
    );
    assert.throws(() => new DistributedExecutor({ servers: "nats://x:1", modules: [1 as never] }), {
      name: "TypeError",
      message: /modules\[0\] must be a string or a URL/,
    });
  });

  test("an unreachable server fails the first submit clearly, then submit throws", {
    skip,
  }, async () => {
    const port = await freePort(); // nobody listens there
    const executor = new DistributedExecutor({ servers: `nats://127.0.0.1:${port}` });
    const future = executor.submit(() => 1);
    await assert.rejects(future.result(), (error: Error) => {
      assert.ok(error instanceof BrokenExecutor);
      assert.match(
        error.message,
        new RegExp(`could not connect to NATS at nats://127.0.0.1:${port}`),
      );
      return true;
    });
    assert.throws(() => executor.submit(() => 2), BrokenExecutor);
    await executor.shutdown();
  });
});

describe(
  `DistributedExecutor with 2 workers on ${partnerRuntime()} (processes, threads)`,
  { skip },
  () => {
    let server: Server;
    const workers: WorkerProcess[] = [];
    before(async () => {
      server = await startServer();
      const args = ["--servers", server.url, "--concurrency", "2", "--ack-wait", "3000"];
      // One with a local process pool (the default), one with a thread pool.
      workers.push(
        ...await Promise.all([
          startWorkerProcess(args),
          startWorkerProcess([...args, "--threads"]),
        ]),
      );
    });
    after(killAll);

    test("submit, errors, map, starmap, chunks, wait and asCompleted", async () => {
      await using executor = new DistributedExecutor({ servers: server.url });
      assert.equal(await executor.submit((a: number, b: number) => a + b, 40, 2), 42);
      await assert.rejects(
        executor.submit((text: string) => JSON.parse(text), "{oops").result(),
        SyntaxError,
      );
      const values = { big: 2n ** 70n, when: new Date(0), map: new Map([[1, new Set(["a"])]]) };
      assert.deepEqual(await executor.submit((v: unknown) => v, values), values);
      const bytes = await executor.submit(() => new Uint8Array([1, 2, 3]));
      assert.deepEqual(bytes, new Uint8Array([1, 2, 3]));

      const squares: number[] = [];
      for await (const x of executor.map((x: number) => x * x, [1, 2, 3, 4, 5])) squares.push(x);
      assert.deepEqual(squares, [1, 4, 9, 16, 25]);
      const chunked: number[] = [];
      const twelveOver = (x: number) => {
        if (x === 0) throw new RangeError("division by zero");
        return 12 / x;
      };
      await assert.rejects(async () => {
        for await (const x of executor.map(twelveOver, [3, 4, 0, 6], { chunksize: 2 })) {
          chunked.push(x);
        }
      }, RangeError);
      assert.deepEqual(chunked, [4, 3]);
      const powers: number[] = [];
      const pairs: [number, number][] = [[2, 5], [3, 2]];
      for await (
        const p of executor.starmap((b: number, e: number) => b ** e, pairs, {
          chunksize: 2,
        })
      ) powers.push(p);
      assert.deepEqual(powers, [32, 9]);

      const futures: Future<unknown>[] = [300, 10].map((ms) => executor.submit(sleepTask, ms, ms));
      // Each future once, as it completes (which comes first depends on the workers' cold starts).
      const order: unknown[] = [];
      for await (const future of asCompleted(futures)) order.push(await future);
      assert.deepEqual((order as number[]).sort((a, b) => a - b), [10, 300]);
      const { done } = await wait(futures);
      assert.equal(done.size, 2);
    });

    test("map: buffersize over an endless input, timeout, signal", async () => {
      await using executor = new DistributedExecutor({ servers: server.url });
      function* naturals() {
        for (let n = 1;; n++) yield n;
      }
      const squares: number[] = [];
      for await (const x of executor.map((n: number) => n * n, naturals(), { buffersize: 3 })) {
        squares.push(x);
        if (squares.length === 5) break;
      }
      assert.deepEqual(squares, [1, 4, 9, 16, 25]);
      const slow = executor.starmap(sleepTask, [[2000, 1]], { timeout: 100 });
      await assert.rejects(slow.next(), { name: "TimeoutError" });
      const controller = new AbortController();
      const aborted = executor.starmap(sleepTask, [[2000, 1]], { signal: controller.signal });
      const first = aborted.next();
      controller.abort(new Error("stop"));
      await assert.rejects(first, { message: "stop" });
    });

    test("values that cannot cross are refused at submit, with their path", async () => {
      await using executor = new DistributedExecutor({ servers: server.url });
      const bad = executor.submit((x: unknown) => x, { handler: () => {} });
      await assert.rejects(bad.result(), (error: SerializationError) => {
        assert.ok(error instanceof SerializationError);
        assert.equal(error.path, "args[0].handler");
        return true;
      });
      const local = 5;
      await assert.rejects(executor.submit(() => local).result(), SerializationError);
      const bound = executor.submit(partial((a: number, b: number) => a + b, 1), 2);
      await assert.rejects(bound.result(), { name: "SerializationError", path: "fn" });
    });

    test("a task or result over the server's message size fails clearly, at once", async () => {
      await using executor = new DistributedExecutor({ servers: server.url });
      const big = "x".repeat(2 * 1024 * 1024); // nats-server's max_payload is 1 MB
      await assert.rejects(executor.submit((s: string) => s.length, big).result(), {
        name: "BrokenExecutor",
        message: /the task could not be queued: .*max_payload/,
      });
      await assert.rejects(executor.submit(() => "y".repeat(2 * 1024 * 1024)).result(), {
        message: /the task's result could not be published: .*max_payload/,
      });
      assert.equal(await executor.submit(() => "small"), "small");
    });

    test("1,000 tasks over 2 workers settle exactly once", async () => {
      await using executor = new DistributedExecutor({ servers: server.url });
      let settled = 0;
      const futures = Array.from({ length: 1000 }, (_, i) => {
        const future = executor.submit((x: number) => x * 2, i);
        future.addDoneCallback(() => settled++);
        return future;
      });
      const results = await Promise.all(futures.map((f) => f.result()));
      assert.deepEqual(results, Array.from({ length: 1000 }, (_, i) => i * 2));
      assert.equal(settled, 1000);
    });

    test("submitWith(signal) fails the future with the reason", async () => {
      await using executor = new DistributedExecutor({ servers: server.url });
      const controller = new AbortController();
      const stuck = executor.submitWith(() => new Promise(() => {}), [], {
        signal: controller.signal,
      });
      while (!stuck.running()) await new Promise((resolve) => setTimeout(resolve, 10));
      controller.abort(new Error("enough"));
      await assert.rejects(stuck.result(), { message: "enough" });
      assert.equal(await executor.submit(() => "still usable"), "still usable");
    });

    test("shutdown: cancelFutures cancels the queued, lets the running finish; then no submit", async () => {
      const executor = new DistributedExecutor({ servers: server.url });
      const running = Array.from({ length: 4 }, () => executor.submit(sleepTask, 500, "done"));
      while (!running.every((f) => f.running())) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const queued = Array.from({ length: 3 }, () => executor.submit(() => "queued"));
      await executor.shutdown({ cancelFutures: true });
      assert.deepEqual(await Promise.all(running.map((f) => f.result())), Array(4).fill("done"));
      assert.ok(queued.every((f) => f.cancelled()));
      assert.throws(() => executor.submit(() => 1), InvalidStateError);
    });

    test("a program that never calls shutdown() still exits after its last result", async () => {
      const run = await runScript(testdata("distributed_forgotten"), [server.url], {
        timeoutMs: 30_000,
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, "2\n3\n");
    });

    test("a module export goes by reference", async () => {
      const { triple } = await import(TASKS_MODULE.href);
      await using executor = new DistributedExecutor({
        servers: server.url,
        modules: [TASKS_MODULE],
      });
      assert.equal(await executor.submit(triple, 14), 42);
    });
  },
);

// Workers and submitters started together each create the streams and the consumer if missing:
// whichever loses the race to create one must find it made, not fail ("subjects overlap with an
// existing stream" came back to one of two workers started at once).
test("clients that create the same queue at once all succeed", { skip }, async () => {
  const server = await startServer();
  try {
    for (let round = 0; round < 8; round++) {
      const resolved = resolveOptions(
        {
          servers: server.url,
          stream: `RACE_${round}`,
          subject: `race${round}.tasks`,
          resultStream: `RACE_${round}_RESULTS`,
          resultSubject: `race${round}.results`,
        },
        CONNECTION_OPTIONS,
        "race",
      );
      const clients = await Promise.all(Array.from({ length: 6 }, () => connect(resolved)));
      try {
        const outcomes = await Promise.allSettled(
          clients.map((nc, i) => ensureQueue(nc, resolved, i % 2 === 0 ? "create" : "update")),
        );
        const failed = outcomes.filter((outcome) => outcome.status === "rejected");
        assert.deepEqual(failed, [], `round ${round}`);
      } finally {
        await Promise.all(clients.map((nc) => nc.close()));
      }
    }
  } finally {
    await server.stop();
  }
});

describe("DistributedExecutor failures", { skip }, () => {
  after(killAll);

  test("kill -9 of a worker mid-task: the task finishes on the other within the ack window", async () => {
    const server = await startServer();
    const args = ["--servers", server.url, "--concurrency", "1", "--ack-wait", "2000"];
    const first = await startWorkerProcess(args);
    await using executor = new DistributedExecutor({ servers: server.url });
    // Returns the pid of the worker program whose local pool ran it (its child's parent).
    const slowPpid = () =>
      new Promise((resolve) =>
        setTimeout(
          () => resolve((globalThis as unknown as { process: { ppid: number } }).process.ppid),
          1500,
        )
      );
    const future = executor.submit(slowPpid);
    while (!future.running()) await new Promise((resolve) => setTimeout(resolve, 10));
    await first.kill("SIGKILL"); // mid-task: it runs for 1.5 s
    const killed = Date.now();
    const second = await startWorkerProcess(args);
    assert.equal(await future, second.pid); // redelivered to, and finished by, the other worker
    const ms = Date.now() - killed;
    // Up to 2 s of ack window after the last heartbeat, then 1.5 s of running; a generous bound.
    assert.ok(ms >= 1500 && ms < 2000 + 1500 + 5000, `redelivered and finished after ${ms} ms`);
    await second.kill();
    await server.stop();
  });

  test("cancel() of a queued task removes it from the queue: it never runs", async () => {
    const server = await startServer();
    await startWorkerProcess(["--servers", server.url, "--concurrency", "1"]);
    await using executor = new DistributedExecutor({ servers: server.url });
    const marker = join(mkdtempSync(join(tmpdir(), "cf-cancel-")), "ran");
    const mark = async (path: string) => {
      const { writeFileSync } = await import("node:fs");
      writeFileSync(path, "ran");
      return "ran";
    };
    const blocker = executor.submit(sleepTask, 500, "blocker");
    while (!blocker.running()) await new Promise((resolve) => setTimeout(resolve, 10));
    const queued = executor.submit(mark, marker);
    assert.equal(queued.cancel(), true);
    // One worker, one task at a time, first in first out: had the cancelled task stayed in the
    // queue, it would have run before this one.
    assert.equal(await executor.submit((x: number) => x, 7), 7);
    assert.equal(await blocker, "blocker");
    assert.equal(existsSync(marker), false);
    // The same task, not cancelled, does run (the test can fail).
    assert.equal(await executor.submit(mark, marker), "ran");
    assert.equal(existsSync(marker), true);
    rmSync(dirname(marker), { recursive: true, force: true });
  });

  test("SIGTERM: a running task finishes; with --grace, it goes back to the queue", async () => {
    const server = await startServer();
    await using executor = new DistributedExecutor({ servers: server.url });
    const ppidAfter = (ms: number) =>
      new Promise((resolve) =>
        setTimeout(
          () => resolve((globalThis as unknown as { process: { ppid: number } }).process.ppid),
          ms,
        )
      );
    // Plain SIGTERM: the task finishes there, then the worker exits 0.
    const patient = await startWorkerProcess(["--servers", server.url, "--concurrency", "1"]);
    const finishing = executor.submit(ppidAfter, 500);
    while (!finishing.running()) await new Promise((resolve) => setTimeout(resolve, 10));
    // kill() resolves once it has exited. (Not its exit code: Deno's child_process reports the
    // signal it sent even when the child handled it and exited 0.)
    await patient.kill("SIGTERM");
    assert.match(patient.output(), /SIGTERM, stopping/);
    assert.equal(await finishing, patient.pid); // its result was published before it exited
    // With --grace 100: the task is stopped and handed back; the next worker runs it.
    const hasty = await startWorkerProcess([
      "--servers",
      server.url,
      "--concurrency",
      "1",
      "--grace",
      "100",
    ]);
    const handedBack = executor.submit(ppidAfter, 3000);
    while (!handedBack.running()) await new Promise((resolve) => setTimeout(resolve, 10));
    await hasty.kill("SIGTERM");
    const next = await startWorkerProcess(["--servers", server.url, "--concurrency", "1"]);
    assert.equal(await handedBack, next.pid);
  });

  test("heartbeats: a task longer than ackWait is not redelivered", async () => {
    const server = await startServer();
    const args = ["--servers", server.url, "--concurrency", "1", "--ack-wait", "1000"];
    await Promise.all([startWorkerProcess(args), startWorkerProcess(args)]);
    await using executor = new DistributedExecutor({ servers: server.url });
    const log = join(mkdtempSync(join(tmpdir(), "cf-heartbeat-")), "runs");
    // Logs its start, then runs for 2.5 ackWaits: a redelivery would log a second start.
    const long = async (path: string) => {
      const { appendFileSync } = await import("node:fs");
      appendFileSync(path, "start\n");
      await new Promise((resolve) => setTimeout(resolve, 2500));
      return "done";
    };
    assert.equal(await executor.submit(long, log), "done");
    assert.equal(readFileSync(log, "utf8"), "start\n");
    rmSync(dirname(log), { recursive: true, force: true });
  });

  test("a --no-source worker refuses a function by source, runs module exports", async () => {
    const server = await startServer();
    await startWorkerProcess([
      "--servers",
      server.url,
      "--concurrency",
      "1",
      "--no-source",
      "--modules",
      TASKS_MODULE.href,
    ]);
    const { triple } = await import(TASKS_MODULE.href);
    await using executor = new DistributedExecutor({
      servers: server.url,
      modules: [TASKS_MODULE],
    });
    await assert.rejects(executor.submit((x: number) => x + 1, 1).result(), {
      name: "TypeError",
      message: /--no-source/,
    });
    assert.equal(await executor.submit(triple, 5), 15);
  });

  test("refused credentials fail the first submit with the server's reason", async () => {
    const server = await startServer(
      `authorization { users = [ { user: "submitter", password: "right" } ] }\n`,
    );
    const executor = new DistributedExecutor({
      servers: server.url,
      user: "submitter",
      pass: "wrong",
    });
    await assert.rejects(executor.submit(() => 1).result(), (error: Error) => {
      assert.ok(error instanceof BrokenExecutor);
      assert.match(error.message, /authorization/i);
      return true;
    });
    await executor.shutdown();
    await server.stop();
  });

  test("least privilege: submitters only enqueue, workers only consume and publish results", async () => {
    const server = await startServer(LEAST_PRIVILEGE);
    const as = (user: string) =>
      resolveOptions(
        { servers: server.url, user, pass: `${user}-pw` },
        CONNECTION_OPTIONS,
        user,
      );
    // An administrator creates the streams and the workers' consumer once.
    const admin = await connect(as("admin"));
    await ensureQueue(admin, as("admin"), "update");
    await admin.close();

    await startWorkerProcess([
      "--servers",
      server.url,
      "--user",
      "worker",
      "--pass",
      "worker-pw",
      "--concurrency",
      "1",
    ]);
    await using executor = new DistributedExecutor({
      servers: server.url,
      user: "submitter",
      pass: "submitter-pw",
    });
    assert.equal(await executor.submit((x: number) => x + 1, 41), 42);
    const blocker = executor.submit(sleepTask, 300, "blocker");
    const queued = executor.submit(() => "queued");
    assert.equal(queued.cancel(), true); // removing it from the queue is allowed
    assert.equal(await blocker, "blocker");

    const worker = await connect(as("worker"));
    await assert.rejects(
      jetstream(worker).publish("cf.tasks", new Uint8Array([1])),
      /Permissions Violation for Publish to "cf.tasks"/,
    );
    await worker.close();
    const submitter = await connect(as("submitter"));
    await assert.rejects(
      jetstream(submitter).consumers.get("CF_TASKS", "cf-workers").then((c) => c.next()),
      /Permissions Violation for Publish to "\$JS.API.CONSUMER.INFO.CF_TASKS.cf-workers"/,
    );
    await assert.rejects(
      jetstream(submitter).publish("cf.results.someone.1", new Uint8Array([1])),
      /Permissions Violation for Publish to "cf.results.someone.1"/,
    );
    await submitter.close();
  });

  test("a server that does not come back: in-flight futures fail clearly", async () => {
    const server = await startServer();
    await startWorkerProcess(["--servers", server.url, "--concurrency", "1"]);
    const executor = new DistributedExecutor({
      servers: server.url,
      maxReconnectAttempts: 3,
      reconnectTimeWait: 100,
    });
    const future = executor.submit(sleepTask, 5000, "never");
    while (!future.running()) await new Promise((resolve) => setTimeout(resolve, 10));
    await server.stop();
    await assert.rejects(future.result(), (error: Error) => {
      assert.ok(error instanceof BrokenExecutor);
      assert.match(error.message, /connection to NATS was closed/);
      return true;
    });
    assert.throws(() => executor.submit(() => 1), BrokenExecutor);
    await executor.shutdown();
  });

  test("a server restart: the in-flight task finishes", async () => {
    const server = await startServer();
    await startWorkerProcess([
      "--servers",
      server.url,
      "--concurrency",
      "1",
      "--reconnect-wait",
      "200",
    ]);
    await using executor = new DistributedExecutor({
      servers: server.url,
      reconnectTimeWait: 200,
    });
    const future = executor.submit(sleepTask, 1500, "survived");
    while (!future.running()) await new Promise((resolve) => setTimeout(resolve, 10));
    await server.stop();
    await server.restart();
    assert.equal(await future, "survived");
    assert.equal(await executor.submit(() => "after"), "after");
  });
});

test("examples/distributed_primes prints the primes example's output and exits", {
  skip,
}, async () => {
  const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  const example = new URL(`../examples/distributed_primes${ext}`, import.meta.url);
  const run = await runScript(example, [], { timeoutMs: 60_000 });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, PRIMES_OUTPUT);
});
