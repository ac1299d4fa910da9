// Copyright 2026 the concurrent-futures authors. MIT license.
// A pool's record of one unit of work, from submit() to its settled future. Runtime-neutral.

import type { ClassRef } from "./_classes.ts";
import type { FunctionSpec } from "./_function_source.ts";
import type { SubmitSite } from "./_submit_site.ts";
import type { Stamp } from "./_pool_stats.ts";
import type { ClaimCells, SentAhead } from "./_sent_ahead.ts";
import { Future } from "./future.ts";
import { kOnDone, kOnSettle, type SettleListener, type StartGate } from "./_symbols.ts";
import type { Transferable } from "./runtime/types.ts";

/** A task, or a chunk of map's items (one argument per call), or of starmap's argument lists. */
export type UnitKind = "task" | "items" | "argLists";

let nextId = 1;

const NOT_YET: Stamp = { at: 0 };

/** A worker that may hold work ahead, as a work item sees it. */
export interface AheadHolder {
  /** Its claim cells (thread pools). */
  readonly claims: ClaimCells<WorkItem> | undefined;
}

/** The pool a work item belongs to: one object per pool, shared by all its items. */
export interface WorkOwner {
  /** `item`'s future is done, however. */
  settled(item: WorkItem): void;
  /** Takes `item`, held ahead by `item.aheadOf`, back unstarted; false if it has started. */
  withdraw(item: WorkItem): boolean;
}

/**
 * One call (or chunk of calls) submitted to a pool: what to run, and the future it settles. It is
 * also what its future is told through (its settle listener and, while it is held ahead, its start
 * gate), so that a task costs its pool no closure.
 */
export class WorkItem implements SentAhead, SettleListener, StartGate {
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
  /** When it was submitted; set by the pool at submit. */
  submitted: Stamp = NOT_YET;
  /**
   * When its worker could start it (`performance.now()`), recorded only for taskStart and
   * taskDone listeners (the timing windows need no per-item time, see PoolCore); 0 until then.
   */
  startedAt = 0;
  /** The busy worker it was sent ahead to while its future's start gate is this item. */
  aheadOf: AheadHolder | undefined = undefined;
  /** The claim cell it was held in then. */
  aheadCell: number | undefined = undefined;
  readonly #owner: WorkOwner;

  constructor(
    owner: WorkOwner,
    fn: (...args: never[]) => unknown,
    payload: unknown[],
    kind: UnitKind,
    options:
      | { signal?: AbortSignal | undefined; transfer?: readonly Transferable[] | undefined }
      | undefined,
  ) {
    this.#owner = owner;
    this.fn = fn;
    this.payload = payload;
    this.kind = kind;
    this.transfer = options?.transfer;
    this.signal = options?.signal;
    this.future[kOnSettle](this);
  }

  /** Its future is done: its pool is told. */
  settled(): void {
    this.#owner.settled(this);
  }

  /** While held ahead: whether its worker has started it (won its claim cell). */
  started(): boolean {
    const holder = this.aheadOf;
    return holder !== undefined && holder.claims!.started(this, this.aheadCell!);
  }

  /** While held ahead: takes it back unstarted (its future is being cancelled). */
  withdraw(): boolean {
    return this.aheadOf !== undefined && this.#owner.withdraw(this);
  }

  /** Calls `onAbort(reason)` if the signal aborts before the future is done. */
  watchAbort(onAbort: (reason: unknown) => void): void {
    const signal = this.signal!;
    const listener = () => onAbort(signal.reason);
    signal.addEventListener("abort", listener, { once: true });
    this.future[kOnDone](() => signal.removeEventListener("abort", listener));
  }
}
