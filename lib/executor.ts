// Copyright 2026 the concurrent-futures authors. MIT license.
// This module is runtime-neutral.

import { type AnyFunction, type ChunkOutcome, MapIterator } from "./_map.ts";
import { checkOptions } from "./_options.ts";
import { kSubmitChunk } from "./_symbols.ts";
import { checkTimeout } from "./_timer.ts";
import type { Future } from "./future.ts";
import type { Transferable } from "./runtime/types.ts";

/**
 * Options for {@linkcode Executor.map} and {@linkcode Executor.starmap}: Python's `timeout`,
 * `chunksize` and `buffersize` (with the timeout in milliseconds), and an `AbortSignal`.
 *
 * @example An endless input, a few items ahead
 * ```ts
 * import { ThreadPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * function* naturals() {
 *   for (let n = 1;; n++) yield n;
 * }
 * await using pool = new ThreadPoolExecutor(2);
 * const squares: number[] = [];
 * const options = { chunksize: 2, buffersize: 3 }; // at most 3 chunks of 2 items in flight
 * for await (const square of pool.map((n: number) => n * n, naturals(), options)) {
 *   squares.push(square);
 *   if (squares.length === 5) break; // leaving the loop cancels what is still queued
 * }
 * assert.deepEqual(squares, [1, 4, 9, 16, 25]);
 * ```
 *
 * @example A timeout, counted from the map() call
 * ```ts
 * import { ThreadPoolExecutor, TimeoutError } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * await using pool = new ThreadPoolExecutor(1);
 * const sleep = (ms: number) => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms));
 * const results = pool.map(sleep, [300], { timeout: 50 });
 * await assert.rejects(results.next(), TimeoutError);
 * ```
 */
export interface MapOptions {
  /**
   * Milliseconds, counted from the `map()` call, until iteration rejects with `TimeoutError`;
   * `undefined` waits forever.
   * @default {undefined}
   */
  timeout?: number | undefined;
  /**
   * How many items make one unit of work (one message to a worker). Executors without chunk
   * support accept it and run each item on its own.
   * @default {1}
   */
  chunksize?: number | undefined;
  /**
   * How many units may be submitted ahead of the one being read; `undefined` submits everything
   * from a sync iterable at the call.
   * @default {undefined}
   */
  buffersize?: number | undefined;
  /** Aborting it cancels the unfinished units; iteration then rejects with `signal.reason`. */
  signal?: AbortSignal | undefined;
}

/**
 * Options for {@linkcode Executor.shutdown}, Python's `wait` and `cancel_futures`.
 *
 * @example Dropping the work that has not started
 * ```ts
 * import { ThreadPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const pool = new ThreadPoolExecutor(1);
 * await pool.submit(() => {}); // the worker is up and idle
 * const running = pool.submit(() => new Promise((resolve) => setTimeout(resolve, 20, "finished")));
 * const queued = pool.submit(() => "never runs");
 * await pool.shutdown({ wait: true, cancelFutures: true });
 * assert.equal(await running, "finished");
 * assert.equal(queued.cancelled(), true);
 * ```
 */
export interface ShutdownOptions {
  /**
   * Resolve only when all submitted work is done and every worker has exited.
   * @default {true}
   */
  wait?: boolean | undefined;
  /**
   * Cancel the futures that have not started.
   * @default {false}
   */
  cancelFutures?: boolean | undefined;
}

/**
 * The base class of executors, like Python's `concurrent.futures.Executor`: a subclass provides
 * `submit()` (and `shutdown()`); `map()`, `starmap()` and `await using` come with it.
 *
 * @example A minimal executor that runs each call on the main thread
 * ```ts
 * import { Executor, Future } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * class InlineExecutor extends Executor {
 *   submit<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Future<Awaited<R>> {
 *     const future = new Future<Awaited<R>>();
 *     queueMicrotask(async () => {
 *       if (!future.setRunningOrNotifyCancel()) return; // cancelled while queued
 *       try {
 *         future.setResult(await fn(...args));
 *       } catch (error) {
 *         future.setException(error);
 *       }
 *     });
 *     return future;
 *   }
 * }
 *
 * await using executor = new InlineExecutor();
 * const squares: number[] = [];
 * for await (const square of executor.map((x: number) => x * x, [1, 2, 3])) squares.push(square);
 * assert.deepEqual(squares, [1, 4, 9]);
 * ```
 */
export abstract class Executor implements AsyncDisposable {
  /**
   * Schedules `fn(...args)` and returns a future for its result.
   *
   * @typeParam A The argument types.
   * @typeParam R The return type; an async function's future settles with the awaited value.
   * @param fn The function to call.
   * @param args Its arguments.
   * @returns A future for the result.
   *
   * @example Python's `executor.submit(pow, 323, 1235)`
   * ```ts
   * import { ThreadPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using pool = new ThreadPoolExecutor(1);
   * const future = pool.submit((base: bigint, exp: bigint) => base ** exp, 323n, 1235n);
   * const digits = String(await future);
   * assert.equal(digits.length, 3099);
   * assert.ok(digits.endsWith("96527027073630500507"));
   * ```
   */
  abstract submit<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Future<Awaited<R>>;

  /**
   * Optional, internal: runs `fn(item)` for each of `args` (or, with `spread`, `fn(...argList)`
   * for each argument list) as one unit of work; used by {@linkcode Executor.map} when
   * `chunksize > 1`.
   *
   * @ignore
   */
  [kSubmitChunk]?(
    fn: (...args: never[]) => unknown,
    args: unknown[],
    spread: boolean,
  ): Future<ChunkOutcome>;

  /**
   * Calls `fn(item)` for every item through this executor and yields the results in input order.
   *
   * Items from a sync iterable are submitted during the call (all of them, or the first
   * `buffersize` units, then one more per step), so the work runs even if the iterator is never
   * read; an async iterable is read in the background as fast as `buffersize` allows. A pool with
   * `maxQueue` takes at the call what its queue holds; the rest is submitted as room appears, so
   * the limit never fails a map. When an item fails, iteration rejects with its error at that
   * item's position (earlier results of its chunk are still yielded), then ends. On that, on
   * `timeout` (counted from this call), on leaving the loop early and on aborting `signal`, every
   * unfinished unit is cancelled. If `signal` is already aborted at the call, nothing is submitted
   * and the first step rejects with `signal.reason`. An error thrown while reading `items`, or by a
   * `submit` after the call, is reported at its position; the input is then closed (`return()`).
   * After the iteration ends, `next()` yields `done`.
   *
   * @typeParam T The item type.
   * @typeParam R The return type of `fn`.
   * @param fn The function to call on each item.
   * @param items A sync or async iterable (a sync one is used if it is both).
   * @param options `timeout`, `chunksize`, `buffersize` and `signal`.
   * @returns An async iterator of the results.
   * @throws {TypeError} At the call: `fn` is not a function, `items` is not iterable, or an option
   * has the wrong type.
   * @throws {RangeError} At the call: `chunksize` or `buffersize` is below 1.
   * @throws {InvalidStateError} At the call, from `submit` (e.g. after `shutdown()`).
   *
   * @example Results in input order, whatever order they finish in
   * ```ts
   * import { ThreadPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using pool = new ThreadPoolExecutor(3);
   * const sleep = (ms: number) => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms));
   * const results: number[] = [];
   * for await (const ms of pool.map(sleep, [30, 10, 20])) results.push(ms);
   * assert.deepEqual(results, [30, 10, 20]);
   * ```
   *
   * @example A failing item rejects at its own position
   * ```ts
   * import { ProcessPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using pool = new ProcessPoolExecutor(1);
   * const twelveOver = (x: number) => {
   *   if (x === 0) throw new RangeError("division by zero");
   *   return 12 / x;
   * };
   * const results: number[] = [];
   * await assert.rejects(async () => {
   *   for await (const x of pool.map(twelveOver, [3, 0, 4], { chunksize: 2 })) results.push(x);
   * }, RangeError);
   * assert.deepEqual(results, [4]); // Python would lose the 4 with its chunk
   * ```
   */
  map<T, R>(
    fn: (item: T) => R,
    items: Iterable<T> | AsyncIterable<T>,
    options?: MapOptions,
  ): AsyncIterableIterator<Awaited<R>> {
    return startMap(this, fn, items, options, false) as AsyncIterableIterator<Awaited<R>>;
  }

  /**
   * Like {@linkcode Executor.map}, but each element of `argLists` is spread as the arguments:
   * `fn(...args)`.
   *
   * @typeParam A The argument types.
   * @typeParam R The return type of `fn`.
   * @param fn The function to call.
   * @param argLists A sync or async iterable of argument lists.
   * @param options `timeout`, `chunksize`, `buffersize` and `signal`.
   * @returns An async iterator of the results.
   * @throws {TypeError} At the call, as for `map()`.
   * @throws {RangeError} At the call, as for `map()`.
   *
   * @example Python's `map(pow, [2, 3], [5, 2])`
   * ```ts
   * import { ThreadPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using pool = new ThreadPoolExecutor(2);
   * const powers: number[] = [];
   * const pairs: [number, number][] = [[2, 5], [3, 2]];
   * for await (const p of pool.starmap((base: number, exp: number) => base ** exp, pairs)) {
   *   powers.push(p);
   * }
   * assert.deepEqual(powers, [32, 9]);
   * ```
   */
  starmap<A extends unknown[], R>(
    fn: (...args: A) => R,
    argLists: Iterable<A> | AsyncIterable<A>,
    options?: MapOptions,
  ): AsyncIterableIterator<Awaited<R>> {
    return startMap(this, fn, argLists, options, true) as AsyncIterableIterator<Awaited<R>>;
  }

  /**
   * Stops accepting work. The base class does nothing; pools release their workers.
   *
   * @param options `wait` (default true) and `cancelFutures` (default false).
   * @returns A promise that resolves when the executor has shut down.
   * @throws {TypeError} At the call, if `options` is not an object (`shutdown(false)` is
   * `shutdown({ wait: false })`) or has an unknown key (`cancel_futures`).
   *
   * @example Explicitly, or with `await using` (Python's `with`)
   * ```ts
   * import { InvalidStateError, ThreadPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const pool = new ThreadPoolExecutor(1);
   * assert.equal(await pool.submit(() => 1), 1);
   * await pool.shutdown();
   * assert.throws(() => pool.submit(() => 2), InvalidStateError);
   *
   * {
   *   await using scoped = new ThreadPoolExecutor(1);
   *   assert.equal(await scoped.submit(() => 3), 3);
   * } // shut down here, waiting for its work
   * ```
   */
  shutdown(options?: ShutdownOptions): Promise<void> {
    checkShutdownOptions(options);
    return Promise.resolve();
  }

  /**
   * `shutdown({ wait: true })`, so `await using executor = …` cleans up.
   *
   * @returns A promise that resolves when the executor has shut down.
   *
   * @example Python's `with ThreadPoolExecutor() as pool:`
   * ```ts
   * import { ThreadPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using pool = new ThreadPoolExecutor();
   * assert.equal(await pool.submit(() => "inside"), "inside");
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }
}

const MAP_OPTIONS = ["timeout", "chunksize", "buffersize", "signal"];

// Validates the arguments of map()/starmap() at the call, then starts submitting.
function startMap(
  executor: Executor,
  fn: unknown,
  items: unknown,
  options: MapOptions | undefined,
  spread: boolean,
): AsyncIterableIterator<unknown> {
  const name = spread ? "starmap()" : "map()";
  if (typeof fn !== "function") throw new TypeError("fn must be a function");
  const source = items as Partial<Iterable<unknown> & AsyncIterable<unknown>> | null | undefined;
  const sync = typeof source?.[Symbol.iterator] === "function";
  if (!sync && typeof source?.[Symbol.asyncIterator] !== "function") {
    throw new TypeError(`${name} expects an iterable or async iterable`);
  }
  checkOptions(options, MAP_OPTIONS, name, "{ chunksize: 100 }");
  const { timeout, chunksize = 1, buffersize, signal } = options ?? {};
  checkTimeout(timeout);
  if (typeof chunksize !== "number" || !Number.isInteger(chunksize)) {
    throw new TypeError("chunksize must be an integer");
  }
  if (chunksize < 1) throw new RangeError("chunksize must be >= 1");
  if (
    buffersize !== undefined && (typeof buffersize !== "number" || !Number.isInteger(buffersize))
  ) {
    throw new TypeError("buffersize must be an integer or undefined");
  }
  if (buffersize !== undefined && buffersize < 1) throw new RangeError("buffersize must be >= 1");
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError("signal must be an AbortSignal");
  }
  return new MapIterator(executor, fn as AnyFunction, source!, {
    name,
    spread,
    timeout,
    chunked: chunksize > 1 && typeof executor[kSubmitChunk] === "function",
    chunksize,
    buffersize,
    signal,
  });
}

/**
 * Internal: checks the options of `shutdown()`, for the executors that override it.
 *
 * @param options The options passed to `shutdown()`.
 * @throws {TypeError} If `options` is not an object, has an unknown key, or a non-boolean value.
 */
export function checkShutdownOptions(options: unknown): asserts options is ShutdownOptions {
  checkOptions(options, ["wait", "cancelFutures"], "shutdown()", "{ wait: false }");
  const { wait, cancelFutures } = (options ?? {}) as Record<string, unknown>;
  if (wait !== undefined && typeof wait !== "boolean") {
    throw new TypeError(`shutdown(): wait must be a boolean, got ${String(wait)}`);
  }
  if (cancelFutures !== undefined && typeof cancelFutures !== "boolean") {
    throw new TypeError(
      `shutdown(): cancelFutures must be a boolean, got ${String(cancelFutures)}`,
    );
  }
}

/**
 * Per-call options of `submitWith()`, beyond Python's `submit`: an `AbortSignal` and a transfer
 * list.
 *
 * @example Moving a buffer to a worker thread instead of copying it
 * ```ts
 * import { ThreadPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * await using pool = new ThreadPoolExecutor(1);
 * const buffer = new Uint8Array(1024).fill(1).buffer;
 * const sum = pool.submitWith(
 *   (b: ArrayBuffer) => new Uint8Array(b).reduce((a, x) => a + x, 0),
 *   [buffer],
 *   { transfer: [buffer] },
 * );
 * assert.equal(await sum, 1024);
 * assert.equal(buffer.byteLength, 0); // moved at submitWith(): detached here already
 * ```
 *
 * @example Giving up on a task
 * ```ts
 * import { ThreadPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * await using pool = new ThreadPoolExecutor(1);
 * const future = pool.submitWith(() => new Promise(() => {}), [], {
 *   signal: AbortSignal.timeout(50),
 * });
 * await assert.rejects(future.result(), { name: "TimeoutError" }); // the signal's reason
 * ```
 */
export interface SubmitOptions {
  /**
   * Abort the task: a queued task is dropped; a running one has its worker terminated and
   * replaced. Either way the future fails with `signal.reason`.
   */
  signal?: AbortSignal;
  /**
   * Values to move to the worker instead of copying (thread pool only): `ArrayBuffer`s and
   * `MessagePort`s that occur in the arguments. They move when `submitWith()` is called: the
   * caller's copies are detached from then on, even while the task waits in the queue.
   */
  transfer?: readonly Transferable[];
}

/**
 * Options both pools take, as in Python's executors: `max_workers`, `initializer`, `initargs`,
 * plus `modules` for functions sent by reference.
 *
 * `initargs` is type-checked against the parameters of `initializer`: a mismatch is a compile
 * error. An `initargs` array declared apart from the options needs a tuple type (`as const`).
 *
 * @typeParam A The parameter types of `initializer`, inferred from it and from `initargs`.
 *
 * @example An initializer and a module of task functions
 * ```ts
 * import { ThreadPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * // A module of task functions; in a program: new URL("./tasks.ts", import.meta.url)
 * const tasks = "data:text/javascript,const RATE = 3; export function triple(x) { return x * RATE; }";
 * const { triple } = await import(tasks); // the same module the workers import
 *
 * await using pool = new ThreadPoolExecutor({
 *   maxWorkers: 2,
 *   initializer: (name: string) => {
 *     (globalThis as { poolName?: string }).poolName = name; // once per worker
 *   },
 *   initargs: ["billing"],
 *   modules: [tasks],
 * });
 * assert.equal(await pool.submit(triple, 14), 42); // by reference: it uses RATE
 * assert.equal(await pool.submit(() => (globalThis as { poolName?: string }).poolName), "billing");
 * ```
 */
// deno-lint-ignore no-explicit-any
export interface ExecutorOptions<A extends any[] = any[]> {
  /**
   * The most workers that run at once. Workers start lazily, one per submitted task while none
   * is idle, and idle ones are reused.
   * @default {os.availableParallelism()}
   */
  maxWorkers?: number;
  /**
   * Runs once in each worker before its first task; may be async. It crosses to the worker like
   * a task function: self-contained source, or an export of a module in `modules`. If it throws,
   * the pool is broken.
   */
  initializer?: (...args: A) => unknown;
  /** Arguments for `initializer`, checked against its parameters. @default {[]} */
  initargs?: Readonly<A>;
  /**
   * Modules whose exported functions may be submitted by reference: the worker imports the module
   * and calls the export, so such a function may use anything its module imports. Paths are
   * resolved against the current directory; `URL`s (e.g. `new URL("./tasks.ts",
   * import.meta.url)`) are used as they are.
   */
  modules?: (string | URL)[];
  /**
   * Workers started at construction and kept while the pool runs (a worker that exits is
   * replaced), so that the first tasks do not wait for a worker to start. At most `maxWorkers`.
   * @default {0}
   */
  minWorkers?: number;
  /**
   * Milliseconds a worker beyond `minWorkers` may stay idle before it exits; `undefined` keeps
   * idle workers until shutdown, as Python does. (Threads that cannot be unref'd, the web Workers
   * Deno uses for remote code, exit after at most 200 ms idle whatever the pool's size, or they
   * would keep the program alive; the next `submit()` warms the pool again.)
   * @default {undefined}
   */
  idleTimeout?: number;
  /**
   * The most tasks that may wait in the queue for a worker (work waiting for a worker that is
   * still starting counts). Past it, `submit()` throws a {@linkcode QueueFullError} at once;
   * `await pool.room()` waits until there is room again. `map()` waits for room by itself.
   * `undefined` queues without limit, as Python does.
   * @default {undefined}
   */
  maxQueue?: number;
  /**
   * What the pool does when a worker dies unexpectedly (a task calls `process.exit()`, runs out of
   * memory, is killed by a signal): `"break"` breaks the whole pool, as in Python; `"replace"`
   * fails only the futures that worker held, with the worker's end as their error's `cause`, and
   * the queued work goes on in a new worker. A crash loop still breaks the pool: a worker that dies
   * before it is ready (while starting or in its initializer), or the `2 × maxWorkers`-th crash in
   * a row with no task finished in between.
   * @default {"break"}
   */
  onWorkerCrash?: "break" | "replace";
}
