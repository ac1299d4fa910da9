// Copyright 2026 the concurrent-futures authors. MIT license.
// The functions a worker has compiled: the host's record of them and the worker's table, two
// halves of one protocol. Runtime-neutral.
//
// A function travels as a FunctionSpec (its source, or its module and export name) under a key
// (functionKey()). The host sends the spec with the first unit of work that uses the key; later
// work sends the key alone and the worker runs its compiled copy. A worker keeps at most
// `functionCache.size` functions: past that, the host tells it to `forget` the oldest
// `functionCache.forget`, in order with the work (what was sent before still finds its function),
// and sends a forgotten key's spec again should it come back.
//
//   host: HostFunctionTable (one per worker)        worker: WorkerFunctionTable
//     has(key)       spec needed with this work?      define(key, spec) / get(key)
//     remember(key)  → keys to forget, if over size   forget(keys)

/**
 * How many functions a worker keeps compiled, and how many of the oldest it is told to forget when
 * it would hold more: a pool fed ever new function sources must not grow without end. Read when a
 * pool is created (tests make it small).
 */
export const functionCache = { size: 1000, forget: 100 };

/** The host's record of the function keys one worker holds compiled, oldest first. */
export class HostFunctionTable {
  #known = new Set<string>();
  #size = functionCache.size;
  #forget = Math.min(Math.max(functionCache.forget, 1), functionCache.size);

  /** Whether the worker holds `key` (work using it need not carry the spec). */
  has(key: string): boolean {
    return this.#known.has(key);
  }

  /**
   * Records that the worker has been sent `key`'s spec. Returns the oldest keys that it must be
   * told to forget, when it would now hold more than the cache size.
   */
  remember(key: string): string[] | undefined {
    const known = this.#known;
    if (known.has(key)) return undefined;
    known.add(key);
    if (known.size <= this.#size) return undefined;
    const keys: string[] = [];
    for (const old of known) {
      if (keys.length === this.#forget) break;
      keys.push(old);
    }
    for (const old of keys) known.delete(old);
    return keys;
  }
}

// ── the worker's half ─────────────────────────────────────────────────────────────────────────────
