// Copyright 2026 the concurrent-futures authors. MIT license.
// This module is runtime-neutral: it finds the first value a transport cannot carry, by inspection.

import type { ClassLookup } from "./_classes.ts";
import { isProxy } from "./runtime/proxy.ts";

/**
 * How values travel: `"structured"` is structured clone (thread workers, with a transfer list);
 * `"v8"` is `node:v8` serialization over IPC (child processes).
 */
export type Transport = "structured" | "v8";

/** Where the first value that cannot be sent sits, and why it cannot. */
export interface Uncloneable {
  /** A JS accessor path from the root, e.g. `args[1].onDone`. */
  path: string;
  /** Completes a sentence after the path: `"is a function, which cannot be cloned"`. */
  reason: string;
}

/**
 * Walk `value` depth-first and report the first part that `transport` would refuse or silently
 * change. Primitives return at once; cycles and shared references are visited once; typed arrays
 * and buffers are not descended into; getters are read, as a real clone reads them.
 *
 * Refused: functions, symbols, proxies (of anything: every runtime's clone refuses them),
 * `WeakMap`/`WeakSet`/`WeakRef`/`FinalizationRegistry`, `Promise`, `MessagePort` (unless in
 * `transfer`), other host objects (`URL`, `Headers`, …), and instances of classes (including
 * subclasses of `Array`, `Map`, …) whose prototype would be lost, unless `classes` knows their
 * class (an export of a module in the pool's `modules`): then they pass, are checked as their own
 * data (own enumerable properties, or the entries of a subclass of `Array`, `Map` or `Set`), and
 * are added to `classes.found`, as are errors of such a class. Errors of any class pass: only
 * their `cause` and an `AggregateError`'s `errors` are checked (as values they arrive as their
 * built-in class; thrown errors keep more, see `encodeThrown`). Typed arrays of any class pass (a
 * `Buffer` arrives as a `Uint8Array`). Symbol-keyed and non-enumerable properties pass, since a
 * clone drops them. With `"v8"`, a `SharedArrayBuffer` (or a view of one), `Blob`,
 * `File` and `DOMException` are refused too. Not found here (a real clone still fails, see
 * `describeCloneFailure`): non-index properties of dense arrays, and anything nested more than 1000
 * levels deep.
 *
 * Paths: `.key` or `["a-b"]` for properties, `[3]` for array items, `.get("k")` for the value of a
 * Map entry whose key is a string, number, bigint (`.get(2n)`), boolean, `null` or `undefined`, and
 * `.get(<key 2>)` (the entry's position) when the key is an object or a symbol; `.keys()[2]` for a
 * Map key, `.values()[1]` for a Set element, `.cause`, `.errors[0]`.
 *
 * @param value The value to check.
 * @param transport The transport it will travel by.
 * @param path The name of `value` itself, e.g. `"args"` or `"result"`.
 * @param transfer Objects that will be transferred rather than cloned.
 * @param classes The classes that cross by reference, and where the instances found go.
 * @returns The first offending value, or `undefined` if none was found.
 */
export function findUncloneable(
  value: unknown,
  transport: Transport,
  path: string,
  transfer?: readonly unknown[],
  classes?: ClassLookup,
): Uncloneable | undefined {
  if (!needsCheck(value)) return undefined;
  if (isPrimitiveList(value)) return undefined;
  let failure: Failure | undefined;
  try {
    failure = check(value, { seen: new Set(), transport, transfer, classes }, 0);
  } catch {
    return undefined; // out of stack, say: the real clone has the last word
  }
  if (failure === undefined) return undefined;
  let rendered = path;
  for (let i = failure.steps.length - 1; i >= 0; i--) rendered += renderStep(failure.steps[i]!);
  return { path: rendered, reason: failure.reason };
}

// Containers to descend into, then kinds that are leaves or refusals depending on the transport.
const PLAIN = 0, ERROR = 1, ARRAY = 2, MAP = 3, SET = 4;
const LEAF = 5, SHARED = 6, VIEW = 7, HOST_ONLY = 8;
type Kind = number;

/** How a child is reached from its parent: a property key, an array index, or a Map/Set step. */
type Step = string | number | MapKeyStep | MapValueStep | SetStep;
interface MapKeyStep {
  t: "key";
  i: number;
}
interface MapValueStep {
  t: "get";
  key: unknown;
  i: number;
}
interface SetStep {
  t: "value";
  i: number;
}

interface Context {
  seen: Set<object>;
  transport: Transport;
  transfer: readonly unknown[] | undefined;
  classes: ClassLookup | undefined;
}

/** Why a value was refused, and the steps to it from the checked value, innermost first. */
interface Failure {
  steps: Step[];
  reason: string;
}

// Deeper than this the walk skips the branch (the real clone decides): recursion keeps it fast.
const MAX_DEPTH = 1000;

function needsCheck(x: unknown): boolean {
  const t = typeof x;
  return t === "object" ? x !== null : t === "function" || t === "symbol";
}

// The usual argument list: a short plain array of primitives, which every transport carries.
// Checked without setting up a walk; anything else (or a trap that throws) takes the full walk,
// which also knows how to skip the holes of a huge sparse array.
const SHORT_LIST = 64;

function isPrimitiveList(x: unknown): boolean {
  try {
    if (!Array.isArray(x) || isProxy(x) || Object.getPrototypeOf(x) !== Array.prototype) {
      return false;
    }
    if (x.length > SHORT_LIST) return false;
    for (let i = 0; i < x.length; i++) if (needsCheck(x[i])) return false;
    return true;
  } catch {
    return false;
  }
}

function within(failure: Failure, step: Step): Failure {
  failure.steps.push(step);
  return failure;
}

function unreadable(error: unknown): Failure {
  const message = error instanceof Error ? error.message : String(error);
  return { steps: [], reason: `could not be read (${message})` };
}

// `x` is an object, a function or a symbol.
function check(x: unknown, context: Context, depth: number): Failure | undefined {
  if (typeof x === "symbol") return { steps: [], reason: "is a symbol, which cannot be cloned" };
  // Before anything else: the walk would read a proxy through its traps, as if it were its target.
  if (isProxy(x)) return { steps: [], reason: "is a Proxy, which cannot be cloned" };
  if (typeof x === "function") return { steps: [], reason: describeFunction(x) };
  const object = x as object;
  if (context.seen.has(object)) return undefined;
  context.seen.add(object);
  if (depth > MAX_DEPTH) return undefined;
  let kind: Kind | string;
  let keys: string[] | undefined;
  try {
    kind = classify(object, context);
    if (kind === PLAIN) keys = Object.keys(object);
    else if (kind === ERROR) keys = errorKeys(object);
  } catch (error) {
    return unreadable(error); // a proxy's trap threw
  }
  if (typeof kind === "string") return { steps: [], reason: kind };
  if (keys !== undefined) return checkKeys(object, keys, context, depth, false);
  if (kind === ARRAY) return checkArray(object as unknown[], context, depth);
  if (kind === MAP) return checkMap(object as Map<unknown, unknown>, context, depth);
  if (kind === SET) return checkSet(object as Set<unknown>, context, depth);
  return undefined;
}

function checkKeys(
  object: object,
  keys: string[],
  context: Context,
  depth: number,
  array: boolean,
): Failure | undefined {
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const step = array && isIndex(key) ? Number(key) : key;
    let x: unknown;
    try {
      x = (object as Record<string, unknown>)[key]; // a getter runs, as in a real clone
    } catch (error) {
      return within(unreadable(error), step);
    }
    if (!needsCheck(x)) continue;
    const failure = check(x, context, depth + 1);
    if (failure) return within(failure, step);
  }
  return undefined;
}

function checkArray(array: unknown[], context: Context, depth: number): Failure | undefined {
  const length = array.length;
  let holes = 0;
  for (let i = 0; i < length; i++) {
    const x = array[i];
    const t = typeof x;
    if (t === "object") {
      if (x === null) continue;
    } else if (t !== "function" && t !== "symbol") {
      if (x === undefined && !(i in array) && ++holes > 4096 && holes * 2 > i) {
        // Mostly holes: visit the keys that exist instead of every index.
        const keys = Object.keys(array).filter((k) => !isIndex(k) || Number(k) > i);
        return checkKeys(array, keys, context, depth, true);
      }
      continue;
    }
    const failure = check(x, context, depth + 1);
    if (failure) return within(failure, i);
  }
  return undefined;
}

function checkMap(
  map: Map<unknown, unknown>,
  context: Context,
  depth: number,
): Failure | undefined {
  let i = 0;
  for (const [key, value] of map) {
    if (needsCheck(key)) {
      const failure = check(key, context, depth + 1);
      if (failure) return within(failure, { t: "key", i });
    }
    if (needsCheck(value)) {
      const failure = check(value, context, depth + 1);
      if (failure) return within(failure, { t: "get", key, i });
    }
    i++;
  }
  return undefined;
}

function checkSet(set: Set<unknown>, context: Context, depth: number): Failure | undefined {
  let i = 0;
  for (const value of set) {
    if (needsCheck(value)) {
      const failure = check(value, context, depth + 1);
      if (failure) return within(failure, { t: "value", i });
    }
    i++;
  }
  return undefined;
}

function errorKeys(value: object): string[] {
  // A clone keeps an error's name, message, stack and cause; an AggregateError's `errors` are
  // checked too. Other own properties are dropped, so they cannot fail.
  const keys = Object.hasOwn(value, "cause") ? ["cause"] : [];
  if (value instanceof AggregateError && Object.hasOwn(value, "errors")) keys.push("errors");
  return keys;
}

let known: Map<object, Kind> | undefined;

function knownPrototypes(): Map<object, Kind> {
  const map = new Map<object, Kind>();
  const g = globalThis as Record<string, unknown>;
  const table: [string, Kind][] = [
    ["Array", ARRAY],
    ["Map", MAP],
    ["Set", SET],
    [
      "Error TypeError RangeError SyntaxError ReferenceError EvalError URIError AggregateError",
      ERROR,
    ],
    ["Date RegExp Boolean Number String BigInt ArrayBuffer", LEAF],
    ["SharedArrayBuffer", SHARED],
    ["Blob File DOMException", HOST_ONLY],
  ];
  for (const [names, kind] of table) {
    for (const name of names.split(" ")) {
      const ctor = g[name];
      if (typeof ctor === "function" && ctor.prototype) map.set(ctor.prototype, kind);
    }
  }
  return map;
}

function classify(x: object, context: Context): Kind | string {
  const { transport, transfer, classes } = context;
  const proto = Object.getPrototypeOf(x);
  if (proto === Object.prototype || proto === null) return PLAIN;
  known ??= knownPrototypes();
  let kind = known.get(proto);
  if (kind === undefined) {
    if (ArrayBuffer.isView(x)) kind = VIEW;
    else if (x instanceof Error) {
      // Any class of error; one of a known class gets its prototype back on arrival.
      const ref = classes?.classOf(proto);
      if (ref !== undefined) classes!.found.set(x, ref);
      return ERROR;
    } else if (transfer?.includes(x)) return LEAF;
    else {
      const ref = classes?.classOf(proto);
      if (ref === undefined || isGenerator(x)) return describeInstance(x, proto);
      classes!.found.set(x, ref);
      return dataKind(x);
    }
  }
  if (kind < LEAF) return kind;
  if (transport === "structured") return LEAF;
  const name = constructorName(proto);
  if (kind === SHARED || kind === HOST_ONLY) {
    return `is ${article(name)} ${name}, which cannot be sent to a child process`;
  }
  if (kind === VIEW && isShared((x as ArrayBufferView).buffer)) {
    const what = `${article(name)} ${name} over a SharedArrayBuffer`;
    return `is ${what}, which cannot be sent to a child process`;
  }
  return LEAF;
}

// How an instance of a known class is copied: as what it is underneath.
function dataKind(x: object): Kind {
  if (Array.isArray(x)) return ARRAY;
  if (x instanceof Map) return MAP;
  if (x instanceof Set) return SET;
  if (x instanceof Date || x instanceof RegExp) return LEAF;
  return PLAIN;
}

function isGenerator(x: object): boolean {
  const tag = Object.prototype.toString.call(x);
  return tag === "[object Generator]" || tag === "[object AsyncGenerator]";
}

function isShared(buffer: ArrayBufferLike): boolean {
  return typeof SharedArrayBuffer === "function" && buffer instanceof SharedArrayBuffer;
}

function describeFunction(fn: unknown): string {
  let source = "";
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    // not inspectable
  }
  return /^class\b/.test(source)
    ? "is a class, which cannot be cloned"
    : "is a function, which cannot be cloned";
}

function describeInstance(x: object, proto: object): string {
  // A generator object's prototype is its function's `prototype`, which has no constructor.
  const tag = Object.prototype.toString.call(x);
  if (tag === "[object Generator]") {
    return "is a generator, which cannot be cloned; return its values instead (`[...generator]`)";
  }
  if (tag === "[object AsyncGenerator]") {
    return "is an async generator, which cannot be cloned; collect its values with `for await` " +
      "and return those";
  }
  const name = constructorName(proto);
  const ctor = (globalThis as Record<string, unknown>)[name];
  if (typeof ctor === "function" && ctor.prototype === proto) {
    return name === "Promise"
      ? "is a Promise, which cannot be cloned; await it first"
      : `is ${article(name)} ${name}, which cannot be cloned`;
  }
  return `is a class instance (${name}) whose prototype would be lost`;
}

function article(name: string): string {
  return /^[AEIO]/i.test(name) ? "an" : "a";
}

function constructorName(proto: object): string {
  try {
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === "string" && name !== "" ? name : "anonymous class";
  } catch {
    return "anonymous class";
  }
}

function isIndex(key: string): boolean {
  return /^(?:0|[1-9]\d*)$/.test(key);
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function renderStep(step: Step): string {
  if (typeof step === "number") return `[${step}]`;
  if (typeof step === "string") {
    return IDENTIFIER.test(step) ? `.${step}` : `[${JSON.stringify(step)}]`;
  }
  if (step.t === "key") return `.keys()[${step.i}]`;
  if (step.t === "value") return `.values()[${step.i}]`;
  return `.get(${renderKey(step.key, step.i)})`;
}

function renderKey(key: unknown, i: number): string {
  switch (typeof key) {
    case "string":
      return JSON.stringify(key);
    case "bigint":
      return `${key}n`;
    case "number":
    case "boolean":
    case "undefined":
      return String(key);
    default:
      return key === null ? "null" : `<key ${i}>`;
  }
}
