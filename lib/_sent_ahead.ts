// Copyright 2026 the concurrent-futures authors. MIT license.
// Work sent ahead to a busy thread, and the claim cells that decide who runs it. Imported by the
// host (the pool core) and by the worker (workers/_worker_loop.ts). Runtime-neutral.
//
// A thread pool sends a busy worker a few tasks ahead of time, so that it never waits for the host
// between two tasks. Such a task must stay cancellable, an idle worker must be able to take it
// over, and tasks must start in the order they were submitted, as from Python's one shared queue.
// The pool shares one ClaimTable (SharedArrayBuffers) with all its workers: each worker slot has
// a few claim cells, one per task it may hold ahead, each with the task's tag and ticket (its
// place in submission order), and the ticket of the task the worker runs now.
//
//   host: hold(item)         cell = a fresh tag         item's future stays PENDING
//   worker: claim()          tag → CLAIM_STARTED        the worker runs it; future reads RUNNING
//   host: withdraw(item)     tag → 0                    taken back: re-sent elsewhere, or cancelled
//
// Both swaps are Atomics.compareExchange on the same cell, so exactly one of them wins.
//
// Order: before a worker starts a task it holds ahead, it looks for an older task still unclaimed
// in the cells of another worker that has been running its current task for more than STUCK_MS
// (that worker is busy with something slow). Then it leaves its own unstarted and asks the host
// ("yield"), which takes back every older task not yet started and sends them to this worker, then
// says "resume". Workers that keep pace with each other (tiny tasks) never yield, so work sent ahead
// keeps its speed; tasks that start within STUCK_MS of each other on two workers may start in
// either order.

/** How long a worker runs one task before the tasks waiting behind it count as held up, in ms. */
export const STUCK_MS = 5;

// A claim cell holds a tag while its work is neither started nor taken back: the worker starts the
// work only if it swaps the tag for CLAIM_STARTED, the host takes it back only if it swaps it for 0.
// Each time work is held ahead it gets a fresh tag (> 0), so that a message for work taken back
// and sent ahead again, even to the same cell, can never claim the new copy.

/** A claim cell's value once its worker has started the work. */
export const CLAIM_STARTED = -1;

/** The shared memory of a pool's claim cells, as a worker receives it in its `init` message. */
export interface SharedClaims {
  /** Claim tags: `cells` per slot. */
  tags: Int32Array;
  /**
   * Per slot, when its worker started its current task (`Date.now()`: ms since the epoch, the
   * same in every thread); then each cell's ticket.
   */
  tickets: Float64Array;
  slots: number;
  cells: number;
  /** The receiving worker's slot. */
  slot: number;
}

/** What a claim cell holds on the host side: the work and where it sits. */
export interface SentAhead {
  readonly id: number;
  /** Its place in submission order; given when it is first sent to a worker. */
  ticket: number | undefined;
  /** Its claim cell, while it is sent ahead and neither started nor taken back. */
  cell: number | undefined;
  /** The tag in its claim cell (fresh each time it is held). */
  tag: number;
  /** Its worker won the cell: it stays there. */
  startedAhead: boolean;
}

/** Host side: the claim cells of a pool, `cells` per worker slot. */
export class ClaimTable {
  readonly tags: Int32Array;
  readonly tickets: Float64Array;
  readonly slots: number;
  readonly cells: number;
  #lastTag = 0;

  /**
   * @param slots How many workers may be alive at once.
   * @param cells How many tasks a worker may hold ahead of the one it runs.
   */
  constructor(slots: number, cells: number) {
    this.slots = slots;
    this.cells = cells;
    const count = slots * cells;
    this.tags = new Int32Array(new SharedArrayBuffer(count * Int32Array.BYTES_PER_ELEMENT));
    this.tickets = new Float64Array(
      new SharedArrayBuffer((slots + count) * Float64Array.BYTES_PER_ELEMENT),
    );
  }

  /** A tag no cell of this pool has held for a long while. */
  nextTag(): number {
    this.#lastTag = this.#lastTag === 0x3fffffff ? 1 : this.#lastTag + 1;
    return this.#lastTag;
  }

  /** What the worker in `slot` gets in its `init` message. */
  shared(slot: number): SharedClaims {
    const { tags, tickets, slots, cells } = this;
    return { tags, tickets, slots, cells, slot };
  }
}

/** Host side: one worker's claim cells, and the work sent ahead that holds each. */
export class ClaimCells<W extends SentAhead> {
  /** The worker's slot in the table. */
  readonly slot: number;
  #table: ClaimTable;
  #base: number;
  #holders: (W | undefined)[];

  /**
   * Takes `slot` of `table` for a new worker: its cells start empty.
   *
   * @param table The pool's claim cells.
   * @param slot A slot no live worker has.
   */
  constructor(table: ClaimTable, slot: number) {
    this.#table = table;
    this.slot = slot;
    this.#base = slot * table.cells;
    this.#holders = new Array(table.cells).fill(undefined);
    for (let cell = 0; cell < table.cells; cell++) Atomics.store(table.tags, this.#base + cell, 0);
    table.tickets[slot] = Infinity;
  }

  /** Puts `item` (which has its ticket) in a free cell; false when every cell is taken. */
  hold(item: W): boolean {
    const cell = this.#holders.indexOf(undefined);
    if (cell < 0) return false;
    this.#holders[cell] = item;
    item.cell = cell;
    const table = this.#table;
    item.tag = table.nextTag();
    table.tickets[table.slots + this.#base + cell] = item.ticket!;
    Atomics.store(table.tags, this.#base + cell, item.tag);
    return true;
  }

  /** Whether the worker has started `item` (won its cell). */
  started(item: W, cell: number): boolean {
    return item.cell === cell &&
      Atomics.load(this.#table.tags, this.#base + cell) === CLAIM_STARTED;
  }

  /** Takes `item` back unstarted; false (and `item.startedAhead`) when its worker won. */
  withdraw(item: W): boolean {
    const cell = item.cell!;
    const tag = item.tag;
    if (Atomics.compareExchange(this.#table.tags, this.#base + cell, tag, 0) !== tag) {
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
    Atomics.store(this.#table.tags, this.#base + item.cell, 0);
    this.#holders[item.cell] = undefined;
    item.cell = undefined;
  }

  /** The work in the cells now. */
  *held(): IterableIterator<W> {
    for (const item of this.#holders) if (item !== undefined) yield item;
  }
}

/** Worker side: this worker's view of the pool's claim cells. */
export class WorkerClaims {
  #shared: SharedClaims;
  #base: number;

  /** @param shared What the `init` message carried. */
  constructor(shared: SharedClaims) {
    this.#shared = shared;
    this.#base = shared.slot * shared.cells;
  }

  /** Records that this worker starts a task now (`now`: {@linkcode clock}). */
  running(now: number): void {
    this.#shared.tickets[this.#shared.slot] = now;
  }

  /**
   * Whether this worker should leave its task `ticket` (held ahead) unstarted for now and yield:
   * an older task is still unclaimed in the cells of another worker that has been running its
   * current task for more than {@linkcode STUCK_MS}.
   */
  shouldYield(ticket: number, now: number): boolean {
    const { tags, tickets, slots, cells, slot } = this.#shared;
    for (let other = 0; other < slots; other++) {
      if (other === slot || !(now - tickets[other]! > STUCK_MS)) continue;
      for (let cell = other * cells; cell < (other + 1) * cells; cell++) {
        if (Atomics.load(tags, cell) > 0 && tickets[slots + cell]! < ticket) return true;
      }
    }
    return false;
  }

  /** Claims the work held ahead in this worker's `cell` with `tag`: false when it was taken back. */
  claim(cell: number, tag: number): boolean {
    return Atomics.compareExchange(this.#shared.tags, this.#base + cell, tag, CLAIM_STARTED) ===
      tag;
  }
}

/**
 * The time shared by every thread of the process, in ms since the epoch. Whole milliseconds are
 * enough against {@linkcode STUCK_MS}, and `Date.now()` is the cheapest clock every runtime has
 * (read once per task by each worker: `performance.timeOrigin + performance.now()` costs two to
 * three times as much on Deno).
 */
export function clock(): number {
  return Date.now();
}
