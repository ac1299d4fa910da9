// Copyright 2026 the concurrent-futures authors. MIT license.
// Where the time of a `cpu` round goes: each task notes when it started and ended (wall clock, so
// the threads and processes agree), and every round is printed as a timeline — when each worker
// started its first task, the gaps between its tasks, how long the tasks ran in all, and what is
// left after the last one. With --inline the main thread first runs the same 8 × fib(27) itself,
// as the `cpu` workload does between pool rounds.
//
//   node bench/cpu_timeline.mjs [thread|process] [--inline]   (the built package: npm run build)
//   deno run -A bench/cpu_timeline.mjs [thread|process] [--inline]
//   bun bench/cpu_timeline.mjs [thread|process] [--inline]

import process from "node:process";
import { fib, runtimeInfo } from "./workloads/_common.mjs";

const args = process.argv.slice(2).filter((a) => !a.endsWith(".mjs"));
const kind = args.includes("process") ? "process" : "thread";
const inline = args.includes("--inline");
const { runtime, version } = runtimeInfo();
const entry = runtime === "node" ? "../npm/esm/mod.js" : "../mod.ts";
const lib = await import(new URL(entry, import.meta.url).href);
const WORKERS = 2;
const TASKS = 8;
const N = 27;
const ROUNDS = 9;

/** fib(n) in a worker, with when it started and ended there and which worker ran it. */
function timedFib(n) {
  const fib = (k) => (k < 2 ? k : fib(k - 1) + fib(k - 2));
  const start = performance.timeOrigin + performance.now();
  fib(n);
  const end = performance.timeOrigin + performance.now();
  const g = /** @type {any} */ (globalThis);
  g.benchWorkerId ??= Math.random();
  return { start, end, worker: g.benchWorkerId };
}

const clock = () => performance.timeOrigin + performance.now();
const ms = (x) => x.toFixed(2);
const pool = kind === "process"
  ? new lib.ProcessPoolExecutor(WORKERS)
  : new lib.ThreadPoolExecutor(WORKERS);
const round = () => Promise.all(Array.from({ length: TASKS }, () => pool.submit(timedFib, N)));
await round(); // warm-up: both workers started and their fib compiled
await round();
console.log(
  `${runtime} ${version}, ${kind} pool, ${TASKS} × fib(${N})${inline ? ", inline first" : ""}`,
);
for (let r = 0; r < ROUNDS; r++) {
  if (inline) { for (let i = 0; i < TASKS; i++) fib(N); }
  const t0 = clock();
  const tasks = await round();
  const t1 = clock();
  const workers = [...new Set(tasks.map((t) => t.worker))].map((id) =>
    tasks.filter((t) => t.worker === id).sort((a, b) => a.start - b.start)
  );
  const ran = tasks.reduce((sum, t) => sum + t.end - t.start, 0);
  const lastEnd = Math.max(...tasks.map((t) => t.end));
  console.log(
    `round ${ms(t1 - t0)} ms: tasks ran ${ms(ran)} ms in all (${ms(ran / WORKERS)} per worker); ` +
      workers.map((list, w) =>
        `worker ${w + 1}: ${list.length} tasks, first at +${ms(list[0].start - t0)}, gaps ` +
        list.slice(1).map((t, i) => ms(t.start - list[i].end)).join("/")
      ).join("; ") + `; last result +${ms(t1 - lastEnd)} after the last end`,
  );
}
await pool.shutdown();
