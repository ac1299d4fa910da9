// Copyright 2026 the concurrent-futures authors. MIT license.
// Running a chunk in a worker (map's batches): one function over its items in order, stopping at
// the first failure, answered in one reply. Runtime-neutral.

import { reviveClasses } from "../lib/_classes.ts";
import type { CompiledFunction, WorkerFunctionTable } from "../lib/_function_table.ts";
import type { ChunkMessage } from "../lib/_protocol.ts";
import type { ChunkFailure, Replies } from "./_replies.ts";
import { isThenable } from "./_run_task.ts";

/**
 * Run a chunk's items in order and reply with their results, stopping at the first failure. As
 * `runTask`, synchronously until an item has to be awaited.
 *
 * @param message The chunk: an argument list per call (`argLists`) or one argument per call
 * (`items`, maybe packed).
 * @param functions The worker's functions; the message's spec, if any, is defined there first.
 * @param replies Where the outcome goes.
 * @returns `undefined` if the reply was sent, else a promise of it.
 */
export function runChunk(
  message: ChunkMessage,
  functions: WorkerFunctionTable,
  replies: Replies,
): Promise<void> | undefined {
  const values: unknown[] = [];
  let fn: CompiledFunction | Promise<CompiledFunction>;
  try {
    if (message.spec !== undefined) functions.define(message.key, message.spec);
    if (message.classes !== undefined) reviveClasses(message, message.classes);
    fn = functions.get(message.key);
    if (message.b !== undefined) fn = bindLeading(fn, message.b);
  } catch (error) {
    replies.chunk(message.id, values, { index: 0, error });
    return undefined;
  }
  if (fn instanceof Promise) return finishChunk(message, values, fn, 0, undefined, replies);
  const { argLists, items } = message;
  const length = items === undefined ? argLists.length : items.length;
  for (let i = 0; i < length; i++) {
    try {
      const value = items === undefined ? fn(...argLists[i]!) : fn(items[i]);
      if (isThenable(value)) return finishChunk(message, values, fn, i, value, replies);
      replies.checkResult(value);
      values.push(value);
    } catch (error) {
      replies.chunk(message.id, values, { index: values.length, error });
      return undefined;
    }
  }
  replies.chunk(message.id, values, undefined);
  return undefined;
}

// The rest of a chunk from item `start`, whose value (if it was already called) is `first`.
async function finishChunk(
  message: ChunkMessage,
  values: unknown[],
  fn: CompiledFunction | Promise<CompiledFunction>,
  start: number,
  first: PromiseLike<unknown> | undefined,
  replies: Replies,
): Promise<void> {
  let failed: ChunkFailure | undefined;
  try {
    const callable = fn instanceof Promise ? await fn : fn;
    const { argLists, items } = message;
    const length = items === undefined ? argLists.length : items.length;
    for (let i = start; i < length; i++) {
      try {
        let value = i === start && first !== undefined
          ? first
          : items === undefined
          ? callable(...argLists[i]!)
          : callable(items[i]);
        if (isThenable(value)) value = await value;
        replies.checkResult(value);
        values.push(value);
      } catch (error) {
        failed = { index: values.length, error };
        break;
      }
    }
  } catch (error) {
    failed = { index: 0, error };
  }
  replies.chunk(message.id, values, failed);
}

// A partial()'s function: its bound values before each call's own arguments.
function bindLeading(
  fn: CompiledFunction | Promise<CompiledFunction>,
  bound: unknown[],
): CompiledFunction | Promise<CompiledFunction> {
  if (fn instanceof Promise) return fn.then((f) => bindLeading(f, bound) as CompiledFunction);
  return (...args: unknown[]) => fn(...bound, ...args);
}
