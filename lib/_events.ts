// Copyright 2026 the concurrent-futures authors. MIT license.
// The listeners of an executor's events, called in a microtask. Runtime-neutral.

import { describe } from "./_pool_options.ts";

// deno-lint-ignore no-explicit-any
type Listener = (event: any) => void;

/**
 * Listeners by event name. Whoever emits first asks {@linkcode Events.has}, so an event without
 * listeners is never built. Events are delivered in a microtask, in the order they were emitted:
 * a listener never runs in the middle of the pool's own bookkeeping, and may call the pool.
 */
export class Events<M extends object> {
  #names: readonly (keyof M & string)[];
  #listeners = new Map<keyof M, Set<Listener>>();
  #pending: [keyof M, unknown][] = [];

  /** @param names Every event name there is, for the error on an unknown one. */
  constructor(names: readonly (keyof M & string)[]) {
    this.#names = names;
  }

  /** Whether `name` has a listener. */
  has(name: keyof M): boolean {
    return this.#listeners.size > 0 && this.#listeners.has(name);
  }

  /** Adds `listener` for `name` (once: adding it again does nothing). */
  on(name: unknown, listener: unknown): void {
    this.#check(name, listener);
    let set = this.#listeners.get(name as keyof M);
    if (!set) this.#listeners.set(name as keyof M, set = new Set());
    set.add(listener as Listener);
  }

  /** Removes `listener` for `name`; a listener not added is ignored. */
  off(name: unknown, listener: unknown): void {
    this.#check(name, listener);
    const set = this.#listeners.get(name as keyof M);
    if (!set?.delete(listener as Listener)) return;
    if (set.size === 0) this.#listeners.delete(name as keyof M);
  }

  /** Queues `event` for the listeners of `name` (the caller has checked {@linkcode Events.has}). */
  emit<K extends keyof M>(name: K, event: M[K]): void {
    if (this.#pending.push([name, event]) === 1) queueMicrotask(this.#deliver);
  }

  #deliver = (): void => {
    const pending = this.#pending;
    this.#pending = [];
    for (const [name, event] of pending) {
      const set = this.#listeners.get(name);
      if (!set) continue;
      for (const listener of set) {
        try {
          listener(event);
        } catch (error) {
          console.error(`exception in a "${String(name)}" listener`, error);
        }
      }
    }
  };

  #check(name: unknown, listener: unknown): void {
    if (typeof name !== "string" || !this.#names.includes(name as keyof M & string)) {
      throw new TypeError(
        `unknown event ${describe(name)}; known events: ${this.#names.join(", ")}`,
      );
    }
    if (typeof listener !== "function") {
      throw new TypeError(`listener must be a function, got ${describe(listener)}`);
    }
  }
}
