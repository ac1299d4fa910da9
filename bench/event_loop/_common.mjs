// Copyright 2026 the concurrent-futures authors. MIT license.
// What the event-loop benchmark programs share: parameters, clock, result line (those of every
// workload program, bench/workloads/_common.mjs), the library's entry and peak memory. Plain
// JavaScript, so every runtime runs it as it is.

import { readFileSync } from "node:fs";
import { runtimeInfo } from "../workloads/_common.mjs";

export { expect, now, params, report } from "../workloads/_common.mjs";

/**
 * The library's entry point: the TypeScript source on Deno and Bun, the built npm package on Node.
 *
 * @returns {Promise<any>}
 */
export function importLibrary() {
  const entry = runtimeInfo().runtime === "node" ? "../../npm/esm/mod.js" : "../../mod.ts";
  return import(new URL(entry, import.meta.url).href);
}

/**
 * Peak resident memory of this process so far in MB (Linux `VmHWM`: all threads together).
 *
 * @returns {number}
 */
export function peakRssMb() {
  const status = readFileSync("/proc/self/status", "utf8");
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
  return Math.round(kb / 1024 * 10) / 10;
}
