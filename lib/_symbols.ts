// Copyright 2026 the concurrent-futures authors. MIT license.
// Symbol keys for the package's internal hooks. This module is runtime-neutral.

/**
 * `future[kOnDone](listener)` registers an internal listener, called synchronously once when the future
 * becomes done (FINISHED or CANCELLED), or at once if it already is. Returns a function that removes it.
 * Used by `wait()`, `asCompleted()`, `map()` and the pools; never visible through `addDoneCallback()`.
 */
export const kOnDone: unique symbol = Symbol("@concurrent/futures.onDone");

/**
 * Optional `executor[kSubmitChunk](fn, argLists)`: run `fn(...args)` for each entry of `argLists` as one
 * unit of work and return a future that finishes with a `ChunkOutcome`. `Executor.map()` uses it when
 * `chunksize > 1`.
 */
export const kSubmitChunk: unique symbol = Symbol("@concurrent/futures.submitChunk");
