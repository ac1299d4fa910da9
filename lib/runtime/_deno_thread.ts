// Copyright 2026 the concurrent-futures authors. MIT license.
// Deno's worker threads and their resourceLimits, on the thread's side.
//
// Deno 2.9 holds a node:worker_threads thread to its resourceLimits with a near-heap-limit callback
// that doubles the heap limit and terminates the thread's running JavaScript. When that happens in
// a timer callback or at the top level, the thread ends with ERR_WORKER_OUT_OF_MEMORY, as on Node.
// When it happens in a message handler or a promise callback (where every pool task runs), only
// the running callback ends: the thread's message loop dies with it, while the thread itself lives
// on, deaf, and reports nothing, so the task's future would never settle (see
// scripts/repro/deno_worker_oom.ts). Its timers still run, though, and the raised heap limit stays
// raised: a timer that sees it ends the thread as Node does, and the pool handles that exit as any
// other (onWorkerCrash "break" or "replace").

import process from "node:process";

/** How often a thread with resourceLimits checks whether it reached them, in milliseconds. */
export const HEAP_CHECK_MS = 100;

/** The message of the error that ends a thread which reached its limits (Deno's and Node's). */
export const OUT_OF_MEMORY =
  "Worker terminated due to reaching memory limit: JS heap out of memory";

/**
 * On the thread's side, on Deno: when the thread was started with `resourceLimits`, watch for the
 * heap limit to be raised (which only Deno's out-of-memory handler does) and end the thread with
 * an uncaught `ERR_WORKER_OUT_OF_MEMORY` error, which the host sees as an `"error"` event with that
 * `code`, then an `"exit"` with code 1. A thread without limits is not watched, and the check
 * (an unref'd timer that reads one heap statistic) keeps no thread alive.
 *
 * @param resourceLimits The thread's `resourceLimits` from `node:worker_threads` (`{}` when none
 * were given).
 */
export async function watchHeapLimit(resourceLimits: object | undefined): Promise<void> {
  if (resourceLimits === undefined || Object.keys(resourceLimits).length === 0) return;
  const { getHeapStatistics } = await import("node:v8");
  const initial = getHeapStatistics().heap_size_limit;
  const timer = setInterval(() => {
    if (getHeapStatistics().heap_size_limit <= initial) return;
    clearInterval(timer);
    // Should a task's own "uncaughtException" handler catch the error, the thread still ends.
    setTimeout(() => process.exit(1), 0);
    const error = new Error(OUT_OF_MEMORY);
    // Deno's worker_threads gives the host an error of this name its `code`, as Node's does.
    error.name = "ERR_WORKER_OUT_OF_MEMORY";
    throw error;
  }, HEAP_CHECK_MS);
  // deno-lint-ignore no-explicit-any
  (timer as any).unref?.();
}
