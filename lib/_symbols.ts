// Copyright 2026 the concurrent-futures authors. MIT license.
// Symbol keys for the package's internal hooks. This module is runtime-neutral.

/**
 * `future[kOnDone](listener)` registers an internal listener, called synchronously once when the future
 * becomes done (FINISHED or CANCELLED), or at once if it already is. Returns a function that removes it.
 * Used by `wait()`, `asCompleted()`, `map()` and the pools; never visible through `addDoneCallback()`.
 */
export const kOnDone: unique symbol = Symbol("@concurrent/futures.onDone");

/**
 * `future[kOnSettle](listener)`: like {@linkcode kOnDone}, for the executor that owns the future
 * (a pool counting its work): called first, never removed, and without the cost of a removable
 * listener (no Set, no closures of its own).
 */
export const kOnSettle: unique symbol = Symbol("@concurrent/futures.onSettle");

/**
 * What `future[kOnSettle]` takes: an executor's record of the work (an object it has anyway), so
 * that a future costs its executor no closure.
 */
export interface SettleListener {
  /** Called synchronously once the future is done. */
  settled(): void;
}

/**
 * Optional `executor[kSubmitChunk](fn, args, spread)`: run `fn(item)` for each entry of `args` (with
 * `spread`, `fn(...argList)`) as one unit of work and return a future that finishes with a
 * `ChunkOutcome`. `Executor.map()` uses it when `chunksize > 1`.
 */
export const kSubmitChunk: unique symbol = Symbol("@concurrent/futures.submitChunk");

/**
 * `future[kStartGate](gate)`: the executor has handed the call on before it started (a pool sends
 * a busy worker work ahead), and something other than the executor's own code decides when it
 * starts. Until then the future stays PENDING: `gate.started()` tells `state` whether the call has
 * started meanwhile, and `cancel()` succeeds only if `gate.withdraw()` takes the call back unstarted.
 * `undefined` removes the gate; so does the future's leaving PENDING.
 */
export const kStartGate: unique symbol = Symbol("@concurrent/futures.startGate");

/** What `future[kStartGate]` takes: usually the executor's record of the work itself. */
export interface StartGate {
  /** Whether the call has started. */
  started(): boolean;
  /** Takes the call back unstarted; false if it has started. */
  withdraw(): boolean;
}

/**
 * Optional `executor[kRoom]()`: resolves once the executor's queue has room for more work. An
 * executor with a bounded queue refuses work past it with `QueueFullError`; `Executor.map()` then
 * waits on this and submits the same unit again.
 */
export const kRoom: unique symbol = Symbol("@concurrent/futures.room");
