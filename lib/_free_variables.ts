// Copyright 2026 the concurrent-futures authors. MIT license.
// This module is runtime-neutral: scope analysis over an acorn (ESTree) syntax tree.

import type { AnyNode, Function as FunctionNode, Pattern } from "acorn";

/**
 * Names a function sent by source may use without defining them: the ECMAScript built-ins, the
 * web and runtime globals that Deno, Bun and Node all provide in worker threads and child
 * processes, and the runtime namespaces `Deno` and `Bun` (a task may use them where they exist).
 *
 * A name on this list is never a closure, so it is never refused. A few are missing on older
 * runtimes (Node 20 lacks `Float16Array`, `Iterator`, `SuppressedError`, `DisposableStack`,
 * `AsyncDisposableStack`, `URLPattern`, `WebSocket` and `navigator`); a task using one fails there
 * with the same `ReferenceError` it would get on the main thread. Left out on purpose: `self` and
 * `window` (missing from Node and from Deno's worker threads), `require`, `module`, `exports`,
 * `__dirname` and `__filename` (per-module bindings), and `Temporal` (not in Node).
 */
export const WORKER_GLOBALS: ReadonlySet<string> = new Set(
  [
    // ECMAScript: values and functions
    "globalThis undefined NaN Infinity eval isNaN isFinite parseInt parseFloat encodeURI",
    "encodeURIComponent decodeURI decodeURIComponent escape unescape",
    // ECMAScript: constructors and namespaces
    "Object Function Array Number String Boolean Symbol BigInt Math JSON Date RegExp Promise",
    "Proxy Reflect Map Set WeakMap WeakSet WeakRef FinalizationRegistry Iterator Atomics Intl",
    "WebAssembly ArrayBuffer SharedArrayBuffer DataView Int8Array Uint8Array",
    "Uint8ClampedArray Int16Array Uint16Array Int32Array Uint32Array Float16Array",
    "Float32Array Float64Array BigInt64Array BigUint64Array DisposableStack",
    "AsyncDisposableStack Error TypeError RangeError SyntaxError ReferenceError EvalError",
    "URIError AggregateError SuppressedError",
    // Web platform, in all three runtimes
    "console setTimeout clearTimeout setInterval clearInterval queueMicrotask structuredClone",
    "atob btoa fetch Request Response Headers FormData AbortController AbortSignal Event",
    "EventTarget CustomEvent MessageEvent DOMException TextEncoder TextDecoder",
    "TextEncoderStream TextDecoderStream URL URLSearchParams URLPattern Blob File crypto",
    "Crypto CryptoKey SubtleCrypto performance PerformanceEntry PerformanceMark",
    "PerformanceMeasure PerformanceObserver ReadableStream ReadableStreamDefaultReader",
    "ReadableStreamBYOBReader WritableStream WritableStreamDefaultWriter TransformStream",
    "ByteLengthQueuingStrategy CountQueuingStrategy CompressionStream DecompressionStream",
    "MessageChannel MessagePort BroadcastChannel WebSocket navigator",
    // Node-compatible globals, in all three runtimes
    "process Buffer global setImmediate clearImmediate",
    // Runtime namespaces
    "Deno Bun",
  ].join(" ").split(" "),
);

interface Scope {
  parent: Scope | undefined;
  /** A function-like scope: `var` declarations stop here. */
  vars: boolean;
  /** The body of a `with` statement: any name may be a property of its object. */
  open?: boolean;
  names: Set<string>;
}

// Not names looked up in scopes, so a `with` object cannot provide them.
const NOT_IDENTIFIERS = new Set(["this", "super", "new.target"]);

/**
 * The free variables of `root`: names it reads or writes without declaring them, in order of first
 * use. Besides identifiers this reports `this`, `super` and `new.target` used by an arrow function
 * that is not inside a function of `root`, and `arguments` outside any non-arrow function; those
 * too belong to an enclosing scope. Globals are not filtered out (see {@linkcode WORKER_GLOBALS}).
 * Inside a `with` statement's body, an identifier not declared there may be a property of its
 * object, which only running the code can tell: such names are not reported.
 *
 * @param root The function (or an object literal holding one method) to analyse.
 * @returns The names of the free variables, each once.
 */
export function freeVariables(root: AnyNode): string[] {
  const outer: Scope = { parent: undefined, vars: true, names: new Set() };
  const uses: { name: string; scope: Scope }[] = [];
  visit(root, outer, uses);
  const free = new Set<string>();
  for (const { name, scope } of uses) {
    let s: Scope | undefined = scope;
    while (s !== undefined && !s.names.has(name)) {
      if (s.open && !NOT_IDENTIFIERS.has(name)) break; // perhaps the `with` object's
      s = s.parent;
    }
    if (s === undefined) free.add(name);
  }
  return [...free];
}

type Uses = { name: string; scope: Scope }[];

function child(parent: Scope, vars: boolean): Scope {
  return { parent, vars, names: new Set() };
}

function varScope(scope: Scope): Scope {
  let s = scope;
  while (!s.vars && s.parent !== undefined) s = s.parent;
  return s;
}

function visit(node: AnyNode, scope: Scope, uses: Uses): void {
  switch (node.type) {
    case "Identifier":
      uses.push({ name: node.name, scope });
      return;
    case "ThisExpression":
      uses.push({ name: "this", scope });
      return;
    case "Super":
      uses.push({ name: "super", scope });
      return;
    case "MetaProperty":
      if (node.meta.name === "new") uses.push({ name: "new.target", scope });
      return; // import.meta cannot occur: the source is parsed as a script
    case "FunctionDeclaration":
      if (node.id) scope.names.add(node.id.name);
      visitFunction(node, scope, uses);
      return;
    case "FunctionExpression":
    case "ArrowFunctionExpression":
      visitFunction(node, scope, uses);
      return;
    case "ClassDeclaration":
    case "ClassExpression": {
      if (node.type === "ClassDeclaration" && node.id) scope.names.add(node.id.name);
      if (node.superClass) visit(node.superClass, scope, uses);
      const inner = child(scope, false);
      if (node.id) inner.names.add(node.id.name);
      // Field initialisers and static blocks see the instance or the class.
      inner.names.add("this").add("super").add("new.target");
      for (const member of node.body.body) visit(member, inner, uses);
      return;
    }
    case "MethodDefinition":
    case "PropertyDefinition":
    case "Property":
      if (node.computed) visit(node.key, scope, uses);
      if (node.value) visit(node.value, scope, uses);
      return;
    case "StaticBlock": {
      const inner = child(scope, true);
      for (const statement of node.body) visit(statement, inner, uses);
      return;
    }
    case "VariableDeclaration": {
      const target = node.kind === "var" ? varScope(scope) : scope;
      for (const declarator of node.declarations) {
        declare(declarator.id, target);
        visitPattern(declarator.id, scope, uses, true);
        if (declarator.init) visit(declarator.init, scope, uses);
      }
      return;
    }
    case "AssignmentExpression":
      visitPattern(node.left, scope, uses, false);
      visit(node.right, scope, uses);
      return;
    case "BlockStatement": {
      const inner = child(scope, false);
      for (const statement of node.body) visit(statement, inner, uses);
      return;
    }
    case "ForStatement": {
      const inner = child(scope, false);
      for (const part of [node.init, node.test, node.update, node.body]) {
        if (part) visit(part, inner, uses);
      }
      return;
    }
    case "ForInStatement":
    case "ForOfStatement": {
      const inner = child(scope, false);
      if (node.left.type === "VariableDeclaration") visit(node.left, inner, uses);
      else visitPattern(node.left, inner, uses, false);
      visit(node.right, inner, uses);
      visit(node.body, inner, uses);
      return;
    }
    case "SwitchStatement": {
      visit(node.discriminant, scope, uses);
      const inner = child(scope, false);
      for (const c of node.cases) {
        if (c.test) visit(c.test, inner, uses);
        for (const statement of c.consequent) visit(statement, inner, uses);
      }
      return;
    }
    case "CatchClause": {
      const inner = child(scope, false);
      if (node.param) {
        declare(node.param, inner);
        visitPattern(node.param, inner, uses, true);
      }
      visit(node.body, inner, uses);
      return;
    }
    case "MemberExpression":
      visit(node.object, scope, uses);
      if (node.computed) visit(node.property, scope, uses);
      return;
    case "LabeledStatement":
      visit(node.body, scope, uses);
      return;
    case "WithStatement": {
      visit(node.object, scope, uses);
      const inner = child(scope, false);
      inner.open = true;
      visit(node.body, inner, uses);
      return;
    }
    case "BreakStatement":
    case "ContinueStatement":
    case "PrivateIdentifier":
    case "Literal":
    case "TemplateElement":
      return;
    default:
      visitChildren(node, scope, uses);
  }
}

// Every other node: its child nodes are all expressions or statements in the same scope.
function visitChildren(node: AnyNode, scope: Scope, uses: Uses): void {
  const record = node as unknown as Record<string, unknown>;
  for (const key in record) {
    const value = record[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) visit(item, scope, uses);
    } else if (isNode(value)) {
      visit(value, scope, uses);
    }
  }
}

function isNode(value: unknown): value is AnyNode {
  return typeof value === "object" && value !== null &&
    typeof (value as { type?: unknown }).type === "string";
}

function visitFunction(node: FunctionNode, scope: Scope, uses: Uses): void {
  const inner = child(scope, true);
  if (node.type !== "ArrowFunctionExpression") {
    inner.names.add("arguments").add("this").add("super").add("new.target");
    if (node.type === "FunctionExpression" && node.id) inner.names.add(node.id.name);
  }
  for (const param of node.params) declare(param, inner);
  for (const param of node.params) visitPattern(param, inner, uses, true);
  if (node.body.type === "BlockStatement") {
    for (const statement of node.body.body) visit(statement, inner, uses);
  } else {
    visit(node.body, inner, uses);
  }
}

// Add the names a binding pattern declares.
function declare(pattern: Pattern, scope: Scope): void {
  switch (pattern.type) {
    case "Identifier":
      scope.names.add(pattern.name);
      return;
    case "ObjectPattern":
      for (const p of pattern.properties) declare(p.type === "RestElement" ? p : p.value, scope);
      return;
    case "ArrayPattern":
      for (const element of pattern.elements) if (element) declare(element, scope);
      return;
    case "RestElement":
      declare(pattern.argument, scope);
      return;
    case "AssignmentPattern":
      declare(pattern.left, scope);
      return;
    case "MemberExpression":
      return;
  }
}

// Visit the expressions inside a pattern: defaults, computed keys, member targets. In a binding
// pattern the identifiers are declarations; in an assignment target they are uses.
function visitPattern(pattern: Pattern, scope: Scope, uses: Uses, binding: boolean): void {
  switch (pattern.type) {
    case "Identifier":
      if (!binding) uses.push({ name: pattern.name, scope });
      return;
    case "ObjectPattern":
      for (const p of pattern.properties) {
        if (p.type === "RestElement") {
          visitPattern(p.argument, scope, uses, binding);
        } else {
          if (p.computed) visit(p.key, scope, uses);
          visitPattern(p.value, scope, uses, binding);
        }
      }
      return;
    case "ArrayPattern":
      for (const element of pattern.elements) {
        if (element) visitPattern(element, scope, uses, binding);
      }
      return;
    case "RestElement":
      visitPattern(pattern.argument, scope, uses, binding);
      return;
    case "AssignmentPattern":
      visitPattern(pattern.left, scope, uses, binding);
      visit(pattern.right, scope, uses);
      return;
    case "MemberExpression":
      visit(pattern, scope, uses);
      return;
  }
}
