// Copyright 2026 the concurrent-futures authors. MIT license.
// Tests for lib/future.ts. This module is runtime-neutral.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CancelledError, Future, InvalidStateError, TimeoutError } from "../mod.ts";
import { kOnDone } from "../lib/_symbols.ts";
import { captureConsoleError, settle, sleep, trackTimers } from "./_helpers.ts";

type Kind = "PENDING" | "RUNNING" | "CANCELLED" | "FINISHED" | "FAILED";
const KINDS: Kind[] = ["PENDING", "RUNNING", "CANCELLED", "FINISHED", "FAILED"];
const BOOM = new TypeError("boom");

function make(kind: Kind): Future<number> {
  const future = new Future<number>();
  if (kind === "RUNNING") future.setRunningOrNotifyCancel();
  if (kind === "CANCELLED") future.cancel();
  if (kind === "FINISHED") future.setResult(42);
  if (kind === "FAILED") future.setException(BOOM);
  return future;
}

const TEXT: Record<Kind, string> = {
  PENDING: 'Future { state: "PENDING" }',
  RUNNING: 'Future { state: "RUNNING" }',
  CANCELLED: 'Future { state: "CANCELLED" }',
  FINISHED: 'Future { state: "FINISHED", result: 42 }',
  FAILED: 'Future { state: "FINISHED", error: TypeError: boom }',
};

function label(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  return typeof value === "bigint" ? `${value}n` : String(value);
}

/** Settles `promise` and reports how, so that any rejection value can be compared exactly. */
async function outcome(promise: Promise<unknown>): Promise<{ ok: boolean; value: unknown }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, value: error };
  }
}

describe("Future state machine", () => {
  const queries: Record<Kind, [cancelled: boolean, running: boolean, done: boolean]> = {
    PENDING: [false, false, false],
    RUNNING: [false, true, false],
    CANCELLED: [true, false, true],
    FINISHED: [false, false, true],
    FAILED: [false, false, true],
  };
  for (const kind of KINDS) {
    test(`Future.cancelled()/running()/done() in ${kind}`, () => {
      const future = make(kind);
      assert.deepEqual([future.cancelled(), future.running(), future.done()], queries[kind]);
      assert.equal(future.state, kind === "FAILED" ? "FINISHED" : kind);
    });

    test(`Future.cancel() in ${kind}`, () => {
      const future = make(kind);
      const expected = kind === "PENDING" || kind === "CANCELLED";
      assert.equal(future.cancel(), expected);
      assert.equal(future.state, expected ? "CANCELLED" : make(kind).state);
    });

    test(`Future.setResult() in ${kind}`, () => {
      const future = make(kind);
      if (kind === "PENDING" || kind === "RUNNING") {
        future.setResult(7);
        assert.equal(future.state, "FINISHED");
        assert.equal(String(future), 'Future { state: "FINISHED", result: 7 }');
      } else {
        const state = future.state;
        assert.throws(() => future.setResult(7), (e: unknown) => {
          assert.ok(e instanceof InvalidStateError);
          assert.equal(e.message, `${state}: ${TEXT[kind]}`);
          return true;
        });
        assert.equal(String(future), TEXT[kind]);
      }
    });

    test(`Future.setException() in ${kind}`, () => {
      const future = make(kind);
      if (kind === "PENDING" || kind === "RUNNING") {
        future.setException(new RangeError("bad"));
        assert.equal(String(future), 'Future { state: "FINISHED", error: RangeError: bad }');
      } else {
        assert.throws(() => future.setException(new Error("x")), InvalidStateError);
        assert.equal(String(future), TEXT[kind]);
      }
    });

    test(`Future.setRunningOrNotifyCancel() in ${kind}`, () => {
      const future = make(kind);
      if (kind === "PENDING") {
        assert.equal(future.setRunningOrNotifyCancel(), true);
        assert.equal(future.state, "RUNNING");
      } else if (kind === "CANCELLED") {
        assert.equal(future.setRunningOrNotifyCancel(), false);
        assert.equal(future.state, "CANCELLED");
      } else {
        const state = future.state;
        assert.throws(() => future.setRunningOrNotifyCancel(), {
          name: "InvalidStateError",
          message: `Future in unexpected state: ${state}`,
        });
        assert.equal(future.state, state);
      }
    });

    test(`Future.result() and exception() with timeout 0 in ${kind}`, async () => {
      const future = make(kind);
      const result = await outcome(future.result({ timeout: 0 }));
      const exception = await outcome(future.exception({ timeout: 0 }));
      if (kind === "PENDING" || kind === "RUNNING") {
        assert.ok(!result.ok && result.value instanceof TimeoutError);
        assert.ok(!exception.ok && exception.value instanceof TimeoutError);
      } else if (kind === "CANCELLED") {
        assert.ok(!result.ok && result.value instanceof CancelledError);
        assert.ok(!exception.ok && exception.value instanceof CancelledError);
      } else if (kind === "FINISHED") {
        assert.deepEqual(result, { ok: true, value: 42 });
        assert.deepEqual(exception, { ok: true, value: undefined });
      } else {
        assert.deepEqual(result, { ok: false, value: BOOM });
        assert.deepEqual(exception, { ok: true, value: BOOM });
      }
    });

    test(`Future.toString() and inspect in ${kind}`, () => {
      const future = make(kind);
      assert.equal(String(future), TEXT[kind]);
      assert.equal(`${future}`, TEXT[kind]);
      const inspect = (future as unknown as Record<symbol, () => string>)[
        Symbol.for("nodejs.util.inspect.custom")
      ]!;
      assert.equal(inspect.call(future), TEXT[kind]);
    });
  }

  test("Future.setResult() on a done future leaves its result unchanged", async () => {
    const future = make("FINISHED");
    assert.throws(() => future.setResult(1), InvalidStateError);
    assert.throws(() => future.setException(new Error()), InvalidStateError);
    assert.equal(await future.result(), 42);
  });

  test("Future.cancel() twice runs the callbacks once", () => {
    const future = new Future<number>();
    let calls = 0;
    future.addDoneCallback(() => calls++);
    assert.equal(future.cancel(), true);
    assert.equal(future.cancel(), true);
    assert.equal(calls, 1);
  });

  test("Future.setResult() works without setRunningOrNotifyCancel()", async () => {
    const future = new Future<string>();
    future.setResult("ok");
    assert.equal(await future.result(), "ok");
  });
});

describe("Future.result() and Future.exception() timeouts", () => {
  for (const method of ["result", "exception"] as const) {
    test(`Future.${method}() without a timeout waits until the future finishes`, async () => {
      using timers = trackTimers();
      const future = new Future<number>();
      const promise = future[method]();
      await settle();
      assert.equal(timers.active, 0);
      future.setResult(5);
      assert.equal(await promise, method === "result" ? 5 : undefined);
    });

    for (const timeout of [0, -1, -Infinity]) {
      test(`Future.${method}() with timeout ${timeout} rejects at once with TimeoutError`, async () => {
        using timers = trackTimers();
        const future = new Future<number>();
        const promise = future[method]({ timeout });
        assert.equal(timers.active, 0);
        await assert.rejects(promise, (e) => {
          assert.ok(e instanceof TimeoutError);
          assert.equal(e.message, "the future was not done after 0 ms");
          return true;
        });
        assert.equal(future.state, "PENDING");
      });
    }

    test(`Future.${method}() with a positive timeout rejects with TimeoutError when it expires`, async () => {
      using timers = trackTimers();
      const future = new Future<number>();
      const started = performance.now();
      await assert.rejects(future[method]({ timeout: 20 }), {
        name: "TimeoutError",
        message: "the future was not done after 20 ms", // says the unit: Python's is seconds
      });
      assert.ok(performance.now() - started >= 19);
      assert.equal(timers.active, 0);
      future.setResult(1); // the expired wait left no listener behind that could misbehave
    });

    test(`Future.${method}() with a positive timeout resolves and clears its timer`, async () => {
      using timers = trackTimers();
      const future = new Future<number>();
      const promise = future[method]({ timeout: 10_000 });
      assert.equal(timers.active, 1);
      future.setResult(3);
      assert.equal(await promise, method === "result" ? 3 : undefined);
      assert.equal(timers.active, 0);
    });

    test(`Future.${method}() with an infinite or huge timeout does not fire early`, async () => {
      using timers = trackTimers();
      const future = new Future<number>();
      const infinite = future[method]({ timeout: Infinity });
      const huge = future[method]({ timeout: 2 ** 40 });
      await sleep(5);
      assert.equal(future.state, "PENDING");
      future.setResult(9);
      await infinite;
      await huge;
      assert.equal(timers.active, 0);
    });

    test(`Future.${method}() rejects with CancelledError when cancelled while waiting`, async () => {
      using timers = trackTimers();
      const future = new Future<number>();
      const promise = future[method]({ timeout: 10_000 });
      future.cancel();
      await assert.rejects(promise, CancelledError);
      assert.equal(timers.active, 0);
    });

    test(`Future.${method}() rejects with CancelledError after cancel(), even with a timeout`, async () => {
      const future = make("CANCELLED");
      await assert.rejects(future[method](), CancelledError);
      await assert.rejects(future[method]({ timeout: 1000 }), CancelledError);
      await assert.rejects(future[method]({ timeout: -5 }), CancelledError);
    });

    test(`Future.${method}() rejects bad timeout options`, async () => {
      const future = new Future<number>();
      await assert.rejects(future[method]({ timeout: NaN }), RangeError);
      await assert.rejects(future[method]({ timeout: "5" as unknown as number }), {
        name: "TypeError",
        message: "timeout must be a number or undefined",
      });
      await assert.rejects(future[method](5 as unknown as { timeout: number }), {
        name: "TypeError",
        message: `${method}(): options must be an object such as { timeout: 1000 }, got 5 (number)`,
      });
      await assert.rejects(future[method](null as unknown as { timeout: number }), TypeError);
      await assert.rejects(future[method]([] as unknown as { timeout: number }), TypeError);
    });

    test(`Future.${method}() refuses an unknown option, suggesting its name`, async () => {
      const future = new Future<number>();
      future.setResult(1); // even when done: a misspelt option is a bug either way
      await assert.rejects(future[method]({ timeout_ms: 5 } as never), {
        name: "TypeError",
        message:
          `${method}(): unknown option "timeout_ms" (did you mean timeout?); known options: timeout`,
      });
      await assert.rejects(future[method]({ timeOut: 5 } as never), /did you mean timeout\?/);
      await assert.rejects(future[method]({ signal: undefined } as never), {
        message: `${method}(): unknown option "signal"; known options: timeout`,
      });
    });
  }
});

describe("Future exceptions", () => {
  test("Future.result() rejects with the same exception object every time", async () => {
    const error = new Error("once");
    const future = new Future<number>();
    future.setException(error);
    for (let i = 0; i < 3; i++) assert.equal((await outcome(future.result())).value, error);
    assert.equal(await future.exception(), error);
    assert.equal((await outcome(Promise.resolve(future))).value, error);
    try {
      await future;
      assert.fail("await should reject");
    } catch (e) {
      assert.equal(e, error);
    }
  });

  for (const value of [0, "", undefined, null, false, NaN, 0n]) {
    test(`Future.result() rejects with a thrown ${label(value)} exactly`, async () => {
      const future = new Future<number>();
      future.setException(value);
      assert.deepEqual(await outcome(future.result()), { ok: false, value });
      assert.deepEqual(await outcome(future.exception()), { ok: true, value });
      assert.equal(future.state, "FINISHED");
    });
  }

  test("Future.toString() shows falsy exceptions", () => {
    const show = (value: unknown): string => {
      const future = new Future();
      future.setException(value);
      return String(future);
    };
    assert.equal(show(0), 'Future { state: "FINISHED", error: 0 }');
    assert.equal(show(undefined), 'Future { state: "FINISHED", error: undefined }');
    assert.equal(show(""), 'Future { state: "FINISHED", error: "" }');
  });

  test("Future.toString() describes results of every kind on one line", () => {
    const show = (value: unknown): string => {
      const future = new Future();
      future.setResult(value);
      return String(future).replace('Future { state: "FINISHED", result: ', "").slice(0, -2);
    };
    assert.equal(show("hi"), '"hi"');
    assert.equal(show("x".repeat(100)), `"${"x".repeat(57)}..."`);
    assert.equal(show(undefined), "undefined");
    assert.equal(show(null), "null");
    assert.equal(show(10n), "10n");
    assert.equal(show([1, 2, 3]), "Array(3)");
    assert.equal(show({ a: 1 }), "Object");
    assert.equal(show(Object.create(null)), "Object");
    assert.equal(show(new Map()), "Map");
    assert.equal(show(function named() {}), "[Function named]");
    assert.equal(show(Symbol("s")), "Symbol(s)");
  });

  test("a failed future that nobody awaits causes no unhandled rejection", async () => {
    const future = new Future<number>();
    future.setException(new Error("quiet"));
    future.addDoneCallback(() => {});
    await sleep(10); // Deno and Node fail the test file on an unhandled rejection
    assert.equal(future.done(), true);
  });
});

describe("Future.addDoneCallback()", () => {
  test("Future.addDoneCallback() runs callbacks in order, synchronously at completion", () => {
    const future = new Future<number>();
    const calls: string[] = [];
    future.addDoneCallback((f) => calls.push(`a:${f.state}`));
    future.addDoneCallback((f) => calls.push(`b:${f === future}`));
    assert.deepEqual(calls, []);
    future.setResult(1);
    assert.deepEqual(calls, ["a:FINISHED", "b:true"]);
  });

  for (const kind of ["CANCELLED", "FINISHED", "FAILED"] as const) {
    test(`Future.addDoneCallback() calls at once in ${kind}`, () => {
      const future = make(kind);
      let called: Future<number> | undefined;
      future.addDoneCallback((f) => (called = f));
      assert.equal(called, future);
    });
  }

  for (const finish of ["cancel", "setResult", "setException"] as const) {
    test(`Future.addDoneCallback() callbacks run on ${finish}()`, () => {
      const future = new Future<number>();
      let calls = 0;
      future.addDoneCallback(() => calls++);
      if (finish === "cancel") future.cancel();
      else if (finish === "setResult") future.setResult(1);
      else future.setException(new Error());
      assert.equal(calls, 1);
    });
  }

  test("Future.addDoneCallback() reports a throwing callback and runs the others", async () => {
    using errors = captureConsoleError();
    const future = new Future<number>();
    const calls: number[] = [];
    const thrown = new Error("callback failed");
    future.addDoneCallback(() => calls.push(1));
    future.addDoneCallback(() => {
      throw thrown;
    });
    future.addDoneCallback(() => calls.push(3));
    future.setResult(10);
    assert.deepEqual(calls, [1, 3]);
    assert.equal(errors.calls.length, 1);
    const [message, reported, error] = errors.calls[0]!;
    assert.match(String(message), /exception calling callback for/);
    assert.equal(reported, future);
    assert.equal(error, thrown);
    assert.equal(await future.result(), 10);

    future.addDoneCallback(() => {
      throw thrown;
    });
    assert.equal(errors.calls.length, 2);
  });

  test("Future.addDoneCallback() reports an async callback's rejection, never unhandled", async () => {
    using errors = captureConsoleError();
    const future = new Future<number>();
    const calls: string[] = [];
    const rejected = new Error("async callback failed");
    future.addDoneCallback(async () => {
      await Promise.resolve();
      throw rejected;
    });
    future.addDoneCallback(async (f) => {
      calls.push(`ok ${f.resultNow()}`); // runs synchronously up to the first await
      await Promise.resolve(); // a promise that fulfils is not reported
    });
    future.addDoneCallback(() => calls.push("sync"));
    future.setResult(3);
    assert.deepEqual(calls, ["ok 3", "sync"]);
    await sleep(10); // Deno and Node fail the test file on an unhandled rejection
    assert.equal(errors.calls.length, 1);
    const [message, reported, error] = errors.calls[0]!;
    assert.match(String(message), /exception calling callback for/);
    assert.equal(reported, future);
    assert.equal(error, rejected);

    future.addDoneCallback(() => Promise.reject(rejected)); // already done: called at once
    await sleep(10);
    assert.equal(errors.calls.length, 2);
  });

  test("Future.addDoneCallback() callbacks read the outcome synchronously", () => {
    const seen: unknown[] = [];
    const onDone = (f: Future<number>): void => {
      if (f.cancelled()) seen.push("cancelled");
      else if (f.exceptionNow() !== undefined) seen.push(f.exceptionNow());
      else seen.push(f.resultNow());
    };
    for (const kind of ["FINISHED", "FAILED", "CANCELLED"] as const) {
      const future = new Future<number>();
      future.addDoneCallback(onDone);
      if (kind === "FINISHED") future.setResult(7);
      if (kind === "FAILED") future.setException(BOOM);
      if (kind === "CANCELLED") future.cancel();
    }
    assert.deepEqual(seen, [7, BOOM, "cancelled"]);
  });

  test("Future.addDoneCallback() rejects a non-function", () => {
    assert.throws(() => new Future().addDoneCallback(42 as never), TypeError);
  });
});

describe("Future.resultNow() and Future.exceptionNow()", () => {
  for (const kind of KINDS) {
    test(`Future.resultNow()/exceptionNow() in ${kind}`, () => {
      const future = make(kind);
      if (kind === "PENDING" || kind === "RUNNING") {
        for (const method of ["resultNow", "exceptionNow"] as const) {
          assert.throws(() => future[method](), {
            name: "InvalidStateError",
            message:
              `${method}() needs a future that is done, this one is ${kind}; await it instead`,
          });
        }
      } else if (kind === "CANCELLED") {
        assert.throws(() => future.resultNow(), CancelledError);
        assert.throws(() => future.exceptionNow(), CancelledError);
      } else if (kind === "FINISHED") {
        assert.equal(future.resultNow(), 42);
        assert.equal(future.exceptionNow(), undefined);
      } else {
        assert.throws(() => future.resultNow(), (e) => e === BOOM);
        assert.equal(future.exceptionNow(), BOOM);
      }
    });
  }

  test("Future.resultNow() tells a thrown undefined from success", () => {
    const future = new Future<number>();
    future.setException(undefined);
    assert.throws(() => future.resultNow(), (e) => e === undefined);
    assert.equal(future.exceptionNow(), undefined);
  });
});

describe("Future as a promise", () => {
  test("Future.catch() handles the exception and passes a result through", async () => {
    const failed: string | number = await make("FAILED").catch((e) => (e as Error).message);
    assert.equal(failed, "boom");
    assert.equal(await make("FINISHED").catch(() => 0), 42);
    assert.ok(await make("CANCELLED").catch((e) => e) instanceof CancelledError);
    const pending = new Future<number>();
    const caught = pending.catch(() => -1);
    pending.setException(BOOM);
    assert.equal(await caught, -1);
    await assert.rejects(make("FAILED").catch(), (e) => e === BOOM); // no handler: passes it on
  });

  test("Future.finally() runs once done, either way, and settles like the future", async () => {
    const calls: string[] = [];
    const ok = new Future<number>();
    const value = ok.finally(() => calls.push("ok"));
    assert.equal(calls.length, 0);
    ok.setResult(5);
    const five: number = await value;
    assert.equal(five, 5);
    await assert.rejects(make("FAILED").finally(() => calls.push("failed")), (e) => e === BOOM);
    await assert.rejects(make("CANCELLED").finally(() => calls.push("cancelled")), CancelledError);
    assert.deepEqual(calls, ["ok", "failed", "cancelled"]);
  });
});

describe("Future internals", () => {
  test("Future[kOnDone] listeners run once at completion, before callbacks, and can be removed", () => {
    const future = new Future<number>();
    const calls: string[] = [];
    future.addDoneCallback(() => calls.push("callback"));
    future[kOnDone](() => calls.push("listener"));
    const remove = future[kOnDone](() => calls.push("removed"));
    remove();
    remove();
    future.setResult(1);
    assert.deepEqual(calls, ["listener", "callback"]);
    let late = 0;
    future[kOnDone](() => late++)();
    assert.equal(late, 1);
  });

  test("Future[kOnDone] listeners fire on cancel() and the same function may be added twice", () => {
    const future = new Future<number>();
    let calls = 0;
    const listener = (): void => {
      calls++;
    };
    future[kOnDone](listener);
    const remove = future[kOnDone](listener);
    remove();
    future[kOnDone](listener);
    future.cancel();
    assert.equal(calls, 2);
  });

  test("Future.then() makes await and promise chaining work", async () => {
    const future = new Future<number>();
    setTimeout(() => future.setResult(2), 1);
    assert.equal(await future, 2);
    assert.equal(await future.then((v) => v * 10), 20);
    const failed = make("FAILED");
    assert.equal(await failed.then(() => "no", (e) => e), BOOM);
    const cancelled = make("CANCELLED");
    await assert.rejects(Promise.resolve(cancelled), CancelledError);
  });

  test("Future is usable in Promise.all()", async () => {
    const a = new Future<number>();
    const b = new Future<number>();
    a.setResult(1);
    b.setResult(2);
    assert.deepEqual(await Promise.all([a, b]), [1, 2]);
  });
});
