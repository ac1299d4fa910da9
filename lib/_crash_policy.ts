// Copyright 2026 the concurrent-futures authors. MIT license.
// What a pool does when one of its workers dies unexpectedly: the `onWorkerCrash` modes, and the
// rule that tells a crash loop from a few bad tasks. Runtime-neutral.

/**
 * What a pool does when a worker dies unexpectedly: `"break"` the pool (Python's behaviour), or
 * `"replace"` the worker, failing only the futures it held.
 */
export type OnWorkerCrash = "break" | "replace";

/**
 * Decides, for a pool in `"replace"` mode, whether a crashed worker is replaced or the pool breaks
 * after all, so that a pool whose workers cannot stay alive never spins starting new ones:
 *
 * - a worker that dies before it is ready (while it starts, loads its modules or runs the
 *   initializer) breaks the pool: every replacement would die the same way;
 * - so does the `2 × maxWorkers`-th crash in a row with no task finished in between (a task
 *   finished: its worker sent back its result or its error). Every worker of a full pool may
 *   crash on a bad task, and so may the replacements of all of them, but not more.
 */
export class CrashPolicy {
  #replace: boolean;
  #limit: number;
  #inARow = 0;

  /**
   * @param mode The pool's `onWorkerCrash`.
   * @param maxWorkers The pool's `maxWorkers`.
   */
  constructor(mode: OnWorkerCrash, maxWorkers: number) {
    this.#replace = mode === "replace";
    this.#limit = 2 * maxWorkers;
  }

  /** A task finished on some worker: the crashes so far were not a loop. */
  finished(): void {
    this.#inARow = 0;
  }

  /** From now on every crash breaks the pool (its workers are being stopped on purpose). */
  stopReplacing(): void {
    this.#replace = false;
  }

  /**
   * A worker died unexpectedly.
   *
   * @param wasReady Whether it had finished starting (its initializer ran).
   * @returns Whether to replace it (true) or break the pool (false).
   */
  replaces(wasReady: boolean): boolean {
    if (!this.#replace || !wasReady) return false;
    return ++this.#inARow < this.#limit;
  }
}
