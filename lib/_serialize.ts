// Copyright 2026 the concurrent-futures authors. MIT license.
// This module is runtime-neutral: what values can cross to and from a worker, and how a thrown
// value travels back as plain data.

import {
  type ClassEntry,
  classFor,
  type ClassLookup,
  classLookup,
  type ClassRef,
  locateClasses,
  reviveClasses,
} from "./_classes.ts";
import { findUncloneable, type Transport } from "./_uncloneable.ts";
import {
  BrokenExecutor,
  BrokenProcessPool,
  BrokenThreadPool,
  CancelledError,
  InvalidStateError,
  SerializationError,
  TimeoutError,
} from "./errors.ts";

export { findUncloneable, type Transport, type Uncloneable } from "./_uncloneable.ts";

/**
 * Throw if `value` cannot travel by `transport` (see {@linkcode findUncloneable}).
 *
 * @param value The value to check.
 * @param transport The transport it will travel by.
 * @param path The name of `value`, e.g. `"args"`.
 * @param transfer Objects that will be transferred rather than cloned.
 * @param classes The classes that cross by reference; the instances found are added to it.
 * @throws {SerializationError} Naming the first offending value, e.g. `args[1].onDone is a
 * function, which cannot be cloned`, with that `path`.
 */
export function assertCloneable(
  value: unknown,
  transport: Transport,
  path: string,
  transfer?: readonly unknown[],
  classes?: ClassLookup,
): void {
  const found = findUncloneable(value, transport, path, transfer, classes);
  if (found) throw new SerializationError(`${found.path} ${found.reason}`, { path: found.path });
}

/**
 * Throw a {@linkcode SerializationError} if a chunk's arguments cannot be sent: `items` holds one
 * argument per call (map's), `argLists` an argument list per call (starmap's). The path names the
 * call's place in the chunk, then the argument: `args[3][0]`.
 *
 * @param payload The chunk's items or argument lists.
 * @param kind Which of the two `payload` is.
 * @param transport The transport the chunk will be sent by.
 * @param classes The classes that cross by reference; the instances found are added to it.
 */
export function assertChunkCloneable(
  payload: unknown[],
  kind: "items" | "argLists",
  transport: Transport,
  classes?: ClassLookup,
): void {
  if (kind === "argLists") return assertCloneable(payload, transport, "args", undefined, classes);
  // One walk for the whole chunk (a list of primitives is one step); only on a failure, the calls
  // one by one, for the path with the argument's place.
  if (findUncloneable(payload, transport, "args", undefined, classes) === undefined) return;
  for (let i = 0; i < payload.length; i++) assertCloneable([payload[i]], transport, `args[${i}]`);
}

/**
 * Explain a failed `postMessage`/`send` of `value`: the offending part if inspection finds one,
 * else `value` itself (a proxy, typically), with the runtime's error as `cause` either way.
 *
 * @param value The value that could not be sent.
 * @param transport The transport it was sent by.
 * @param path The name of `value`, e.g. `"args"` or `"result"`.
 * @param error What the runtime threw.
 * @returns The error to report.
 */
export function describeCloneFailure(
  value: unknown,
  transport: Transport,
  path: string,
  error: unknown,
): SerializationError {
  let found;
  try {
    found = findUncloneable(value, transport, path);
  } catch {
    // fall back to `path`
  }
  if (found) {
    return new SerializationError(`${found.path} ${found.reason}`, {
      path: found.path,
      cause: error,
    });
  }
  return new SerializationError(`${path} could not be cloned (${messageOf(error)})`, {
    path,
    cause: error,
  });
}

/** A thrown value that the worker could not send back: where in it, and why. */
export interface LostThrown {
  t: "lost";
  path: string;
  reason: string;
}

/**
 * A value that can be sent as it is; `classes` lists the instances of classes sent by reference in it
 * (see `_classes.ts`), by their paths from `value`.
 */
export interface SentValue {
  t: "value";
  value: unknown;
  classes?: ClassEntry[];
}

/** A reference from an encoded error to another value: a cloneable value, a lost one, or an error. */
export type EncodedRef = SentValue | LostThrown | { t: "ref"; index: number };

/** One error as plain data. */
export interface EncodedError {
  /** The built-in class to rebuild it as: the nearest built-in ancestor of its class. */
  base: string;
  name: string;
  message: string;
  stack?: string;
  cause?: EncodedRef;
  /** An `AggregateError`'s `errors`. */
  errors?: EncodedRef[];
  /** Own enumerable properties that could be cloned. */
  props: Record<string, unknown>;
  /** Instances of classes sent by reference in `props`, by their paths from `props`. */
  classes?: ClassEntry[];
  /** Its class, when that class is sent by reference: it is rebuilt with that prototype. */
  cls?: ClassRef;
}

/**
 * A thrown value as plain records that every transport carries, also where a clone would lose an
 * error's `cause` (Bun). Errors are a table, `errors[0]` being the thrown one, so cause cycles and
 * shared causes survive.
 */
export type EncodedThrown = SentValue | LostThrown | {
  t: "error";
  errors: EncodedError[];
};

/** The built-in error classes an error is rebuilt as, when it is one of them (or extends one). */
export const BUILT_IN_ERRORS = [
  "Error",
  "TypeError",
  "RangeError",
  "SyntaxError",
  "ReferenceError",
  "EvalError",
  "URIError",
  "AggregateError",
  "DOMException",
] as const;

/**
 * Encode what a task threw. An error keeps its name, message, stack, `cause` (recursively), an
 * `AggregateError`'s `errors`, and its own enumerable properties that can be cloned (the others
 * are dropped one by one). A non-error is kept as it is if it can be cloned; otherwise only where
 * and why it could not be sent is kept. With `classes`, an error (or a value in one) of a class
 * sent by reference is recorded as such, to be rebuilt with its class's prototype.
 *
 * @param thrown The thrown value.
 * @param transport The transport the record will travel by.
 * @param classes The classes sent by reference, by prototype.
 * @returns A record that `transport` can carry. Never throws.
 */
export function encodeThrown(
  thrown: unknown,
  transport: Transport,
  classes?: Map<object, ClassRef>,
): EncodedThrown {
  try {
    if (!isError(thrown)) return encodeValue(thrown, transport, "error", classes);
    const errors: EncodedError[] = [];
    const indices = new Map<object, number>();
    const queue: { error: object; path: string }[] = [];
    const ref = (value: unknown, path: string): EncodedRef => {
      if (!isError(value)) return encodeValue(value, transport, path, classes);
      let index = indices.get(value);
      if (index === undefined) {
        index = queue.length;
        indices.set(value, index);
        queue.push({ error: value, path });
      }
      return { t: "ref", index };
    };
    ref(thrown, "error");
    for (let i = 0; i < queue.length; i++) {
      const { error, path } = queue[i]!;
      errors.push(encodeError(error, path, transport, ref, classes));
    }
    return { t: "error", errors };
  } catch (error) {
    return { t: "lost", path: "error", reason: `could not be read (${messageOf(error)})` };
  }
}

/**
 * Rebuild what a task threw from {@linkcode encodeThrown}'s record. Built-in error classes come
 * back as themselves; other classes as their nearest built-in ancestor (usually `Error`) with the
 * original `name`; `stack` is the worker's. A thrown value that could not be sent comes back as a
 * {@linkcode SerializationError} whose `path` starts with `"error"`.
 *
 * @param encoded The record.
 * @returns The thrown value, rebuilt.
 */
export function decodeThrown(encoded: EncodedThrown): unknown {
  try {
    if (encoded.t === "value") return valueOf(encoded);
    if (encoded.t === "lost") return lostError(encoded);
    const built = encoded.errors.map(buildError);
    const resolve = (ref: EncodedRef): unknown =>
      ref.t === "ref" ? built[ref.index] : ref.t === "value" ? valueOf(ref) : lostError(ref);
    encoded.errors.forEach((record, i) => {
      if (record.cause) define(built[i]!, "cause", resolve(record.cause), false);
      if (record.errors) define(built[i]!, "errors", record.errors.map(resolve), false);
    });
    return built[0];
  } catch (error) {
    return new Error(`the task's error could not be decoded (${messageOf(error)})`, {
      cause: error,
    });
  }
}

function valueOf(sent: SentValue): unknown {
  if (sent.classes !== undefined) reviveClasses(sent.value, sent.classes);
  return sent.value;
}

function encodeValue(
  value: unknown,
  transport: Transport,
  path: string,
  classes: Map<object, ClassRef> | undefined,
): SentValue | LostThrown {
  const lookup = classLookup(classes);
  const found = findUncloneable(value, transport, path, undefined, lookup);
  if (found) return { t: "lost", path: found.path, reason: found.reason };
  // Inspection cannot see through a proxy: a trial clone is the last word (errors are rare).
  if (value !== null && typeof value === "object") {
    try {
      globalThis.structuredClone(value);
    } catch (error) {
      return { t: "lost", path, reason: `could not be cloned (${messageOf(error)})` };
    }
  }
  if (lookup !== undefined && lookup.found.size > 0) {
    return { t: "value", value, classes: locateClasses(value, lookup.found, []) };
  }
  return { t: "value", value };
}

function encodeError(
  error: object,
  path: string,
  transport: Transport,
  ref: (value: unknown, path: string) => EncodedRef,
  classes: Map<object, ClassRef> | undefined,
): EncodedError {
  const base = baseOf(error);
  const name = read(error, "name");
  const message = read(error, "message");
  const record: EncodedError = {
    base,
    name: typeof name === "string" ? name : base,
    message: typeof message === "string"
      ? message
      : message === undefined
      ? ""
      : safeString(message),
    props: {},
  };
  const stack = read(error, "stack");
  if (typeof stack === "string") record.stack = withoutWorkerLoop(stack);
  if (Object.hasOwn(error, "cause")) record.cause = ref(read(error, "cause"), `${path}.cause`);
  const aggregate = base === "AggregateError" && Array.isArray(read(error, "errors"));
  if (aggregate) {
    record.errors = (read(error, "errors") as unknown[]).map((e, i) =>
      ref(e, `${path}.errors[${i}]`)
    );
  }
  for (const key of Object.keys(error)) {
    if (key === "name" || key === "message" || key === "stack" || key === "cause") continue;
    if (key === "errors" && aggregate) continue;
    const raw = read(error, key, UNREADABLE);
    if (raw === UNREADABLE) continue;
    const value = encodeValue(raw, transport, key, classes);
    if (value.t !== "value") continue;
    record.props[key] = value.value;
    for (const entry of value.classes ?? []) {
      (record.classes ??= []).push({ ...entry, p: [key, ...entry.p] });
    }
  }
  const cls = classes?.get(Object.getPrototypeOf(error));
  if (cls !== undefined) record.cls = cls;
  return record;
}

// The package's worker loop (workers/), as frames name it: with or without the file: scheme.
const WORKERS = new URL("../workers/", import.meta.url);
const WORKER_PATHS = [WORKERS.href, decodeURIComponent(WORKERS.pathname)];

// A task's stack, cut at the first frame of the worker loop that called the task: what follows is
// the loop and the runtime's message dispatch, never the task's own code. Kept whole if nothing of
// it would remain (the loop itself threw) or the loop is not found (a bundle).
function withoutWorkerLoop(stack: string): string {
  const lines = stack.split("\n");
  const cut = lines.findIndex((line) =>
    /^\s+at /.test(line) && WORKER_PATHS.some((path) => line.includes(path))
  );
  if (cut === -1 || !lines.slice(0, cut).some((line) => /^\s+at /.test(line))) return stack;
  return lines.slice(0, cut).join("\n");
}

function buildError(record: EncodedError): Error {
  const g = globalThis as unknown as Record<string, new (message: string, name?: string) => Error>;
  let error: Error;
  const own = OWN_ERRORS.find(([name]) => name === record.base)?.[1];
  if (own) {
    error = new own(record.message, { path: String(record.props.path ?? "") });
  } else if (record.base === "DOMException" && typeof g.DOMException === "function") {
    error = new g.DOMException(record.message, record.name);
  } else if (record.base === "AggregateError") {
    error = new AggregateError([], record.message);
  } else {
    const base = (BUILT_IN_ERRORS as readonly string[]).includes(record.base)
      ? g[record.base]
      : undefined;
    error = new (base ?? Error)(record.message);
  }
  // Its own class, if known here: the built-in object, with that prototype (no constructor runs).
  const cls = record.cls === undefined ? undefined : classFor(record.cls);
  if (cls !== undefined) Object.setPrototypeOf(error, (cls as { prototype: object }).prototype);
  if (record.classes !== undefined) reviveClasses(record.props, record.classes);
  if (error.name !== record.name) define(error, "name", record.name, false);
  if (record.stack !== undefined) define(error, "stack", record.stack, false);
  for (const key of Object.keys(record.props)) define(error, key, record.props[key], true);
  return error;
}

function lostError(lost: LostThrown): SerializationError {
  return new SerializationError(
    `the task threw a value the worker could not send back: ${lost.path} ${lost.reason}`,
    { path: lost.path },
  );
}

function isError(value: unknown): value is object {
  if (typeof value !== "object" || value === null) return false;
  if (value instanceof Error) return true;
  const isErrorFn = (Error as { isError?: (value: unknown) => boolean }).isError;
  return typeof isErrorFn === "function" && isErrorFn(value);
}

// The nearest built-in class in the prototype chain.
// This package's own errors cross as themselves (a task may call a pool, or fail serialization in
// the worker). Most specific first: the first class the error is an instance of names its base.
// deno-lint-ignore no-explicit-any
const OWN_ERRORS: readonly [string, new (message: string, options: any) => Error][] = [
  ["SerializationError", SerializationError],
  ["BrokenThreadPool", BrokenThreadPool],
  ["BrokenProcessPool", BrokenProcessPool],
  ["BrokenExecutor", BrokenExecutor],
  ["CancelledError", CancelledError],
  ["TimeoutError", TimeoutError],
  ["InvalidStateError", InvalidStateError],
];

function baseOf(error: object): string {
  for (const [name, cls] of OWN_ERRORS) if (error instanceof cls) return name;
  const g = globalThis as Record<string, unknown>;
  for (let p = Object.getPrototypeOf(error); p !== null; p = Object.getPrototypeOf(p)) {
    const ctor = Object.hasOwn(p, "constructor") ? p.constructor : undefined;
    if (typeof ctor === "function" && (BUILT_IN_ERRORS as readonly string[]).includes(ctor.name)) {
      if (g[ctor.name] === ctor) return ctor.name;
    }
  }
  return "Error";
}

function define(target: object, key: string, value: unknown, enumerable: boolean): void {
  try {
    Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable });
  } catch {
    // a non-configurable own property: keep what the constructor made
  }
}

const UNREADABLE = Symbol("unreadable");

function read(object: object, key: string, fallback?: unknown): unknown {
  try {
    return (object as Record<string, unknown>)[key];
  } catch {
    return fallback;
  }
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return "";
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return safeString(error);
}
