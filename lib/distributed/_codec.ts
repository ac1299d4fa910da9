// Copyright 2026 the concurrent-futures authors. MIT license.
// This module is runtime-neutral: the byte encoding of values that cross to a worker on another
// machine. `node:v8` serialization cannot be it: Bun's `v8.serialize()` writes JavaScriptCore's
// format, which Node and Deno cannot read (and the other way round), so a Bun submitter could not
// talk to a Node worker. This encoding is plain JSON with tagged nodes and carries what a process
// pool's "v8" transport carries (values are checked with `assertCloneable(…, "v8", …)` first).
//
// A node is a JSON string, boolean, null, finite number, a plain object (its properties encoded),
// or an array whose first element is a tag:
//   ["u"] undefined          ["n", "NaN" | "Infinity" | "-Infinity" | "-0"]     ["i", "123"] bigint
//   ["a", length, ...items]  (["h"] for a hole)   ["M", k, v, k, v, …]   ["S", v, …]
//   ["D", ms | null]  ["R", source, flags]  ["B", base64]  ["V", type, base64]
//   ["E", base, name, message, stack | null, cause?]  (with "AggregateError": errors after cause)
//   ["O", "Boolean" | "Number" | "String" | "BigInt", node]  ["@", index] a repeated object
// Objects are numbered in the order they are first met, so cycles and shared references survive.

import { BUILT_IN_ERRORS } from "../_serialize.ts";

type Node = unknown;

const VIEWS = [
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
  "Float16Array",
  "DataView",
] as const;

/**
 * Encode a value that passed `assertCloneable(value, "v8", …)` as UTF-8 JSON bytes.
 *
 * @param value The value.
 * @returns Its encoding.
 */
export function encodeValue(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(toNode(value, new Map())));
}

/**
 * Decode what {@linkcode encodeValue} wrote.
 *
 * @param bytes The encoding.
 * @returns The value.
 * @throws {SyntaxError} If `bytes` is not such an encoding.
 */
export function decodeValue(bytes: Uint8Array): unknown {
  const text = new TextDecoder().decode(bytes);
  return fromNode(JSON.parse(text), []);
}

function toNode(value: unknown, seen: Map<object, number>): Node {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "undefined":
      return ["u"];
    case "bigint":
      return ["i", value.toString()];
    case "number":
      if (Number.isFinite(value) && !Object.is(value, -0)) return value;
      return ["n", Object.is(value, -0) ? "-0" : String(value)];
    case "object":
      break;
    default:
      throw new TypeError(`a ${typeof value} cannot be encoded`);
  }
  if (value === null) return null;
  const index = seen.get(value);
  if (index !== undefined) return ["@", index];
  seen.set(value, seen.size);
  if (Array.isArray(value)) {
    const node: Node[] = ["a", value.length];
    for (let i = 0; i < value.length; i++) {
      node.push(i in value ? toNode(value[i], seen) : ["h"]);
    }
    return node;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    const node: Record<string, Node> = Object.create(null); // `__proto__` is a key like any
    for (const key of Object.keys(value)) {
      node[key] = toNode((value as Record<string, unknown>)[key], seen);
    }
    return node;
  }
  if (value instanceof Map) {
    const node: Node[] = ["M"];
    for (const [k, v] of value) node.push(toNode(k, seen), toNode(v, seen));
    return node;
  }
  if (value instanceof Set) {
    const node: Node[] = ["S"];
    for (const v of value) node.push(toNode(v, seen));
    return node;
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    return ["D", Number.isNaN(ms) ? null : ms];
  }
  if (value instanceof RegExp) return ["R", value.source, value.flags];
  if (value instanceof ArrayBuffer) return ["B", toBase64(new Uint8Array(value))];
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return ["V", viewType(value), toBase64(bytes)];
  }
  if (value instanceof Error) return errorNode(value, seen);
  if (value instanceof Boolean) return ["O", "Boolean", value.valueOf()];
  if (value instanceof Number) return ["O", "Number", toNode(value.valueOf(), seen)];
  if (value instanceof String) return ["O", "String", value.valueOf()];
  if (value instanceof BigInt) return ["O", "BigInt", (value as bigint).valueOf().toString()];
  throw new TypeError(`a ${proto?.constructor?.name ?? "object"} cannot be encoded`);
}

function errorNode(error: Error, seen: Map<object, number>): Node {
  let base = "Error";
  for (let p = Object.getPrototypeOf(error); p !== null; p = Object.getPrototypeOf(p)) {
    const name = Object.hasOwn(p, "constructor") ? p.constructor?.name : undefined;
    if ((BUILT_IN_ERRORS as readonly string[]).includes(name)) {
      base = name;
      break;
    }
  }
  const stack = typeof error.stack === "string" ? error.stack : null;
  const node: Node[] = ["E", base, String(error.name), String(error.message), stack];
  const hasCause = Object.hasOwn(error, "cause");
  node.push(hasCause ? toNode(error.cause, seen) : ["h"]);
  if (base === "AggregateError" && Array.isArray((error as AggregateError).errors)) {
    node.push(toNode((error as AggregateError).errors, seen));
  }
  return node;
}

function viewType(view: ArrayBufferView): string {
  for (const name of VIEWS) {
    const ctor = (globalThis as Record<string, unknown>)[name] as
      | (abstract new (...args: never[]) => unknown)
      | undefined;
    if (typeof ctor === "function" && view instanceof ctor) return name;
  }
  return "Uint8Array";
}

function fromNode(node: Node, objects: unknown[]): unknown {
  if (node === null || typeof node !== "object") return node;
  if (!Array.isArray(node)) {
    const object: Record<string, unknown> = {};
    objects.push(object);
    for (const key of Object.keys(node)) {
      define(object, key, fromNode((node as Record<string, Node>)[key], objects));
    }
    return object;
  }
  switch (node[0]) {
    case "u":
    case "h":
      return undefined;
    case "n":
      return node[1] === "-0" ? -0 : Number(node[1]);
    case "i":
      return BigInt(node[1] as string);
    case "@":
      return objects[node[1] as number];
    case "a": {
      const array: unknown[] = new Array(node[1] as number);
      objects.push(array);
      for (let i = 2; i < node.length; i++) {
        const item = node[i];
        if (Array.isArray(item) && item[0] === "h") continue;
        array[i - 2] = fromNode(item, objects);
      }
      return array;
    }
    case "M": {
      const map = new Map();
      objects.push(map);
      for (let i = 1; i < node.length; i += 2) {
        const key = fromNode(node[i], objects);
        map.set(key, fromNode(node[i + 1], objects));
      }
      return map;
    }
    case "S": {
      const set = new Set();
      objects.push(set);
      for (let i = 1; i < node.length; i++) set.add(fromNode(node[i], objects));
      return set;
    }
    case "D":
      return remember(new Date(node[1] === null ? NaN : node[1] as number), objects);
    case "R":
      return remember(new RegExp(node[1] as string, node[2] as string), objects);
    case "B":
      return remember(fromBase64(node[1] as string).buffer, objects);
    case "V":
      return remember(makeView(node[1] as string, fromBase64(node[2] as string)), objects);
    case "E":
      return makeError(node, objects);
    case "O": {
      const kind = node[1];
      const boxed = kind === "BigInt"
        ? Object(BigInt(node[2] as string))
        : Object(kind === "Number" ? fromNode(node[2], []) : node[2]);
      return remember(boxed, objects);
    }
    default:
      throw new SyntaxError(`unknown node tag ${JSON.stringify(node[0])}`);
  }
}

function makeError(node: Node[], objects: unknown[]): Error {
  const [, base, name, message, stack, cause, errors] = node as [
    string,
    string,
    string,
    string,
    string | null,
    Node,
    Node,
  ];
  const g = globalThis as unknown as Record<string, new (message: string) => Error>;
  const ctor = (BUILT_IN_ERRORS as readonly string[]).includes(base) ? g[base] : undefined;
  const error = base === "AggregateError" ? new AggregateError([], message) : new (ctor ?? Error)(
    message,
  );
  objects.push(error);
  if (error.name !== name) hide(error, "name", name);
  if (stack !== null) hide(error, "stack", stack);
  if (!(Array.isArray(cause) && cause[0] === "h")) hide(error, "cause", fromNode(cause, objects));
  if (errors !== undefined) hide(error, "errors", fromNode(errors, objects));
  return error;
}

function makeView(type: string, bytes: Uint8Array): ArrayBufferView {
  const ctor = (globalThis as Record<string, unknown>)[type] as
    | (new (buffer: ArrayBuffer, offset?: number, length?: number) => ArrayBufferView)
    | undefined;
  if (!(VIEWS as readonly string[]).includes(type) || typeof ctor !== "function") {
    throw new SyntaxError(`unknown view type ${JSON.stringify(type)}`);
  }
  const buffer = bytes.buffer as ArrayBuffer;
  return type === "DataView" ? new DataView(buffer) : new ctor(buffer);
}

function remember<T>(value: T, objects: unknown[]): T {
  objects.push(value);
  return value;
}

function define(object: Record<string, unknown>, key: string, value: unknown): void {
  // `__proto__` as an own data property, as JSON.parse and structured clone make it.
  Object.defineProperty(object, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

function hide(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true });
}

const CHUNK = 0x8000;

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
