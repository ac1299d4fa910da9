// Copyright 2026 the concurrent-futures authors. MIT license.
// Where a task's function was submitted, for its error's stack (Python shows the worker's traceback
// and the caller's). Runtime-neutral: it reads stack text in the three runtimes' formats.
//
// A stack is captured once per function as it travels (per source text, or per module export),
// at its first submit, never per task: capturing a stack costs about as much as sending a tiny
// task (V8: 10-20 µs with the default 10 frames, measured on the 2-core test machine). That
// stack gives:
// - a function sent by source its `//# sourceURL=`, so that the worker's frames in it read
//   `<file of the first submit>#submitted-at-line-<n>:<line in the function>:<column>` instead of
//   `eval at compileFunction (…), <anonymous>`;
// - the caller's frames (from the first caller outside this package), appended to the stack of
//   each error a task of that function throws, below the worker's frames.

import type { FunctionSpec } from "./_function_source.ts";

/** The caller of a function's first submit. */
export interface SubmitSite {
  /** A `sourceURL` naming the first caller's file and line, when it has one. */
  sourceURL: string | undefined;
  /** The caller's frames, from the first one outside this package (`    at …` lines). */
  frames: string;
}

/** The line that separates the worker's frames from the caller's in a task error's stack. */
export const CALLER_FRAMES = "    --- the task's function was first submitted from ---";

// This package's own modules (lib/ and its runtime/ folder; a build's copy, wherever it is).
const LIB = new URL("./", import.meta.url);
const LIB_PATHS = [LIB.href, decodeURIComponent(LIB.pathname)];

const FILE_FRAME = /(?:file:\/\/|\(\/|at \/|[A-Za-z]:[\\/])/;

const bySpec = new WeakMap<FunctionSpec, SubmitSite | null>();
// deno-lint-ignore ban-types
const held = new WeakMap<Function, SubmitSite | null>();

/**
 * Capture the caller's stack now, for a function that is admitted later (while the pool's modules
 * load, the stack at admission is not the caller's). Once per function object.
 *
 * @param fn The submitted function.
 */
// deno-lint-ignore ban-types
export function holdSite(fn: Function): void {
  if (!held.has(fn)) held.set(fn, captureSite());
}

/**
 * The site of `spec`'s first submit, captured now if this is it (or taken from
 * {@linkcode holdSite}). A spec sent by source gets its `sourceURL` the first time (before it is
 * ever sent).
 *
 * @param spec How the function travels (the same object for the same function).
 * @param fn The submitted function.
 * @returns The site, or `undefined` if no frame outside this package was found.
 */
// deno-lint-ignore ban-types
export function siteOf(spec: FunctionSpec, fn: Function): SubmitSite | undefined {
  let site = bySpec.get(spec);
  if (site === undefined) {
    site = held.get(fn) ?? captureSite();
    bySpec.set(spec, site);
    if (site?.sourceURL !== undefined && spec.kind === "source") {
      spec.source += `\n//# sourceURL=${site.sourceURL}\n`;
    }
  }
  return site ?? undefined;
}

/**
 * Append the caller's frames of a task's function to the stack of `error`, what the task threw (a
 * thrown non-error is left alone).
 *
 * @param site Where the task's function was first submitted, if known.
 * @param error What the task threw, rebuilt.
 */
export function addCallerFrames(site: SubmitSite | undefined, error: unknown): void {
  if (site === undefined || !(error instanceof Error)) return;
  const stack = error.stack;
  if (typeof stack !== "string" || stack.includes(CALLER_FRAMES)) return;
  try {
    Object.defineProperty(error, "stack", {
      value: withCallerFrames(stack, site),
      writable: true,
      configurable: true,
      enumerable: false,
    });
  } catch {
    // a frozen error: its stack stays the worker's
  }
}

/**
 * `stack` with the caller's frames appended below the worker's, after {@linkcode CALLER_FRAMES}.
 *
 * @param stack The worker's stack of the task's error.
 * @param site Where the task's function was first submitted.
 * @returns The combined stack.
 */
export function withCallerFrames(stack: string, site: SubmitSite): string {
  return `${stack}\n${CALLER_FRAMES}\n${site.frames}`;
}

function captureSite(): SubmitSite | null {
  // The package's own frames come first (map() has many of them): deeper than usual, once.
  const E = Error as { stackTraceLimit?: number };
  const limit = E.stackTraceLimit;
  let stack: unknown;
  try {
    if (typeof limit === "number") E.stackTraceLimit = limit + 30;
    stack = new Error().stack;
  } catch {
    return null;
  } finally {
    if (typeof limit === "number") E.stackTraceLimit = limit;
  }
  if (typeof stack !== "string") return null;
  const lines = stack.split("\n");
  // The first frame of the program's own files: not this package's, nor the runtime's (`node:`,
  // `ext:`). In a bundle, the package and the program are one file: no frame is found then.
  const first = lines.findIndex((line) =>
    /^\s+at /.test(line) && FILE_FRAME.test(line) && !LIB_PATHS.some((lib) => line.includes(lib))
  );
  if (first === -1) return null;
  const frames = lines.slice(first).filter((line) => /^\s+at /.test(line)).slice(0, 10);
  const location = /\(?((?:file:\/\/|\/|[A-Za-z]:[\\/])[^()\s]*?):(\d+):(\d+)\)?$/.exec(
    frames[0]!.trim(),
  );
  let sourceURL: string | undefined;
  if (location) {
    const [, file, line] = location;
    const url = file!.startsWith("file:") ? file! : toFileUrl(file!);
    if (url !== undefined && !/\s/.test(url)) sourceURL = `${url}#submitted-at-line-${line}`;
  }
  return { sourceURL, frames: frames.map((line) => `    ${line.trim()}`).join("\n") };
}

function toFileUrl(path: string): string | undefined {
  try {
    const windows = /^[A-Za-z]:[\\/]/.test(path);
    return new URL(`file://${windows ? "/" : ""}${path.replaceAll("\\", "/")}`).href;
  } catch {
    return undefined;
  }
}
