// Copyright 2026 the concurrent-futures authors. MIT license.
// Tests for lib/wait.ts. This module is runtime-neutral.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  ALL_COMPLETED,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  Future,
  type ReturnWhen,
  wait,
} from "../mod.ts";
import { countListeners, settle, sleep, trackTimers } from "./_helpers.ts";

function finished<T>(value: T): Future<T> {
  const future = new Future<T>();
  future.setResult(value);
  return future;
}
function failed(error: unknown = new Error("failed")): Future<never> {
  const future = new Future<never>();
  future.setException(error);
  return future;
}
function cancelled(): Future<never> {
  const future = new Future<never>();
  future.cancel();
  return future;
}

describe("wait()", () => {
  test("the constants equal their names", () => {
    assert.equal(FIRST_COMPLETED, "FIRST_COMPLETED");
    assert.equal(FIRST_EXCEPTION, "FIRST_EXCEPTION");
    assert.equal(ALL_COMPLETED, "ALL_COMPLETED");
  });

  test("wait() resolves at once with two empty sets for no futures", async () => {
    using timers = trackTimers();
    const { done, notDone } = await wait([]);
    assert.ok(done instanceof Set && notDone instanceof Set);
    assert.equal(done.size + notDone.size, 0);
    assert.equal(timers.active, 0);
  });

  test("wait() collapses duplicates and accepts any iterable", async () => {
    const a = finished(1);
    const b = finished(2);
    assert.deepEqual((await wait([a, a, b, a])).done, new Set([a, b]));
    assert.deepEqual((await wait(new Set([a, b]))).done, new Set([a, b]));
    assert.deepEqual((await wait(new Map([[a, 1], [b, 2]]).keys())).done, new Set([a, b]));
    function* gen(): Generator<Future<number>> {
      yield b;
      yield b;
    }
    assert.deepEqual(await wait(gen()), { done: new Set([b]), notDone: new Set() });
  });

  test("wait() with ALL_COMPLETED (the default) waits for every future", async () => {
    const a = new Future<number>();
    const b = new Future<number>();
    const counts = [countListeners(a), countListeners(b)];
    let resolved = false;
    const promise = wait([a, b]).then((r) => ((resolved = true), r));
    a.setResult(1);
    await settle();
    assert.equal(resolved, false);
    b.setException(new Error("x"));
    assert.deepEqual(await promise, { done: new Set([a, b]), notDone: new Set() });
    assert.deepEqual(counts.map((c) => c.live), [0, 0]);
  });

  test("wait() with FIRST_COMPLETED returns when the first future finishes", async () => {
    const a = new Future<number>();
    const b = new Future<number>();
    const count = countListeners(b);
    const promise = wait([a, b], { returnWhen: FIRST_COMPLETED });
    await settle();
    a.setResult(1);
    assert.deepEqual(await promise, { done: new Set([a]), notDone: new Set([b]) });
    assert.equal(count.live, 0);
  });

  test("wait() with FIRST_COMPLETED returns at once if a future is already done", async () => {
    const a = finished(1);
    const b = new Future<number>();
    const count = countListeners(b);
    assert.deepEqual(await wait([b, a], { returnWhen: FIRST_COMPLETED }), {
      done: new Set([a]),
      notDone: new Set([b]),
    });
    assert.equal(count.live, 0);
  });

  test("wait() counts a cancellation as completion at once", async () => {
    const a = new Future<number>();
    const b = new Future<number>();
    const promise = wait([a, b], { returnWhen: FIRST_COMPLETED });
    b.cancel();
    assert.deepEqual(await promise, { done: new Set([b]), notDone: new Set([a]) });
    const c = cancelled();
    assert.deepEqual(await wait([c]), { done: new Set([c]), notDone: new Set() });
    const all = wait([a]);
    a.cancel();
    assert.deepEqual((await all).done, new Set([a]));
  });

  test("wait() with FIRST_EXCEPTION returns at the first failure", async () => {
    const ok = new Future<number>();
    const bad = new Future<number>();
    const slow = new Future<number>();
    const promise = wait([ok, bad, slow], { returnWhen: FIRST_EXCEPTION });
    ok.setResult(1);
    await settle();
    bad.setException(new Error("x"));
    assert.deepEqual(await promise, { done: new Set([ok, bad]), notDone: new Set([slow]) });
  });

  test("wait() with FIRST_EXCEPTION returns at once if a future already failed", async () => {
    const bad = failed();
    const pending = new Future<number>();
    assert.deepEqual(await wait([pending, bad], { returnWhen: FIRST_EXCEPTION }), {
      done: new Set([bad]),
      notDone: new Set([pending]),
    });
  });

  test("wait() with FIRST_EXCEPTION counts a falsy exception as a failure", async () => {
    for (const value of [undefined, 0, null, ""]) {
      const bad = new Future<number>();
      const pending = new Future<number>();
      const promise = wait([bad, pending], { returnWhen: FIRST_EXCEPTION });
      bad.setException(value);
      assert.deepEqual((await promise).notDone, new Set([pending]));
      assert.deepEqual(
        (await wait([failed(value), pending], { returnWhen: FIRST_EXCEPTION })).notDone,
        new Set([pending]),
      );
    }
  });

  test("wait() with FIRST_EXCEPTION does not count a cancellation and otherwise waits for all", async () => {
    const a = cancelled();
    const b = new Future<number>();
    const c = new Future<number>();
    let resolved = false;
    const promise = wait([a, b, c], { returnWhen: FIRST_EXCEPTION }).then((
      r,
    ) => ((resolved = true), r));
    b.cancel();
    await settle();
    assert.equal(resolved, false);
    c.setResult(3);
    assert.deepEqual(await promise, { done: new Set([a, b, c]), notDone: new Set() });
  });

  for (const returnWhen of [ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, "bogus"]) {
    test(`wait() returns at once when every future is done (${returnWhen})`, async () => {
      const futures = [finished(1), failed(), cancelled()];
      const result = await wait(futures, { returnWhen: returnWhen as ReturnWhen });
      assert.deepEqual(result, { done: new Set(futures), notDone: new Set() });
    });
  }

  test("wait() rejects an unknown returnWhen with RangeError when a future is pending", async () => {
    const pending = new Future<number>();
    const count = countListeners(pending);
    for (const futures of [[pending], [pending, finished(1)]]) {
      await assert.rejects(wait(futures, { returnWhen: "bogus" as ReturnWhen }), {
        name: "RangeError",
        message: 'Invalid return condition: "bogus"',
      });
    }
    assert.equal(count.live, 0);
  });

  for (const timeout of [0, -1]) {
    test(`wait() with timeout ${timeout} only checks`, async () => {
      using timers = trackTimers();
      const a = finished(1);
      const b = new Future<number>();
      assert.deepEqual(await wait([a, b], { timeout }), {
        done: new Set([a]),
        notDone: new Set([b]),
      });
      assert.equal(timers.active, 0);
    });
  }

  test("wait() with an expiring timeout resolves with the stragglers in notDone", async () => {
    using timers = trackTimers();
    const a = new Future<number>();
    const b = new Future<number>();
    const counts = [countListeners(a), countListeners(b)];
    setTimeout(() => a.setResult(1), 1);
    const result = await wait([a, b], { timeout: 30 });
    assert.deepEqual(result, { done: new Set([a]), notDone: new Set([b]) });
    assert.deepEqual(counts.map((c) => c.live), [0, 0]);
    assert.equal(timers.active, 0);
    b.setResult(2);
    assert.deepEqual(result.notDone, new Set([b]), "the result no longer changes");
  });

  test("wait() with a timeout that does not expire clears its timer", async () => {
    using timers = trackTimers();
    const a = new Future<number>();
    const promise = wait([a], { timeout: 10_000 });
    assert.equal(timers.active, 1);
    a.setResult(1);
    assert.deepEqual(await promise, { done: new Set([a]), notDone: new Set() });
    assert.equal(timers.active, 0);
  });

  test("wait() without a timeout waits as long as it takes", async () => {
    using timers = trackTimers();
    const a = new Future<number>();
    const promise = wait([a]);
    await sleep(5);
    assert.equal(timers.active, 0);
    a.setResult(1);
    assert.equal((await promise).done.size, 1);
  });

  test("wait() rejects a non-Future element with TypeError naming its position", async () => {
    await assert.rejects(wait([finished(1), 2 as unknown as Future<number>]), {
      name: "TypeError",
      message: "wait() expects futures: the element at index 1 is not a Future",
    });
    await assert.rejects(wait(undefined as unknown as Future<number>[]), TypeError);
    await assert.rejects(wait(new Future() as unknown as Future<number>[]), TypeError);
  });

  test("wait() refuses an unknown option, suggesting its name", async () => {
    // Python's `wait(fs, return_when=FIRST_COMPLETED)`: once silently waited for all.
    await assert.rejects(wait([new Future()], { return_when: FIRST_COMPLETED } as never), {
      name: "TypeError",
      message: 'wait(): unknown option "return_when" (did you mean returnWhen?); ' +
        "known options: timeout, returnWhen",
    });
    await assert.rejects(wait([finished(1)], { timeoutMs: 5 } as never), /did you mean timeout\?/);
    await assert.rejects(wait([finished(1)], "FIRST_COMPLETED" as never), {
      name: "TypeError",
      message: "wait(): options must be an object such as { returnWhen: FIRST_COMPLETED }, " +
        'got "FIRST_COMPLETED"',
    });
  });

  test("wait() of a Map of futures suggests .keys() or .values()", async () => {
    const byFuture = new Map([[finished(1), "a"]]);
    await assert.rejects(wait(byFuture as never), {
      name: "TypeError",
      message: "wait() expects an iterable of futures, got a Map: pass map.keys() if the " +
        "futures are its keys, or map.values() if they are its values",
    });
    await assert.rejects(wait(byFuture.entries() as never), /pass map\.keys\(\)\)$/);
    assert.equal((await wait(byFuture.keys())).done.size, 1);
  });

  test("wait() rejects a bad timeout", async () => {
    await assert.rejects(wait([new Future()], { timeout: "1" as unknown as number }), TypeError);
    await assert.rejects(wait([new Future()], { timeout: NaN }), RangeError);
  });
});
