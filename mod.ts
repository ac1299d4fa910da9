// Copyright 2026 the concurrent-futures authors. MIT license.
// The public entry point. This module is runtime-neutral.

/**
 * Python's `concurrent.futures` for Deno, Bun and Node: futures, `wait()`, `asCompleted()` and
 * executors that run functions on worker threads, on child processes, or (for I/O) on the calling
 * thread's event loop. Timeouts are in milliseconds; `undefined` waits forever and `0` or less
 * only checks.
 *
 * ```ts
 * import { asCompleted, Future, wait } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const a = new Future<number>();
 * const b = new Future<number>();
 * setTimeout(() => b.setResult(2), 1);
 * setTimeout(() => a.setResult(1), 5);
 *
 * const order: number[] = [];
 * for await (const future of asCompleted([a, b])) order.push(await future);
 * assert.deepEqual(order, [2, 1]);
 *
 * const { done, notDone } = await wait([a, b]);
 * assert.equal(done.size, 2);
 * assert.equal(notDone.size, 0);
 * ```
 *
 * @module
 */

export { Future } from "./lib/future.ts";
export type { FutureState } from "./lib/future.ts";
export { Executor } from "./lib/executor.ts";
export type {
  ExecutorOptions,
  MapOptions,
  ShutdownOptions,
  SubmitOptions,
} from "./lib/executor.ts";
export { ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, wait } from "./lib/wait.ts";
export type { DoneAndNotDone, ReturnWhen } from "./lib/wait.ts";
export { asCompleted } from "./lib/as_completed.ts";
export { partial } from "./lib/partial.ts";
export type { PartialFunction } from "./lib/partial.ts";
export {
  BrokenExecutor,
  BrokenProcessPool,
  BrokenThreadPool,
  CancelledError,
  InvalidStateError,
  QueueFullError,
  SerializationError,
  TimeoutError,
} from "./lib/errors.ts";

export type { ResourceLimits, Transferable } from "./lib/runtime/types.ts";

export { PoolExecutor } from "./lib/pool_executor.ts";
export type {
  DurationStats,
  ExecutorEvents,
  ExecutorStats,
  TaskDoneEvent,
  TaskStartEvent,
  WorkerExitEvent,
  WorkerStartEvent,
} from "./lib/executor_stats.ts";
export { ThreadPoolExecutor } from "./lib/thread_pool.ts";
export type { ThreadPoolOptions } from "./lib/thread_pool.ts";
export { ProcessPoolExecutor } from "./lib/process_pool.ts";
export type { ProcessPoolOptions } from "./lib/process_pool.ts";
export { EventLoopExecutor } from "./lib/event_loop_executor.ts";
export type { EventLoopExecutorOptions } from "./lib/event_loop_executor.ts";
