import { test } from "node:test";
import assert from "node:assert/strict";
import { SerializationError, ThreadPoolExecutor } from "../mod.ts";
import { executorContract } from "./_executor_contract.ts";
import { runScript, testdata } from "./_child.ts";

executorContract("thread");

test("ThreadPoolExecutor.submitWith() transfers an ArrayBuffer instead of copying it", async () => {
  await using pool = new ThreadPoolExecutor(1);
  const buffer = new Uint8Array([1, 2, 3, 4]).buffer;
  const future = pool.submitWith((b: ArrayBuffer) => b.byteLength, [buffer], {
    transfer: [buffer],
  });
  assert.equal(await future, 4);
  assert.equal(buffer.byteLength, 0, "the sender's buffer is detached");
});

test("ThreadPoolExecutor.submitWith() moves a transfer list at the call, even while the task is queued", async () => {
  await using pool = new ThreadPoolExecutor(1);
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const blocker = pool.submit((g: Int32Array) => {
    Atomics.wait(g, 0, 0, 5000);
  }, gate);
  const bytes = new Uint8Array([1, 2, 3]);
  const queued = pool.submitWith((b: ArrayBuffer) => new Uint8Array(b)[0], [bytes.buffer], {
    transfer: [bytes.buffer],
  });
  assert.equal(queued.state, "PENDING");
  assert.equal(bytes.byteLength, 0, "detached at once, not when a worker takes the task");
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
  await blocker;
  assert.equal(await queued, 1);
});

test("ThreadPoolExecutor.submitWith() transfers a MessagePort the task can post on", async () => {
  await using pool = new ThreadPoolExecutor(1);
  const { port1, port2 } = new MessageChannel();
  const received = new Promise((resolve) => {
    port1.onmessage = (event) => resolve(event.data);
  });
  const future = pool.submitWith(
    (port: MessagePort) => {
      port.postMessage("hello through the port");
      port.close();
      return "posted";
    },
    [port2],
    { transfer: [port2] },
  );
  assert.equal(await future, "posted");
  assert.equal(await received, "hello through the port");
  port1.close();
});

test("ThreadPoolExecutor: a large typed array arrives intact, copied or transferred", async () => {
  await using pool = new ThreadPoolExecutor(1);
  const sum = (view: Uint8Array) => {
    let total = 0;
    for (let i = 0; i < view.length; i++) total += view[i]!;
    return [view.length, total];
  };
  const view = new Uint8Array(1 << 20).map((_, i) => i & 0xff);
  const expected = [view.length, view.reduce((a, b) => a + b, 0)];
  assert.deepEqual(await pool.submit(sum, view), expected);
  assert.deepEqual(await pool.submitWith(sum, [view], { transfer: [view.buffer] }), expected);
  assert.equal(view.byteLength, 0, "the transferred buffer is detached");
});

test("ThreadPoolExecutor: a SharedArrayBuffer is shared with the worker", async () => {
  await using pool = new ThreadPoolExecutor(1);
  const shared = new Int32Array(new SharedArrayBuffer(4));
  await pool.submit((view: Int32Array) => {
    Atomics.store(view, 0, 42);
  }, shared);
  assert.equal(shared[0], 42);
});

/**
 * Holds the worker of a one-worker pool with a running task until `release()`. `gate[1]` is left
 * for the test (0 until a task writes it).
 */
async function holdWorker(pool: ThreadPoolExecutor) {
  const gate = new Int32Array(new SharedArrayBuffer(8));
  const blocker = pool.submit((g: Int32Array) => {
    Atomics.wait(g, 0, 0, 5000);
    return "released";
  }, gate);
  while (!blocker.running()) await new Promise((r) => setTimeout(r, 2));
  const release = () => {
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
  };
  return { gate, blocker, release };
}

// Each message to a thread costs a wake-up (on Deno a write(2) as well): what the host hands a
// busy worker at once leaves in one message, and the worker is topped up only once it holds 3 or
// fewer of its 8 (one running, 7 ahead), so that its work keeps travelling in large messages.
test("ThreadPoolExecutor: a busy worker is sent its work ahead in one message, and topped up in one", async () => {
  const { Worker } = await import("node:worker_threads");
  const original = Worker.prototype.postMessage;
  const tasksPerMessage: number[] = [];
  Worker.prototype.postMessage = function (this: unknown, message: unknown, transfer?: unknown) {
    const { t, messages } = message as { t?: string; messages?: unknown[] };
    if (t === "task") tasksPerMessage.push(1);
    if (t === "batch") tasksPerMessage.push(messages!.length);
    return original.call(this as InstanceType<typeof Worker>, message, transfer as never);
  };
  try {
    await using pool = new ThreadPoolExecutor(1);
    const { blocker, release } = await holdWorker(pool);
    tasksPerMessage.length = 0;
    const futures = Array.from({ length: 11 }, (_, i) => pool.submit((x: number) => x + 1, i));
    await new Promise((r) => setTimeout(r, 0)); // the host's flush
    assert.deepEqual(tasksPerMessage, [7], "7 ahead in one message; 4 stay queued");
    assert.equal(pool.stats().queued, 4);
    release();
    assert.equal(await blocker, "released");
    assert.deepEqual(await Promise.all(futures), futures.map((_, i) => i + 1));
    assert.deepEqual(tasksPerMessage, [7, 4]);
  } finally {
    Worker.prototype.postMessage = original;
  }
});

// Work sent ahead waits for the host's flush (a microtask), but work for an idle thread leaves
// inside submit(): a caller that then blocks until the task has run (sync-over-async with
// Atomics.wait, as synckit does) sees it run.
test("ThreadPoolExecutor: a task for an idle worker runs while the caller blocks synchronously", async () => {
  await using pool = new ThreadPoolExecutor(2);
  await Promise.all([pool.submit((x: number) => x, 1), pool.submit((x: number) => x, 2)]);
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const future = pool.submit((cell: Int32Array) => {
    Atomics.store(cell, 0, 1);
    Atomics.notify(cell, 0);
    return "stored";
  }, cell);
  // A timeout, so that a failure fails instead of hanging the suite. "not-equal": the task had
  // already stored 1 when the wait began, with no turn of this event loop since submit() either.
  const waited = Atomics.wait(cell, 0, 0, 30_000);
  assert.notEqual(waited, "timed-out", "the task ran while the host blocked");
  assert.equal(Atomics.load(cell, 0), 1);
  assert.equal(await future, "stored");
});

test("ThreadPoolExecutor: a queued future stays PENDING until a worker takes it", async () => {
  await using pool = new ThreadPoolExecutor(1);
  const { blocker, release } = await holdWorker(pool);
  const queued = pool.submit(() => "second");
  assert.equal(queued.state, "PENDING");
  assert.equal(queued.cancel(), true);
  release();
  assert.equal(await blocker, "released");
});

test("ThreadPoolExecutor: a task sent ahead to a busy worker still cancels, and never runs", async () => {
  await using pool = new ThreadPoolExecutor(1);
  const { gate, blocker, release } = await holdWorker(pool);
  const ahead = pool.submit((g: Int32Array) => Atomics.store(g, 1, 1), gate);
  await new Promise((r) => setTimeout(r, 20)); // it reaches the worker's queue
  assert.equal(ahead.state, "PENDING");
  assert.equal(ahead.cancel(), true);
  release();
  assert.equal(await blocker, "released");
  assert.equal(await pool.submit(() => "after"), "after");
  assert.equal(Atomics.load(gate, 1), 0, "the cancelled task never ran");
});

test("ThreadPoolExecutor: shutdown({ cancelFutures }) also cancels a task sent ahead, unstarted", async () => {
  const pool = new ThreadPoolExecutor(1);
  const { gate, blocker, release } = await holdWorker(pool);
  const ahead = pool.submit((g: Int32Array) => Atomics.store(g, 1, 1), gate);
  const closed = pool.shutdown({ cancelFutures: true });
  assert.equal(ahead.cancelled(), true);
  release();
  await closed;
  assert.equal(await blocker, "released");
  assert.equal(Atomics.load(gate, 1), 0, "the cancelled task never ran");
});

// Gates for tasks that wait until their cell is released.
function gates() {
  const cells = new Int32Array(new SharedArrayBuffer(8));
  const hold = (g: Int32Array, i: number) => {
    Atomics.wait(g, i, 0, 10_000);
    return i;
  };
  const release = (i: number) => {
    Atomics.store(cells, i, 1);
    Atomics.notify(cells, i);
  };
  return { cells, hold, release };
}

test("ThreadPoolExecutor: a task sent ahead turns RUNNING when its worker starts it", async () => {
  await using pool = new ThreadPoolExecutor(1);
  const { cells, hold, release } = gates();
  const first = pool.submit(hold, cells, 0);
  while (!first.running()) await new Promise((r) => setTimeout(r, 2));
  const second = pool.submit(hold, cells, 1);
  assert.equal(second.state, "PENDING");
  release(0);
  assert.equal(await first, 0);
  while (!second.running()) await new Promise((r) => setTimeout(r, 2));
  assert.equal(second.cancel(), false, "a started task cannot be cancelled");
  release(1);
  assert.equal(await second, 1);
});

test("ThreadPoolExecutor: a worker that falls idle takes back work queued behind a long task", async () => {
  await using pool = new ThreadPoolExecutor(2);
  const { cells, hold, release } = gates();
  const long = pool.submit(hold, cells, 0);
  const short = pool.submit(hold, cells, 1);
  // Both workers are busy, so this one is sent ahead to one of them.
  const behind = pool.submit(() => "ran");
  try {
    while (!long.running() || !short.running()) await new Promise((r) => setTimeout(r, 2));
    release(1);
    assert.equal(await short, 1);
    // Whichever worker it was sent to, it runs now, while the long task still holds the other.
    assert.equal(await behind.result({ timeout: 5000 }), "ran");
    assert.equal(long.running(), true);
  } finally {
    release(0);
  }
  assert.equal(await long, 0);
});

test("ThreadPoolExecutor: every task sent ahead behind a long one stays PENDING and runs on the idle worker", async () => {
  await using pool = new ThreadPoolExecutor(2);
  const { cells, hold, release } = gates();
  const long = pool.submit(hold, cells, 0);
  const short = pool.submit(hold, cells, 1);
  try {
    while (!long.running() || !short.running()) await new Promise((r) => setTimeout(r, 2));
    // More than a worker can hold ahead: some of these wait in both workers' queues.
    const behind = Array.from({ length: 10 }, (_, i) => pool.submit((x: number) => x * 2, i));
    await new Promise((r) => setTimeout(r, 20)); // what was sent ahead reaches the workers
    assert.deepEqual(new Set(behind.map((f) => f.state)), new Set(["PENDING"]));
    assert.equal(behind[9]!.cancel(), true);
    assert.equal(behind[0]!.cancel(), true);
    release(1);
    assert.equal(await short, 1);
    // The worker that finished `short` runs all of them, those taken back from the other too.
    const values = await Promise.all(behind.slice(1, 9).map((f) => f.result({ timeout: 5000 })));
    assert.deepEqual(values, [2, 4, 6, 8, 10, 12, 14, 16]);
    assert.equal(long.running(), true);
    assert.equal(behind[9]!.cancelled(), true);
    assert.equal(behind[0]!.cancelled(), true);
  } finally {
    release(0);
  }
  assert.equal(await long, 0);
});

// Python's thread pool starts queued tasks in the order they were submitted (one shared queue).
// Here the first task holds one worker; the others must still start 2, 3, 4, … on the second one,
// not first the ones sent ahead to it and only then those taken back from behind the long task.
test("ThreadPoolExecutor: queued tasks start in the order they were submitted, past a long one", async () => {
  await using pool = new ThreadPoolExecutor(2);
  const { cells, hold, release } = gates();
  const warm = [pool.submit(hold, cells, 0), pool.submit(hold, cells, 1)];
  while (!warm.every((f) => f.running())) await new Promise((r) => setTimeout(r, 2));
  release(0);
  release(1);
  await Promise.all(warm); // two idle workers
  const log = new Int32Array(new SharedArrayBuffer(4 * 16));
  const gate = new Int32Array(new SharedArrayBuffer(4));
  // Each takes a while: tasks that start within STUCK_MS (5 ms) of each other on two workers may
  // start in either order (see _sent_ahead.ts).
  const record = (log: Int32Array, n: number) => {
    log[1 + Atomics.add(log, 0, 1)] = n;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 15);
    return n;
  };
  const long = pool.submit(
    (log: Int32Array, gate: Int32Array) => {
      log[1 + Atomics.add(log, 0, 1)] = 1;
      Atomics.wait(gate, 0, 0, 10_000);
      return 1;
    },
    log,
    gate,
  );
  try {
    const rest = [2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => pool.submit(record, log, n));
    const done = await Promise.all(rest.map((f) => f.result({ timeout: 10_000 })));
    assert.deepEqual(done, [2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const starts = [...log.slice(1, 1 + Atomics.load(log, 0))];
    // 1 and 2 go to the two idle workers at once: either may start first, as in Python.
    assert.deepEqual(starts.filter((n) => n !== 1), [2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.ok(starts.includes(1));
  } finally {
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
  }
  assert.equal(await long, 1);
});

test("ThreadPoolExecutor: a task starts a new worker rather than wait behind a busy one", async () => {
  await using pool = new ThreadPoolExecutor(2);
  const { cells, hold, release } = gates();
  await pool.submit(() => 0); // one worker so far
  const held = pool.submit(hold, cells, 0);
  try {
    while (!held.running()) await new Promise((r) => setTimeout(r, 2));
    assert.equal(await pool.submit(() => "second").result({ timeout: 5000 }), "second");
  } finally {
    release(0);
  }
  assert.equal(await held, 0);
});

test("ThreadPoolExecutor: a function first sent with work that was taken back still runs on that worker later", async () => {
  await using pool = new ThreadPoolExecutor(2);
  const { cells, hold, release } = gates();
  await pool.submit(() => 0); // one worker so far: the first of the Set
  const long = pool.submit(hold, cells, 0); // on the first worker
  const short = pool.submit(hold, cells, 1); // on the second, once it has started
  while (!long.running() || !short.running()) await new Promise((r) => setTimeout(r, 2));
  const fresh = (x: number) => x * 3; // never sent before: its source goes with this task
  const behind = pool.submit(fresh, 1); // sent ahead to the first worker, behind `long`
  release(1);
  assert.equal(await short, 1);
  assert.equal(await behind, 3); // taken back by the second worker
  release(0);
  assert.equal(await long, 0);
  // The first worker is idle and first in line: it runs `fresh` by key, having seen its source.
  assert.deepEqual(await Promise.all([pool.submit(fresh, 2), pool.submit(fresh, 3)]), [6, 9]);
});

test("ThreadPoolExecutor: uncloneable values inside a Map and Set are refused with their path", async () => {
  await using pool = new ThreadPoolExecutor(1);
  const error = await pool.submit((_m: unknown) => 1, new Map([["k", { f: () => 1 }]])).exception();
  assert.ok(error instanceof SerializationError);
  assert.match(error.path, /^args\[0\]/);
});

test("ThreadPoolExecutor: a script that never calls shutdown() still exits when its work is done", async () => {
  const run = await runScript(testdata("forgotten_pool"), ["thread"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /result 42/);
});

test("ThreadPoolExecutor: a script with only an idle pool exits at once", async () => {
  const run = await runScript(testdata("forgotten_pool"), ["thread", "idle"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /idle/);
});
