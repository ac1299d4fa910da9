// Copyright 2026 the concurrent-futures authors. MIT license.
// The function cache that the host and each of its workers keep in step. Runtime-neutral.
//
// A function crosses to a worker as a FunctionSpec (its source, or a module export), named by a
// `key`. Compiling a source (indirect eval) or importing a module costs far more than a task, so a
// worker keeps what it compiled, and the host sends a key's spec only once per worker:
//
//   host                                        worker
//   ────                                        ──────
//   task/chunk { key, spec }  (key's first use)  ──▶  define(key, spec), then get(key) compiles it
//   task/chunk { key }        (later uses)       ──▶  get(key): the compiled copy
//   forget { keys }           (past cache size)  ──▶  forget(keys)
//
// The two halves:
// - The host half, {@linkcode HostFunctionTable}, one per worker, records which keys that worker
//   was sent a spec for (`has(key)`); on recording a new one (`remember(key)`) it answers the
//   oldest keys the worker must be told to forget once it would hold more than the cache size, so
//   that a pool fed ever new function sources does not grow without end. A forgotten key's spec is sent again if the
//   key comes back.
// - The worker half, {@linkcode WorkerFunctionTable}, holds what the worker was sent:
//   `define(key, spec)` takes a spec, `get(key)` compiles it on first use and returns the compiled
//   copy after, `forget(keys)` drops them. Its `has(key)` agrees with the host's for every key
//   the worker has read, except one whose spec failed to compile or import (dropped, so that
//   the next use of that key is answered as a protocol error).
//
// Messages to a worker are handled in the order sent: a `forget` follows the work sent before it,
// which may still need what it names, and a later spec for a forgotten key defines it anew.
// Work sent ahead that the host takes back before it starts (thread pools) still counts as sent:
// its spec is defined in the worker's table without running anything, so that later work can
// name the key alone.

import type { FunctionSpec } from "./_function_source.ts";

// ── the host half ────────────────────────────────────────────────────────────────────────────────

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

// ── the worker half ──────────────────────────────────────────────────────────────────────────────

/** A function as a worker calls it. */
export type CompiledFunction = (...args: unknown[]) => unknown;

/**
 * The functions a worker was sent, by key: each spec compiled once, on first use, and kept until
 * the host says to forget it.
 */
export class WorkerFunctionTable {
  /** Compiled functions, or a module import still loading, by key. */
  #compiled = new Map<string, CompiledFunction | Promise<CompiledFunction>>();
  /** Specs not compiled yet, by key. */
  #defined = new Map<string, FunctionSpec>();

  /**
   * Whether `key` names a function of this table (compiled or not yet).
   *
   * @param key A function key.
   * @returns Whether {@linkcode WorkerFunctionTable.get} will find it.
   */
  has(key: string): boolean {
    return this.#compiled.has(key) || this.#defined.has(key);
  }

  /**
   * Take `spec` as the function `key` names, compiled when first needed. A key already compiled
   * keeps its compiled copy.
   *
   * @param key A function key.
   * @param spec The function it names.
   */
  define(key: string, spec: FunctionSpec): void {
    if (!this.#compiled.has(key)) this.#defined.set(key, spec);
  }

  /**
   * The function `key` names, compiled from its spec the first time.
   *
   * @param key A function key.
   * @returns The function, or a promise of it while its module is being imported.
   * @throws {Error} If `key` was never defined, or was forgotten (a protocol error).
   * @throws {TypeError} If the spec does not compile to a function.
   */
  get(key: string): CompiledFunction | Promise<CompiledFunction> {
    const fn = this.#compiled.get(key);
    return fn === undefined ? this.#compile(key) : fn;
  }

  /**
   * Drop these functions, compiled or not. Unknown keys are ignored.
   *
   * @param keys Function keys.
   */
  forget(keys: readonly string[]): void {
    for (const key of keys) {
      this.#compiled.delete(key);
      this.#defined.delete(key);
    }
  }

  #compile(key: string): CompiledFunction | Promise<CompiledFunction> {
    const spec = this.#defined.get(key);
    if (spec === undefined) throw new Error(`protocol error: unknown function ${key}`);
    this.#defined.delete(key);
    const fn = compileFunction(spec);
    this.#compiled.set(key, fn);
    if (fn instanceof Promise) {
      // Loaded: kept as the function itself; failed: dropped (each waiting task gets the error).
      // Unless forgotten (or forgotten and defined anew) meanwhile.
      const settle = (loaded?: CompiledFunction) => {
        if (this.#compiled.get(key) !== fn) return;
        if (loaded) this.#compiled.set(key, loaded);
        else this.#compiled.delete(key);
      };
      fn.then(settle, () => settle());
    }
    return fn;
  }
}

/**
 * Compile a function shipped by source (indirect eval), or import one shipped by reference.
 *
 * @param spec How the function was shipped.
 * @returns The function; a promise of it for a module export.
 * @throws {TypeError} If the source is not a function, or (the promise rejects) the module has no
 * such exported function.
 */
export function compileFunction(spec: FunctionSpec): CompiledFunction | Promise<CompiledFunction> {
  if (spec.kind === "source") {
    const fn = (0, eval)(`(${spec.source})`);
    if (typeof fn !== "function") throw new TypeError("the shipped source is not a function");
    return fn as CompiledFunction;
  }
  return import(spec.url).then((module) => {
    const fn = module[spec.name];
    if (typeof fn !== "function") {
      throw new TypeError(`${spec.url} has no exported function \`${spec.name}\``);
    }
    return fn as CompiledFunction;
  });
}
