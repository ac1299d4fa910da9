// Copyright 2026 the concurrent-futures authors. MIT license.
// The host's own cost per tiny task, with no thread around it: a ThreadPoolExecutor(2) whose
// workers are the real worker loop (serve()) run in-process on fake ports, so what is timed is
// the host's path (submit, future, queue, sent-ahead claims, dispatch, settle) plus a constant
// fake delivery and the worker loop (~40 ns, see worker_loop.mjs), and no message copy or thread
// wake-up. Each fake worker reads its messages a burst at a time in a macrotask, as a busy thread
// would, so work is held ahead as in a real pool. Prints the best round's CPU time (the process's,
// so that other programs on a shared VM count for less) per checkout, and for this checkout once
// more with its stats() bookkeeping switched off. Give other checkouts' roots to compare them with
// this one in the same run, interleaved.
//
//   deno run -A bench/host_loop.mjs [other checkout roots…]
//   bun bench/host_loop.mjs [other checkout roots…]
//   node bench/host_loop.mjs [other checkout roots…]   (Node 22.18+: it imports the .ts sources)

import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runtimeInfo } from "./workloads/_common.mjs";

const TASKS = 20_000;
const ROUNDS = Number(process.env.HOST_LOOP_ROUNDS ?? 40);

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

// This checkout once more with the stats() bookkeeping switched off between its rounds (its clock
// reads and timing windows made no-ops, on the prototypes), to show what that bookkeeping costs.
async function statsSwitch(root) {
  const path = join(root, "lib", "_pool_stats.ts");
  if (!existsSync(path)) return undefined;
  const { PoolCounters, DurationWindow } = await import(pathToFileURL(path).href);
  const on = {
    tick: PoolCounters.prototype.tick,
    submitTime: PoolCounters.prototype.submitTime,
    add: DurationWindow.prototype.add,
  };
  const off = {
    tick() {
      return this.clock;
    },
    submitTime() {
      return this.clock;
    },
    add() {},
  };
  return (enabled) => {
    const use = enabled ? on : off;
    PoolCounters.prototype.tick = use.tick;
    PoolCounters.prototype.submitTime = use.submitTime;
    DurationWindow.prototype.add = use.add;
  };
}

const pools = [];
for (const root of roots) pools.push({ label: root, pool: await load(root) });
const setStats = await statsSwitch(here);
if (setStats) {
  pools.push({ label: `${here} without stats bookkeeping`, pool: pools[0].pool, off: true });
}
const best = pools.map(() => Infinity);
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < pools.length; k++) {
    const i = (k + round) % pools.length; // rotate, so no checkout always runs first
    setStats?.(!pools[i].off);
    const t = process.cpuUsage();
    await burst(pools[i].pool, TASKS);
    const { user, system } = process.cpuUsage(t);
    best[i] = Math.min(best[i], (user + system) / 1000 / TASKS);
  }
}
setStats?.(true);
for (const { pool, off } of pools) if (!off) await pool.shutdown();
const { runtime, version } = runtimeInfo();
console.log(`${runtime} ${version}: best of ${ROUNDS} rounds of ${TASKS} tasks, CPU ns per task`);
pools.forEach(({ label }, i) => {
  console.log(`${(best[i] * 1e6).toFixed(0).padStart(7)}  ${label}`);
});
