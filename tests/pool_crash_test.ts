// Pools and crashed workers (issue #16, items 4 and 5): per-thread memory limits, and
// `onWorkerCrash: "replace"`, which replaces a dead worker and fails only what it held, while a
// crash loop still breaks the pool.

import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import {
  BrokenExecutor,
  BrokenProcessPool,
  BrokenThreadPool,
  type Future,
  ProcessPoolExecutor,
  ThreadPoolExecutor,
} from "../mod.ts";
import { runScript, testdata } from "./_child.ts";

const ON_BUN = "Bun" in globalThis;

type Pool = ThreadPoolExecutor | ProcessPoolExecutor;
const POOLS = [
  { kind: "thread", Pool: ThreadPoolExecutor, Broken: BrokenThreadPool },
  { kind: "process", Pool: ProcessPoolExecutor, Broken: BrokenProcessPool },
] as const;

const exitWith = (code: number) => process.exit(code);
const double = (x: number) => x * 2;

// The cause of a future's Broken* error.
async function causeOf(future: Future<unknown>): Promise<Error> {
  const error = await future.exception();
  assert.ok(error instanceof BrokenExecutor, `a Broken* error, got ${error}`);
  return error.cause as Error;
}

// ── resourceLimits ──────────────────────────────────────────────────────────────────────────────

test("resourceLimits: a wrong shape is refused with an error naming its path", () => {
  const refused = (resourceLimits: unknown, error: { name: string; message: string }) =>
    assert.throws(() => new ThreadPoolExecutor({ resourceLimits: resourceLimits as never }), error);
  refused(64, {
    name: "TypeError",
    message: "resourceLimits must be an object such as { maxOldGenerationSizeMb: 256 }, got " +
      "64 (number)",
  });
  refused([], {
    name: "TypeError",
    message: "resourceLimits must be an object such as { maxOldGenerationSizeMb: 256 }, got " +
      "an array",
  });
  refused({ maxOldSpaceSizeMb: 64 }, {
    name: "TypeError",
    message: 'unknown key "maxOldSpaceSizeMb" in resourceLimits; known keys: ' +
      "maxOldGenerationSizeMb, maxYoungGenerationSizeMb, codeRangeSizeMb, stackSizeMb",
  });
  refused({ maxOldGenerationSizeMb: "64" }, {
    name: "TypeError",
    message: 'resourceLimits.maxOldGenerationSizeMb must be a finite number of MB, got "64"',
  });
  refused({ stackSizeMb: Infinity }, {
    name: "TypeError",
    message: "resourceLimits.stackSizeMb must be a finite number of MB, got Infinity (number)",
  });
  refused({ maxYoungGenerationSizeMb: 0 }, {
    name: "RangeError",
    message: "resourceLimits.maxYoungGenerationSizeMb must be greater than 0, got 0",
  });
  refused({ codeRangeSizeMb: -1 }, {
    name: "RangeError",
    message: "resourceLimits.codeRangeSizeMb must be greater than 0, got -1",
  });
  // The process pool has no such option: runtimeArgs caps a child's heap.
  assert.throws(
    () => new ProcessPoolExecutor({ resourceLimits: {} } as never),
    { name: "TypeError", message: /^ProcessPoolExecutor: unknown option "resourceLimits"/ },
  );
});

test(
  "resourceLimits: refused on Bun, whose threads ignore them, pointing to the process pool",
  {
    skip: ON_BUN ? false : "Node and Deno enforce them",
  },
  () => {
    const limits = { maxOldGenerationSizeMb: 64 };
    assert.throws(() => new ThreadPoolExecutor({ resourceLimits: limits }), (error: Error) => {
      assert.equal(error.name, "TypeError");
      assert.match(error.message, /^resourceLimits cannot be enforced on Bun: /);
      assert.match(error.message, /ProcessPoolExecutor/);
      assert.match(error.message, /--smol/);
      return true;
    });
    // Nothing to enforce, nothing refused.
    new ThreadPoolExecutor({ resourceLimits: {} }).shutdown();
  },
);

// Allocates until the thread's heap is full: synchronously, or after awaits (on Deno the two end
// differently: see lib/runtime/_deno_thread.ts).
const hog = () => {
  const kept: number[][] = [];
  for (;;) kept.push(new Array(100_000).fill(1));
};
const asyncHog = async () => {
  await new Promise((resolve) => setTimeout(resolve, 1));
  const kept: number[][] = [];
  for (;;) {
    kept.push(new Array(100_000).fill(1));
    if (kept.length % 16 === 0) await null;
  }
};
const keptHog = () => {
  // Holds on to what it allocated, past the task's end: the heap stays full.
  const kept: number[][] = ((globalThis as { kept?: number[][] }).kept ??= []);
  for (;;) kept.push(new Array(100_000).fill(1));
};

for (const [name, task] of [["sync", hog], ["async", asyncHog], ["kept", keptHog]] as const) {
  test(
    `resourceLimits: a task that allocates without end (${name}) fails its future, and the program lives on`,
    {
      skip: ON_BUN ? "refused on Bun (see the test above)" : false,
    },
    async () => {
      // As any crash: the pool breaks by default.
      {
        await using pool = new ThreadPoolExecutor({
          maxWorkers: 1,
          resourceLimits: { maxOldGenerationSizeMb: 64 },
        });
        const cause = await causeOf(pool.submit(task)) as Error & { code?: string };
        assert.equal(cause.code, "ERR_WORKER_OUT_OF_MEMORY");
        assert.match(cause.message, /memory limit/);
        assert.throws(() => pool.submit(double, 1), BrokenThreadPool);
      }
      // Replacing crashed workers: only the hog fails; the work queued behind it runs.
      await using pool = new ThreadPoolExecutor({
        maxWorkers: 1,
        resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 },
        onWorkerCrash: "replace",
      });
      const failed = pool.submit(task);
      const queued = pool.submit(double, 21);
      const cause = await causeOf(failed) as Error & { code?: string };
      assert.equal(cause.code, "ERR_WORKER_OUT_OF_MEMORY");
      assert.equal(await queued, 42);
      assert.equal(await pool.submit(double, 4), 8);
    },
  );
}

test("resourceLimits: a thread within its limits serves on, idle, busy or awaiting", {
  skip: ON_BUN ? "refused on Bun" : false,
}, async () => {
  await using pool = new ThreadPoolExecutor({
    maxWorkers: 2,
    resourceLimits: { maxOldGenerationSizeMb: 64 },
  });
  // Garbage well beyond the limit in all, but never more than a few MB alive at once.
  const churn = (rounds: number) => {
    let total = 0;
    for (let i = 0; i < rounds; i++) total += new Array(100_000).fill(1).length;
    return total;
  };
  const awaiting = pool.submit(async () => {
    await new Promise((resolve) => setTimeout(resolve, 400));
    return "awaited";
  });
  assert.deepEqual(await Promise.all([1, 2, 3].map(() => pool.submit(churn, 300))), [
    30_000_000,
    30_000_000,
    30_000_000,
  ]);
  assert.equal(await awaiting, "awaited");
  await new Promise((resolve) => setTimeout(resolve, 300)); // idle, past several checks
  assert.equal(await pool.submit(double, 21), 42);
  const stats = pool.stats();
  assert.equal(stats.state, "running");
  assert.equal(stats.failed, 0);
});

test("a process pool child capped by runtimeArgs runs out of memory alone, and is replaced", {
  skip: ON_BUN ? "Bun has no heap cap for its children (--smol only makes them thriftier)" : false,
}, async () => {
  const run = await runScript(testdata("oom_child"), [], { timeoutMs: 30_000 });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(
    run.stdout,
    /^BrokenProcessPool: the worker ended with signal SIG[A-Z]+\nafter: 42\nagain: usable\nprogram goes on\n$/,
  );
});

// ── onWorkerCrash ───────────────────────────────────────────────────────────────────────────────

test('onWorkerCrash: anything but "break" or "replace" is refused', () => {
  for (const Pool of [ThreadPoolExecutor, ProcessPoolExecutor]) {
    assert.throws(() => new Pool({ onWorkerCrash: "restart" as never }), {
      name: "TypeError",
      message: 'onWorkerCrash must be "break" or "replace", got "restart"',
    });
    assert.throws(() => new Pool({ onWorkerCrash: true as never }), {
      name: "TypeError",
      message: 'onWorkerCrash must be "break" or "replace", got true (boolean)',
    });
  }
});

for (const { kind, Pool, Broken } of POOLS) {
  test(`${kind} pool, onWorkerCrash "break" (default): the dead worker's future says how it ended`, async () => {
    await using pool: Pool = new Pool({ maxWorkers: 1 });
    const crashed = pool.submit(exitWith, 3);
    const error = await crashed.exception();
    assert.ok(error instanceof Broken);
    assert.equal((error.cause as Error).message, "the worker ended with exit code 3");
    assert.throws(() => pool.submit(double, 1), Broken);
  });

  test(`${kind} pool, onWorkerCrash "replace": process.exit() in a task fails only that future`, async () => {
    await using pool: Pool = new Pool({ maxWorkers: 2, onWorkerCrash: "replace" });
    // A child's work sent ahead fails with it (it was RUNNING: next test); a child gets work ahead
    // only while more than maxWorkers tasks wait, so with four nothing goes ahead. A thread's goes
    // back to the queue.
    const inputs = kind === "process" ? [0, 1, 2, 3] : [0, 1, 2, 3, 4, 5];
    const futures = inputs.map((i) =>
      pool.submit((i: number) => {
        if (i === 2) process.exit(3);
        return i;
      }, i)
    );
    for (const [i, future] of futures.entries()) {
      if (i !== 2) {
        assert.equal(await future, i);
        continue;
      }
      const error = await future.exception();
      assert.ok(error instanceof Broken, String(error));
      assert.equal(
        error.message,
        `A ${kind} in the ${kind} pool was terminated abruptly while the future was running or ` +
          "pending.",
      );
      assert.equal((error.cause as Error).message, "the worker ended with exit code 3");
    }
    assert.equal(await pool.submit(double, 21), 42);
  });

  if (kind === "process") {
    test(`process pool, onWorkerCrash "replace": the task sent ahead to a child that dies fails with it`, async () => {
      // One child: task 0 starts, and with two queued behind it (more than maxWorkers) task 1 goes
      // ahead to the child, RUNNING, as in Python's call queue; task 2 waits in the pool's queue.
      await using pool: Pool = new Pool({ maxWorkers: 1, onWorkerCrash: "replace" });
      const futures = [0, 1, 2].map((i) =>
        pool.submit((i: number) => {
          if (i === 0) process.exit(3);
          return i;
        }, i)
      );
      for (const future of futures.slice(0, 2)) {
        const error = await future.exception();
        assert.ok(error instanceof Broken, String(error));
        assert.equal((error.cause as Error).message, "the worker ended with exit code 3");
      }
      assert.equal(await futures[2], 2);
      assert.equal(await pool.submit(double, 21), 42);
    });
  }

  test(`${kind} pool, onWorkerCrash "replace": a worker that dies in its initializer breaks the pool, never spins`, async () => {
    // Every replacement would die the same way: the first death before a worker is ready breaks
    // the pool. (Threads count their starts in shared memory; children cannot.)
    const starts = new Int32Array(new SharedArrayBuffer(4));
    await using pool: Pool = new Pool({
      maxWorkers: 2,
      onWorkerCrash: "replace",
      initializer: (counter?: Int32Array) => {
        if (counter) Atomics.add(counter, 0, 1);
        process.exit(4);
      },
      initargs: kind === "thread" ? [starts] : [],
    });
    const futures = [1, 2, 3, 4].map((i) => pool.submit(double, i));
    for (const future of futures) {
      assert.equal((await causeOf(future)).message, "the worker ended with exit code 4");
    }
    assert.throws(() => pool.submit(double, 1), Broken);
    if (kind === "thread") assert.ok(Atomics.load(starts, 0) <= 2, `${starts[0]} starts`);
  });

  test(`${kind} pool, onWorkerCrash "replace": 2 × maxWorkers crashes in a row break the pool`, async () => {
    await using pool: Pool = new Pool({ maxWorkers: 1, onWorkerCrash: "replace" });
    assert.equal(await pool.submit(double, 1), 2); // a task finished: the count starts at 0
    // One at a time: a process pool would send a task ahead to the busy child, and it would die
    // with the first (RUNNING there, it fails with it).
    const first = pool.submit(exitWith, 5);
    assert.equal((await causeOf(first)).message, "the worker ended with exit code 5");
    const second = pool.submit(exitWith, 6);
    const queued = pool.submit(double, 2);
    assert.equal((await causeOf(second)).message, "the worker ended with exit code 6");
    // The second crash in a row broke the pool: what was queued behind it fails with its cause.
    assert.equal((await causeOf(queued)).message, "the worker ended with exit code 6");
    assert.throws(() => pool.submit(double, 1), {
      message: `A ${
        kind === "thread" ? "thread worker" : "child process"
      } terminated abruptly, the ${kind} pool is not usable anymore`,
    });
  });

  test(`${kind} pool, onWorkerCrash "replace": crashes between finished tasks never break the pool`, async () => {
    await using pool: Pool = new Pool({ maxWorkers: 1, onWorkerCrash: "replace" });
    for (let i = 0; i < 4; i++) {
      const crashed = pool.submit(exitWith, 7);
      assert.equal((await causeOf(crashed)).message, "the worker ended with exit code 7");
      assert.equal(await pool.submit(double, i), 2 * i);
    }
    assert.equal(await pool.submit(double, 21), 42);
  });
}

test('process pool, onWorkerCrash "replace": a child killed from outside fails only its task', async () => {
  await using pool = new ProcessPoolExecutor({ maxWorkers: 1, onWorkerCrash: "replace" });
  const pid = await pool.submit(() => process.pid);
  const sleeper = pool.submit(() => new Promise((resolve) => setTimeout(resolve, 10_000)));
  // One task queued behind a busy child is not sent ahead to it (see docs/api.md): it waits here.
  const queued = pool.submit(() => process.pid);
  while (!sleeper.running()) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(queued.state, "PENDING");
  process.kill(pid, "SIGKILL");
  assert.equal((await causeOf(sleeper)).message, "the worker ended with signal SIGKILL");
  const replacement = await queued;
  assert.notEqual(replacement, pid);
  assert.deepEqual(await Promise.all([5, 6, 7].map((i) => pool.submit(double, i))), [10, 12, 14]);
});

test('thread pool, onWorkerCrash "replace": work sent ahead to the crashed thread, unstarted, runs on its replacement', async () => {
  await using pool = new ThreadPoolExecutor({ maxWorkers: 1, onWorkerCrash: "replace" });
  assert.equal(await pool.submit(double, 0), 0); // the worker is up: work goes ahead to it
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const crash = pool.submit((g: Int32Array) => {
    Atomics.wait(g, 0, 0, 10_000);
    process.exit(9);
  }, gate);
  const behind = [1, 2, 3].map((i) => pool.submit(double, i));
  while (!crash.running()) await new Promise((resolve) => setTimeout(resolve, 5));
  for (const future of behind) assert.equal(future.state, "PENDING");
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
  assert.equal((await causeOf(crash)).message, "the worker ended with exit code 9");
  assert.deepEqual(await Promise.all(behind), [2, 4, 6]);
});

test('process pool, onWorkerCrash "replace": killWorkers() still breaks the pool, replacing nothing', async () => {
  const pool = new ProcessPoolExecutor({ maxWorkers: 1, onWorkerCrash: "replace" });
  const running = pool.submit(() => new Promise(() => {}));
  while (!running.running()) await new Promise((resolve) => setTimeout(resolve, 5));
  await pool.killWorkers();
  assert.ok(await running.exception() instanceof BrokenProcessPool);
  assert.throws(() => pool.submit(double, 1), BrokenProcessPool);
});
