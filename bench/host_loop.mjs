// Copyright 2026 the concurrent-futures authors. MIT license.
// The host's own cost per tiny task, with no thread around it: a ThreadPoolExecutor(2) whose
// workers are the real worker loop (serve()) run in-process on fake ports, so what is timed is
// the host's path (submit, future, queue, sent-ahead claims, dispatch, settle) plus a constant
// fake delivery and the worker loop (~40 ns, see worker_loop.mjs), and no message copy or thread
// wake-up. Each fake worker reads its messages a burst at a time in a macrotask, as a busy thread
// would, so work is held ahead as in a real pool. Prints, per checkout, the best round's CPU time
// (the process's, so that other programs on a shared VM count for less) over several fresh
// processes per checkout, alternated; and the same for this checkout with its stats() bookkeeping
// (clock reads, timing windows) made no-ops, to show what that costs. Give other checkouts' roots
// to compare them with this one. HOST_LOOP_PROCESSES (4) and HOST_LOOP_ROUNDS (30) set the sizes.
//
//   deno run -A bench/host_loop.mjs [other checkout roots…]
//   bun bench/host_loop.mjs [other checkout roots…]
//   node bench/host_loop.mjs [other checkout roots…]   (Node 22.18+: it imports the .ts sources)

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runtimeInfo } from "./workloads/_common.mjs";

const TASKS = 20_000;
const ROUNDS = Number(process.env.HOST_LOOP_ROUNDS ?? 30);
const PROCESSES = Number(process.env.HOST_LOOP_PROCESSES ?? 4);

const here = resolve(fileURLToPath(new URL("..", import.meta.url)));
const roots = [
  here,
  ...process.argv.slice(2).filter((a) => !a.endsWith(".mjs")).map((r) => resolve(r)),
];

const inc = (x) => x + 1;

// One macrotask hop, the cheapest each runtime has (a MessageChannel would count its own cost).
const later = typeof setImmediate === "function" ? setImmediate : (fn) => setTimeout(fn, 0);

/** A fake worker: `serve()` on a port whose messages are handed over a burst at a time. */
function fakeThread(serve, { onMessage, onExit }) {
  let toWorker = [];
  let toHost = [];
  let deliver;
  let scheduled = false;
  let ended = false;
  const end = (code) => {
    if (ended) return;
    ended = true;
    later(() => onExit({ code, signal: null }));
  };
  const pump = () => {
    scheduled = false;
    while (!ended && (toWorker.length > 0 || toHost.length > 0)) {
      const inbox = toWorker;
      toWorker = [];
      for (const message of inbox) deliver(message);
      const outbox = toHost;
      toHost = [];
      for (const message of outbox) onMessage(message);
    }
  };
  const wake = () => {
    if (!scheduled) {
      scheduled = true;
      later(pump);
    }
  };
  serve({
    post(message) {
      toHost.push(message);
      wake();
    },
    listen(handler) {
      deliver = handler;
    },
    exit(code) {
      end(code);
    },
  });
  return {
    pid: undefined,
    unrefable: true,
    postMessage(message) {
      if (ended) return;
      toWorker.push(message);
      wake();
    },
    terminate() {
      end(1);
    },
    ref() {},
    unref() {},
  };
}

async function load(root) {
  const src = (path) => pathToFileURL(join(root, path)).href;
  let serve;
  for (const name of ["workers/_worker_loop.ts", "workers/_run_task.ts"]) {
    if (existsSync(join(root, name))) ({ serve } = await import(src(name)));
    if (typeof serve === "function") break;
  }
  if (typeof serve !== "function") throw new Error(`${root}: no serve() in workers/`);
  for (
    const [file, name] of [["node.ts", "nodeAdapter"], ["deno.ts", "denoAdapter"], [
      "bun.ts",
      "bunAdapter",
    ]]
  ) {
    const adapter = (await import(src(`lib/runtime/${file}`)))[name];
    adapter.spawnThread = (_entry, options) => fakeThread(serve, options);
  }
  const { ThreadPoolExecutor } = await import(src("mod.ts"));
  const pool = new ThreadPoolExecutor(2);
  await burst(pool, 2_000);
  return pool;
}

async function burst(pool, count) {
  const futures = new Array(count);
  for (let i = 0; i < count; i++) futures[i] = pool.submit(inc, i);
  const values = await Promise.all(futures);
  if (values[count - 1] !== count) throw new Error(`wrong result ${values[count - 1]}`);
}

// In this process, a variant's rounds: its best round's CPU time (the process's: other programs on
// a shared VM count for less than in wall time), in ns per task.
async function measure({ root, stats }) {
  if (!stats) {
    const { PoolCounters, DurationWindow } = await import(
      pathToFileURL(join(root, "lib", "_pool_stats.ts")).href
    );
    const never = { at: 0 };
    PoolCounters.prototype.tick = function () {
      return this.clock;
    };
    PoolCounters.prototype.submitStamp = () => never;
    DurationWindow.prototype.add = () => {};
  }
  const pool = await load(root);
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const t = process.cpuUsage();
    await burst(pool, TASKS);
    const { user, system } = process.cpuUsage(t);
    best = Math.min(best, (user + system) / 1000 / TASKS);
  }
  await pool.shutdown();
  return best * 1e6;
}

const child = process.env.HOST_LOOP_VARIANT;
if (child !== undefined) {
  console.log(`HOST_LOOP ${await measure(JSON.parse(child))}`);
  process.exit(0);
}

// Each variant runs in fresh processes (several libraries in one process would share the
// engine's feedback on their objects), alternated so that a slow phase of the machine hits all.
const variants = [
  ...roots.map((root) => ({ root, stats: true, label: root })),
  ...(existsSync(join(here, "lib", "_pool_stats.ts"))
    ? [{ root: here, stats: false, label: `${here} without stats bookkeeping` }]
    : []),
];
const { runtime, version } = runtimeInfo();
const command = runtime === "deno"
  ? [process.execPath, "run", "-A", fileURLToPath(import.meta.url)]
  : [process.execPath, fileURLToPath(import.meta.url)];
const best = variants.map(() => Infinity);
for (let rep = 0; rep < PROCESSES; rep++) {
  for (let k = 0; k < variants.length; k++) {
    const i = (k + rep) % variants.length;
    const { root, stats } = variants[i];
    const out = execFileSync(command[0], command.slice(1), {
      env: { ...process.env, HOST_LOOP_VARIANT: JSON.stringify({ root, stats }) },
      encoding: "utf8",
    });
    const ns = Number(/HOST_LOOP (\S+)/.exec(out)?.[1]);
    if (!Number.isFinite(ns)) throw new Error(`no result from ${root}: ${out}`);
    best[i] = Math.min(best[i], ns);
  }
}
console.log(
  `${runtime} ${version}: best of ${PROCESSES} processes × ${ROUNDS} rounds of ${TASKS} tasks, ` +
    "CPU ns per task",
);
variants.forEach(({ label }, i) => console.log(`${best[i].toFixed(0).padStart(7)}  ${label}`));
