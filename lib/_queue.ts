// Copyright 2026 the concurrent-futures authors. MIT license.
// A FIFO queue: an array read from a moving head, compacted now and then. Runtime-neutral.

/**
 * A first-in, first-out queue with O(1) amortised `push` and `shift`. Entries before the head are
 * dropped in place (the array is sliced once the dead part outweighs the live one), so a long-lived
 * queue neither shifts its array on every read nor keeps what it has handed out.
 */
export class Queue<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  /** How many entries are queued. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Adds `item` at the tail. */
  push(item: T): void {
    this.#items.push(item);
  }

  /** The oldest entry, without removing it; `undefined` when empty. */
  peek(): T | undefined {
    return this.#items[this.#head];
  }

  /** Removes and returns the oldest entry; `undefined` when empty. */
  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Drops entries at the head while `dead(entry)` says so. */
  dropWhile(dead: (item: T) => boolean): void {
    while (this.#head < this.#items.length && dead(this.#items[this.#head] as T)) this.shift();
  }

  /** Removes and returns every entry, oldest first. */
  drain(): T[] {
    const items = this.#items.slice(this.#head) as T[];
    this.#items = [];
    this.#head = 0;
    return items;
  }

  /** The queued entries, oldest first (not a copy: do not change the queue meanwhile). */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.#head; i < this.#items.length; i++) yield this.#items[i] as T;
  }
}
