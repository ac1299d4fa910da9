// Copyright 2026 the concurrent-futures authors. MIT license.
// What every JavaScript workload program shares: its parameters, a clock, the task bodies, and the
// one line of JSON it reports. Plain JavaScript, so every runtime runs it as it is.

import process from "node:process";

/**
 * The parameters the orchestrator passed as the program's only argument (a JSON object with at
 * least `workload` and `library`).
 *
 * @returns {Record<string, any>}
 */
export function params() {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error("usage: <runtime> <program> '<json params>'");
  return JSON.parse(raw);
}

/**
 * Milliseconds from an arbitrary origin, sub-millisecond resolution.
 *
 * @returns {number}
 */
export function now() {
  return performance.now();
}

/**
 * CPU milliseconds (user + system) this process has used so far, all its threads together (not
 * its child processes).
 *
 * @returns {number}
 */
export function cpuTime() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * The runtime running this program and its version.
 *
 * @returns {{ runtime: string, version: string }}
 */
export function runtimeInfo() {
  const g = /** @type {any} */ (globalThis);
  if (g.Deno?.version?.deno) return { runtime: "deno", version: g.Deno.version.deno };
  if (g.Bun?.version) return { runtime: "bun", version: g.Bun.version };
  return { runtime: "node", version: process.versions.node };
}

/**
 * The median of some numbers.
 *
 * @param {number[]} values
 * @returns {number}
 */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Print the result line the orchestrator reads, then exit (so a pool that keeps the program alive
 * cannot stall the run).
 *
 * @param {Record<string, unknown>} result `value` (the headline number) plus any details.
 */
export function report(result) {
  const line = JSON.stringify({ ...runtimeInfo(), ...result });
  process.stdout.write(`BENCH_RESULT ${line}\n`, () => process.exit(0));
}

/**
 * Run the workload `p.workload` of a program's table and report its result. `threads-tiny` and
 * `processes-tiny` run the table's `tiny`, `cpu-equal` its `cpu` (with other parameters).
 *
 * @param {Record<string, () => Promise<Record<string, unknown>>>} workloads The program's workloads.
 * @param {Record<string, unknown>} p The parameters, from {@linkcode params}.
 */
export async function runWorkload(workloads, p) {
  const aliases = { "threads-tiny": "tiny", "processes-tiny": "tiny", "cpu-equal": "cpu" };
  const run = workloads[p.workload] ?? workloads[aliases[p.workload]];
  if (!run) throw new Error(`unknown workload ${p.workload}`);
  report(await run());
}

/** The tiny task. Every library runs this same body. */
export const inc = (x) => x + 1;

/** The CPU-bound task: recursive Fibonacci, self-contained. */
export const fib = (n) => {
  const f = (k) => (k < 2 ? k : f(k - 1) + f(k - 2));
  return f(n);
};

/** The payload task: the worker reads the buffer's size. */
export const byteLength = (view) => view.byteLength;

/**
 * Throw unless `actual` is what the workload should have produced.
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
 * Run the CPU workload's rounds, alternating inline and pool runs, and report the speedup.
 *
 * @param {{ tasks: number, n: number, rounds: number }} p
 * @param {(n: number) => Promise<number>} submit Run fib(n) on the pool.
 */
export async function cpuRounds(p, submit) {
  const expected = fib(p.n);
  // Warm-up: every worker runs fib once (JIT), and so does the main thread.
  await Promise.all(Array.from({ length: 4 }, () => submit(p.n)));
  fib(p.n);
  const inline = [];
  const pooled = [];
  for (let round = 0; round < p.rounds; round++) {
    let t = now();
    let sum = 0;
    for (let i = 0; i < p.tasks; i++) sum += fib(p.n);
    inline.push(now() - t);
    expect(sum, expected * p.tasks, "inline fib");
    t = now();
    const values = await Promise.all(Array.from({ length: p.tasks }, () => submit(p.n)));
    pooled.push(now() - t);
    expect(values.reduce((a, b) => a + b, 0), expected * p.tasks, "pool fib");
  }
  const inlineMs = median(inline);
  const poolMs = median(pooled);
  return { value: inlineMs / poolMs, inlineMs, poolMs };
}

/**
 * Run the payload workload: `iterations` round trips of a fresh `bytes`-long Uint8Array, after
 * `warmup` trips that are not timed; the buffer is allocated outside the clock.
 *
 * @param {{ bytes: number, iterations: number, warmup: number }} p
 * @param {(view: Uint8Array) => Promise<number>} send One round trip; resolves with the size the
 * worker saw.
 */
export async function payloadRounds(p, send) {
  const times = [];
  for (let i = -p.warmup; i < p.iterations; i++) {
    const view = new Uint8Array(p.bytes);
    view[p.bytes - 1] = i & 0xff;
    const t = now();
    const seen = await send(view);
    if (i >= 0) times.push(now() - t);
    expect(seen, p.bytes, "byteLength seen by the worker");
  }
  return { value: median(times), min: Math.min(...times) };
}
