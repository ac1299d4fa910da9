// Copyright 2026 the concurrent-futures authors. MIT license.
// Symbol keys for the package's internal hooks. This module is runtime-neutral.

/**
 * `future[kOnDone](listener)` registers an internal listener, called synchronously once when the future
 * becomes done (FINISHED or CANCELLED), or at once if it already is. Returns a function that removes it.
 * Used by `wait()`, `asCompleted()`, `map()` and the pools; never visible through `addDoneCallback()`.
 */
export const kOnDone: unique symbol = Symbol("@concurrent/futures.onDone");

/**
 * Optional `executor[kSubmitChunk](fn, args, spread)`: run `fn(item)` for each entry of `args` (with
 * `spread`, `fn(...argList)`) as one unit of work and return a future that finishes with a
 * `ChunkOutcome`. `Executor.map()` uses it when `chunksize > 1`.
 */
export const kSubmitChunk: unique symbol = Symbol("@concurrent/futures.submitChunk");

/**
 * `future[kSentAhead](ahead)`: the call waits, sent ahead, in a busy worker's queue, and stays
 * PENDING (cancellable) until the worker starts it. `ahead.started()` tells whether it has;
 * `ahead.withdraw()` takes it back unstarted (false once started). `undefined` clears it.
 */
export const kSentAhead: unique symbol = Symbol("@concurrent/futures.sentAhead");
