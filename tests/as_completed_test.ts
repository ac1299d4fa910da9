// Copyright 2026 the concurrent-futures authors. MIT license.
// Tests for lib/as_completed.ts. This module is runtime-neutral.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { asCompleted, Future, TimeoutError } from "../mod.ts";
import { countListeners, settle, sleep, trackTimers } from "./_helpers.ts";

function finished<T>(value: T): Future<T> {
  const future = new Future<T>();
  future.setResult(value);
  return future;
}

// TypeScript types the variable of `for await (const f of asCompleted(…))` as `Awaited<Future<T>>`,
// i.e. T, because a Future is thenable; at run time it is the Future (for-await does not await the
// values of an async iterator). Hence the casts in the loops below.
async function collect<T>(iterator: AsyncIterable<Future<T>>): Promise<Future<T>[]> {
  const out: Future<T>[] = [];
  for await (const future of iterator) out.push(future as unknown as Future<T>);
  return out;
}

describe("asCompleted()", () => {
  test("asCompleted() yields the futures themselves, not their results", async () => {
    const a = finished(1);
    const [first] = await collect(asCompleted([a]));
    assert.equal(first, a);
    assert.ok(first instanceof Future);
  });

  test("asCompleted() yields already-done futures first, then in completion order", async () => {
    const done1 = finished("d1");
    const done2 = new Future<string>();
    done2.cancel();
    const a = new Future<string>();
    const b = new Future<string>();
    const c = new Future<string>();
    const iterator = asCompleted([a, done1, b, c, done2]);
    setTimeout(() => c.setResult("c"), 1);
    setTimeout(() => a.setException(new Error("a")), 10);
    setTimeout(() => b.setResult("b"), 20);
    const order = await collect(iterator);
    assert.deepEqual(order.slice(0, 2), [done1, done2]);
    assert.deepEqual(order.slice(2), [c, a, b]);
  });

  test("asCompleted() buffers completions that happen while the consumer is busy", async () => {
    const futures = [new Future<number>(), new Future<number>(), new Future<number>()];
    const iterator = asCompleted(futures);
    futures[1]!.setResult(1);
    const seen: Future<number>[] = [];
    for await (const future of iterator) {
      seen.push(future as unknown as Future<number>);
      if (seen.length === 1) {
        futures[2]!.setResult(2);
        futures[0]!.setResult(0);
        await sleep(1);
      }
    }
    assert.deepEqual(seen, [futures[1], futures[2], futures[0]]);
  });

  test("asCompleted() yields each distinct future once", async () => {
    const a = finished(1);
    const b = new Future<number>();
    const iterator = asCompleted([a, b, a, b, b]);
    b.setResult(2);
    assert.deepEqual(await collect(iterator), [a, b]);
  });

  test("asCompleted() ends at once for no futures", async () => {
    using timers = trackTimers();
    assert.deepEqual(await asCompleted([]).next(), { value: undefined, done: true });
    assert.equal(timers.active, 0);
  });

  test("asCompleted() counts a cancellation as completion at once", async () => {
    const a = new Future<number>();
    const b = new Future<number>();
    const iterator = asCompleted([a, b]);
    const step = iterator.next();
    b.cancel();
    assert.equal((await step).value, b);
    await iterator.return!();
  });

  test("asCompleted() reads its input at the call", () => {
    let read = 0;
    function* futures(): Generator<Future<number>> {
      read++;
      yield finished(1);
      read++;
    }
    asCompleted(futures());
    assert.equal(read, 2);
  });

  test("asCompleted() throws at the call for a non-Future element or a bad timeout", () => {
    assert.throws(() => asCompleted([finished(1), {} as Future<number>]), {
      name: "TypeError",
      message: "asCompleted() expects futures: the element at index 1 is not a Future",
    });
    assert.throws(() => asCompleted(null as unknown as Future<number>[]), TypeError);
    assert.throws(() => asCompleted([], { timeout: "1" as unknown as number }), TypeError);
  });

  test("asCompleted() refuses an unknown option, suggesting its name", () => {
    assert.throws(() => asCompleted([finished(1)], { timeout_ms: 5 } as never), {
      name: "TypeError",
      message:
        'asCompleted(): unknown option "timeout_ms" (did you mean timeout?); known options: timeout',
    });
    assert.throws(() => asCompleted([], 5 as never), /options must be an object/);
  });

  test("asCompleted() of a Map of futures suggests .keys() or .values()", async () => {
    // Python's `{executor.submit(load, url): url for url in urls}` ported to a Map.
    const byFuture = new Map([[finished(1), "a"], [finished(2), "b"]]);
    assert.throws(() => asCompleted(byFuture as never), {
      name: "TypeError",
      message: "asCompleted() expects an iterable of futures, got a Map: pass map.keys() if the " +
        "futures are its keys, or map.values() if they are its values",
    });
    assert.throws(() => asCompleted(byFuture.entries() as never), {
      message: "asCompleted() expects futures: the element at index 0 is not a Future " +
        "(it is a [key, value] entry: pass map.keys())",
    });
    const byName = new Map([["a", finished(1)]]);
    assert.throws(() => asCompleted(byName.entries() as never), /pass map\.values\(\)\)$/);
    assert.throws(
      () => asCompleted({ a: finished(1) } as never),
      /pass Object\.values\(obj\) for an object of futures/,
    );
    const order: number[] = [];
    for await (const future of asCompleted(byFuture.keys())) order.push(await future);
    assert.deepEqual(order.sort(), [1, 2]);
  });

  test("asCompleted() serves concurrent next() calls in order", async () => {
    const a = new Future<number>();
    const b = new Future<number>();
    const iterator = asCompleted([a, b]);
    const steps = [iterator.next(), iterator.next(), iterator.next()];
    b.setResult(2);
    a.setResult(1);
    const results = await Promise.all(steps);
    assert.deepEqual(results.map((r) => r.value), [b, a, undefined]);
    assert.equal(results[2]!.done, true);
  });

  test("asCompleted() is its own async iterator", () => {
    const iterator = asCompleted([]);
    assert.equal(iterator[Symbol.asyncIterator](), iterator);
  });
});

describe("asCompleted() timeouts", () => {
  for (const timeout of [0, -1]) {
    test(`asCompleted() with timeout ${timeout} yields the done futures, then rejects`, async () => {
      using timers = trackTimers();
      const a = finished(1);
      const b = new Future<number>();
      const c = new Future<number>();
      const iterator = asCompleted([a, b, c, b], { timeout });
      assert.deepEqual(await iterator.next(), { value: a, done: false });
      await assert.rejects(iterator.next(), (e) => {
        assert.ok(e instanceof TimeoutError);
        assert.equal(e.message, `2 (of 3) futures unfinished after ${Math.max(timeout, 0)} ms`);
        return true;
      });
      assert.deepEqual(await iterator.next(), { value: undefined, done: true });
      assert.equal(timers.active, 0);
    });
  }

  test("asCompleted() with timeout 0 and everything done does not reject", async () => {
    const futures = [finished(1), finished(2)];
    assert.deepEqual(await collect(asCompleted(futures, { timeout: 0 })), futures);
  });

  test("asCompleted() rejects with TimeoutError when the deadline passes while waiting", async () => {
    using timers = trackTimers();
    const a = new Future<number>();
    const b = new Future<number>();
    const counts = [countListeners(a), countListeners(b)];
    const iterator = asCompleted([a, b], { timeout: 20 });
    setTimeout(() => a.setResult(1), 1);
    assert.equal((await iterator.next()).value, a);
    await assert.rejects(iterator.next(), {
      name: "TimeoutError",
      message: "1 (of 2) futures unfinished after 20 ms",
    });
    assert.deepEqual(counts.map((c) => c.live), [0, 0]);
    assert.equal(timers.active, 0);
  });

  test("asCompleted() counts the deadline from the call, not the first next()", async () => {
    const a = new Future<number>();
    const iterator = asCompleted([a], { timeout: 10 });
    await sleep(25);
    const started = performance.now();
    await assert.rejects(iterator.next(), TimeoutError);
    assert.ok(performance.now() - started < 10);
  });

  test("asCompleted() yields futures done before the deadline check, then reports the timeout", async () => {
    const a = new Future<number>();
    const b = new Future<number>();
    const c = new Future<number>();
    const iterator = asCompleted([a, b, c], { timeout: 5 });
    a.setResult(1);
    await sleep(15);
    b.setResult(2); // after the deadline, but before anyone looked: still yielded
    assert.equal((await iterator.next()).value, a);
    assert.equal((await iterator.next()).value, b);
    await assert.rejects(iterator.next(), { message: "1 (of 3) futures unfinished after 5 ms" });
  });

  test("asCompleted() with a timeout that does not expire runs a timer only while waiting", async () => {
    using timers = trackTimers();
    const a = new Future<number>();
    const iterator = asCompleted([a], { timeout: 10_000 });
    assert.equal(timers.active, 0);
    const step = iterator.next();
    await settle();
    assert.equal(timers.active, 1);
    a.setResult(1);
    assert.equal((await step).value, a);
    assert.equal(timers.active, 0);
    assert.equal((await iterator.next()).done, true);
  });
});

describe("asCompleted() early exit", () => {
  test("asCompleted() removes every listener when the loop breaks", async () => {
    using timers = trackTimers();
    const done = finished(0);
    const pending = [new Future<number>(), new Future<number>(), new Future<number>()];
    const counts = pending.map(countListeners);
    const iterator = asCompleted([done, ...pending], { timeout: 10_000 });
    assert.deepEqual(counts.map((c) => c.live), [1, 1, 1]);
    for await (const future of iterator) {
      assert.equal(future as unknown, done);
      break;
    }
    assert.deepEqual(counts.map((c) => c.live), [0, 0, 0]);
    assert.equal(timers.active, 0);
    assert.deepEqual(await iterator.next(), { value: undefined, done: true });
  });

  test("asCompleted() return() ends a pending next() and removes listeners and timers", async () => {
    using timers = trackTimers();
    const a = new Future<number>();
    const count = countListeners(a);
    const iterator = asCompleted([a], { timeout: 10_000 });
    const step = iterator.next();
    await settle();
    assert.equal(timers.active, 1);
    assert.deepEqual(await iterator.return!(), { value: undefined, done: true });
    assert.deepEqual(await step, { value: undefined, done: true });
    assert.equal(count.live, 0);
    assert.equal(timers.active, 0);
    a.setResult(1);
    assert.deepEqual(await iterator.next(), { value: undefined, done: true });
  });
});
