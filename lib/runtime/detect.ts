// Copyright 2026 the concurrent-futures authors. MIT license.
// Runtime detection from globals; runtime-neutral and side-effect free.

import type { RuntimeName } from "./types.ts";

/**
 * Detect the runtime from its globals, in the order that survives each runtime's compatibility
 * shims: Deno fakes `process`, Bun fakes `process.versions.node`, so Deno is tested first, then Bun,
 * and Node is what remains.
 */
export function detectRuntime(globals: object = globalThis): RuntimeName {
  // deno-lint-ignore no-explicit-any
  const g = globals as any;
  if (typeof g.Deno?.version?.deno === "string") return "deno";
  if (typeof g.Bun?.version === "string" || typeof g.process?.versions?.bun === "string") {
    return "bun";
  }
  return "node";
}

let current: RuntimeName | undefined;

/** The runtime this code runs on, detected once. */
export function currentRuntime(): RuntimeName {
  return current ??= detectRuntime();
}
