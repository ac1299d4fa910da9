// Copyright 2026 the concurrent-futures authors. MIT license.
// What the thread pool and the process pool share: submitting to the pool core and shutting it
// down. Runtime-neutral.

import type { ChunkOutcome } from "./_map.ts";
import { PoolCore, type PoolPolicy } from "./_pool_core.ts";
import { checkFunction, checkSubmitOptions } from "./_pool_options.ts";
import { kSubmitChunk } from "./_symbols.ts";
import {
  checkShutdownOptions,
  Executor,
  type ShutdownOptions,
  type SubmitOptions,
} from "./executor.ts";
import type { Future } from "./future.ts";

/**
 * The base of {@linkcode ThreadPoolExecutor} and {@linkcode ProcessPoolExecutor}: an
 * {@linkcode Executor} that runs its calls on a pool of workers. It is public so that
 * `instanceof PoolExecutor` tells a pool from other executors; it is not meant to be subclassed.
 *
 * @example Either pool, through what they share
 * ```ts
 * import { PoolExecutor, ProcessPoolExecutor, ThreadPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * async function cube(pool: PoolExecutor): Promise<number> {
 *   await using _ = pool;
 *   return await pool.submitWith((x: number) => x ** 3, [3]);
 * }
 * assert.equal(await cube(new ThreadPoolExecutor(1)), 27);
 * assert.equal(await cube(new ProcessPoolExecutor(1)), 27);
 * ```
 */
export abstract class PoolExecutor extends Executor {
  #core: PoolCore;
  #maxWorkers: number;

  /** @ignore */
  constructor(policy: PoolPolicy) {
    super();
    this.#core = new PoolCore(policy);
    this.#maxWorkers = policy.maxWorkers;
  }

  /**
   * The most workers this pool runs at once: the `maxWorkers` option, or its default (Python's
   * `executor._max_workers`). Read-only.
   *
   * @example Sizing work to the pool
   * ```ts
   * import { ThreadPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using pool = new ThreadPoolExecutor(3);
   * assert.equal(pool.maxWorkers, 3);
   * await using defaultPool = new ThreadPoolExecutor();
   * assert.ok(defaultPool.maxWorkers >= 1); // os.availableParallelism()
   * ```
   */
  get maxWorkers(): number {
    return this.#maxWorkers;
  }

  /**
   * Schedules `fn(...args)` on a worker and returns its future.
   *
   * @typeParam A The argument types.
   * @typeParam R The return type; an async function's future settles with the awaited value.
   * @param fn The function: self-contained (sent by source), or an export of a module listed in
   * `modules` (sent by reference).
   * @param args Its arguments, copied to the worker.
   * @returns A future for the result.
   * @throws {TypeError} If `fn` is not a function.
   * @throws {InvalidStateError} After `shutdown()`.
   * @throws {BrokenExecutor} If a worker died or the initializer failed (the pool's own kind:
   * `BrokenThreadPool` or `BrokenProcessPool`).
   *
   * @example A closure is refused; pass the value instead
   * ```ts
   * import { SerializationError, ThreadPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using pool = new ThreadPoolExecutor(1);
   * const greeting = "Hello";
   * const refused = await pool.submit((name: string) => `${greeting}, ${name}!`, "world")
   *   .exception();
   * assert.ok(refused instanceof SerializationError);
   * assert.equal(refused.path, "fn");
   * const greet = (greeting: string, name: string) => `${greeting}, ${name}!`;
   * assert.equal(await pool.submit(greet, greeting, "world"), "Hello, world!");
   * ```
   *
   * @example A task's error arrives rebuilt, with its class and message
   * ```ts
   * import { ProcessPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using pool = new ProcessPoolExecutor(1);
   * const parse = (text: string) => JSON.parse(text);
   * assert.deepEqual(await pool.submit(parse, '{"ok":true}'), { ok: true });
   * await assert.rejects(pool.submit(parse, "{oops").result(), SyntaxError);
   * ```
   */
  submit<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Future<Awaited<R>> {
    checkFunction(fn);
    return this.#core.submit(fn, args, "task", undefined) as Future<Awaited<R>>;
  }

  /**
   * `submit()` with per-call options: an `AbortSignal` (a queued task is dropped; a running one
   * has its worker terminated and replaced; either way the future fails with `signal.reason`) and,
   * for the thread pool, a `transfer` list (`ArrayBuffer`s and ports move to the worker instead of
   * being copied; the process pool refuses one: nothing can be transferred to another process).
   *
   * @typeParam A The argument types.
   * @typeParam R The return type.
   * @param fn The function, as for {@linkcode PoolExecutor.submit}.
   * @param args Its arguments, as an array.
   * @param options The per-call options.
   * @returns A future for the result.
   * @throws {TypeError} If `fn` is not a function, `args` not an array or an option is wrong.
   * @throws {InvalidStateError} After `shutdown()`.
   * @throws {BrokenExecutor} If a worker died or the initializer failed.
   *
   * @example Abort a running task
   * ```ts
   * import { ThreadPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using pool = new ThreadPoolExecutor(1);
   * const controller = new AbortController();
   * const future = pool.submitWith(() => { for (;;); }, [], { signal: controller.signal });
   * controller.abort(new Error("took too long"));
   * await assert.rejects(future.result(), { message: "took too long" });
   * ```
   *
   * @example A deadline for one task
   * ```ts
   * import { ProcessPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using pool = new ProcessPoolExecutor(1);
   * const stuck = pool.submitWith(() => new Promise(() => {}), [], {
   *   signal: AbortSignal.timeout(100),
   * });
   * await assert.rejects(stuck.result(), { name: "TimeoutError" });
   * assert.equal(await pool.submit(() => "still usable"), "still usable");
   * ```
   */
  submitWith<A extends unknown[], R>(
    fn: (...args: A) => R,
    args: A,
    options?: SubmitOptions,
  ): Future<Awaited<R>> {
    checkFunction(fn);
    if (!Array.isArray(args)) throw new TypeError("args must be an array");
    checkSubmitOptions(options);
    return this.#core.submit(fn, args, "task", options) as Future<Awaited<R>>;
  }

  /**
   * Stops accepting work. With `wait` (the default) resolves once every submitted task is done
   * and every worker has exited; `cancelFutures` cancels the tasks that have not started.
   *
   * @param options Python's `wait` and `cancel_futures`.
   * @returns A promise that resolves when the pool has shut down (at once without `wait`).
   * @throws {TypeError} At the call, if `options` is not an object or has an unknown key: Python's
   * `cancel_futures` is refused with a hint to `cancelFutures`.
   *
   * @example Dropping the work that has not started
   * ```ts
   * import { ThreadPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const pool = new ThreadPoolExecutor(1);
   * await pool.submit(() => {}); // the worker is up and idle
   * const running = pool.submit(() => new Promise((r) => setTimeout(r, 20, "finished")));
   * const queued = pool.submit(() => "never runs");
   * await pool.shutdown({ cancelFutures: true });
   * assert.equal(await running, "finished");
   * assert.equal(queued.cancelled(), true);
   * ```
   */
  override shutdown(options: ShutdownOptions = {}): Promise<void> {
    checkShutdownOptions(options);
    return this.#core.shutdown(options.wait ?? true, options.cancelFutures ?? false);
  }

  /** @internal Chunked map: one message for a whole chunk, each way. */
  override [kSubmitChunk](
    fn: (...args: never[]) => unknown,
    args: unknown[],
    spread: boolean,
  ): Future<ChunkOutcome> {
    return this.#core.submit(fn, args, spread ? "argLists" : "items", undefined) as Future<
      ChunkOutcome
    >;
  }

  /**
   * For the pools: stops every worker now with `signal` (see `PoolCore.stopWorkers`).
   *
   * @ignore
   */
  protected stopWorkers(signal: "SIGTERM" | "SIGKILL"): Promise<void> {
    return this.#core.stopWorkers(signal);
  }
}
