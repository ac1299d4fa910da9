// Copyright 2026 the concurrent-futures authors. MIT license.
// What the event-loop benchmark programs share: parameters, clock, peak memory and the one line of
// JSON each prints. Plain JavaScript, so every runtime runs it as it is.

import process from "node:process";
import { readFileSync } from "node:fs";

/**
 * The program's parameters: its only argument, a JSON object.
 *
 * @returns {Record<string, any>}
 */
export function params() {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error("usage: <runtime> <program> '<json params>'");
  return JSON.parse(raw);
}

/** @returns {number} Milliseconds, sub-millisecond resolution. */
export function now() {
  return performance.now();
}

/** @returns {string} The runtime running this program. */
export function runtimeName() {
  const g = /** @type {any} */ (globalThis);
  if (g.Deno?.version?.deno) return "deno";
  if (g.Bun?.version) return "bun";
  return "node";
}

/**
 * The library's entry point: the TypeScript source on Deno and Bun, the built npm package on Node.
 *
 * @returns {Promise<any>}
 */
export function importLibrary() {
  const entry = runtimeName() === "node" ? "../../npm/esm/mod.js" : "../../mod.ts";
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

/**
 * Throw unless `actual` is what the run should have produced.
 *
 * @param {unknown} actual
 * @param {unknown} expected
 * @param {string} what
 */
export function expect(actual, expected, what) {
  if (actual !== expected) {
    throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
  }
}

/**
 * Print the result line the runner reads, then exit.
 *
 * @param {Record<string, unknown>} result
 */
export function report(result) {
  const line = JSON.stringify({ runtime: runtimeName(), ...result });
  process.stdout.write(`BENCH_RESULT ${line}\n`, () => process.exit(0));
}
