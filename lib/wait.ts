// Copyright 2026 the concurrent-futures authors. MIT license.
// This module is runtime-neutral.

import { deferred } from "./_deferred.ts";
import { checkOptions } from "./_options.ts";
import { kOnDone } from "./_symbols.ts";
import { checkTimeout, deadlineOf, onDeadline } from "./_timer.ts";
import { Future, hasException } from "./future.ts";

/**
 * {@linkcode wait} returns as soon as any future finishes or is cancelled.
 *
 * @example The first to finish
 * ```ts
 * import { FIRST_COMPLETED, Future, wait } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const fast = new Future<string>();
 * const slow = new Future<string>();
 * setTimeout(() => fast.setResult("fast"), 1);
 * const { done, notDone } = await wait([fast, slow], { returnWhen: FIRST_COMPLETED });
 * assert.deepEqual([...done], [fast]);
 * assert.deepEqual([...notDone], [slow]);
 * assert.equal(FIRST_COMPLETED, "FIRST_COMPLETED");
 * ```
 */
export const FIRST_COMPLETED = "FIRST_COMPLETED" as const;
/**
 * {@linkcode wait} returns when any future fails (a cancellation is not a failure), or all are done.
 *
 * @example Stop at the first failure
 * ```ts
 * import { FIRST_EXCEPTION, Future, wait } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const ok = new Future<number>();
 * const failed = new Future<number>();
 * const pending = new Future<number>();
 * ok.setResult(1);
 * setTimeout(() => failed.setException(new Error("boom")), 1);
 * const { done, notDone } = await wait([ok, failed, pending], { returnWhen: FIRST_EXCEPTION });
 * assert.deepEqual(done, new Set([ok, failed]));
 * assert.deepEqual(notDone, new Set([pending]));
 * ```
 */
export const FIRST_EXCEPTION = "FIRST_EXCEPTION" as const;
/**
 * {@linkcode wait} returns when every future has finished or been cancelled (the default).
 *
 * @example Everything, including a cancelled future
 * ```ts
 * import { ALL_COMPLETED, Future, wait } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const a = new Future<number>();
 * const b = new Future<number>();
 * setTimeout(() => a.setResult(1), 1);
 * setTimeout(() => b.cancel(), 2); // a cancelled future counts as done at once
 * const { done, notDone } = await wait([a, b], { returnWhen: ALL_COMPLETED });
 * assert.equal(done.size, 2);
 * assert.equal(notDone.size, 0);
 * ```
 */
export const ALL_COMPLETED = "ALL_COMPLETED" as const;

const RETURN_WHEN: ReadonlySet<unknown> = new Set([
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  ALL_COMPLETED,
]);

/**
 * The condition on which {@linkcode wait} returns: Python's three strings.
 *
 * @example Choosing the condition at run time
 * ```ts
 * import { Future, type ReturnWhen, wait } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const futures = [new Future<number>(), new Future<number>()];
 * futures[0]!.setResult(1);
 * const returnWhen: ReturnWhen = futures.length > 1 ? "FIRST_COMPLETED" : "ALL_COMPLETED";
 * const { done } = await wait(futures, { returnWhen });
 * assert.equal(done.size, 1);
 * ```
 */
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

/**
 * The futures given to {@linkcode wait}, split by whether they are done: Python's
 * `DoneAndNotDoneFutures(done, not_done)`.
 *
 * @typeParam T The futures' result type.
 *
 * @example A timeout never rejects: the stragglers are in `notDone`
 * ```ts
 * import { type DoneAndNotDone, Future, wait } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const finished = new Future<string>();
 * const pending = new Future<string>();
 * finished.setResult("ready");
 * const result: DoneAndNotDone<string> = await wait([finished, pending], { timeout: 10 });
 * assert.deepEqual([...result.done], [finished]);
 * assert.deepEqual([...result.notDone], [pending]);
 * ```
 */
export interface DoneAndNotDone<T> {
  /** The futures that finished or were cancelled. */
  done: Set<Future<T>>;
  /** The futures still pending or running. */
  notDone: Set<Future<T>>;
}

/**
 * Waits until the futures meet `returnWhen`, like Python's `concurrent.futures.wait()`. A cancelled
 * future counts as done at once. A timeout never rejects: the stragglers are in `notDone`. Every
 * listener and timer is removed before the promise settles.
 *
 * @typeParam T The futures' result type.
 * @param futures The futures; duplicates collapse.
 * @param options `timeout`: milliseconds to wait; `undefined` (the default) waits forever, `0` or
 * less only checks. `returnWhen`: the condition to wait for, `ALL_COMPLETED` by default.
 * @returns The done and not-done futures.
 * @throws {TypeError} If `futures` is not an iterable of futures (a `Map` of futures: pass
 * `map.keys()` or `map.values()`), `options` has an unknown key (`return_when`), or `timeout` is not
 * a number.
 * @throws {RangeError} If `returnWhen` is unknown and some future is not done.
 *
 * @example Waiting for the first of two futures
 * ```ts
 * import { Future, FIRST_COMPLETED, wait } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const fast = new Future<string>();
 * const slow = new Future<string>();
 * setTimeout(() => fast.setResult("fast"), 1);
 * const { done, notDone } = await wait([fast, slow], { returnWhen: FIRST_COMPLETED });
 * assert.deepEqual([...done], [fast]);
 * assert.deepEqual([...notDone], [slow]);
 * ```
 */
export async function wait<T>(
  futures: Iterable<Future<T>>,
  options?: { timeout?: number | undefined; returnWhen?: ReturnWhen | undefined },
): Promise<DoneAndNotDone<T>> {
  const all = uniqueFutures(futures, "wait");
  checkOptions(options, ["timeout", "returnWhen"], "wait()", "{ returnWhen: FIRST_COMPLETED }");
  const { timeout, returnWhen = ALL_COMPLETED } = options ?? {};
  checkTimeout(timeout);
  const done = new Set<Future<T>>();
  const notDone = new Set<Future<T>>();
  for (const future of all) (future.done() ? done : notDone).add(future);
  const result = (): DoneAndNotDone<T> => ({ done, notDone });
  const failed = (future: Future<T>): boolean =>
    !future.cancelled() && hasException(future as Future<unknown>);

  if (notDone.size === 0) return result();
  if (returnWhen === FIRST_COMPLETED && done.size > 0) return result();
  if (returnWhen === FIRST_EXCEPTION && [...done].some(failed)) return result();
  if (!RETURN_WHEN.has(returnWhen)) {
    const shown = typeof returnWhen === "string" ? JSON.stringify(returnWhen) : String(returnWhen);
    throw new RangeError(`Invalid return condition: ${shown}`);
  }
  if (timeout !== undefined && timeout <= 0) return result();

  const { promise, resolve } = deferred<void>();
  const removers: (() => void)[] = [];
  const onDone = (future: Future<T>): void => {
    notDone.delete(future);
    done.add(future);
    if (
      notDone.size === 0 || returnWhen === FIRST_COMPLETED ||
      (returnWhen === FIRST_EXCEPTION && failed(future))
    ) resolve();
  };
  for (const future of [...notDone]) removers.push(future[kOnDone](onDone));
  const clear = onDeadline(deadlineOf(timeout), resolve);
  try {
    await promise;
  } finally {
    clear();
    for (const remove of removers) remove();
  }
  return result();
}

/**
 * Internal: the distinct futures of `futures`, in first-seen order.
 *
 * @param futures The iterable to read.
 * @param caller The public function's name, for error messages.
 * @returns The distinct futures.
 * @throws {TypeError} If `futures` is not iterable or holds something that is not a `Future`.
 */
export function uniqueFutures<T>(futures: Iterable<Future<T>>, caller: string): Set<Future<T>> {
  // Python's `{executor.submit(f, x): x for x in xs}` ports to a Map (or an object) of futures.
  if (futures instanceof Map) {
    throw new TypeError(
      `${caller}() expects an iterable of futures, got a Map: pass map.keys() if the futures are ` +
        `its keys, or map.values() if they are its values`,
    );
  }
  if (
    futures == null ||
    typeof (futures as Partial<Iterable<unknown>>)[Symbol.iterator] !== "function"
  ) {
    const hint = typeof futures === "object" && futures !== null
      ? ": pass Object.values(obj) for an object of futures"
      : "";
    throw new TypeError(`${caller}() expects an iterable of futures${hint}`);
  }
  const unique = new Set<Future<T>>();
  let index = 0;
  for (const future of futures) {
    if (!(future instanceof Future)) {
      throw new TypeError(
        `${caller}() expects futures: the element at index ${index} is not a Future` +
          entryHint(future),
      );
    }
    unique.add(future);
    index++;
  }
  return unique;
}

// A [key, value] entry, as from map.entries() or Object.entries(): say which half to pass.
function entryHint(element: unknown): string {
  if (!Array.isArray(element) || element.length !== 2) return "";
  if (element[0] instanceof Future) return " (it is a [key, value] entry: pass map.keys())";
  if (element[1] instanceof Future) return " (it is a [key, value] entry: pass map.values())";
  return "";
}
