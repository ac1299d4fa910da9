// Copyright 2026 the concurrent-futures authors. MIT license.
// The worker loop's own cost per task and per chunk item, with no thread or process around it:
// serve() on a fake port that drops every reply, fed tasks of `(x) => x + 1` and chunks of 64
// items. Prints the best round of each (a shared VM's slow phases only ever add time). Give other
// checkouts' roots to compare them with this one in the same run, interleaved.
//
//   deno run -A bench/worker_loop.mjs [other checkout roots…]
//   bun bench/worker_loop.mjs [other checkout roots…]
//   node bench/worker_loop.mjs [other checkout roots…]   (Node 22.18+: it imports the .ts sources)

import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runtimeInfo } from "./workloads/_common.mjs";

const TASKS = 50_000;
const CHUNKS = 5_000;
const ITEMS = 64;
const ROUNDS = 300;

const here = resolve(fileURLToPath(new URL("..", import.meta.url)));
const roots = [
  here,
  ...process.argv.slice(2).filter((a) => !a.endsWith(".mjs")).map((r) => resolve(r)),
];

// The file that exports serve(): workers/_worker_loop.ts, or workers/_run_task.ts before it.
async function load(root) {
  for (const name of ["_worker_loop.ts", "_run_task.ts"]) {
    const path = join(root, "workers", name);
    if (existsSync(path)) {
      const { serve } = await import(pathToFileURL(path).href);
      if (typeof serve === "function") return serve;
    }
  }
  throw new Error(`${root}: no workers/_worker_loop.ts or workers/_run_task.ts exporting serve`);
}

// A served loop, initialized, with `inc` compiled: returns the function that delivers a message.
async function start(serve) {
  let deliver;
  serve({ post() {}, listen: (onMessage) => (deliver = onMessage), exit() {} });
  const { PROTOCOL_VERSION } = await import(
    pathToFileURL(join(here, "lib", "_protocol.ts")).href
  );
  deliver({ t: "init", v: PROTOCOL_VERSION, transport: "structured", initargs: [] });
  await new Promise((resolve) => setTimeout(resolve, 20));
  const spec = { kind: "source", id: "inc", source: "(x) => x + 1" };
  deliver({ t: "task", id: 0, key: "inc", spec, args: [0] });
  return deliver;
}

const loops = [];
for (const root of roots) loops.push({ root, deliver: await start(await load(root)) });
const items = Array.from({ length: ITEMS }, (_, i) => i);
const best = loops.map(() => ({ task: Infinity, item: Infinity }));
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < loops.length; k++) {
    const i = (k + round) % loops.length; // rotate, so no loop always runs first
    const { deliver } = loops[i];
    let t = performance.now();
    for (let id = 1; id <= TASKS; id++) deliver({ t: "task", id, key: "inc", args: [id] });
    best[i].task = Math.min(best[i].task, (performance.now() - t) / TASKS);
    t = performance.now();
    for (let id = 1; id <= CHUNKS; id++) deliver({ t: "chunk", id, key: "inc", items });
    best[i].item = Math.min(best[i].item, (performance.now() - t) / (CHUNKS * ITEMS));
  }
}
const { runtime, version } = runtimeInfo();
console.log(`${runtime} ${version}: best of ${ROUNDS} rounds, ns per task / per chunk item`);
loops.forEach(({ root }, i) => {
  const ns = (ms) => (ms * 1e6).toFixed(1).padStart(7);
  console.log(`${ns(best[i].task)} ${ns(best[i].item)}  ${root}`);
});
