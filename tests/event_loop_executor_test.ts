// Copyright 2026 the concurrent-futures authors. MIT license.
// Tests for EventLoopExecutor (lib/event_loop_executor.ts): the executor contract as it applies to
// an executor whose calls cross no boundary, plus what is its own: closures and values by
// reference, the in-flight limit, FIFO starts, cancel, signal, shutdown. Runtime-neutral.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  asCompleted,
  CancelledError,
  EventLoopExecutor,
  Executor,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  type Future,
  InvalidStateError,
  TimeoutError,
  wait,
} from "../mod.ts";
import { type Gate, gate, random, settle } from "./_helpers.ts";

/** Tasks that wait on their own gate and record start order and peak concurrency. */
function tracker() {
  let inFlight = 0;
  const record = { started: [] as number[], peak: 0, gates: new Map<number, Gate<number>>() };
  const task = async (n: number): Promise<number> => {
    record.started.push(n);
    record.peak = Math.max(record.peak, ++inFlight);
    const g = gate<number>();
    record.gates.set(n, g);
    try {
      return await g.promise;
    } finally {
      inFlight--;
    }
  };
  return { record, task, open: (n: number, value = n) => record.gates.get(n)!.open(value) };
}

describe("EventLoopExecutor contract", () => {
  test("submit() runs a sync task and resolves its future", async () => {
    await using executor = new EventLoopExecutor(2);
    const future = executor.submit((a: number, b: number) => a * b, 6, 7);
    assert.equal(await future, 42);
    assert.equal(future.state, "FINISHED");
    assert.equal(await future.result(), 42);
  });

  test("submit() runs an async task until its promise settles, RUNNING meanwhile", async () => {
    await using executor = new EventLoopExecutor(1);
    const g = gate<string>();
    const future = executor.submit(async (x: string) => (await g.promise) + x, "!");
    assert.equal(future.state, "PENDING", "it starts in a microtask, not inside submit()");
    await settle();
    assert.equal(future.state, "RUNNING");
    assert.equal(future.running(), true);
    assert.equal(future.cancel(), false, "a running task cannot be cancelled");
    g.open("done");
    assert.equal(await future, "done!");
  });

  test("a task that throws synchronously fails only its own future, with that value", async () => {
    await using executor = new EventLoopExecutor(1);
    const error = new RangeError("out of range");
    const failing = executor.submit(() => {
      throw error;
    });
    const after = executor.submit(() => "still runs");
    assert.equal(await failing.exception(), error, "the very same object: nothing is copied");
    await assert.rejects(failing.result(), (e) => e === error);
    assert.equal(await after, "still runs");
  });

  test("a rejected promise and a thrown non-Error fail the future with that exact value", async () => {
    await using executor = new EventLoopExecutor(2);
    for (const value of ["x", 0, undefined, null, { code: 7 }]) {
      const thrown = executor.submit((v: unknown) => {
        throw v;
      }, value);
      const rejected = executor.submit((v: unknown) => Promise.reject(v), value);
      for (const future of [thrown, rejected]) {
        assert.equal(await future.exception(), value);
        await assert.rejects(future.result(), (e) => e === value);
      }
    }
  });

  test("submit() throws TypeError for a non-function, naming what it got", () => {
    const executor = new EventLoopExecutor(1);
    assert.throws(() => executor.submit(42 as never), {
      name: "TypeError",
      message: "fn must be a function, got 42 (number)",
    });
  });

  test("submit() after shutdown() throws InvalidStateError; shutdown() is idempotent", async () => {
    const executor = new EventLoopExecutor(1);
    await executor.shutdown();
    assert.throws(() => executor.submit(() => 1), (e) => {
      assert.ok(e instanceof InvalidStateError);
      assert.equal(e.message, "cannot schedule new futures after shutdown");
      return true;
    });
    assert.throws(() => executor.submitWith(() => 1, []), InvalidStateError);
    await executor.shutdown();
  });

  test("shutdown() waits for submitted work, queued included", async () => {
    const executor = new EventLoopExecutor(1);
    const t = tracker();
    const futures = [1, 2, 3].map((n) => executor.submit(t.task, n));
    let closed = false;
    const shutdown = executor.shutdown({ wait: true }).then(() => closed = true);
    for (const n of [1, 2, 3]) {
      await settle();
      assert.equal(closed, false);
      assert.deepEqual(t.record.started, [1, 2, 3].slice(0, n));
      t.open(n, n * 10);
    }
    await shutdown;
    assert.ok(futures.every((f) => f.done()));
    assert.deepEqual(await Promise.all(futures), [10, 20, 30]);
  });

  test("shutdown({ wait: false }) resolves at once; the work still runs", async () => {
    const executor = new EventLoopExecutor(1);
    const g = gate<string>();
    const future = executor.submit(() => g.promise);
    await executor.shutdown({ wait: false });
    assert.equal(future.done(), false);
    g.open("finished");
    assert.equal(await future, "finished");
  });

  test("shutdown({ cancelFutures }) cancels what has not started", async () => {
    const executor = new EventLoopExecutor(1);
    const t = tracker();
    const futures = [0, 1, 2, 3].map((n) => executor.submit(t.task, n));
    await settle();
    assert.equal(futures[0]!.state, "RUNNING");
    const shutdown = executor.shutdown({ cancelFutures: true });
    assert.ok(futures.slice(1).every((f) => f.cancelled()));
    t.open(0, 99);
    await shutdown;
    assert.equal(await futures[0], 99);
    assert.deepEqual(t.record.started, [0]);
    await assert.rejects(futures[3]!.result(), CancelledError);
  });

  test("a cancelled queued future is done for wait() at once and never runs", async () => {
    await using executor = new EventLoopExecutor(1);
    const t = tracker();
    const busy = executor.submit(t.task, 1);
    let ran = false;
    const queued = executor.submit(() => ran = true);
    assert.equal(queued.cancel(), true);
    const both: Future<unknown>[] = [busy, queued];
    const { done } = await wait(both, { returnWhen: FIRST_COMPLETED, timeout: 1000 });
    assert.ok(done.has(queued));
    t.open(1);
    assert.equal(await busy, 1);
    await settle();
    assert.equal(ran, false);
  });

  test("a future can be cancelled right after submit(), even with a free slot", async () => {
    await using executor = new EventLoopExecutor(4);
    let ran = false;
    const future = executor.submit(() => ran = true);
    assert.equal(future.cancel(), true);
    const next = executor.submit(() => "next");
    assert.equal(await next, "next");
    assert.equal(ran, false);
  });

  test("await using shuts the executor down", async () => {
    let executor: EventLoopExecutor;
    {
      await using scoped = new EventLoopExecutor(1);
      executor = scoped;
      assert.equal(await scoped.submit(() => 1), 1);
    }
    assert.throws(() => executor.submit(() => 1), InvalidStateError);
  });

  test("bad options are refused with an error naming the option", () => {
    const make = (options: unknown) => new EventLoopExecutor(options as never);
    assert.throws(() => make({ maxWorkers: 0 }), {
      name: "RangeError",
      message: "maxWorkers must be greater than 0",
    });
    assert.throws(() => make(-1), RangeError);
    assert.throws(() => make({ maxWorkers: 1.5 }), {
      name: "TypeError",
      message: "maxWorkers must be an integer or Infinity, got 1.5 (number)",
    });
    assert.throws(() => make({ maxWorkers: "2" }), { name: "TypeError", message: /maxWorkers/ });
    assert.throws(() => make({ max_workers: 2 }), {
      name: "TypeError",
      message:
        'EventLoopExecutor: unknown option "max_workers" (did you mean maxWorkers?); known options: maxWorkers, maxQueue',
    });
    assert.throws(() => make({ initializer: () => {} }), { message: /"initializer"/ });
    assert.throws(() => make("4"), { name: "TypeError", message: /options must be/ });
    assert.equal(new EventLoopExecutor().maxWorkers, 32, "the default");
    assert.equal(new EventLoopExecutor({}).maxWorkers, 32);
    assert.equal(new EventLoopExecutor(7).maxWorkers, 7);
    assert.equal(new EventLoopExecutor(Infinity).maxWorkers, Infinity);
    assert.throws(() => make(NaN), { name: "TypeError", message: /got NaN/ });
    assert.throws(() => make(-Infinity), TypeError);
    assert.ok(new EventLoopExecutor() instanceof Executor);
  });

  test("submitWith() refuses bad arguments and options, naming them", () => {
    const executor = new EventLoopExecutor(1);
    assert.throws(() => executor.submitWith(() => 1, 5 as never), {
      name: "TypeError",
      message: /args must be an array/,
    });
    assert.throws(() => executor.submitWith(() => 1, [], { signal: {} as never }), {
      name: "TypeError",
      message: /signal must be an AbortSignal/,
    });
    assert.throws(() => executor.submitWith(() => 1, [], { transfer: 1 as never }), {
      name: "TypeError",
      message: /transfer must be an array/,
    });
  });
});

describe("EventLoopExecutor scheduling", () => {
  test("never more than maxWorkers in flight; each settled call lets the next one start", async () => {
    await using executor = new EventLoopExecutor(3);
    const t = tracker();
    const futures = Array.from({ length: 10 }, (_, n) => executor.submit(t.task, n));
    await settle();
    assert.deepEqual(t.record.started, [0, 1, 2]);
    assert.deepEqual(futures.map((f) => f.state).slice(0, 4), [
      "RUNNING",
      "RUNNING",
      "RUNNING",
      "PENDING",
    ]);
    t.open(1);
    await settle();
    assert.deepEqual(t.record.started, [0, 1, 2, 3], "the oldest queued task took the slot");
    for (let n = 0; n < 10; n++) {
      if (n === 1) continue;
      while (!t.record.gates.has(n)) await settle();
      t.open(n);
    }
    assert.deepEqual(await Promise.all(futures), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(t.record.peak, 3);
    assert.deepEqual(t.record.started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], "FIFO");
  });

  test("maxWorkers: Infinity starts every queued call at once, in order", async () => {
    await using executor = new EventLoopExecutor(Infinity);
    const t = tracker();
    const futures = Array.from({ length: 500 }, (_, n) => executor.submit(t.task, n));
    await settle();
    assert.equal(t.record.started.length, 500);
    assert.deepEqual(t.record.started, [...t.record.started].sort((a, b) => a - b));
    for (let n = 0; n < 500; n++) t.open(n);
    assert.equal((await Promise.all(futures)).length, 500);
  });

  test("start order is submission order, also when calls finish out of order", async () => {
    await using executor = new EventLoopExecutor(2);
    const t = tracker();
    const futures = Array.from({ length: 8 }, (_, n) => executor.submit(t.task, n));
    // Finish them in reverse order of what is running.
    const order = [1, 0, 3, 2, 5, 4, 7, 6];
    for (const n of order) {
      while (!t.record.gates.has(n)) await settle();
      t.open(n);
    }
    await Promise.all(futures);
    assert.deepEqual(t.record.started, [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.equal(t.record.peak, 2);
  });

  test("sync tasks run one after the other in submission order, within one turn", async () => {
    await using executor = new EventLoopExecutor(1);
    const log: number[] = [];
    const futures = Array.from({ length: 5 }, (_, n) => executor.submit(() => log.push(n)));
    assert.deepEqual(log, [], "nothing runs inside submit()");
    await Promise.resolve();
    assert.deepEqual(log, [0, 1, 2, 3, 4]);
    assert.ok(futures.every((f) => f.done()));
  });

  test("a task may submit more work, even to the same executor", async () => {
    await using executor = new EventLoopExecutor(2);
    const outer = executor.submit(async () => {
      const inner = executor.submit((x: number) => x + 1, 41);
      return await inner;
    });
    assert.equal(await outer, 42);
  });

  test("closures, shared state and any value pass by reference", async () => {
    await using executor = new EventLoopExecutor(4);
    const seen = new Set<string>();
    const shared = { count: 0 };
    const fnArg = (x: number) => x * 2;
    const symbol = Symbol("token");
    const futures = ["a", "b", "c"].map((key) =>
      executor.submit(
        async (k: string, f: (x: number) => number, s: symbol) => {
          await Promise.resolve();
          seen.add(k);
          shared.count++;
          return { doubled: f(shared.count), s, shared };
        },
        key,
        fnArg,
        symbol,
      )
    );
    const results = await Promise.all(futures);
    assert.deepEqual([...seen], ["a", "b", "c"]);
    assert.equal(shared.count, 3);
    assert.ok(results.every((r) => r.shared === shared && r.s === symbol));
    const thisArg = { base: 10 };
    const bound = function (this: typeof thisArg, x: number) {
      return this.base + x;
    }.bind(thisArg);
    assert.equal(await executor.submit(bound, 5), 15);
  });

  test("a thenable that is not a Promise is followed; a throwing `then` fails the future", async () => {
    await using executor = new EventLoopExecutor(1);
    const thenable = { then: (resolve: (v: number) => void) => resolve(7) };
    assert.equal(await executor.submit(() => thenable), 7);
    const error = new Error("bad then");
    const badThen = {
      get then() {
        throw error;
      },
    };
    assert.equal(await executor.submit(() => badThen).exception(), error);
    assert.equal(await executor.submit(() => "after"), "after");
  });

  test("wait() and asCompleted() work on its futures", async () => {
    await using executor = new EventLoopExecutor(4);
    const t = tracker();
    const futures = [0, 1, 2].map((n) => executor.submit(t.task, n));
    const failing = executor.submit(() => Promise.reject(new Error("no")));
    const { done } = await wait([...futures, failing], { returnWhen: FIRST_EXCEPTION });
    assert.deepEqual([...done], [failing]);
    const order: number[] = [];
    const reading = (async () => {
      for await (const future of asCompleted(futures)) order.push(await future);
    })();
    for (const n of [2, 0, 1]) {
      t.open(n);
      await settle();
    }
    await reading;
    assert.deepEqual(order, [2, 0, 1]);
  });

  test("a done callback that shuts the executor down mid-run cancels the rest cleanly", async () => {
    const executor = new EventLoopExecutor(1);
    const first = executor.submit(() => 1);
    const rest = [2, 3, 4].map((n) => executor.submit(() => n));
    first.addDoneCallback(() => void executor.shutdown({ cancelFutures: true }));
    assert.equal(await first, 1);
    assert.ok(rest.every((f) => f.cancelled()), "the sync tasks after it never ran");
    await executor.shutdown();
  });

  test("shutdown({ cancelFutures }) after shutdown() still cancels what is queued (Python's rule)", async () => {
    const executor = new EventLoopExecutor(1);
    const t = tracker();
    const futures = [0, 1, 2].map((n) => executor.submit(t.task, n));
    const closing = executor.shutdown();
    await settle();
    void executor.shutdown({ wait: false, cancelFutures: true });
    assert.deepEqual(futures.map((f) => f.state), ["RUNNING", "CANCELLED", "CANCELLED"]);
    t.open(0);
    await closing;
    assert.deepEqual(t.record.started, [0]);
  });
});

describe("EventLoopExecutor.submitWith() signal", () => {
  test("an aborted queued task is dropped with signal.reason and never runs", async () => {
    await using executor = new EventLoopExecutor(1);
    const t = tracker();
    const busy = executor.submit(t.task, 1);
    const controller = new AbortController();
    let ran = false;
    const queued = executor.submitWith(() => ran = true, [], { signal: controller.signal });
    await settle();
    const reason = new Error("no longer needed");
    controller.abort(reason);
    assert.equal(queued.state, "FINISHED");
    await assert.rejects(queued.result(), (e) => e === reason);
    t.open(1);
    assert.equal(await busy, 1);
    await settle();
    assert.equal(ran, false);
  });

  test("an already aborted signal fails the future at once, without running it", async () => {
    await using executor = new EventLoopExecutor(1);
    let ran = false;
    const reason = new Error("too late");
    const future = executor.submitWith(() => ran = true, [], { signal: AbortSignal.abort(reason) });
    assert.equal(future.done(), true);
    assert.equal(await future.exception(), reason);
    await settle();
    assert.equal(ran, false);
  });

  test("aborting a running task fails it at once and frees its slot; its outcome is ignored", async () => {
    await using executor = new EventLoopExecutor(1);
    const controller = new AbortController();
    const hung = gate<string>();
    const running = executor.submitWith(() => hung.promise, [], { signal: controller.signal });
    const next = executor.submit(() => "next");
    await settle();
    assert.equal(running.state, "RUNNING");
    assert.equal(next.state, "PENDING");
    controller.abort(new Error("stop"));
    await assert.rejects(running.result(), { message: "stop" });
    assert.equal(await next, "next", "the slot was freed");
    hung.open("late"); // the abandoned call settles later: nothing changes
    await settle();
    await assert.rejects(running.result(), { message: "stop" });
  });

  test("a task that settles removes its abort listener; a later abort changes nothing", async () => {
    await using executor = new EventLoopExecutor(1);
    const controller = new AbortController();
    let listeners = 0;
    const { signal } = controller;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listeners++;
      add(...args);
    }) as typeof add;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      listeners--;
      remove(...args);
    }) as typeof remove;
    const futures = [1, 2, 3].map((n) =>
      executor.submitWith(() => Promise.resolve(n), [], { signal })
    );
    assert.equal(listeners, 3);
    assert.deepEqual(await Promise.all(futures), [1, 2, 3]);
    assert.equal(listeners, 0);
    controller.abort();
    assert.deepEqual(await Promise.all(futures), [1, 2, 3]);
  });

  test("a hung task whose signal aborts does not hang shutdown", async () => {
    const executor = new EventLoopExecutor(2);
    const controller = new AbortController();
    const stuck = executor.submitWith(() => new Promise(() => {}), [], {
      signal: controller.signal,
    });
    // (Not AbortSignal.timeout(): Node unrefs its timer, and nothing else would keep this alive.)
    setTimeout(() => controller.abort(new Error("gave up")), 20);
    await executor.shutdown();
    await assert.rejects(stuck.result(), { message: "gave up" });
  });

  test("transfer is accepted and ignored: the buffer is the caller's own, never detached", async () => {
    await using executor = new EventLoopExecutor(1);
    const buffer = new Uint8Array([1, 2, 3]).buffer;
    const same = await executor.submitWith((b: ArrayBuffer) => b, [buffer], {
      transfer: [buffer],
    });
    assert.equal(same, buffer);
    assert.equal(buffer.byteLength, 3);
  });
});

describe("EventLoopExecutor.map() and starmap()", () => {
  test("map() yields in input order, at most maxWorkers in flight", async () => {
    await using executor = new EventLoopExecutor(2);
    let inFlight = 0;
    let peak = 0;
    const results: number[] = [];
    for await (
      const r of executor.map(async (ms: number) => {
        peak = Math.max(peak, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, ms));
        inFlight--;
        return ms;
      }, [6, 1, 4, 2, 0])
    ) results.push(r);
    assert.deepEqual(results, [6, 1, 4, 2, 0]);
    assert.equal(peak, 2);
  });

  test("map() with chunks: each chunk runs in one slot, in order; a failure lands at its item", async () => {
    await using executor = new EventLoopExecutor(2);
    const ran: number[] = [];
    const seen: number[] = [];
    const fn = (x: number) => {
      ran.push(x);
      if (x === 5) throw new Error(`bad ${x}`);
      return x % 2 ? x : Promise.resolve(x); // sync and async items mixed
    };
    await assert.rejects(async () => {
      for await (const r of executor.map(fn, [1, 2, 3, 4, 5, 6, 7], { chunksize: 3 })) {
        seen.push(r);
      }
    }, { message: "bad 5" });
    assert.deepEqual(seen, [1, 2, 3, 4]);
    assert.deepEqual(ran.filter((x) => x <= 3), [1, 2, 3], "a chunk's items run in order");
    const awaited: (number | undefined)[] = [];
    const slow = async (x?: number) => {
      await new Promise((resolve) => setTimeout(resolve, x === 2 ? 5 : 0));
      return x === undefined ? x : x * 10;
    };
    for await (const r of executor.map(slow, [1, 2, undefined, 4, 5], { chunksize: 2 })) {
      awaited.push(r);
    }
    assert.deepEqual(awaited, [10, 20, undefined, 40, 50]);
    const rejectedAt: number[] = [];
    const rejectAsync = (x: number) => x === 3 ? Promise.reject(new RangeError("three")) : x;
    await assert.rejects(async () => {
      for await (const r of executor.map(rejectAsync, [1, 2, 3, 4], { chunksize: 4 })) {
        rejectedAt.push(r);
      }
    }, RangeError);
    assert.deepEqual(rejectedAt, [1, 2]);
  });

  test("starmap() spreads argument lists, with and without chunks", async () => {
    await using executor = new EventLoopExecutor(2);
    const sum = (...xs: number[]) => xs.reduce((a, b) => a + b, 0);
    for (const chunksize of [1, 2]) {
      const out: number[] = [];
      for await (const r of executor.starmap(sum, [[1], [2, 3], [], [4, 5, 6]], { chunksize })) {
        out.push(r);
      }
      assert.deepEqual(out, [1, 5, 0, 15]);
    }
  });

  test("map() with buffersize reads an endless input a few items ahead", async () => {
    await using executor = new EventLoopExecutor(2);
    let read = 0;
    function* naturals() {
      for (let n = 1;; n++) {
        read = n;
        yield n;
      }
    }
    const squares: number[] = [];
    for await (const s of executor.map((n: number) => n * n, naturals(), { buffersize: 3 })) {
      squares.push(s);
      if (squares.length === 5) break;
    }
    assert.deepEqual(squares, [1, 4, 9, 16, 25]);
    assert.ok(read <= 5 + 3, `read ${read} items`);
  });

  test("map() over an async iterable", async () => {
    await using executor = new EventLoopExecutor(2);
    async function* words() {
      yield "event";
      await new Promise((resolve) => setTimeout(resolve, 1));
      yield "loop";
    }
    const out: number[] = [];
    for await (const n of executor.map((w: string) => Promise.resolve(w.length), words())) {
      out.push(n);
    }
    assert.deepEqual(out, [5, 4]);
  });

  test("map() timeout rejects with TimeoutError and cancels what is queued", async () => {
    await using executor = new EventLoopExecutor(1);
    const hung = gate<void>();
    const ran: number[] = [];
    const results = executor.map(
      async (n: number) => {
        ran.push(n);
        await hung.promise;
        return n;
      },
      [1, 2, 3],
      { timeout: 20 },
    );
    await assert.rejects(results.next(), TimeoutError);
    hung.open();
    await settle();
    assert.deepEqual(ran, [1], "the queued items were cancelled, not run");
  });

  test("map() signal: aborting cancels the unfinished items; iteration rejects with the reason", async () => {
    await using executor = new EventLoopExecutor(1);
    const controller = new AbortController();
    const ran: number[] = [];
    const hung = gate<void>();
    const results = executor.map(
      async (n: number) => {
        ran.push(n);
        await hung.promise;
        return n;
      },
      [1, 2, 3],
      { signal: controller.signal },
    );
    await settle();
    const reason = new Error("stop");
    controller.abort(reason);
    await assert.rejects(results.next(), (e) => e === reason);
    hung.open();
    await settle();
    assert.deepEqual(ran, [1]);
  });

  test("leaving a map() loop early cancels what has not started", async () => {
    await using executor = new EventLoopExecutor(1);
    const ran: number[] = [];
    for await (
      const r of executor.map(async (n: number) => {
        ran.push(n);
        await settle();
        return n;
      }, [1, 2, 3, 4, 5])
    ) {
      if (r === 2) break;
    }
    await settle();
    await settle();
    assert.ok(ran.length <= 3, `ran ${ran}`);
  });
});

describe("EventLoopExecutor under a random mix", () => {
  test("every future settles as its task says; FIFO starts; never more than maxWorkers counted", async () => {
    const rand = random(18);
    const maxWorkers = 4;
    const executor = new EventLoopExecutor(maxWorkers);
    const counted = new Set<number>(); // started, neither settled nor abandoned by an abort
    let peak = 0;
    const started: number[] = [];
    const errors = new Map<number, Error>();
    const reasons = new Map<number, Error>();
    const cancelled = new Set<number>();
    const futures: Future<number>[] = [];
    const sleepMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    for (let i = 0; i < 2_000; i++) {
      const kind = Math.floor(rand() * 5); // sync ok, sync throw, async ok, async reject, slow ok
      const delay = Math.floor(rand() * 6);
      const error = new Error(`task ${i}`);
      errors.set(i, error);
      // One task in seven has a signal, aborted at a random moment after submit() or after it
      // starts.
      const abortMode = rand() < 0.15 ? (rand() < 0.5 ? "submitted" : "started") : undefined;
      const controller = new AbortController();
      const reason = new Error(`abort ${i}`);
      const abortLater = () => setTimeout(() => controller.abort(reason), Math.floor(rand() * 8));
      const task = (): number | Promise<number> => {
        started.push(i);
        counted.add(i);
        peak = Math.max(peak, counted.size);
        assert.ok(counted.size <= maxWorkers, `${counted.size} in flight at task ${i}`);
        if (abortMode === "started") abortLater();
        const end = () => counted.delete(i);
        if (kind === 0) return end(), i;
        if (kind === 1) throw (end(), error);
        if (kind === 2) return Promise.resolve(i).finally(end);
        if (kind === 3) return Promise.reject(error).finally(end);
        return sleepMs(delay).then(() => i).finally(end);
      };
      let future: Future<number>;
      if (abortMode !== undefined) {
        reasons.set(i, reason);
        // Registered before the executor's listener: the call no longer counts from here on.
        controller.signal.addEventListener("abort", () => counted.delete(i));
        future = executor.submitWith(task, [], { signal: controller.signal });
        if (abortMode === "submitted") abortLater();
      } else {
        future = executor.submit(task);
      }
      if (rand() < 0.05 && future.cancel()) cancelled.add(i);
      futures.push(future);
      if (rand() < 0.02) await sleepMs(delay % 3); // submit in bursts
    }
    await executor.shutdown();
    assert.ok(futures.every((f) => f.done()), "every future settled");
    assert.deepEqual(started, [...started].sort((a, b) => a - b), "calls started in order");
    assert.equal(new Set(started).size, started.length, "no call ran twice");
    assert.equal(peak, maxWorkers);
    const ran = new Set(started);
    for (const [i, future] of futures.entries()) {
      if (cancelled.has(i)) {
        assert.ok(future.cancelled() && !ran.has(i), `task ${i} was cancelled and never ran`);
        continue;
      }
      const exception = await future.exception();
      if (reasons.has(i) && exception === reasons.get(i)) continue; // aborted first
      assert.ok(ran.has(i), `task ${i} ran`);
      if (exception === undefined) assert.equal(await future, i);
      else assert.equal(exception, errors.get(i), `task ${i} failed with its own error`);
    }
  });
});

describe("EventLoopExecutor: stats(), events and maxQueue", () => {
  test("stats() counts queued, running and each outcome, with run and wait times", async () => {
    await using executor = new EventLoopExecutor(1);
    const hold = gate();
    const first = executor.submit(() => hold.promise);
    const failing = executor.submit(() => {
      throw new Error("no");
    });
    const cancelled = executor.submit(() => 3);
    await Promise.resolve(); // the first starts a microtask after submit()
    assert.equal(cancelled.cancel(), true);
    let s = executor.stats();
    assert.deepEqual([s.state, s.running, s.queued, s.busy, s.idle], ["running", 1, 1, 1, 0]);
    assert.deepEqual([s.completed, s.failed, s.cancelled], [0, 0, 1]);
    hold.open();
    await first;
    await failing.exception();
    s = executor.stats();
    assert.deepEqual([s.running, s.queued, s.completed, s.failed, s.cancelled], [0, 0, 1, 1, 1]);
    assert.equal(s.runTime.samples, 2);
    assert.ok(s.runTime.max >= s.runTime.p50 && s.waitTime.samples === 2);
    assert.match(String(executor), /^EventLoopExecutor \{ state: "running", maxWorkers: 1, /);
    await executor.shutdown();
    assert.equal(executor.stats().state, "shutdown");
  });

  test("events: taskStart, taskDone, drain and idle, only to listeners", async () => {
    await using executor = new EventLoopExecutor(2);
    const seen: string[] = [];
    const onDone = (e: { outcome: string }) => seen.push(`done:${e.outcome}`);
    executor.on("taskStart", () => seen.push("start"))
      .on("taskDone", onDone)
      .on("drain", () => seen.push("drain"))
      .on("idle", () => seen.push("idle"));
    const idle = gate();
    executor.on("idle", () => idle.open());
    await Promise.all([executor.submit(() => 1), executor.submit(() => Promise.resolve(2))]);
    await idle.promise;
    assert.equal(seen.filter((e) => e === "start").length, 2);
    assert.equal(seen.filter((e) => e === "done:completed").length, 2);
    assert.ok(seen.includes("drain") && seen.at(-1) === "idle", seen.join(","));
    executor.off("taskDone", onDone);
    const before = seen.length;
    await executor.submit(() => 3);
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.ok(!seen.slice(before).some((e) => e.startsWith("done")));
    assert.throws(() => executor.on("workerStrat" as never, () => {}), /unknown event/);
  });

  test("maxQueue: submit() past it throws QueueFullError, room() waits for space", async () => {
    await using executor = new EventLoopExecutor({ maxWorkers: 1, maxQueue: 2 });
    const hold = gate();
    const running = executor.submit(() => hold.promise);
    await Promise.resolve(); // started: it no longer counts as queued
    const queued = [executor.submit(() => 1), executor.submit(() => 2)];
    assert.throws(() => executor.submit(() => 3), { name: "QueueFullError", message: /maxQueue/ });
    let roomy = false;
    const room = executor.room().then(() => roomy = true);
    await Promise.resolve();
    assert.equal(roomy, false);
    hold.open();
    await room;
    assert.equal(executor.stats().queued < 2, true);
    assert.deepEqual(await Promise.all([running, ...queued]), [undefined, 1, 2]);
    assert.throws(() => new EventLoopExecutor({ maxQueue: 0 }), RangeError);
    assert.throws(() => new EventLoopExecutor({ maxQueue: 1.5 }), /maxQueue must be an integer/);
  });

  test("map() on a bounded queue waits for room instead of failing", async () => {
    await using executor = new EventLoopExecutor({ maxWorkers: 2, maxQueue: 3 });
    let most = 0;
    executor.on("taskStart", () => most = Math.max(most, executor.stats().queued));
    const results: number[] = [];
    for await (
      const value of executor.map((n: number) => Promise.resolve(n * 2), [...Array(20).keys()])
    ) {
      results.push(value);
    }
    assert.deepEqual(results, [...Array(20).keys()].map((n) => n * 2));
    assert.ok(most <= 3, `queued at most ${most}`);
  });
});
