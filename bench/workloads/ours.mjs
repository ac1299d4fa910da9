// Copyright 2026 the concurrent-futures authors. MIT license.
// The workloads on @concurrent/futures as each runtime's users get it: the TypeScript source on
// Deno (JSR), the built npm package (npm/esm/, made by scripts/build_npm.ts) on Node and Bun. Tasks
// are submitted as self-contained functions, the library's own idiom.
//
//   <runtime> bench/workloads/ours.mjs '{"workload":"threads-tiny","library":"ours-thread",...}'

import {
  byteLength,
  cpuRounds,
  cpuTime,
  expect,
  fib,
  inc,
  median,
  now,
  params,
  payloadRounds,
  runtimeInfo,
  runWorkload,
} from "./_common.mjs";

const p = params();
const { runtime } = runtimeInfo();
const entry = runtime === "deno" ? "../../mod.ts" : "../../npm/esm/mod.js";

const importStart = now();
const lib = await import(new URL(entry, import.meta.url).href);
const importMs = now() - importStart;

/** @param {string} library */
function makePool(library) {
  if (library === "ours-thread") return new lib.ThreadPoolExecutor(2);
  if (library === "ours-process") return new lib.ProcessPoolExecutor(2);
  throw new Error(`unknown library ${library}`);
}

/** @param {any} pool @param {number} count @param {number} offset */
async function burst(pool, count, offset) {
  const futures = new Array(count);
  for (let i = 0; i < count; i++) futures[i] = pool.submit(inc, offset + i);
  const values = await Promise.all(futures);
  expect(values[count - 1], offset + count, "last result");
}

const workloads = {
  async tiny() {
    const pool = makePool(p.library);
    await burst(pool, p.warmup, 0);
    const t = now();
    const cpu = cpuTime();
    await burst(pool, p.tasks, p.warmup);
    const ms = now() - t;
    const cpuMs = cpuTime() - cpu;
    await pool.shutdown();
    return { value: p.tasks / (ms / 1000), ms, cpuMs };
  },

  async "chunked-map"() {
    const pool = makePool(p.library);
    const items = Array.from({ length: p.items }, (_, i) => i);
    const options = { chunksize: p.chunksize };
    // Warm-up: one whole untimed map, then the timed ones (median).
    for await (const _ of pool.map(inc, items, options));
    const times = [];
    const cpu = cpuTime();
    for (let round = 0; round < p.rounds; round++) {
      const t = now();
      let count = 0;
      let last = -1;
      for await (const value of pool.map(inc, items, options)) {
        count++;
        last = value;
      }
      times.push(now() - t);
      expect(count, p.items, "results");
      expect(last, p.items, "last result");
    }
    const cpuMs = (cpuTime() - cpu) / p.rounds;
    await pool.shutdown();
    const ms = median(times);
    return { value: p.items / (ms / 1000), ms, cpuMs };
  },

  async cpu() {
    const pool = makePool(p.library);
    const result = await cpuRounds(p, (n) => pool.submit(fib, n));
    await pool.shutdown();
    return result;
  },

  async "cold-start"() {
    const t = now();
    const pool = makePool(p.library);
    expect(await pool.submit(inc, 1), 2, "first result");
    const ms = now() - t;
    await pool.shutdown();
    return { value: ms, importMs };
  },

  async "payload-copy"() {
    const pool = makePool(p.library);
    const result = await payloadRounds(p, (view) => pool.submit(byteLength, view));
    await pool.shutdown();
    return result;
  },

  async "payload-transfer"() {
    const pool = makePool(p.library);
    const result = await payloadRounds(
      p,
      (view) => pool.submitWith(byteLength, [view], { transfer: [view.buffer] }),
    );
    await pool.shutdown();
    return result;
  },
};
await runWorkload(workloads, p);
