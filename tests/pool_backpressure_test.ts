// maxQueue, QueueFullError and room() on both pools, and map() over a bounded queue (issue #18,
// part 3).

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ProcessPoolExecutor, QueueFullError, ThreadPoolExecutor } from "../mod.ts";
import { netGate, waitAtGate } from "./_net_gate.ts";

/**
 * Submits quick tasks until `maxQueue` of them wait in the queue (how many a busy worker takes
 * ahead first is the pool's business) and returns their futures.
 */
function fill(pool: ThreadPoolExecutor | ProcessPoolExecutor, maxQueue: number) {
  const futures = [];
  while (pool.stats().queued < maxQueue) {
    assert.ok(futures.length < 20, "the queue fills up");
    futures.push(pool.submit((x: number) => x, futures.length));
  }
  return futures;
}

/** Whether `promise` is still pending after the current macrotask. */
async function pending(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(() => settled = true, () => settled = true);
  await new Promise((resolve) => setTimeout(resolve, 0));
  return !settled;
}

test("QueueFullError: its name, its maxQueue and a message that says what to do", () => {
  const error = new QueueFullError(8);
  assert.equal(error.name, "QueueFullError");
  assert.equal(error.maxQueue, 8);
  assert.equal(
    error.message,
    "the pool's queue is full (maxQueue: 8); await pool.room() before submitting more",
  );
  assert.ok(error instanceof Error);
});

for (const Pool of [ThreadPoolExecutor, ProcessPoolExecutor]) {
  const name = Pool.name;
  describe(`${name} maxQueue`, () => {
    test(`${name}: a bad maxQueue is refused, naming it`, () => {
      assert.throws(() => new Pool({ maxQueue: 0 }), {
        name: "RangeError",
        message: /^maxQueue must be at least 1 .*, got 0; leave it out for no limit$/,
      });
      assert.throws(() => new Pool({ maxQueue: 2.5 }), {
        name: "TypeError",
        message: "maxQueue must be an integer, got 2.5 (number)",
      });
      assert.throws(() => new Pool({ maxQueue: "4" as never }), {
        name: "TypeError",
        message: 'maxQueue must be an integer, got "4"',
      });
    });

    test(`${name}.submit() past maxQueue throws QueueFullError at once, losing nothing`, async () => {
      await using pool = new Pool({ maxWorkers: 1, maxQueue: 2 });
      await using gate = await netGate(); // disposed first: opened before the pool shuts down
      const running = pool.submit(waitAtGate, gate.port, "running");
      await gate.arrived(1);
      const accepted = fill(pool, 2);
      const before = pool.stats();
      assert.throws(() => pool.submit(() => "refused"), {
        name: "QueueFullError",
        message: /maxQueue: 2/,
      });
      assert.throws(() => pool.submitWith(() => "refused", []), QueueFullError);
      assert.deepEqual(pool.stats(), before, "nothing was queued, counted or started");
      gate.open();
      assert.equal(await running, "running");
      assert.deepEqual(await Promise.all(accepted), accepted.map((_, i) => i));
      assert.equal(pool.stats().completed, accepted.length + 1);
    });

    test(`${name}.room() resolves once a task leaves the full queue`, async () => {
      await using pool = new Pool({ maxWorkers: 1, maxQueue: 1 });
      await using gate = await netGate(); // disposed first: opened before the pool shuts down
      await pool.room(); // empty: at once
      const running = pool.submit(waitAtGate, gate.port, "running");
      await gate.arrived(1);
      const behind = fill(pool, 1);
      assert.throws(() => pool.submit(() => "refused"), QueueFullError);
      const room = pool.room();
      const second = pool.room();
      assert.equal(await pending(room), true, "no room while the queue is full");
      gate.open();
      await Promise.all([room, second]); // every waiter is woken
      assert.equal(await pool.submit(() => "now accepted"), "now accepted");
      await Promise.all([running, ...behind]);
    });

    test(`${name}: cancelling a queued task makes room`, async () => {
      await using pool = new Pool({ maxWorkers: 1, maxQueue: 1 });
      await using gate = await netGate(); // disposed first: opened before the pool shuts down
      const running = pool.submit(waitAtGate, gate.port, "running");
      await gate.arrived(1);
      const behind = fill(pool, 1);
      const room = pool.room();
      assert.equal(await pending(room), true);
      assert.equal(behind.at(-1)!.cancel(), true);
      await room;
      assert.equal(pool.stats().queued, 0);
      const accepted = pool.submit(() => "accepted");
      gate.open();
      assert.equal(await accepted, "accepted");
      await Promise.all([running, ...behind.slice(0, -1)]);
    });

    test(`${name}.room() resolves at shutdown, and submit() then says why`, async () => {
      await using pool = new Pool({ maxWorkers: 1, maxQueue: 1 });
      await using gate = await netGate(); // disposed first: opened before the pool shuts down
      const running = pool.submit(waitAtGate, gate.port, "running");
      await gate.arrived(1);
      const behind = fill(pool, 1);
      const room = pool.room();
      const closed = pool.shutdown({ cancelFutures: true });
      await room;
      assert.throws(() => pool.submit(() => 1), { name: "InvalidStateError" });
      assert.equal(behind.at(-1)!.cancelled(), true);
      gate.open();
      await closed;
      assert.equal(await running, "running");
    });

    test(`${name}: without maxQueue, room() resolves at once and submit() never refuses`, async () => {
      await using pool = new Pool(1);
      const futures = Array.from({ length: 50 }, (_, i) => pool.submit((x: number) => x, i));
      await pool.room();
      assert.equal((await Promise.all(futures)).length, 50);
    });
  });

  describe(`${name} map() with maxQueue`, () => {
    const items = Array.from({ length: 40 }, (_, i) => i);
    const doubled = items.map((x) => x * 2);
    const collect = async (results: AsyncIterable<number>) => {
      const out: number[] = [];
      for await (const value of results) out.push(value);
      return out;
    };

    test(`${name}.map() over a sync input waits for room instead of failing`, async () => {
      await using pool = new Pool({ maxWorkers: 2, maxQueue: 2 });
      let most = 0;
      pool.on("taskStart", () => most = Math.max(most, pool.stats().queued));
      const results = pool.map((x: number) => x * 2, items);
      assert.ok(pool.stats().queued <= 2, "the call submits only what the queue takes");
      assert.deepEqual(await collect(results), doubled);
      assert.ok(most <= 2);
      assert.equal(pool.stats().completed, 40);
    });

    test(`${name}.map() with chunks, buffersize, starmap and an async input, over maxQueue 1`, async () => {
      await using pool = new Pool({ maxWorkers: 2, maxQueue: 1 });
      const double = (x: number) => x * 2;
      assert.deepEqual(await collect(pool.map(double, items, { chunksize: 3 })), doubled);
      assert.deepEqual(await collect(pool.map(double, items, { buffersize: 4 })), doubled);
      const pairs = items.map((x) => [x, 2] as [number, number]);
      assert.deepEqual(
        await collect(pool.starmap((a: number, b: number) => a * b, pairs)),
        doubled,
      );
      async function* numbers() {
        yield* items;
      }
      assert.deepEqual(await collect(pool.map(double, numbers(), { chunksize: 2 })), doubled);
    });

    test(`${name}.map() stalled on a full queue: abort and leaving the loop end it cleanly`, async () => {
      await using pool = new Pool({ maxWorkers: 1, maxQueue: 1 });
      await using gate = await netGate(); // disposed first: opened before the pool shuts down
      const running = pool.submit(waitAtGate, gate.port, -1);
      await gate.arrived(1);
      const controller = new AbortController();
      const aborted = pool.map((x: number) => x, items, { signal: controller.signal });
      const reading = aborted.next();
      controller.abort(new Error("enough"));
      await assert.rejects(reading, { message: "enough" });
      const left = pool.map((x: number) => x, items);
      assert.deepEqual(await left.return!(), { value: undefined, done: true });
      gate.open();
      assert.equal(await running, -1);
      await pool.shutdown();
      const stats = pool.stats();
      assert.ok(
        stats.completed + stats.cancelled < 2 * items.length,
        "the rest was never submitted",
      );
      assert.equal(stats.queued + stats.running, 0);
    });
  });
}

test("ThreadPoolExecutor.submitWith() refused by a full queue leaves its transfer list alone", async () => {
  await using pool = new ThreadPoolExecutor({ maxWorkers: 1, maxQueue: 1 });
  const first = pool.submit(() => "first"); // queued while the worker starts
  const bytes = new Uint8Array([1, 2, 3]);
  assert.throws(
    () =>
      pool.submitWith((b: ArrayBuffer) => b.byteLength, [bytes.buffer], {
        transfer: [bytes.buffer],
      }),
    QueueFullError,
  );
  assert.equal(bytes.byteLength, 3, "not detached: the caller still has it");
  assert.equal(await first, "first");
});
