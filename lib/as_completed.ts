// Copyright 2026 the concurrent-futures authors. MIT license.
// This module is runtime-neutral.

import { deferred } from "./_deferred.ts";
import { checkOptions } from "./_options.ts";
import { kOnDone } from "./_symbols.ts";
import { checkTimeout, deadlineOf, onDeadline, remaining } from "./_timer.ts";
import { TimeoutError } from "./errors.ts";
import type { Future } from "./future.ts";
import { uniqueFutures } from "./wait.ts";

/**
 * Yields the futures as they complete, like Python's `concurrent.futures.as_completed()`.
 *
 * The input is read at the call. Each distinct future is yielded once: those already done first, then
 * in completion order (completions that happen while the loop body runs are buffered). A cancelled
 * future counts as done at once. When the deadline has passed and futures are left, the next step
 * rejects with `TimeoutError("N (of M) futures unfinished after T ms")`, M counting distinct
 * futures and T the timeout; futures that are done are always yielded before that. Leaving the
 * loop early (`break`, `return()`) removes every listener; a timer runs only while a step is
 * waiting.
 *
 * TypeScript types the variable of `for await (const f of asCompleted(fs))` as the futures' result
 * type, because a future is thenable and TypeScript applies `Awaited` to every `for await` element.
 * At run time `f` is the future itself; `await f` gives its result either way.
 *
 * @typeParam T The futures' result type.
 * @param futures The futures; duplicates are yielded once.
 * @param options `timeout`: milliseconds, counted from this call; `undefined` (the default) waits
 * forever, `0` or less yields the futures already done and then rejects if any are left.
 * @returns An async iterator of the futures in completion order.
 * @throws {TypeError} At the call, if `futures` is not an iterable of futures (a `Map` of futures:
 * pass `map.keys()` or `map.values()`), `options` has an unknown key, or `timeout` is not a number.
 *
 * @example Handling results as they arrive
 * ```ts
 * import { asCompleted, Future } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const slow = new Future<string>();
 * const fast = new Future<string>();
 * setTimeout(() => fast.setResult("fast"), 1);
 * setTimeout(() => slow.setResult("slow"), 5);
 * const order: string[] = [];
 * for await (const future of asCompleted([slow, fast])) order.push(await future);
 * assert.deepEqual(order, ["fast", "slow"]);
 * ```
 */
export function asCompleted<T>(
  futures: Iterable<Future<T>>,
  options?: { timeout?: number | undefined },
): AsyncIterableIterator<Future<T>> {
  const all = uniqueFutures(futures, "asCompleted");
  checkOptions(options, ["timeout"], "asCompleted()", "{ timeout: 1000 }");
  const timeout = options?.timeout;
  checkTimeout(timeout);
  return new AsCompletedIterator(all, deadlineOf(timeout), timeout ?? 0);
}

class AsCompletedIterator<T> implements AsyncIterableIterator<Future<T>> {
  // Done futures not yet yielded, in completion order; #head is the next one to yield.
  #ready: Future<T>[] = [];
  #head = 0;
  // Futures not yet done, each with the function that removes its listener.
  #pending = new Map<Future<T>, () => void>();
  #total: number;
  #deadline: number;
  #timeout: number;
  #finished = false;
  // Wakes the step that is waiting for a completion, if any.
  #wake: (() => void) | undefined;
  // next() calls run one after the other.
  #queue: Promise<unknown> = Promise.resolve();

  constructor(futures: Set<Future<T>>, deadline: number, timeout: number) {
    this.#total = futures.size;
    this.#deadline = deadline;
    this.#timeout = Math.max(timeout, 0);
    for (const future of futures) if (future.done()) this.#ready.push(future);
    for (const future of futures) {
      if (!future.done()) this.#pending.set(future, future[kOnDone]((f) => this.#onDone(f)));
    }
  }

  next(): Promise<IteratorResult<Future<T>>> {
    const step = this.#queue.then(() => this.#step());
    this.#queue = step.then(noop, noop);
    return step;
  }

  return(): Promise<IteratorResult<Future<T>>> {
    this.#finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Future<T>> {
    return this;
  }

  async #step(): Promise<IteratorResult<Future<T>>> {
    for (;;) {
      if (this.#finished) return { value: undefined, done: true };
      if (this.#head < this.#ready.length) {
        const future = this.#ready[this.#head++]!;
        if (this.#head === this.#ready.length) {
          this.#ready = [];
          this.#head = 0;
        }
        return { value: future, done: false };
      }
      if (this.#pending.size === 0) {
        this.#finish();
        return { value: undefined, done: true };
      }
      if (remaining(this.#deadline) <= 0) {
        const left = this.#pending.size;
        this.#finish();
        throw new TimeoutError(
          `${left} (of ${this.#total}) futures unfinished after ${this.#timeout} ms`,
        );
      }
      const { promise, resolve } = deferred<void>();
      this.#wake = resolve;
      const clear = onDeadline(this.#deadline, resolve);
      try {
        await promise;
      } finally {
        clear();
        this.#wake = undefined;
      }
    }
  }

  #onDone(future: Future<T>): void {
    this.#pending.delete(future);
    this.#ready.push(future);
    this.#wake?.();
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    for (const remove of this.#pending.values()) remove();
    this.#pending.clear();
    this.#ready = [];
    this.#head = 0;
    this.#wake?.();
  }
}

function noop(): void {}
