// Copyright 2026 the concurrent-futures authors. MIT license.
// Deno's advanced-serialization IPC: a message is proven sendable before any of it is written.

import { isProxy } from "./proxy.ts";

// Deeper than this, longer arrays, or more values in all, and the message is serialized instead.
const MAX_DEPTH = 100;
const MAX_ARRAY = 4096;
const MAX_VALUES = 1 << 20;

/**
 * Throw if `message` cannot be sent over Deno's advanced-serialization IPC, before any of it is
 * written. Deno's `send()` serializes as it writes: a value it cannot serialize (a proxy, say)
 * leaves part of a message in the channel, which the other side cannot read, and the channel is
 * lost, with the child. A message of plain data (primitives, plain objects, arrays, typed arrays,
 * `ArrayBuffer`, `Date`, `RegExp`, `Map`, `Set`; no proxy) passes after one walk, which costs a few
 * microseconds for a task's message; anything else is first serialized with `node:v8`, which throws
 * what the write would have thrown.
 *
 * @param message The message about to be sent.
 * @throws {Error} What serializing `message` throws (a `DataCloneError`, or a `RangeError` when it
 * is nested too deep).
 */
export function assertSendable(message: unknown): void {
  if (!isPlainData(message, 0, { left: MAX_VALUES })) v8().serialize(message);
}

// node:v8, loaded only when needed (Deno has process.getBuiltinModule()): imported, it would cost
// every program that imports this package on Node some milliseconds.
function v8(): typeof import("node:v8") {
  const { process } = globalThis as unknown as {
    process: { getBuiltinModule(id: string): unknown };
  };
  return process.getBuiltinModule("node:v8") as typeof import("node:v8");
}

const LEAVES = new Set<unknown>([Date.prototype, RegExp.prototype, ArrayBuffer.prototype]);

function isPlainData(x: unknown, depth: number, budget: { left: number }): boolean {
  if (typeof x !== "object") return typeof x !== "function" && typeof x !== "symbol";
  if (x === null) return true;
  if (--budget.left < 0 || depth > MAX_DEPTH || isProxy(x)) return false;
  const proto = Object.getPrototypeOf(x);
  if (proto === Object.prototype || proto === null) {
    // A getter is read here and again by the write: one that answers differently the second time
    // is the one case this walk cannot see.
    for (const key in x) {
      if (!isPlainData((x as Record<string, unknown>)[key], depth + 1, budget)) return false;
    }
    return true;
  }
  if (proto === Array.prototype) {
    const array = x as unknown[];
    // Every index its own and no other key: listing the keys of a long array costs as much as
    // serializing it, so a long array is serialized instead.
    if (array.length > MAX_ARRAY) return false;
    for (let i = 0; i < array.length; i++) {
      if (!isPlainData(array[i], depth + 1, budget)) return false;
    }
    return Object.keys(array).length === array.length;
  }
  if (ArrayBuffer.isView(x)) return !(x.buffer instanceof SharedArrayBuffer);
  if (LEAVES.has(proto)) return true;
  if (proto === Map.prototype) {
    for (const [key, value] of x as Map<unknown, unknown>) {
      if (!isPlainData(key, depth + 1, budget) || !isPlainData(value, depth + 1, budget)) {
        return false;
      }
    }
    return true;
  }
  if (proto === Set.prototype) {
    for (const value of x as Set<unknown>) if (!isPlainData(value, depth + 1, budget)) return false;
    return true;
  }
  return false;
}
