// Copyright 2026 the concurrent-futures authors. MIT license.
// Runs inside the children (or threads) of a distributed worker's local pool: the pool calls the
// exports of this module by reference, so a task's function is compiled or imported there, never
// on the worker's own event loop (whose heartbeats keep the task from being redelivered).
// Runtime-neutral.

import { functionKey, type FunctionSpec } from "../_function_source.ts";
import { compileFunction } from "../_function_table.ts";
import { encodeThrown, findUncloneable } from "../_serialize.ts";
import { SerializationError } from "../errors.ts";
import type { ChunkBody, UnitKind } from "./_messages.ts";

type Callable = (...args: unknown[]) => unknown;

// Compiled sources and imported exports, at most MAX of them (the oldest go first).
const MAX = 1000;
const cache = new Map<string, Callable | Promise<Callable>>();

/**
 * Run a unit of work: `fn(...payload)` for a task; for a chunk, each item in order up to the first
 * failure, which is reported with its index (and encoded here, where its class is known).
 *
 * @param spec The function, by source or by module export.
 * @param kind What `payload` is.
 * @param payload The arguments, or the chunk's items or argument lists.
 * @returns The task's value, or the chunk's outcome.
 */
export async function runUnit(
  spec: FunctionSpec,
  kind: UnitKind,
  payload: unknown[],
): Promise<unknown> {
  const fn = await load(spec);
  if (kind === "task") return await fn(...payload);
  const values: unknown[] = [];
  for (let i = 0; i < payload.length; i++) {
    try {
      const value = await (kind === "items" ? fn(payload[i]) : fn(...payload[i] as unknown[]));
      const bad = findUncloneable(value, "v8", "result");
      if (bad) throw new SerializationError(`${bad.path} ${bad.reason}`, { path: bad.path });
      values.push(value);
    } catch (error) {
      const outcome: ChunkBody = { values, failed: { index: i, error: encodeThrown(error, "v8") } };
      return outcome;
    }
  }
  const outcome: ChunkBody = { values };
  return outcome;
}

/**
 * Import the worker's `--modules` (the local pool's initializer), so that their set-up cost is
 * paid before the first task.
 *
 * @param urls Module URLs.
 */
export async function preload(urls: string[]): Promise<void> {
  for (const url of urls) await import(url);
}

// The cache key of the function (the key of lib/_function_table.ts, by source text here, since a
// source's `id` is only unique within the submitting process).
function load(spec: FunctionSpec): Callable | Promise<Callable> {
  const key = spec.kind === "source" ? `s:${spec.source}` : `m:${functionKey(spec)}`;
  let fn = cache.get(key);
  if (fn !== undefined) return fn;
  fn = compileFunction(spec);
  if (fn instanceof Promise) fn.catch(() => cache.delete(key));
  if (cache.size >= MAX) cache.delete(cache.keys().next().value!);
  cache.set(key, fn);
  return fn;
}
