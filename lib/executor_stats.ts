// Copyright 2026 the concurrent-futures authors. MIT license.
// What an executor reports about itself: its stats() snapshot and its events. Types only; this
// module is runtime-neutral.

import type { Future } from "./future.ts";

/**
 * Percentiles of recent durations in milliseconds, over the last 1,024 tasks (a fixed window:
 * older tasks drop out). All zeros while `samples` is 0.
 *
 * @example The median run time of a pool's recent tasks
 * ```ts
 * import { ThreadPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * await using pool = new ThreadPoolExecutor(1);
 * await pool.submit(() => new Promise((resolve) => setTimeout(resolve, 20)));
 * const { runTime } = pool.stats();
 * assert.equal(runTime.samples, 1);
 * assert.ok(runTime.p50 >= 15 && runTime.p50 === runTime.max);
 * ```
 */
export interface DurationStats {
  /** The median. */
  p50: number;
  /** 90% of the samples took at most this long. */
  p90: number;
  /** 99% of the samples took at most this long. */
  p99: number;
  /** The longest sample in the window. */
  max: number;
  /** How many samples the window holds (at most 1,024). */
  samples: number;
}

/**
 * A snapshot of an executor, from `stats()`. Counts are of units of work: a task, or one chunk of
 * `map()` (`chunksize > 1`).
 *
 * @example What a pool is doing
 * ```ts
 * import { ThreadPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * await using pool = new ThreadPoolExecutor(2);
 * await Promise.all([1, 2, 3].map((x) => pool.submit((n: number) => n * 2, x)));
 * const stats = pool.stats();
 * assert.equal(stats.completed, 3);
 * assert.equal(stats.queued + stats.running, 0);
 * assert.ok(stats.workers >= 1 && stats.workers <= 2);
 * ```
 */
export interface ExecutorStats {
  /** `"running"`, `"shutdown"` (no new work; finishing what it has) or `"broken"`. */
  state: "running" | "shutdown" | "broken";
  /** The most workers it runs at once. */
  maxWorkers: number;
  /** Workers alive: starting, idle, busy or on their way out. */
  workers: number;
  /** Workers still starting up (their runtime loading, their initializer running). */
  starting: number;
  /** Workers ready and without work. */
  idle: number;
  /** Workers holding work. */
  busy: number;
  /** Tasks waiting in the pool's queue for a worker. */
  queued: number;
  /**
   * Tasks handed to workers and not done: running, or sent ahead to a busy worker (up to 3 per
   * thread, 1 per process) where they wait for the task before them.
   */
  running: number;
  /** Tasks that finished with a result (a chunk counts here even if one of its items threw). */
  completed: number;
  /** Tasks that finished with an exception, including those failed by a broken pool. */
  failed: number;
  /** Tasks cancelled before they started. */
  cancelled: number;
  /**
   * How long recent tasks ran: from when their worker could start them (they had reached it and
   * it had finished the task before) until their result was back.
   */
  runTime: DurationStats;
  /** How long recent tasks waited: from `submit()` until their worker could start them. */
  waitTime: DurationStats;
}

/**
 * The events of an executor, by name, with what their listeners receive. Listeners are called in
 * a microtask after the pool has done its own bookkeeping, in the order the events happened; an
 * event is only built when it has a listener.
 *
 * @example Logging slow tasks and worker exits
 * ```ts
 * import { ThreadPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * await using pool = new ThreadPoolExecutor(1);
 * const log: string[] = [];
 * pool.on("taskDone", (event) => {
 *   if (event.outcome !== "completed") log.push(`task ${event.outcome}`);
 * });
 * pool.on("workerExit", (event) => log.push(`worker exit, expected: ${event.expected}`));
 * await pool.submit(() => {
 *   throw new Error("boom");
 * }).exception();
 * await pool.shutdown();
 * assert.deepEqual(log, ["task failed", "worker exit, expected: true"]);
 * ```
 */
export interface ExecutorEvents {
  /** A task's worker could start it (it reached the worker, which had finished what it held). */
  taskStart: TaskStartEvent;
  /** A task's future is done: a result, an exception, or cancelled. */
  taskDone: TaskDoneEvent;
  /** A worker has started and run its initializer: it takes work. */
  workerStart: WorkerStartEvent;
  /** A worker has exited. */
  workerExit: WorkerExitEvent;
  /** The queue has emptied: every task submitted so far has been handed to a worker. */
  drain: undefined;
  /** Nothing is queued or running: every task submitted so far is done. */
  idle: undefined;
}

/**
 * What a `taskStart` listener receives.
 *
 * @example How long tasks waited for a worker
 * ```ts
 * import { ThreadPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * await using pool = new ThreadPoolExecutor(1);
 * const waits: number[] = [];
 * pool.on("taskStart", (event) => waits.push(event.waitTime));
 * await Promise.all([pool.submit(() => 1), pool.submit(() => 2)]);
 * assert.equal(waits.length, 2);
 * ```
 */
export interface TaskStartEvent {
  /** The task's future. */
  future: Future<unknown>;
  /** Milliseconds since its `submit()`. */
  waitTime: number;
}

/**
 * What a `taskDone` listener receives.
 *
 * @example Counting outcomes
 * ```ts
 * import { ThreadPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * await using pool = new ThreadPoolExecutor(1);
 * const outcomes: string[] = [];
 * pool.on("taskDone", (event) => outcomes.push(event.outcome));
 * await pool.submit(() => "fine");
 * await pool.submit(() => JSON.parse("{")).exception();
 * assert.deepEqual(outcomes, ["completed", "failed"]);
 * ```
 */
export interface TaskDoneEvent {
  /** The task's future, now done. */
  future: Future<unknown>;
  /** `"completed"` (a result), `"failed"` (an exception) or `"cancelled"`. */
  outcome: "completed" | "failed" | "cancelled";
  /** Milliseconds it ran (see {@linkcode ExecutorStats.runTime}); 0 if it never ran. */
  runTime: number;
  /** Milliseconds from `submit()` until its worker could start it, or until it was done. */
  waitTime: number;
}

/**
 * What a `workerStart` listener receives.
 *
 * @example A warm pool's workers starting
 * ```ts
 * import { ThreadPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const pool = new ThreadPoolExecutor({ maxWorkers: 2, minWorkers: 2 });
 * let started = 0;
 * const up = new Promise<void>((resolve) => {
 *   pool.on("workerStart", (event) => {
 *     assert.ok(event.startupTime > 0);
 *     if (++started === 2) resolve();
 *   });
 * });
 * await up;
 * assert.equal(pool.stats().idle, 2);
 * await pool.shutdown();
 * ```
 */
export interface WorkerStartEvent {
  /** Milliseconds from the worker's spawn until it was ready. */
  startupTime: number;
  /** Workers alive now, this one included. */
  workers: number;
}

/**
 * What a `workerExit` listener receives.
 *
 * @example A child replaced after each task
 * ```ts
 * import { ProcessPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * await using pool = new ProcessPoolExecutor({ maxWorkers: 1, maxTasksPerChild: 1 });
 * const exited = new Promise<boolean>((resolve) => {
 *   pool.on("workerExit", (event) => resolve(event.expected));
 * });
 * await pool.submit(() => "done");
 * assert.equal(await exited, true); // the pool retired it: not a crash
 * assert.equal(pool.stats().workers, 0);
 * ```
 */
export interface WorkerExitEvent {
  /**
   * True when the pool asked for it (idle timeout, `maxTasksPerChild`, an aborted task, shutdown,
   * a broken pool); false when the worker died on its own (the pool is then broken).
   */
  expected: boolean;
  /** Its exit code, if the runtime tells. */
  code: number | null;
  /** The signal that ended it (processes), if any. */
  signal: string | null;
  /** Workers still alive. */
  workers: number;
}
