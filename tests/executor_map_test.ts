// Copyright 2026 the concurrent-futures authors. MIT license.
// Tests for Executor.map() and starmap() (lib/executor.ts, lib/_map.ts). Runtime-neutral.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  BrokenExecutor,
  CancelledError,
  Executor,
  Future,
  InvalidStateError,
  TimeoutError,
} from "../mod.ts";
import type { ShutdownOptions } from "../mod.ts";
import { InlineExecutor } from "./_inline_executor.ts";
import { gate, settle, sleep, trackTimers } from "./_helpers.ts";

/** Reads `iterator` to its end; reports the values and the rejection, if any. */
async function drain<T>(iterator: AsyncIterator<T>): Promise<{ values: T[]; error?: unknown }> {
  const values: T[] = [];
  for (;;) {
    let result: IteratorResult<T>;
    try {
      result = await iterator.next();
    } catch (error) {
      return { values, error };
    }
    if (result.done) return { values };
    values.push(result.value);
  }
}

const double = (x: number): number => x * 2;

function* naturals(onClose?: () => void): Generator<number> {
  try {
    for (let i = 0;; i++) yield i;
  } finally {
    onClose?.();
  }
}

describe("Executor.map() basics", () => {
  test("Executor.map() yields results in input order", async () => {
    await using executor = new InlineExecutor();
    const gates = [gate(), gate(), gate()];
    const results = executor.map(async (i: number) => {
      await gates[i]!.promise;
      return i * 10;
    }, [0, 1, 2]);
    const first = results.next();
    gates[2]!.open();
    gates[1]!.open();
    await settle();
    gates[0]!.open();
    assert.deepEqual(await first, { value: 0, done: false });
    assert.deepEqual(await drain(results), { values: [10, 20] });
  });

  test("Executor.starmap() spreads each argument list", async () => {
    await using executor = new InlineExecutor();
    const add = (a: number, b: number): number => a + b;
    assert.deepEqual(await drain(executor.starmap(add, [[1, 2], [3, 4]])), { values: [3, 7] });
    const fromSets = executor.starmap(
      (...xs: number[]) => xs.length,
      [new Set([1, 2, 3])] as never,
    );
    assert.deepEqual(await drain(fromSets), { values: [3] });
  });

  test("Executor.map() ends at once for no items", async () => {
    await using executor = new InlineExecutor();
    assert.deepEqual(await executor.map(double, []).next(), { value: undefined, done: true });
  });

  test("Executor.map() submits every item of a sync iterable during the call", async () => {
    await using executor = new InlineExecutor();
    executor.map(double, new Set([1, 2, 3]));
    assert.deepEqual(executor.submitted, [[1], [2], [3]]);
    await executor.shutdown();
    assert.deepEqual(executor.ran, [[1], [2], [3]], "tasks ran although nobody iterated");
  });

  test("Executor.map() with buffersize submits that many ahead of an infinite generator", async () => {
    await using executor = new InlineExecutor();
    let closed = false;
    const results = executor.map(double, naturals(() => (closed = true)), { buffersize: 2 });
    assert.equal(executor.submitted.length, 2);
    assert.deepEqual(await results.next(), { value: 0, done: false });
    assert.equal(executor.submitted.length, 3, "each step submits one more, then waits");
    assert.deepEqual(await results.next(), { value: 2, done: false });
    assert.deepEqual(await results.next(), { value: 4, done: false });
    assert.equal(executor.submitted.length, 5);
    await results.return!();
    assert.equal(closed, true, "the input is closed when the loop ends early");
  });

  test("Executor.map() reads an async iterable in the background and keeps the order", async () => {
    await using executor = new InlineExecutor();
    let read = 0;
    let readAll!: () => void;
    const allRead = new Promise<void>((resolve) => readAll = resolve);
    async function* items(): AsyncGenerator<number> {
      for (let i = 1; i <= 4; i++) {
        read++;
        await sleep(0);
        yield i;
      }
      readAll(); // asked for more after the 4th: the 4th has been submitted
    }
    const results = executor.map(double, items());
    await allRead; // nobody iterates `results` meanwhile
    assert.equal(read, 4, "read without anyone iterating");
    assert.equal(executor.submitted.length, 4);
    assert.deepEqual(await drain(results), { values: [2, 4, 6, 8] });
  });

  test("Executor.map() with buffersize reads an async iterable only that far ahead", async () => {
    await using executor = new InlineExecutor({ gated: true });
    let closed = false;
    async function* infinite(): AsyncGenerator<number> {
      try {
        for (let i = 0;; i++) yield i;
      } finally {
        closed = true;
      }
    }
    const results = executor.map(double, infinite(), { buffersize: 3 });
    await sleep(5);
    assert.equal(executor.submitted.length, 3);
    executor.open();
    assert.deepEqual(await results.next(), { value: 0, done: false });
    await sleep(5);
    assert.equal(executor.submitted.length, 4);
    await results.return!();
    await settle();
    assert.equal(closed, true);
  });

  test("Executor.map() serves concurrent next() calls in order", async () => {
    await using executor = new InlineExecutor();
    const results = executor.map(double, [1, 2]);
    const steps = await Promise.all([results.next(), results.next(), results.next()]);
    assert.deepEqual(steps, [
      { value: 2, done: false },
      { value: 4, done: false },
      { value: undefined, done: true },
    ]);
    assert.equal(results[Symbol.asyncIterator](), results);
  });
});

describe("Executor.map() failures", () => {
  test("Executor.map() rejects at the failing item's position, then ends and cancels the rest", async () => {
    await using executor = new InlineExecutor({ serial: true });
    const boom = new Error("3 failed");
    const results = executor.map((x: number) => {
      if (x === 3) throw boom;
      return x;
    }, [1, 2, 3, 4, 5]);
    const outcome = await drain(results);
    assert.deepEqual(outcome.values, [1, 2]);
    assert.equal(outcome.error, boom);
    assert.deepEqual(await results.next(), { value: undefined, done: true });
    await executor.shutdown();
    assert.deepEqual(executor.ran, [[1], [2], [3]], "items 4 and 5 were cancelled");
  });

  test("Executor.map() rejects with a falsy thrown value exactly", async () => {
    await using executor = new InlineExecutor();
    const outcome = await drain(executor.map((x: number) => {
      if (x === 2) throw 0;
      return x;
    }, [1, 2]));
    assert.deepEqual(outcome, { values: [1], error: 0 });
  });

  test("Executor.map() reports an error of the sync iterable at its position", async () => {
    await using executor = new InlineExecutor();
    const broken = new Error("input broke");
    function* items(): Generator<number> {
      yield 1;
      yield 2;
      throw broken;
    }
    assert.deepEqual(await drain(executor.map(double, items())), { values: [2, 4], error: broken });
  });

  test("Executor.map() reports an error of the async iterable at its position", async () => {
    await using executor = new InlineExecutor();
    const broken = new Error("input broke");
    async function* items(): AsyncGenerator<number> {
      yield 1;
      await sleep(1);
      throw broken;
    }
    assert.deepEqual(await drain(executor.map(double, items())), { values: [2], error: broken });
  });

  test("Executor.starmap() rejects an item that is not an argument list at its position", async () => {
    await using executor = new InlineExecutor();
    const outcome = await drain(executor.starmap((a: number) => a, [[1], 2 as never, [3]]));
    assert.deepEqual(outcome.values, [1]);
    assert.ok(outcome.error instanceof TypeError);
    assert.match(outcome.error.message, /item 1 is not iterable/);
    assert.deepEqual(executor.submitted, [[1]]);
  });

  test("Executor.map() rejects with CancelledError where a unit was cancelled by shutdown", async () => {
    await using executor = new InlineExecutor({ gated: true });
    const results = executor.map(double, [1, 2]);
    await executor.shutdown({ wait: false, cancelFutures: true });
    const outcome = await drain(results);
    assert.deepEqual(outcome.values, []);
    assert.ok(outcome.error instanceof CancelledError);
  });
});

describe("Executor.map() timeouts", () => {
  test("Executor.map() counts the timeout from the call and cancels the rest when it expires", async () => {
    using timers = trackTimers();
    const executor = new InlineExecutor({ gated: true });
    const results = executor.map(double, [1, 2, 3], { timeout: 10 });
    await sleep(20);
    const started = performance.now();
    await assert.rejects(results.next(), (e) => e instanceof TimeoutError);
    assert.ok(performance.now() - started < 10, "the deadline had already passed");
    assert.deepEqual(await results.next(), { value: undefined, done: true });
    await executor.shutdown();
    assert.deepEqual(executor.ran, [], "every unit was cancelled");
    assert.equal(timers.active, 0);
  });

  test("Executor.map() rejects with TimeoutError while waiting for a slow item", async () => {
    await using executor = new InlineExecutor();
    const never = gate();
    const results = executor.map(
      async (x: number) => {
        if (x === 2) await never.promise;
        return x;
      },
      [1, 2, 3],
      { timeout: 20 },
    );
    assert.deepEqual(await results.next(), { value: 1, done: false });
    await assert.rejects(results.next(), TimeoutError);
    never.open();
  });

  test("Executor.map() still yields results that are ready after the deadline", async () => {
    await using executor = new InlineExecutor();
    const results = executor.map(double, [1, 2], { timeout: 5 });
    await sleep(20);
    assert.deepEqual(await drain(results), { values: [2, 4] });
  });

  test("Executor.map() with a timeout leaves no timer behind", async () => {
    const executor = new InlineExecutor();
    const results = executor.map(double, [1, 2, 3], { timeout: 10_000 });
    using timers = trackTimers();
    assert.deepEqual(await drain(results), { values: [2, 4, 6] });
    await executor.shutdown();
    assert.equal(timers.active, 0);
  });

  for (const timeout of [0, -1]) {
    test(`Executor.map() with timeout ${timeout} only yields what is already done`, async () => {
      await using executor = new InlineExecutor();
      const results = executor.map(double, [1], { timeout });
      await assert.rejects(results.next(), TimeoutError);
    });
  }
});

describe("Executor.map() chunks", () => {
  test("Executor.map() sends chunks through [kSubmitChunk] and flattens the results", async () => {
    await using executor = new InlineExecutor({ chunks: true });
    const results = executor.map(double, [1, 2, 3, 4, 5], { chunksize: 2 });
    assert.deepEqual(executor.chunks, [[[1], [2]], [[3], [4]], [[5]]]);
    assert.deepEqual(executor.submitted, []);
    assert.deepEqual(await drain(results), { values: [2, 4, 6, 8, 10] });
  });

  test("Executor.map() reads an array's holes as undefined and an index getter's error at its position", async () => {
    await using executor = new InlineExecutor({ chunks: true });
    // deno-lint-ignore no-sparse-arrays
    const holey = [1, , 3];
    assert.deepEqual(await drain(executor.map((x) => x ?? "hole", holey, { chunksize: 2 })), {
      values: [1, "hole", 3],
    });
    const boom = new Error("index 3");
    const items = [1, 2, 3, 4, 5];
    Object.defineProperty(items, 3, {
      get() {
        throw boom;
      },
    });
    const results = executor.map(double, items, { chunksize: 2 });
    assert.deepEqual(executor.chunks.slice(-2).map((c) => c.flat()), [[1, 2], [3]]);
    assert.deepEqual(await drain(results), { values: [2, 4, 6], error: boom });
  });

  test("Executor.map() with buffersize reads an array as it goes, as its iterator would", async () => {
    await using executor = new InlineExecutor({ chunks: true });
    const items = [1, 2, 3, 4];
    const results = executor.map(double, items, { chunksize: 2, buffersize: 1 });
    assert.equal(executor.chunks.length, 1);
    items.push(5); // read later, as the array iterator would
    assert.deepEqual(await drain(results), { values: [2, 4, 6, 8, 10] });
  });

  test("Executor.starmap() sends argument lists in chunks", async () => {
    await using executor = new InlineExecutor({ chunks: true });
    const results = executor.starmap((a: number, b: number) => a * b, [[1, 2], [3, 4], [5, 6]], {
      chunksize: 3,
    });
    assert.deepEqual(executor.chunks, [[[1, 2], [3, 4], [5, 6]]]);
    assert.deepEqual(await drain(results), { values: [2, 12, 30] });
  });

  test("Executor.map() yields a chunk's earlier results before the failing item's error", async () => {
    await using executor = new InlineExecutor({ chunks: true, serial: true });
    const boom = new RangeError("5 failed");
    const results = executor.map(
      (x: number) => {
        if (x === 5) throw boom;
        return x;
      },
      [1, 2, 3, 4, 5, 6, 7, 8],
      { chunksize: 3 },
    );
    assert.deepEqual(await drain(results), { values: [1, 2, 3, 4], error: boom });
    await executor.shutdown();
    assert.deepEqual(
      executor.ran.flat(),
      [1, 2, 3, 4, 5],
      "6 never ran; the last chunk was cancelled",
    );
  });

  test("Executor.map() surfaces a failed chunk future at the chunk's first item", async () => {
    const broken = new BrokenExecutor("worker died");
    await using executor = new InlineExecutor({
      chunks: true,
      failChunk: (argLists) => argLists[0]![0] === 3 ? { error: broken } : undefined,
    });
    const results = executor.map(double, [1, 2, 3, 4, 5], { chunksize: 2 });
    assert.deepEqual(await drain(results), { values: [2, 4], error: broken });
  });

  test("Executor.map() with chunksize 1, or without [kSubmitChunk], submits each item", async () => {
    await using chunking = new InlineExecutor({ chunks: true });
    assert.deepEqual(await drain(chunking.map(double, [1, 2], { chunksize: 1 })), {
      values: [2, 4],
    });
    assert.deepEqual(chunking.chunks, []);
    await using plain = new InlineExecutor();
    assert.deepEqual(await drain(plain.map(double, [1, 2, 3], { chunksize: 2 })), {
      values: [2, 4, 6],
    });
    assert.deepEqual(plain.submitted, [[1], [2], [3]]);
  });

  test("Executor.map() with chunksize and buffersize counts chunks", async () => {
    await using executor = new InlineExecutor({ chunks: true });
    const results = executor.map(double, naturals(), { chunksize: 3, buffersize: 2 });
    assert.deepEqual(executor.chunks.map((c) => c.flat()), [[0, 1, 2], [3, 4, 5]]);
    assert.deepEqual(await results.next(), { value: 0, done: false });
    assert.equal(executor.chunks.length, 3);
    assert.deepEqual(await results.next(), { value: 2, done: false });
    assert.equal(executor.chunks.length, 3, "values of a chunk already read submit nothing");
    await results.return!();
  });
});

describe("Executor.map() early exit and abort", () => {
  test("Executor.map() cancels the rest when the loop breaks", async () => {
    await using executor = new InlineExecutor({ serial: true });
    for await (const value of executor.map(double, [1, 2, 3, 4, 5])) {
      assert.equal(value, 2);
      break;
    }
    await executor.shutdown();
    assert.ok(executor.ran.length <= 2, `ran ${JSON.stringify(executor.ran)}`);
  });

  test("Executor.map() return() ends a pending next() and cancels everything", async () => {
    using timers = trackTimers();
    const executor = new InlineExecutor({ gated: true });
    const results = executor.map(double, [1, 2], { timeout: 10_000 });
    const step = results.next();
    await settle();
    assert.deepEqual(await results.return!(), { value: undefined, done: true });
    assert.deepEqual(await step, { value: undefined, done: true });
    await executor.shutdown();
    assert.deepEqual(executor.ran, []);
    assert.equal(timers.active, 0);
  });

  test("Executor.map() rejects with signal.reason when aborted, and cancels the rest", async () => {
    await using executor = new InlineExecutor({ gated: true });
    const controller = new AbortController();
    const results = executor.map(double, [1, 2, 3], { signal: controller.signal });
    const step = results.next();
    const reason = new Error("stop");
    controller.abort(reason);
    await assert.rejects(step, (e) => e === reason);
    assert.deepEqual(await results.next(), { value: undefined, done: true });
    await executor.shutdown();
    assert.deepEqual(executor.ran, []);
  });

  test("Executor.map() aborted before the first next() rejects there", async () => {
    await using executor = new InlineExecutor({ gated: true });
    const controller = new AbortController();
    const results = executor.map(double, [1, 2], { signal: controller.signal });
    controller.abort();
    await assert.rejects(results.next(), (e) => e === controller.signal.reason);
    await executor.shutdown();
    assert.deepEqual(executor.ran, []);
  });

  test("Executor.map() with an already-aborted signal submits nothing and rejects on next()", async () => {
    await using executor = new InlineExecutor();
    let read = false;
    function* items(): Generator<number> {
      read = true;
      yield 1;
    }
    const results = executor.map(double, items(), { signal: AbortSignal.abort("early") });
    assert.deepEqual(executor.submitted, []);
    assert.equal(read, false);
    await assert.rejects(results.next(), (e) => e === "early");
    assert.deepEqual(await results.next(), { value: undefined, done: true });
  });

  test("Executor.map() removes its abort listener when it ends", async () => {
    await using executor = new InlineExecutor();
    const controller = new AbortController();
    const signal = controller.signal;
    let live = 0;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener =
      ((...args: Parameters<typeof add>) => (live++, add(...args))) as typeof add;
    signal.removeEventListener =
      ((...args: Parameters<typeof remove>) => (live--, remove(...args))) as typeof remove;
    const results = executor.map(double, [1, 2], { signal });
    assert.equal(live, 1);
    assert.deepEqual(await drain(results), { values: [2, 4] });
    assert.equal(live, 0);
    executor.map(double, [3], { signal });
    await executor.shutdown();
    assert.equal(live, 0, "a map nobody reads lets go once its work is done");
  });
});

describe("Executor.map() validation", () => {
  const cases: [
    string,
    (executor: InlineExecutor) => unknown,
    new (...args: never[]) => Error,
    string?,
  ][] = [
    [
      "fn is not a function",
      (e) => e.map(42 as never, [1]),
      TypeError,
      "fn must be a function",
    ],
    ["items is not iterable", (e) => e.map(double, 5 as never), TypeError],
    [
      "chunksize is 0",
      (e) => e.map(double, [1], { chunksize: 0 }),
      RangeError,
      "chunksize must be >= 1",
    ],
    [
      "chunksize is 1.5",
      (e) => e.map(double, [1], { chunksize: 1.5 }),
      TypeError,
      "chunksize must be an integer",
    ],
    [
      "chunksize is a string",
      (e) => e.map(double, [1], { chunksize: "2" as never }),
      TypeError,
    ],
    [
      "buffersize is 0",
      (e) => e.map(double, [1], { buffersize: 0 }),
      RangeError,
      "buffersize must be >= 1",
    ],
    [
      "buffersize is -1",
      (e) => e.map(double, [1], { buffersize: -1 }),
      RangeError,
    ],
    [
      "buffersize is 1.5",
      (e) => e.map(double, [1], { buffersize: 1.5 }),
      TypeError,
      "buffersize must be an integer or undefined",
    ],
    [
      "buffersize is null",
      (e) => e.map(double, [1], { buffersize: null as never }),
      TypeError,
    ],
    [
      "buffersize is true",
      (e) => e.map(double, [1], { buffersize: true as never }),
      TypeError,
    ],
    [
      "timeout is a string",
      (e) => e.map(double, [1], { timeout: "1" as never }),
      TypeError,
    ],
    [
      "signal is not an AbortSignal",
      (e) => e.map(double, [1], { signal: {} as never }),
      TypeError,
    ],
    [
      "options is not an object",
      (e) => e.map(double, [1], 5 as never),
      TypeError,
      "map(): options must be an object such as { chunksize: 100 }, got 5 (number)",
    ],
    [
      "options is an array",
      (e) => e.map(double, [1], [] as never),
      TypeError,
      "map(): options must be an object such as { chunksize: 100 }, got an array",
    ],
    [
      "an option is spelt chunkSize",
      (e) => e.map(double, [1], { chunkSize: 100 } as never),
      TypeError,
      'map(): unknown option "chunkSize" (did you mean chunksize?); ' +
      "known options: timeout, chunksize, buffersize, signal",
    ],
    [
      "an option is spelt chunk_size",
      (e) => e.starmap(double, [[1]], { chunk_size: 100 } as never),
      TypeError,
      'starmap(): unknown option "chunk_size" (did you mean chunksize?); ' +
      "known options: timeout, chunksize, buffersize, signal",
    ],
    [
      "an option is spelt buffer_size",
      (e) => e.map(double, [1], { buffer_size: 2 } as never),
      TypeError,
      'map(): unknown option "buffer_size" (did you mean buffersize?); ' +
      "known options: timeout, chunksize, buffersize, signal",
    ],
    [
      "an option is unknown",
      (e) => e.map(double, [1], { ordered: false } as never),
      TypeError,
      'map(): unknown option "ordered"; known options: timeout, chunksize, buffersize, signal',
    ],
    [
      "starmap fn is not a function",
      (e) => e.starmap(null as never, [[1]]),
      TypeError,
    ],
  ];
  for (const [what, call, Class, message] of cases) {
    test(`Executor.map() throws at the call when ${what}`, async () => {
      await using executor = new InlineExecutor();
      assert.throws(() => call(executor), (e: unknown) => {
        assert.ok(e instanceof Class, String(e));
        if (message !== undefined) assert.equal((e as Error).message, message);
        return true;
      });
      assert.deepEqual(executor.submitted, []);
    });
  }

  test("Executor.map() throws submit errors at the call when there is an item", async () => {
    const executor = new InlineExecutor();
    await executor.shutdown();
    assert.throws(() => executor.map(double, [1, 2]), InvalidStateError);
    assert.deepEqual(await executor.map(double, []).next(), { value: undefined, done: true });
  });

  test("Executor.map() cancels what it submitted when a later submit fails at the call", async () => {
    const executor = new InlineExecutor({ gated: true });
    let calls = 0;
    const submit = executor.submit.bind(executor);
    const futures: Future<unknown>[] = [];
    executor.submit = ((fn: (...args: unknown[]) => unknown, ...args: unknown[]) => {
      if (++calls === 3) throw new InvalidStateError("cannot schedule new futures after shutdown");
      const future = submit(fn, ...args);
      futures.push(future);
      return future;
    }) as typeof executor.submit;
    assert.throws(() => executor.map(double, [1, 2, 3]), InvalidStateError);
    assert.deepEqual(futures.map((f) => f.state), ["CANCELLED", "CANCELLED"]);
    await executor.shutdown();
  });

  test("Executor.map() reports a submit error after the call at its position", async () => {
    const executor = new InlineExecutor();
    const results = executor.map(double, naturals(), { buffersize: 1 });
    await executor.shutdown();
    const outcome = await drain(results);
    assert.deepEqual(outcome.values, [0]);
    assert.ok(outcome.error instanceof InvalidStateError);
  });
});

describe("Executor base class", () => {
  class Recording extends Executor {
    calls: (ShutdownOptions | undefined)[] = [];
    submit<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Future<Awaited<R>> {
      const future = new Future<Awaited<R>>();
      future.setResult(fn(...args) as Awaited<R>);
      return future;
    }
    override shutdown(options?: ShutdownOptions): Promise<void> {
      this.calls.push(options);
      return super.shutdown(options);
    }
  }

  test("Executor[Symbol.asyncDispose]() calls shutdown({ wait: true })", async () => {
    const executor = new Recording();
    {
      await using _ = executor;
    }
    assert.deepEqual(executor.calls, [{ wait: true }]);
    assert.equal(await executor.shutdown(), undefined);
  });

  test("Executor.shutdown() refuses unknown options and a bare boolean at the call", () => {
    const executor = new Recording();
    assert.throws(() => executor.shutdown({ cancel_futures: true } as never), {
      name: "TypeError",
      message: 'shutdown(): unknown option "cancel_futures" (did you mean cancelFutures?); ' +
        "known options: wait, cancelFutures",
    });
    // Python's positional `shutdown(False)`: once read as the default, wait: true.
    assert.throws(() => executor.shutdown(false as never), {
      name: "TypeError",
      message: "shutdown(): options must be an object such as { wait: false }, got false (boolean)",
    });
    assert.throws(() => executor.shutdown({ wait: "no" } as never), {
      message: "shutdown(): wait must be a boolean, got no",
    });
    assert.throws(() => executor.shutdown({ cancelFutures: 1 } as never), {
      message: "shutdown(): cancelFutures must be a boolean, got 1",
    });
  });

  test("Executor.map() works with futures that are done at submission", async () => {
    await using executor = new Recording();
    assert.deepEqual(await drain(executor.map(double, [1, 2, 3])), { values: [2, 4, 6] });
  });
});
