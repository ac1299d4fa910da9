// Copyright 2026 the concurrent-futures authors. MIT license.
// A FIFO queue that can also take entries back at its head: a ring buffer. Runtime-neutral.

// The smallest ring.
const MIN_CAPACITY = 16;
// A ring up to this size is kept when the queue empties (a pool fed bursts of work would grow it
// again for each burst); a larger one gives its memory back.
const KEPT_CAPACITY = 1 << 16;

/**
 * A first-in, first-out queue with O(1) `push`, `shift` and `unshift` (amortised: the ring doubles
 * when full). Entries handed out are cleared from the ring at once, so it keeps nothing it has
 * given away, and a ring grown very large is dropped for a small one when the queue empties.
 */
export class Queue<T> {
  #ring: (T | undefined)[] = new Array(MIN_CAPACITY);
  #head = 0;
  #length = 0;

  /** How many entries are queued. */
  get length(): number {
    return this.#length;
  }

  /** Adds `item` at the tail. */
  push(item: T): void {
    if (this.#length === this.#ring.length) this.#grow();
    this.#ring[(this.#head + this.#length) & (this.#ring.length - 1)] = item;
    this.#length++;
  }

  /** Puts `items` back at the head, in their order, before every queued entry. */
  unshiftAll(items: readonly T[]): void {
    for (let i = items.length - 1; i >= 0; i--) {
      if (this.#length === this.#ring.length) this.#grow();
      this.#head = (this.#head - 1) & (this.#ring.length - 1);
      this.#ring[this.#head] = items[i];
      this.#length++;
    }
  }

  /** The oldest entry, without removing it; `undefined` when empty. */
  peek(): T | undefined {
    return this.#length === 0 ? undefined : this.#ring[this.#head];
  }

  /** Removes and returns the oldest entry; `undefined` when empty. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const ring = this.#ring;
    const item = ring[this.#head];
    ring[this.#head] = undefined;
    this.#head = (this.#head + 1) & (ring.length - 1);
    if (--this.#length === 0) this.#reset();
    return item;
  }

  /** Drops entries at the head while `dead(entry)` says so. */
  dropWhile(dead: (item: T) => boolean): void {
    while (this.#length > 0 && dead(this.#ring[this.#head] as T)) this.shift();
  }

  /** Removes and returns every entry, oldest first. */
  drain(): T[] {
    const items = [...this];
    this.#ring = new Array(MIN_CAPACITY);
    this.#head = 0;
    this.#length = 0;
    return items;
  }

  /** The queued entries, oldest first (not a copy: do not change the queue meanwhile). */
  *[Symbol.iterator](): IterableIterator<T> {
    const ring = this.#ring;
    const mask = ring.length - 1;
    for (let i = 0; i < this.#length; i++) yield ring[(this.#head + i) & mask] as T;
  }

  // Twice the room, entries in order from index 0.
  #grow(): void {
    const ring = this.#ring;
    const grown: (T | undefined)[] = new Array(ring.length * 2);
    for (let i = 0; i < this.#length; i++) grown[i] = ring[(this.#head + i) & (ring.length - 1)];
    this.#ring = grown;
    this.#head = 0;
  }

  // Empty now: a very large ring gives its memory back.
  #reset(): void {
    this.#head = 0;
    if (this.#ring.length > KEPT_CAPACITY) this.#ring = new Array(MIN_CAPACITY);
  }
}
