// Out-of-memory storms: a thread pool with resourceLimits, where a task at a random place in a
// burst allocates until its thread reaches the limit (synchronously or across awaits, which Deno
// reports differently: see lib/runtime/_deno_thread.ts). Every future must settle, the hog's with
// ERR_WORKER_OUT_OF_MEMORY as cause; with onWorkerCrash "replace" nothing else fails and the pool
// stays usable. Bun refuses resourceLimits (its threads ignore them).
// Trials: RELIABILITY_TRIALS (default 10 per test here; `npm run test:stress` runs 100).
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { BrokenExecutor, BrokenThreadPool, ThreadPoolExecutor } from "../../mod.ts";
import type { Future } from "../../mod.ts";
import { random, settledWithin } from "../_helpers.ts";

const TRIALS = Number(process.env.RELIABILITY_TRIALS ?? 10);
// A bound for hangs only: settling includes the thread filling 64 MB and a replacement starting.
const SETTLE_MS = 15_000;
const LIMITS = { maxOldGenerationSizeMb: 64 };
const skip = "Bun" in globalThis ? "Bun refuses resourceLimits" : false;

// Task i of a burst: returns i after `ms`, or, if it is the hog, fills the heap (after `ms`, and
// across awaits when `awaits`).
async function task(ms: number, i: number, hog: boolean, awaits: boolean): Promise<number> {
  await new Promise((r) => setTimeout(r, ms));
  if (hog) {
    const kept: number[][] = [];
    for (;;) {
      kept.push(new Array(100_000).fill(i));
      if (awaits && kept.length % 8 === 0) await null;
    }
  }
  return i;
}

async function assertOutOfMemory(future: Future<unknown>, what: string): Promise<void> {
  const error = await future.exception();
  assert.ok(error instanceof BrokenExecutor, `${what}: ${error}`);
  const cause = error.cause as Error & { code?: string };
  assert.equal(cause?.code, "ERR_WORKER_OUT_OF_MEMORY", `${what}: cause ${cause}`);
}

test(
  `ThreadPoolExecutor with resourceLimits, onWorkerCrash "replace": ${TRIALS} out-of-memory storms fail only the hog`,
  {
    skip,
  },
  async () => {
    const next = random(17);
    let worst = 0;
    await using pool = new ThreadPoolExecutor({
      maxWorkers: 2,
      resourceLimits: LIMITS,
      onWorkerCrash: "replace",
    });
    for (let trial = 0; trial < TRIALS; trial++) {
      const hogAt = Math.floor(next() * 12);
      const futures: Future<unknown>[] = [];
      for (let i = 0; i < 12; i++) {
        futures.push(pool.submit(task, Math.floor(next() * 10), i, i === hogAt, trial % 2 === 1));
      }
      worst = Math.max(worst, await settledWithin(futures, SETTLE_MS));
      for (const [i, future] of futures.entries()) {
        if (i === hogAt) await assertOutOfMemory(future, `trial ${trial}`);
        else assert.equal(await future, i, `trial ${trial}, task ${i}`);
      }
    }
    assert.equal(await pool.submit((x: number) => x * 2, 21), 42);
    console.log(`out-of-memory storms, replacing: ${TRIALS} trials, slowest settle ${worst} ms`);
  },
);

test(
  `ThreadPoolExecutor with resourceLimits: ${TRIALS} out-of-memory storms break the pool, every future settles`,
  {
    skip,
  },
  async () => {
    const next = random(19);
    let worst = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      await using pool = new ThreadPoolExecutor({ maxWorkers: 2, resourceLimits: LIMITS });
      const hogAt = Math.floor(next() * 8);
      const futures: Future<unknown>[] = [];
      for (let i = 0; i < 8; i++) {
        futures.push(pool.submit(task, Math.floor(next() * 10), i, i === hogAt, trial % 2 === 1));
      }
      worst = Math.max(worst, await settledWithin(futures, SETTLE_MS));
      await assertOutOfMemory(futures[hogAt]!, `trial ${trial}`);
      for (const future of futures) {
        const error = await future.exception();
        assert.ok(
          error === undefined || error instanceof BrokenThreadPool,
          `trial ${trial}: ${error}`,
        );
      }
      assert.throws(() => pool.submit((x: number) => x, 1), BrokenThreadPool);
    }
    console.log(`out-of-memory storms, breaking: ${TRIALS} trials, slowest settle ${worst} ms`);
  },
);
