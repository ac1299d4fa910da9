// Copyright 2026 the concurrent-futures authors. MIT license.
// ThreadPoolExecutor: the shared pool core over worker threads. Runtime-neutral; the runtime
// adapter starts the threads.

import { commonOptions } from "./_pool_options.ts";
import { resourceLimitsOption } from "./_resource_limits.ts";
import { BrokenThreadPool } from "./errors.ts";
import type { ExecutorOptions } from "./executor.ts";
import { PoolExecutor } from "./pool_executor.ts";
import { runtimeAdapter } from "./runtime/mod.ts";
import type { ResourceLimits } from "./runtime/types.ts";
import { threadWorkerEntry } from "./runtime/worker_entry.ts";

/**
 * Options for {@linkcode ThreadPoolExecutor}: those of every pool, the threads' name prefix and
 * their memory limits.
 *
 * @typeParam A The parameter types of `initializer` (see {@linkcode ExecutorOptions}).
 *
 * @example Python's `ThreadPoolExecutor(max_workers=4, thread_name_prefix="resize")`
 * ```ts
 * import { ThreadPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * await using pool = new ThreadPoolExecutor({ maxWorkers: 4, name: "resize" });
 * assert.equal(await pool.submit((w: number, h: number) => w * h, 640, 480), 307200);
 * ```
 */
// deno-lint-ignore no-explicit-any
export interface ThreadPoolOptions<A extends any[] = any[]> extends ExecutorOptions<A> {
  /**
   * Prefix of the worker threads' names, as Python's `thread_name_prefix`.
   * @default {"ThreadPoolExecutor-N"}
   */
  name?: string;
  /**
   * Memory limits for each thread (`node:worker_threads`' `resourceLimits`). A task that exceeds
   * them ends its thread: its future fails with the runtime's `ERR_WORKER_OUT_OF_MEMORY` error as
   * `cause`, and the program goes on (the pool breaks, unless `onWorkerCrash` is `"replace"`).
   * Node and Deno: refused with a `TypeError` on Bun (its threads ignore them) and on Deno when the
   * package is loaded from a remote URL (its threads are then web Workers); use a process pool there.
   */
  resourceLimits?: ResourceLimits;
}

let poolCount = 0;

/**
 * An executor that runs tasks on a pool of worker threads, like Python's
 * `concurrent.futures.ThreadPoolExecutor` — but the threads run in parallel, so CPU-bound work
 * speeds up.
 *
 * A task function crosses to a worker by source when it is self-contained, or by reference when
 * it is exported from a module listed in `modules`; arguments and results are structured-cloned.
 * Anything that cannot cross fails the task's future with a {@linkcode SerializationError} that
 * names it.
 *
 * @typeParam A The parameter types of the `initializer` option; `initargs` must match them.
 *
 * @example Submit a task and await its result
 * ```ts
 * import { ThreadPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * await using pool = new ThreadPoolExecutor(2);
 * const future = pool.submit((a: number, b: number) => a + b, 2, 3);
 * assert.equal(await future, 5);
 * ```
 */
// deno-lint-ignore no-explicit-any
export class ThreadPoolExecutor<A extends any[] = any[]> extends PoolExecutor {
  /**
   * Create a pool; no worker starts until the first task is submitted, unless `minWorkers`
   * asks for warm ones.
   *
   * @param options `maxWorkers` as a number, or {@linkcode ThreadPoolOptions}.
   * @throws {TypeError} For an option of the wrong type, or an unknown option; for
   * `resourceLimits` where they cannot be enforced (Bun; Deno with the package at a remote URL).
   * @throws {RangeError} If `maxWorkers` or a limit in `resourceLimits` is not greater than 0, or
   * `minWorkers`, `idleTimeout` or `maxQueue` is out of range.
   * @throws {SerializationError} If `initializer` or `initargs` cannot be sent to a worker.
   */
  constructor(options?: number | ThreadPoolOptions<A>) {
    const { common, options: opts } = commonOptions(
      options,
      ["name", "resourceLimits"],
      "ThreadPoolExecutor",
    );
    if (opts.name !== undefined && typeof opts.name !== "string") {
      throw new TypeError("name must be a string");
    }
    const resourceLimits = resourceLimitsOption(
      opts.resourceLimits,
      () => runtimeAdapter().threadLimitsRefusal(),
    );
    const prefix = opts.name ?? `ThreadPoolExecutor-${poolCount++}`;
    let workers = 0;
    // Work sent ahead that a worker has not started can be taken back for an idle worker, so a
    // busy worker may hold several tasks, which travel in one message and are answered in one when
    // quick: fewer messages and wake-ups per task. Without shared memory to claim them with, it
    // would wait there RUNNING, so only one goes ahead.
    const takeBack = typeof SharedArrayBuffer === "function";
    super({
      ...common,
      transport: "structured",
      prefetch: takeBack ? 7 : 1,
      takeBack,
      maxTasksPerChild: undefined,
      spawn: (onMessage, onExit) => {
        return runtimeAdapter().spawnThread(threadWorkerEntry(), {
          onMessage,
          onExit,
          name: `${prefix}_${workers++}`,
          ...(resourceLimits === undefined ? {} : { resourceLimits }),
        });
      },
      broken: (message, cause) => new BrokenThreadPool(message, { cause }),
      messages: {
        crashed:
          "A thread in the thread pool was terminated abruptly while the future was running or pending.",
        unusable: "A thread worker terminated abruptly, the thread pool is not usable anymore",
        initializerFailed: "A thread initializer failed, the thread pool is not usable anymore",
      },
    });
  }
}
