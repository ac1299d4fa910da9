// Copyright 2026 the concurrent-futures authors. MIT license.
// This module is runtime-neutral.

/** A promise together with the functions that settle it. */
export interface Deferred<T> {
  /** The promise settled by {@linkcode Deferred.resolve} or {@linkcode Deferred.reject}. */
  promise: Promise<T>;
  /** Fulfils the promise (or adopts `value` if it is thenable). */
  resolve: (value: T | PromiseLike<T>) => void;
  /** Rejects the promise with `reason`. */
  reject: (reason: unknown) => void;
}

/**
 * Creates a promise and exposes its `resolve` and `reject` functions; the same as
 * `Promise.withResolvers()`, which Node 20 lacks.
 *
 * @typeParam T The type the promise fulfils with.
 * @returns The promise and its settling functions.
 */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
