// Copyright 2026 the concurrent-futures authors. MIT license.
// This module is runtime-neutral: it decides how a function crosses to a worker (by source or by
// reference to a module export) and refuses functions that cannot cross.

import { type Expression, parse } from "acorn";
import { type ClassRef, indexClasses } from "./_classes.ts";
import { freeVariables, WORKER_GLOBALS } from "./_free_variables.ts";
import { partialOf } from "./_partial.ts";
import { SerializationError } from "./errors.ts";

/** How a function reaches a worker. */
export type FunctionSpec =
  /** `source` is a JS expression that evaluates (indirect eval) to the function; `id` names that
   * source text for this process, so a worker can cache what it compiled. */
  | { kind: "source"; id: string; source: string }
  /** Call export `name` of module `url`. */
  | { kind: "module"; url: string; name: string };

type ModuleSpec = Extract<FunctionSpec, { kind: "module" }>;

/**
 * The key a worker caches `spec`'s compiled or imported function under: the source's `id`, or the
 * module URL and export name as a JSON pair. Both of those may hold any character (`#` in a URL's
 * fragment or in a string export name), so no separator joins them unambiguously.
 *
 * @param spec How the function crosses.
 * @returns A key that no other spec of this process has.
 */
export function functionKey(spec: FunctionSpec): string {
  if (spec.kind === "source") return spec.id;
  let key = moduleKeys.get(spec);
  if (key === undefined) moduleKeys.set(spec, key = JSON.stringify([spec.url, spec.name]));
  return key;
}

// A module spec is one object per export for the life of its registry: its key is made once.
const moduleKeys = new WeakMap<ModuleSpec, string>();
// deno-lint-ignore ban-types
type AnyFunction = Function;

/** The functions exported by the modules of an executor's `modules` option. */
export class ModuleRegistry {
  /** The modules' URLs, in the order given. */
  readonly urls: string[];
  /** The prototypes of the exported classes, to the module and name they cross by. */
  readonly classes: Map<object, ClassRef>;
  #exports: Map<AnyFunction, ModuleSpec>;

  /**
   * Use {@linkcode ModuleRegistry.load}.
   *
   * @param urls The modules' URLs.
   * @param exports Each exported function with the module and name to call it by.
   * @param classes The prototypes of the exported classes, with their module and name.
   */
  constructor(
    urls: string[],
    exports: Map<AnyFunction, ModuleSpec>,
    classes: Map<object, ClassRef> = new Map(),
  ) {
    this.urls = urls;
    this.#exports = exports;
    this.classes = classes;
  }

  /**
   * Import each module and index its exported functions and classes. Strings that parse as URLs with a scheme
   * (`file:`, `https:`, `data:`, `node:`, `npm:`, `jsr:`, …) are kept; other strings are file paths,
   * resolved against the current working directory.
   *
   * @param modules Module paths or URLs.
   * @returns The registry.
   * @throws {TypeError} If an entry is not a string or URL, or a module cannot be imported; the
   * message names the entry (`modules[1] ("./x.ts") could not be imported: …`).
   */
  static async load(modules: readonly (string | URL)[]): Promise<ModuleRegistry> {
    const urls = modules.map(resolveModule);
    const namespaces = await Promise.all(urls.map(async (url, i) => {
      try {
        return await import(url) as Record<string, unknown>;
      } catch (cause) {
        const message = cause instanceof Error ? cause.message : String(cause);
        throw new TypeError(`${describeEntry(modules[i], i)} could not be imported: ${message}`, {
          cause,
        });
      }
    }));
    const exports = new Map<AnyFunction, ModuleSpec>();
    const classes = new Map<object, ClassRef>();
    namespaces.forEach((namespace, i) => {
      indexClasses(urls[i]!, namespace, classes);
      for (const name of Object.keys(namespace)) {
        const value = namespace[name];
        if (typeof value === "function" && !exports.has(value)) {
          exports.set(value, { kind: "module", url: urls[i]!, name });
        }
      }
    });
    return new ModuleRegistry(urls, exports, classes);
  }

  /**
   * The module export that `fn` is, if any.
   *
   * @param fn A function.
   * @returns Its module URL and export name (the same object every time), or `undefined`.
   */
  lookup(fn: AnyFunction): ModuleSpec | undefined {
    return this.#exports.get(fn);
  }
}

/**
 * Decide how `fn` crosses to a worker. A function exported from a registered module goes by
 * reference; any other must be self-contained and goes by source. The answer is cached per
 * function object and per source text.
 *
 * @param fn The function to send.
 * @param role What it is, for messages and the error's `path`: `"fn"` or `"initializer"`.
 * @param registry The executor's modules, if it has any.
 * @returns The spec to send (the same object for the same function).
 * @throws {SerializationError} If `fn` is native, bound, a class, an accessor, a method using a
 * private name of its class (`this.#x`), or uses a variable from an enclosing scope; `path` is
 * `role`.
 */
export function functionSpec(
  fn: AnyFunction,
  role: string,
  registry?: ModuleRegistry,
): FunctionSpec {
  const byReference = registry?.lookup(fn);
  if (byReference !== undefined) return byReference;
  if (partialOf(fn) !== undefined) {
    // The pools send a partial as its function plus its values (lib/_admission.ts); other callers
    // of this function do not.
    throw new SerializationError(
      `${role} is a partial(), which this executor cannot send; submit its function (\`.func\`) ` +
        "and pass the bound values (`.args`) as arguments",
      { path: role },
    );
  }
  let analysis = byFunction.get(fn);
  if (analysis === undefined) {
    analysis = analyze(fn);
    byFunction.set(fn, analysis);
  }
  if ("spec" in analysis) return analysis.spec;
  const message = `${role} ${analysis.problem}`;
  throw new SerializationError(
    message,
    "cause" in analysis ? { path: role, cause: analysis.cause } : { path: role },
  );
}

/** A spec, or why there is none: `problem` follows the role in the message. */
type Analysis = { spec: FunctionSpec } | { problem: string; cause?: unknown };

const byFunction = new WeakMap<AnyFunction, Analysis>();
const bySource = new Map<string, Analysis>();
const MAX_SOURCES = 1000;
let nextId = 0;

const ADVICE = "or export the function from a module listed in `modules`";

function analyze(fn: AnyFunction): Analysis {
  const source = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
    const name = typeof fn.name === "string" ? fn.name : "";
    if (name.startsWith("bound ")) {
      return {
        problem: "is a bound function and cannot be sent to a worker; submit the original " +
          `function and pass the bound values as arguments, ${ADVICE}`,
      };
    }
    return {
      problem: `is a native function${name ? ` (${name})` : ""} and cannot be sent to a worker; ` +
        "submit a function that calls it, e.g. `(...args) => Math.max(...args)`",
    };
  }
  let analysis = bySource.get(source);
  if (analysis === undefined) {
    analysis = analyzeSource(source);
    if (bySource.size >= MAX_SOURCES) bySource.delete(bySource.keys().next().value!);
    bySource.set(source, analysis);
  }
  return analysis;
}

function analyzeSource(source: string): Analysis {
  const parsed = parseSource(source);
  if (parsed instanceof SyntaxError) {
    if (/\bimport\s*\.\s*meta\b/.test(source)) {
      return { problem: `uses \`import.meta\`, which only exists in modules; ${ADVICE}` };
    }
    return { problem: "could not be parsed as a function expression", cause: parsed };
  }
  const { node, strict } = parsed;
  let expression = `(${source}\n)`;
  if (node.type === "ObjectExpression") {
    const property = node.properties[0];
    if (node.properties.length !== 1 || property?.type !== "Property") {
      return { problem: "could not be parsed as a function expression" };
    }
    if (property.kind !== "init") {
      return { problem: `is a ${property.kind}ter and cannot be sent to a worker` };
    }
    expression = methodExpression(source, property.computed ? undefined : property.key);
  } else if (node.type === "ClassExpression") {
    return { problem: `is a class and cannot be sent to a worker; submit a function, ${ADVICE}` };
  } else if (node.type !== "ArrowFunctionExpression" && node.type !== "FunctionExpression") {
    return { problem: "could not be parsed as a function expression" };
  }
  const privateName = source.includes("#") ? undeclaredPrivateName(expression, strict) : undefined;
  if (privateName !== undefined) return { problem: usesPrivateName(privateName) };
  const free = freeVariables(node).filter((name) => !WORKER_GLOBALS.has(name));
  if (free.length > 0) return { problem: describeFree(free) };
  if (strict) expression = `(function () { "use strict"; return ${expression}; })()`;
  return { spec: { kind: "source", id: `s${nextId++}`, source: expression } };
}

// The source is a function expression (arrow, function, async, generator, class), or else a method
// (`foo(x) {…}`, `get x() {…}`), parsed as the only member of an object literal. Module code is
// strict, so strict parsing comes first; sloppy is for a script's function that needs it (`with`).
function parseSource(
  source: string,
): { node: Expression; strict: boolean } | SyntaxError {
  let first: SyntaxError | undefined;
  for (const strict of [true, false]) {
    const node = parseExpression(`(${source}\n)`, strict);
    if (!(node instanceof SyntaxError)) return { node, strict };
    first ??= node;
    const object = parseExpression(`({ ${source}\n})`, strict);
    if (!(object instanceof SyntaxError)) return { node: object, strict };
  }
  return first!;
}

// A method becomes a property read of a one-property object literal.
function methodExpression(source: string, key: Expression | undefined): string {
  const object = `({ ${source}\n})`;
  if (key?.type === "Identifier") return `${object}[${JSON.stringify(key.name)}]`;
  if (key?.type === "Literal" && typeof key.value !== "object") {
    return `${object}[${JSON.stringify(String(key.value))}]`;
  }
  // A computed key (`[Symbol.iterator]() {}`): take the object's only own key, whatever it is.
  return `((o) => o[Reflect.ownKeys(o)[0]])${object}`;
}

function usesPrivateName(name: string): string {
  return `uses \`${name}\`, a private name of its class, which exists only inside the class ` +
    "body, so the function cannot be compiled on its own in a worker; export a function that " +
    "calls it from a module listed in `modules`";
}

function describeFree(names: string[]): string {
  const shown = names.slice(0, 3).map((name) => `\`${name}\``).join(", ");
  const more = names.length > 3 ? ` and ${names.length - 3} more` : "";
  const one = names.length === 1;
  return `uses ${shown}${more} from an enclosing scope; pass ${
    one ? "it as an argument" : "them as arguments"
  }, ` +
    `define ${one ? "it" : "them"} inside the function, ${ADVICE}`;
}

// A method of a class may use the class's private names (`this.#x`, `#x in o`), which are only
// valid inside the class body: compiled on its own, in a worker, it is a SyntaxError. Returns the
// first such name, if any. (The first parse skips this check, so that such a method is told
// apart from source that does not parse at all.)
function undeclaredPrivateName(expression: string, strict: boolean): string | undefined {
  const checked = parseExpression(expression, strict, true);
  if (!(checked instanceof SyntaxError)) return undefined;
  // Acorn names it (`this.#x`), or stops at it (`#x in o`).
  const named = /Private field '(#[^']*)' must be declared/.exec(checked.message)?.[1];
  const pos = (checked as { pos?: unknown }).pos;
  const at = typeof pos === "number" ? expression.slice(pos - prefixOf(strict).length) : "";
  return named ?? /^#[\p{ID_Continue}$\u200c\u200d]+/u.exec(at)?.[0];
}

// Parse `text` (a parenthesized expression) inside a plain function, so that `new.target`,
// `arguments` and `super` parse and can be reported as uses of an enclosing scope.
function parseExpression(
  text: string,
  strict: boolean,
  checkPrivateFields = false,
): Expression | SyntaxError {
  const prefix = prefixOf(strict);
  try {
    const program = parse(`${prefix}${text} })`, {
      ecmaVersion: "latest",
      sourceType: "script",
      allowSuperOutsideMethod: true,
      checkPrivateFields,
    });
    const statement = program.body[0];
    if (
      program.body.length === 1 && statement?.type === "ExpressionStatement" &&
      statement.expression.type === "FunctionExpression"
    ) {
      const inner = statement.expression.body.body;
      const last = inner[inner.length - 1];
      const node = last?.type === "ReturnStatement" ? last.argument : undefined;
      // The expression must be all of `text` but its parentheses.
      if (
        inner.length === (strict ? 2 : 1) && node &&
        text.slice(0, node.start - prefix.length) === "(" &&
        /^\s*\)$/.test(text.slice(node.end - prefix.length))
      ) {
        return node;
      }
    }
    return new SyntaxError("the source is not a single expression");
  } catch (error) {
    return error instanceof SyntaxError ? error : new SyntaxError(String(error));
  }
}

function prefixOf(strict: boolean): string {
  return strict ? '(function () { "use strict"; return ' : "(function () { return ";
}

function resolveModule(module: string | URL, index: number): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== "string") {
    throw new TypeError(`modules[${index}] must be a string or a URL, not ${typeof module}`);
  }
  // A scheme of two or more letters: a URL. One letter is a Windows drive (`C:\x`).
  if (/^[A-Za-z][A-Za-z\d+.-]+:/.test(module)) {
    try {
      return new URL(module).href;
    } catch {
      // not a URL after all: a path
    }
  }
  const windows = /^[A-Za-z]:[\\/]/.test(module) || /^\\\\/.test(module);
  const path = windows ? module.replaceAll("\\", "/") : module;
  if (path.startsWith("/") || windows) return new URL(`file://${encodePath(path, windows)}`).href;
  const cwd = currentDirectory();
  if (cwd === undefined) {
    throw new TypeError(
      `${describeEntry(module, index)} is a relative path, but there is no working directory to ` +
        "resolve it against; pass a URL",
    );
  }
  const cwdWindows = /^[A-Za-z]:[\\/]/.test(cwd);
  const base = cwdWindows ? cwd.replaceAll("\\", "/") : cwd;
  const baseUrl = `file://${encodePath(base, cwdWindows)}${base.endsWith("/") ? "" : "/"}`;
  return new URL(encodePath(cwdWindows ? path.replaceAll("\\", "/") : path, false), baseUrl).href;
}

// Escape what a URL parser would otherwise read as syntax; it encodes the rest itself.
function encodePath(path: string, windowsAbsolute: boolean): string {
  const escaped = path.replace(
    /[%#?\t\n\r]/g,
    (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
  return windowsAbsolute && !escaped.startsWith("//") ? `/${escaped}` : escaped;
}

function currentDirectory(): string | undefined {
  const g = globalThis as {
    process?: { cwd?: () => string };
    Deno?: { cwd?: () => string };
  };
  try {
    return g.process?.cwd?.() ?? g.Deno?.cwd?.();
  } catch {
    return undefined;
  }
}

function describeEntry(module: unknown, index: number): string {
  return `modules[${index}] (${JSON.stringify(String(module))})`;
}
