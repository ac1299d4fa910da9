// Copyright 2026 the concurrent-futures authors. MIT license.
// Tiny async tasks on the event loop: EventLoopExecutor against p-queue and p-limit, each with the
// same concurrency, each in its own idiom. All tasks are submitted at once, then awaited.
//
//   <runtime> bench/event_loop/tiny.mjs '{"library":"p-limit","tasks":100000,"concurrency":32}'

import process from "node:process";
import { expect, importLibrary, now, params, peakRssMb, report } from "./_common.mjs";

const p = params();
// deno-lint-ignore require-await -- an async function on purpose: a promise per task, as in real use
const task = async (x) => x + 1;

/** @type {Record<string, () => Promise<(count: number, offset: number) => Promise<number>>>} */
const libraries = {
  async "ours-eventloop"() {
    const { EventLoopExecutor } = await importLibrary();
    const executor = new EventLoopExecutor(p.concurrency);
    return (count, offset) => {
      const futures = new Array(count);
      for (let i = 0; i < count; i++) futures[i] = executor.submit(task, offset + i);
      return Promise.all(futures).then((values) => values[count - 1]);
    };
  },
  async "ours-eventloop-map"() {
    const { EventLoopExecutor } = await importLibrary();
    const executor = new EventLoopExecutor(p.concurrency);
    return async (count, offset) => {
      const items = Array.from({ length: count }, (_, i) => offset + i);
      let last;
      for await (const value of executor.map(task, items)) last = value;
      return last;
    };
  },
  async "p-queue"() {
    const { default: PQueue } = await import("p-queue");
    const queue = new PQueue({ concurrency: p.concurrency });
    return (count, offset) => {
      const promises = new Array(count);
      for (let i = 0; i < count; i++) {
        const x = offset + i;
        promises[i] = queue.add(() => task(x));
      }
      return Promise.all(promises).then((values) => values[count - 1]);
    };
  },
  async "p-limit"() {
    const { default: pLimit } = await import("p-limit");
    const limit = pLimit(p.concurrency);
    return (count, offset) => {
      const promises = new Array(count);
      for (let i = 0; i < count; i++) promises[i] = limit(task, offset + i);
      return Promise.all(promises).then((values) => values[count - 1]);
    };
  },
};

const make = libraries[p.library];
if (!make) throw new Error(`unknown library ${p.library}`);
const run = await make();
const warmup = Math.min(10_000, p.tasks);
expect(await run(warmup, 0), warmup, "warm-up result");
const t = now();
const cpu = process.cpuUsage();
const last = await run(p.tasks, warmup);
const ms = now() - t;
const { user, system } = process.cpuUsage(cpu);
const cpuMs = (user + system) / 1000;
expect(last, warmup + p.tasks, "last result");
report({ library: p.library, value: p.tasks / (ms / 1000), ms, cpuMs, peakRssMb: peakRssMb() });
