// Copyright 2026 the concurrent-futures authors. MIT license.
// Classes by reference, as pickle sends them: an instance (or an error) of a class exported by a
// module in the pool's `modules` crosses as its own data, and the receiving side gives the copy
// that class's prototype back, without calling the constructor. Runtime-neutral.
//
// On the wire nothing changes for values without such instances. A message that holds some gets a
// side table, `classes`: one entry per instance, the path to it from the message (`["args", 0, "p"]`) and
// its class as module URL and export name. The clone itself carries the instance's own enumerable
// properties (as it does for any object); the receiver follows each path in its copy and sets the
// prototype. Errors thrown by a task carry their class in their own record (`_serialize.ts`).

/** A class as a module export. */
export interface ClassRef {
  url: string;
  name: string;
}

/** One step from a value to a part of it: a property, an array index, or a Map/Set position. */
export type ClassStep = string | number | { k: number } | { v: number } | { s: number };

/** Where an instance of a known class is in a message, and its class. */
export interface ClassEntry {
  /** The path from the message object. */
  p: ClassStep[];
  url: string;
  name: string;
}

/** What a walk of values knows about classes: which are known, and what it found of them. */
export interface ClassLookup {
  /** The class that objects with prototype `proto` belong to, if it is known. */
  classOf(proto: object): ClassRef | undefined;
  /** Filled by the walk: each instance of a known class, with its class. */
  found: Map<object, ClassRef>;
}

// deno-lint-ignore ban-types
type AnyFunction = Function;

/** Every known class of this process, by module URL and export name. */
const byKey = new Map<string, AnyFunction>();

function keyOf(url: string, name: string): string {
  return JSON.stringify([url, name]);
}

/**
 * Index the exported classes of a module: a function with a `prototype` object (a class, or a
 * constructor function), not a generator function. Each is remembered process-wide by its module
 * URL and export name (for {@linkcode classFor}), and added to `into` by its prototype (the first
 * export of a class names it).
 *
 * @param url The module's URL.
 * @param namespace The module's namespace object.
 * @param into The prototypes of the classes a pool knows, to their module export.
 */
export function indexClasses(
  url: string,
  namespace: Record<string, unknown>,
  into: Map<object, ClassRef>,
): void {
  for (const name of Object.keys(namespace)) {
    const value = namespace[name];
    if (typeof value !== "function" || isGeneratorFunction(value)) continue;
    const prototype = (value as { prototype?: unknown }).prototype;
    if (typeof prototype !== "object" || prototype === null) continue;
    byKey.set(keyOf(url, name), value);
    if (!into.has(prototype)) into.set(prototype, { url, name });
  }
}

const GENERATOR_FUNCTIONS = [function* () {}, async function* () {}].map((f) =>
  Object.getPrototypeOf(f)
);

function isGeneratorFunction(fn: AnyFunction): boolean {
  return GENERATOR_FUNCTIONS.includes(Object.getPrototypeOf(fn));
}

/**
 * The class a module export names, if a module of this process that exports it was indexed.
 *
 * @param ref The module URL and export name.
 * @returns The class, or `undefined`.
 */
export function classFor(ref: ClassRef): AnyFunction | undefined {
  return byKey.get(keyOf(ref.url, ref.name));
}

/**
 * A lookup for one walk over the classes in `classes`, or `undefined` when there are none (so
 * that the walk costs nothing extra).
 *
 * @param classes Prototypes of known classes, to their module export.
 * @returns A fresh lookup, with nothing found yet.
 */
export function classLookup(classes: Map<object, ClassRef> | undefined): ClassLookup | undefined {
  if (classes === undefined || classes.size === 0) return undefined;
  return { classOf: (proto) => classes.get(proto), found: new Map() };
}

const MAX_DEPTH = 1000;

/**
 * The paths to `targets` inside `value`, each prefixed with `prefix`: depth first, by own
 * enumerable properties, array indices, Map keys and values and Set elements by position, and an
 * error's `cause` and `errors`, as a clone copies them. An object reached twice is listed once.
 *
 * @param value What will be sent.
 * @param targets The instances to find (what a walk found), with their classes.
 * @param prefix The path from the message to `value`, e.g. `["args"]`.
 * @param into Where the entries go.
 * @returns `into`.
 */
export function locateClasses(
  value: unknown,
  targets: ReadonlyMap<object, ClassRef>,
  prefix: ClassStep[],
  into: ClassEntry[] = [],
): ClassEntry[] {
  if (targets.size === 0) return into;
  const seen = new Set<object>();
  const path = [...prefix];
  let left = targets.size;
  const visit = (x: unknown, depth: number): void => {
    if (left === 0 || typeof x !== "object" || x === null || seen.has(x)) return;
    if (depth > MAX_DEPTH) return;
    seen.add(x);
    const ref = targets.get(x);
    if (ref !== undefined) {
      into.push({ p: [...path], url: ref.url, name: ref.name });
      left--;
    }
    if (ArrayBuffer.isView(x) || x instanceof ArrayBuffer) return;
    const step = (s: ClassStep, child: unknown) => {
      if (typeof child !== "object" || child === null) return;
      path.push(s);
      visit(child, depth + 1);
      path.pop();
    };
    if (x instanceof Map) {
      let i = 0;
      for (const [k, v] of x) {
        step({ k: i }, k);
        step({ v: i }, v);
        i++;
      }
      return;
    }
    if (x instanceof Set) {
      let i = 0;
      for (const v of x) step({ s: i++ }, v);
      return;
    }
    if (Array.isArray(x)) {
      for (let i = 0; i < x.length; i++) step(i, x[i]);
      return;
    }
    if (x instanceof Error) {
      if (Object.hasOwn(x, "cause")) step("cause", read(x, "cause"));
      if (x instanceof AggregateError && Array.isArray(read(x, "errors"))) {
        (x as AggregateError).errors.forEach((e, i) => {
          path.push("errors");
          step(i, e);
          path.pop();
        });
      }
      return;
    }
    for (const key of Object.keys(x)) step(key, read(x, key));
  };
  visit(value, 0);
  return into;
}

/**
 * After `copy = structuredClone(original)`: give each object of the copy whose original was an
 * instance of a class (other than a typed array or buffer) its original's prototype, which the
 * clone dropped, so that the copy is checked (and refused, or sent by reference) as the original
 * would have been. The two are walked side by side, as {@linkcode locateClasses} walks.
 *
 * @param original The value before the clone.
 * @param copy Its clone.
 */
export function restorePrototypes(original: unknown, copy: unknown): void {
  const seen = new Set<object>();
  const visit = (a: unknown, b: unknown, depth: number): void => {
    if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return;
    if (seen.has(a) || depth > MAX_DEPTH) return;
    seen.add(a);
    if (ArrayBuffer.isView(a) || a instanceof ArrayBuffer) return;
    const proto = Object.getPrototypeOf(a);
    if (proto !== Object.getPrototypeOf(b)) Object.setPrototypeOf(b, proto);
    if (a instanceof Map && b instanceof Map) {
      const entries = [...b];
      let i = 0;
      for (const [k, v] of a) {
        visit(k, entries[i]?.[0], depth + 1);
        visit(v, entries[i]?.[1], depth + 1);
        i++;
      }
    } else if (a instanceof Set && b instanceof Set) {
      const values = [...b];
      let i = 0;
      for (const v of a) visit(v, values[i++], depth + 1);
    } else if (a instanceof Error) {
      visit(read(a, "cause"), read(b, "cause"), depth + 1);
    } else {
      for (const key of Object.keys(a)) visit(read(a, key), read(b, key), depth + 1);
    }
  };
  try {
    visit(original, copy, 0);
  } catch {
    // a getter or a proxy: admission reports what it finds in the copy
  }
}

/**
 * Give each instance that `entries` lists its class's prototype back. The paths are followed
 * first and the prototypes set after, so that no prototype changes how a path is read. A path
 * that leads nowhere (a part the runtime's clone dropped) is skipped.
 *
 * @param root The received message.
 * @param entries Its class table.
 * @throws {TypeError} If a class is not known here (its module was not imported), naming it.
 */
export function reviveClasses(root: unknown, entries: readonly ClassEntry[]): void {
  const targets: [object, AnyFunction][] = [];
  for (const entry of entries) {
    const cls = classFor(entry);
    if (cls === undefined) {
      throw new TypeError(
        `class \`${entry.name}\` of module ${entry.url} is not known here: the module could not ` +
          "be imported, or no longer exports it",
      );
    }
    const target = followPath(root, entry.p);
    if (target !== undefined) targets.push([target, cls]);
  }
  for (const [target, cls] of targets) {
    Object.setPrototypeOf(target, (cls as { prototype: object }).prototype);
  }
}

/**
 * The object at the end of `steps` from `root`, if there is one.
 *
 * @param root Where the path starts.
 * @param steps The path.
 * @returns The object, or `undefined` if the path leads nowhere or to a primitive.
 */
export function followPath(root: unknown, steps: readonly ClassStep[]): object | undefined {
  let x = root;
  for (const step of steps) {
    if (typeof x !== "object" || x === null) return undefined;
    if (typeof step === "string" || typeof step === "number") {
      x = (x as Record<string | number, unknown>)[step];
    } else if ("s" in step) {
      x = x instanceof Set ? nth(x.values(), step.s) : undefined;
    } else if (x instanceof Map) {
      const entry = nth(x.entries(), "k" in step ? step.k : step.v);
      x = entry === undefined ? undefined : entry["k" in step ? 0 : 1];
    } else {
      return undefined;
    }
  }
  return typeof x === "object" && x !== null ? x : undefined;
}

function nth<T>(iterator: Iterator<T>, n: number): T | undefined {
  for (let i = 0;; i++) {
    const next = iterator.next();
    if (next.done) return undefined;
    if (i === n) return next.value;
  }
}

function read(object: object, key: string): unknown {
  try {
    return (object as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}
