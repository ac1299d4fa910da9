// Copyright 2026 the concurrent-futures authors. MIT license.
// Work sent ahead to a busy thread, and the claim cells that decide who runs it. Imported by the
// host (the pool core) and by the worker (workers/_worker_loop.ts). Runtime-neutral.
//
// A thread pool sends a busy worker a few tasks ahead of time, so that it never waits for the host
// between two tasks. Such a task must stay cancellable, and an idle worker must be able to take it
// over, as long as its worker has not started it. Each worker shares a few claim cells with the
// host (an Int32Array on a SharedArrayBuffer), one per task it may hold ahead:
//
//   host: hold(item)         cell = claimTag(id)        item's future stays PENDING
//   worker: claimToStart()   tag → CLAIM_STARTED        the worker runs it; future reads RUNNING
//   host: withdraw(item)     tag → 0                    taken back: re-sent elsewhere, or cancelled
//
// Both swaps are Atomics.compareExchange on the same cell, so exactly one of them wins.

/**
 * The value a claim cell holds while the work `id` sent ahead is neither started nor taken back.
 * The worker starts it only if it swaps this for {@linkcode CLAIM_STARTED}; the host takes it back
 * only if it swaps this for 0. Exactly one of the two wins.
 */
export function claimTag(id: number): number {
  return (id % 0x3fffffff) + 1;
}

/** A claim cell's value once its worker has started the work. */
export const CLAIM_STARTED = -1;

/**
 * Worker side: whether this worker may start work `id`, sent ahead in claim cell `cell` (it wins
 * the cell), or must skip it (the host took it back). Work not sent ahead always runs.
 */
export function claimToStart(
  cells: Int32Array | undefined,
  cell: number | undefined,
  id: number,
): boolean {
  if (cell === undefined || cells === undefined) return true;
  const tag = claimTag(id);
  return Atomics.compareExchange(cells, cell, tag, CLAIM_STARTED) === tag;
}

/** What a claim cell holds on the host side: the work and where it sits. */
export interface SentAhead {
  readonly id: number;
  /** Its claim cell, while it is sent ahead and neither started nor taken back. */
  cell: number | undefined;
  /** Its worker won the cell: it stays there. */
  startedAhead: boolean;
}

/** Host side: one worker's claim cells, and the work sent ahead that holds each. */
export class ClaimCells<W extends SentAhead> {
  /** The cells, shared with the worker (sent once, in its `init` message). */
  readonly cells: Int32Array;
  #holders: (W | undefined)[];

  /** @param count How many tasks the worker may hold ahead of the one it runs. */
  constructor(count: number) {
    this.cells = new Int32Array(new SharedArrayBuffer(count * Int32Array.BYTES_PER_ELEMENT));
    this.#holders = new Array(count).fill(undefined);
  }

  /** Puts `item` in a free cell; false when every cell is taken. */
  hold(item: W): boolean {
    const cell = this.#holders.indexOf(undefined);
    if (cell < 0) return false;
    this.#holders[cell] = item;
    item.cell = cell;
    Atomics.store(this.cells, cell, claimTag(item.id));
    return true;
  }

  /** Whether the worker has started `item` (won its cell). */
  started(item: W, cell: number): boolean {
    return item.cell === cell && Atomics.load(this.cells, cell) === CLAIM_STARTED;
  }

  /** Takes `item` back unstarted; false (and `item.startedAhead`) when its worker won. */
  withdraw(item: W): boolean {
    const cell = item.cell!;
    const tag = claimTag(item.id);
    if (Atomics.compareExchange(this.cells, cell, tag, 0) !== tag) {
      item.startedAhead = true;
      return false;
    }
    this.#holders[cell] = undefined;
    item.cell = undefined;
    return true;
  }

  /** Frees `item`'s cell (it finished, or never went). */
  release(item: W): void {
    if (item.cell === undefined) return;
    Atomics.store(this.cells, item.cell, 0);
    this.#holders[item.cell] = undefined;
    item.cell = undefined;
  }

  /** The work in the cells now. */
  *held(): IterableIterator<W> {
    for (const item of this.#holders) if (item !== undefined) yield item;
  }
}
