// Copyright 2026 the concurrent-futures authors. MIT license.
// What the thread pool and the process pool share: submitting to the pool core and shutting it
// down. Runtime-neutral.

import type { ChunkOutcome } from "./_map.ts";
import { PoolCore, type PoolPolicy } from "./_pool_core.ts";
import { checkFunction, checkSubmitWith } from "./_pool_options.ts";
import { kRoom, kSubmitChunk } from "./_symbols.ts";
import {
  checkShutdownOptions,
  Executor,
  type ShutdownOptions,
  type SubmitOptions,
} from "./executor.ts";
import type { ExecutorEvents, ExecutorStats } from "./executor_stats.ts";
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
   * @throws {QueueFullError} If `maxQueue` tasks already wait in the queue (see
   * {@linkcode PoolExecutor.room}).
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
   * @throws {QueueFullError} If `maxQueue` tasks already wait in the queue.
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
    checkSubmitWith(fn, args, options);
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

  /**
   * A snapshot of the pool: its workers (starting, idle, busy), its tasks (queued, running,
   * completed, failed, cancelled) and the run and wait times of its last 1,024 tasks. A call
   * takes tens of microseconds; the bookkeeping behind it costs two clock reads per task.
   *
   * @returns A new object each call; see {@linkcode ExecutorStats}.
   *
   * @example A health endpoint's numbers
   * ```ts
   * import { ThreadPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using pool = new ThreadPoolExecutor(2);
   * await pool.submit(() => "warm");
   * const { state, workers, queued, completed, waitTime } = pool.stats();
   * assert.deepEqual([state, workers, queued, completed], ["running", 1, 0, 1]);
   * assert.equal(waitTime.samples, 1);
   * ```
   */
  stats(): ExecutorStats {
    return this.#core.stats();
  }

  /**
   * Calls `listener` on every `name` event from now on (see {@linkcode ExecutorEvents}):
   * `taskStart`, `taskDone`, `workerStart`, `workerExit`, `drain` (the queue emptied) and `idle`
   * (nothing queued or running). Listeners run in a microtask after the pool's own bookkeeping, in
   * order; one that throws is reported with `console.error` and the others still run. Without
   * listeners no event is built, so they cost nothing until used.
   *
   * @typeParam K The event name.
   * @param name The event.
   * @param listener Called with the event's data; adding the same listener twice adds it once.
   * @returns This pool, for chaining.
   * @throws {TypeError} For an unknown event name or a listener that is not a function.
   *
   * @example Waiting until every task submitted so far is done
   * ```ts
   * import { ThreadPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using pool = new ThreadPoolExecutor(2);
   * const idle = new Promise<void>((resolve) => pool.on("idle", resolve));
   * for (let i = 0; i < 5; i++) pool.submit((x: number) => x * x, i);
   * await idle;
   * assert.equal(pool.stats().completed, 5);
   * ```
   */
  on<K extends keyof ExecutorEvents>(name: K, listener: (event: ExecutorEvents[K]) => void): this {
    this.#core.events.on(name, listener);
    return this;
  }

  /**
   * Stops calling `listener` on `name` events (one already queued for delivery is not delivered).
   *
   * @typeParam K The event name.
   * @param name The event.
   * @param listener A listener given to {@linkcode PoolExecutor.on}; any other is ignored.
   * @returns This pool, for chaining.
   * @throws {TypeError} For an unknown event name or a listener that is not a function.
   *
   * @example A listener for one event only
   * ```ts
   * import { ThreadPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using pool = new ThreadPoolExecutor(1);
   * let seen = 0;
   * const once = () => {
   *   seen++;
   *   pool.off("taskDone", once);
   * };
   * pool.on("taskDone", once);
   * await pool.submit(() => 1);
   * await pool.submit(() => 2);
   * assert.equal(seen, 1);
   * ```
   */
  off<K extends keyof ExecutorEvents>(name: K, listener: (event: ExecutorEvents[K]) => void): this {
    this.#core.events.off(name, listener);
    return this;
  }

  /**
   * Resolves once the queue holds fewer than `maxQueue` tasks: at once if it does now or the pool
   * has no `maxQueue`. Every waiter is woken together, so a producer should still be ready for a
   * {@linkcode QueueFullError} (another may have taken the room first): loop on it. After
   * `shutdown()` (or once the pool is broken) the queue empties, so this resolves and the next
   * `submit()` throws why.
   *
   * @returns A promise that resolves when there is room.
   *
   * @example A producer that never overfills the queue
   * ```ts
   * import { QueueFullError, ThreadPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using pool = new ThreadPoolExecutor({ maxWorkers: 2, maxQueue: 4 });
   * const futures = [];
   * for (let i = 0; i < 20; i++) {
   *   for (;;) {
   *     try {
   *       futures.push(pool.submit((x: number) => x + 1, i));
   *       break;
   *     } catch (error) {
   *       if (!(error instanceof QueueFullError)) throw error;
   *       await pool.room();
   *     }
   *   }
   *   assert.ok(pool.stats().queued <= 4);
   * }
   * assert.equal((await Promise.all(futures)).length, 20);
   * ```
   */
  room(): Promise<void> {
    return this.#core.room();
  }

  /**
   * Describes the pool on one line.
   *
   * @returns A description such as `ThreadPoolExecutor { state: "running", maxWorkers: 2,
   * workers: 2, idle: 1, busy: 1, queued: 3, running: 1, completed: 10, failed: 0,
   * cancelled: 0 }`.
   *
   * @example At a glance
   * ```ts
   * import { ThreadPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const pool = new ThreadPoolExecutor(2);
   * assert.equal(
   *   String(pool),
   *   'ThreadPoolExecutor { state: "running", maxWorkers: 2, workers: 0, idle: 0, busy: 0, ' +
   *     "queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 }",
   * );
   * await pool.shutdown();
   * ```
   */
  override toString(): string {
    const s = this.#core.stats();
    const starting = s.starting > 0 ? `starting: ${s.starting}, ` : "";
    return `${this.constructor.name} { state: "${s.state}", maxWorkers: ${s.maxWorkers}, ` +
      `workers: ${s.workers}, ${starting}idle: ${s.idle}, busy: ${s.busy}, queued: ${s.queued}, ` +
      `running: ${s.running}, completed: ${s.completed}, failed: ${s.failed}, ` +
      `cancelled: ${s.cancelled} }`;
  }

  /** Node's and Bun's `util.inspect` (and Deno's console) show {@linkcode PoolExecutor.toString}. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** @internal map(): resolves once there is room in the queue. */
  [kRoom](): Promise<void> {
    return this.#core.room();
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
