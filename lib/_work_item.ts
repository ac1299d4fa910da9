// Copyright 2026 the concurrent-futures authors. MIT license.
// A pool's record of one unit of work, from submit() to its settled future. Runtime-neutral.

import type { ClassRef } from "./_classes.ts";
import type { FunctionSpec } from "./_function_source.ts";
import type { SubmitSite } from "./_submit_site.ts";
import type { SentAhead } from "./_sent_ahead.ts";
import { Future } from "./future.ts";
import { kOnDone } from "./_symbols.ts";
import type { Transferable } from "./runtime/types.ts";

/** A task, or a chunk of map's items (one argument per call), or of starmap's argument lists. */
export type UnitKind = "task" | "items" | "argLists";

let nextId = 1;

/** One call (or chunk of calls) submitted to a pool: what to run, and the future it settles. */
export class WorkItem implements SentAhead {
  /** Unique in the program; names the work in messages and claim cells. */
  readonly id: number = nextId++;
  readonly future: Future<unknown> = new Future<unknown>();
  readonly fn: (...args: never[]) => unknown;
  /** The arguments; for a chunk, its items (map's) or argument lists (starmap's). */
  payload: unknown[];
  readonly kind: UnitKind;
  /** What moves instead of being copied; replaced by the moved copies at admission. */
  transfer: readonly Transferable[] | undefined;
  readonly signal: AbortSignal | undefined;
  /** A `partial()`'s bound values, passed before the arguments; set at admission. */
  bound: unknown[] | undefined = undefined;
  /** The instances of classes sent by reference in its values, if any; set at admission. */
  classes: Map<object, ClassRef> | undefined = undefined;
  /** Where its function was first submitted, for its errors' stacks; set at admission. */
  site: SubmitSite | undefined = undefined;
  /** How the function travels; set at admission. */
  spec: FunctionSpec | undefined;
  ticket: number | undefined = undefined;
  cell: number | undefined = undefined;
  tag = 0;
  startedAhead = false;
  /** It waits in the pool's queue (counted in the pool's `queued`). */
  queued = false;
  /** When it was submitted (`performance.now()`). */
  queuedAt = 0;
  /** When its worker could start it; 0 until then. */
  startedAt = 0;

  constructor(
    fn: (...args: never[]) => unknown,
    payload: unknown[],
    kind: UnitKind,
    options: { signal?: AbortSignal | undefined; transfer?: readonly Transferable[] | undefined } =
      {},
  ) {
    this.fn = fn;
    this.payload = payload;
    this.kind = kind;
    this.transfer = options.transfer;
    this.signal = options.signal;
  }

  /** Calls `onAbort(reason)` if the signal aborts before the future is done. */
  watchAbort(onAbort: (reason: unknown) => void): void {
    const signal = this.signal!;
    const listener = () => onAbort(signal.reason);
    signal.addEventListener("abort", listener, { once: true });
    this.future[kOnDone](() => signal.removeEventListener("abort", listener));
  }
}
