// Copyright 2026 the concurrent-futures authors. MIT license.
// ProcessPoolExecutor: the shared pool core over child processes of the same runtime.
// Runtime-neutral; the runtime adapter starts the children.

import { commonOptions, describe } from "./_pool_options.ts";
import { BrokenProcessPool } from "./errors.ts";
import type { ExecutorOptions } from "./executor.ts";
import { PoolExecutor } from "./pool_executor.ts";
import { runtimeAdapter } from "./runtime/mod.ts";
import { processWorkerEntry } from "./runtime/worker_entry.ts";

// The most units a busy child holds sent ahead, while the queue is deep enough (see PoolCore's
// #pickWorker: the n-th only while more than n × maxWorkers units wait). Each write to a child and
// each wake-up of one costs ~20 µs of system time here; eight ahead let the replies read at one time
// free up several units per child, which leave in one message (tiny tasks ran 1.6-2x faster than
// with one ahead on Node 24).
const PREFETCH = 8;

/**
 * Options for {@linkcode ProcessPoolExecutor}: those of every pool, Python's
 * `max_tasks_per_child`, and flags for the child runtime.
 *
 * @typeParam A The parameter types of `initializer` (see {@linkcode ExecutorOptions}).
 *
 * @example A fresh child for every task
 * ```ts
 * import { ProcessPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * // runtimeArgs would add flags to each child's command line, e.g. ["--allow-net"] on Deno.
 * await using pool = new ProcessPoolExecutor({ maxWorkers: 1, maxTasksPerChild: 1 });
 * const first = await pool.submit(() => process.pid);
 * const second = await pool.submit(() => process.pid);
 * assert.notEqual(first, second);
 * ```
 */
// deno-lint-ignore no-explicit-any
export interface ProcessPoolOptions<A extends any[] = any[]> extends ExecutorOptions<A> {
  /** Replace a child after it has run this many tasks (a chunk counts as one). */
  maxTasksPerChild?: number;
  /**
   * Extra flags for the child runtime, e.g. `["--max-old-space-size=512"]` on Node or
   * `["--allow-net=example.com"]` on Deno (children get only the parent's global grants).
   */
  runtimeArgs?: string[];
}

/**
 * An executor that runs tasks in child processes of the same runtime (`node`, `deno run` or
 * `bun`), like Python's `concurrent.futures.ProcessPoolExecutor`.
 *
 * Functions cross as in {@linkcode ThreadPoolExecutor}; values are checked against `node:v8`
 * serialization, which cannot carry `SharedArrayBuffer`s or transfer lists. Children exit when
 * this process dies, however it dies. On Deno, children get only the permissions this process
 * was granted globally.
 *
 * @typeParam A The parameter types of the `initializer` option; `initargs` must match them.
 *
 * @example Run a CPU-bound function in another process
 * ```ts
 * import { ProcessPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * await using pool = new ProcessPoolExecutor(2);
 * const squares = [];
 * for await (const n of pool.map((x: number) => x * x, [1, 2, 3])) squares.push(n);
 * assert.deepEqual(squares, [1, 4, 9]);
 * ```
 */
// deno-lint-ignore no-explicit-any
export class ProcessPoolExecutor<A extends any[] = any[]> extends PoolExecutor {
  /**
   * Create a pool; no worker starts until the first task is submitted, unless `minWorkers`
   * asks for warm ones.
   *
   * @param options `maxWorkers` as a number, or {@linkcode ProcessPoolOptions}.
   * @throws {TypeError} For an option of the wrong type, or an unknown option.
   * @throws {RangeError} If `maxWorkers`, `maxTasksPerChild`, `minWorkers`, `idleTimeout` or
   * `maxQueue` is out of range.
   * @throws {SerializationError} If `initializer` or `initargs` cannot be sent to a child.
   */
  constructor(options?: number | ProcessPoolOptions<A>) {
    const { common, options: opts } = commonOptions(
      options,
      ["maxTasksPerChild", "runtimeArgs"],
      "ProcessPoolExecutor",
    );
    const { maxTasksPerChild, runtimeArgs = [] } = opts;
    if (maxTasksPerChild !== undefined) {
      if (typeof maxTasksPerChild !== "number" || !Number.isInteger(maxTasksPerChild)) {
        throw new TypeError(
          `maxTasksPerChild must be an integer, got ${describe(maxTasksPerChild)}`,
        );
      }
      if (maxTasksPerChild < 1) throw new RangeError("maxTasksPerChild must be >= 1");
    }
    if (!Array.isArray(runtimeArgs) || runtimeArgs.some((arg) => typeof arg !== "string")) {
      throw new TypeError("runtimeArgs must be an array of strings");
    }
    super({
      ...common,
      transport: "v8",
      prefetch: PREFETCH,
      takeBack: false,
      maxTasksPerChild,
      spawn: (onMessage, onExit) => {
        const adapter = runtimeAdapter();
        return adapter.spawnProcess(processWorkerEntry(), { onMessage, onExit, runtimeArgs });
      },
      broken: (message, cause) => new BrokenProcessPool(message, { cause }),
      messages: {
        crashed:
          "A process in the process pool was terminated abruptly while the future was running or pending.",
        unusable: "A child process terminated abruptly, the process pool is not usable anymore",
        initializerFailed: "A process initializer failed, the process pool is not usable anymore",
      },
    });
  }

  /**
   * Send SIGTERM to every child: running futures fail with {@linkcode BrokenProcessPool}, queued
   * ones are cancelled, and the pool accepts no more work. Resolves when every child has exited.
   *
   * @example Stopping a task that never ends
   * ```ts
   * import { BrokenProcessPool, ProcessPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const pool = new ProcessPoolExecutor(1);
   * const stuck = pool.submit(() => new Promise(() => {}));
   * while (!stuck.running()) await new Promise((resolve) => setTimeout(resolve, 10));
   * await pool.terminateWorkers();
   * await assert.rejects(stuck.result(), BrokenProcessPool);
   * ```
   */
  terminateWorkers(): Promise<void> {
    return this.stopWorkers("SIGTERM");
  }

  /**
   * The same as {@linkcode ProcessPoolExecutor.terminateWorkers} with SIGKILL.
   *
   * @returns A promise that resolves when every child has exited.
   *
   * @example No more work afterwards
   * ```ts
   * import { ProcessPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const pool = new ProcessPoolExecutor(1);
   * assert.equal(await pool.submit(() => 1), 1);
   * await pool.killWorkers();
   * assert.throws(() => pool.submit(() => 2));
   * ```
   */
  killWorkers(): Promise<void> {
    return this.stopWorkers("SIGKILL");
  }
}
