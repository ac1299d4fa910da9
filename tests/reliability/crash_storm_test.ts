// Crash storms: a busy worker dies at a random moment; every future must settle promptly, with a
// result, a Broken* error, or cancellation, and a fresh pool must work afterwards.
// Trials: RELIABILITY_TRIALS (default 10 per pool kind here; `npm run test:stress` runs 100).
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { BrokenExecutor, ProcessPoolExecutor, ThreadPoolExecutor } from "../../mod.ts";
import type { Future } from "../../mod.ts";
import { random, settledWithin } from "../_helpers.ts";

const TRIALS = Number(process.env.RELIABILITY_TRIALS ?? 10);
const SETTLE_MS = 1000;
// With onWorkerCrash "replace", settling includes starting a new worker and running the rest on it
// (a Deno child can take over a second to start on a loaded machine): a bound for hangs only.
const REPLACE_SETTLE_MS = 15_000;

// Each future ended with its result, a Broken* error, or cancellation: nothing else, no loss.
async function checkOutcomes(futures: Future<unknown>[]): Promise<void> {
  for (const f of futures) {
    assert.ok(f.done(), "settled");
    if (f.cancelled()) continue;
    const error = await f.exception();
    assert.ok(error === undefined || error instanceof BrokenExecutor, `unexpected ${error}`);
  }
}

// Start both workers first, so the clock measures the crash and not worker start-up.
// Ten tasks that each sleep 0-29 ms (drawn from `next`) and return their index.
function napBurst(pool: ProcessPoolExecutor, next: () => number): Future<unknown>[] {
  return Array.from({ length: 10 }, (_, i) =>
    pool.submit(
      async (ms: number, i: number) => {
        await new Promise((r) => setTimeout(r, ms));
        return i;
      },
      Math.floor(next() * 30),
      i,
    ));
}

async function warm(pool: ThreadPoolExecutor | ProcessPoolExecutor): Promise<number[]> {
  const pidAfterAWhile = async () => {
    await new Promise((r) => setTimeout(r, 20));
    return globalThis.process.pid;
  };
  return await Promise.all([pool.submit(pidAfterAWhile), pool.submit(pidAfterAWhile)]);
}

test(`ThreadPoolExecutor survives ${TRIALS} crash storms: every future settles within ${SETTLE_MS} ms`, async () => {
  const next = random(42);
  let worst = 0;
  for (let trial = 0; trial < TRIALS; trial++) {
    const pool = new ThreadPoolExecutor(2);
    await warm(pool);
    const delay = Math.floor(next() * 20);
    const futures: Future<unknown>[] = [];
    for (let i = 0; i < 8; i++) {
      futures.push(pool.submit(
        async (ms: number, i: number) => {
          await new Promise((r) => setTimeout(r, ms));
          return i;
        },
        Math.floor(next() * 10),
        i,
      ));
    }
    futures.push(pool.submit(async (ms: number) => {
      await new Promise((r) => setTimeout(r, ms));
      globalThis.process.exit(7);
    }, delay));
    for (let i = 0; i < 4; i++) futures.push(pool.submit((x: number) => x, i));
    worst = Math.max(worst, await settledWithin(futures, SETTLE_MS));
    await checkOutcomes(futures);
    const crashed = await futures[8]!.exception();
    assert.ok(crashed instanceof BrokenExecutor, `trial ${trial}: ${crashed}`);
    await pool.shutdown();
  }
  await using fresh = new ThreadPoolExecutor(2);
  assert.equal(await fresh.submit((x: number) => x * 2, 21), 42);
  console.log(`thread crash storms: ${TRIALS} trials, slowest settle ${worst} ms`);
});

test(`ProcessPoolExecutor survives ${TRIALS} crash storms (SIGKILL from outside)`, async () => {
  const next = random(7);
  let worst = 0;
  for (let trial = 0; trial < TRIALS; trial++) {
    const pool = new ProcessPoolExecutor(2);
    const pid = (await warm(pool))[Math.floor(next() * 2)]!;
    const futures = napBurst(pool, next);
    await new Promise((r) => setTimeout(r, Math.floor(next() * 15)));
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone: fine
    }
    worst = Math.max(worst, await settledWithin(futures, SETTLE_MS));
    await checkOutcomes(futures);
    await pool.shutdown();
  }
  await using fresh = new ProcessPoolExecutor(1);
  assert.equal(await fresh.submit((x: number) => x * 2, 21), 42);
  console.log(`process crash storms: ${TRIALS} trials, slowest settle ${worst} ms`);
});

// onWorkerCrash "replace": in a thread pool only the crashing task fails (work sent ahead to the
// dead thread, unstarted, runs on its replacement); every other future gets its own result.
test(`ThreadPoolExecutor, onWorkerCrash "replace": ${TRIALS} crash storms fail only the crashing task`, async () => {
  const next = random(11);
  let worst = 0;
  await using pool = new ThreadPoolExecutor({ maxWorkers: 2, onWorkerCrash: "replace" });
  await warm(pool);
  for (let trial = 0; trial < TRIALS; trial++) {
    const crashAt = Math.floor(next() * 12);
    const futures: Future<unknown>[] = [];
    for (let i = 0; i < 12; i++) {
      futures.push(pool.submit(
        async (ms: number, i: number, crash: boolean) => {
          await new Promise((r) => setTimeout(r, ms));
          if (crash) globalThis.process.exit(7);
          return i;
        },
        Math.floor(next() * 10),
        i,
        i === crashAt,
      ));
    }
    worst = Math.max(worst, await settledWithin(futures, REPLACE_SETTLE_MS));
    for (const [i, future] of futures.entries()) {
      if (i === crashAt) {
        const error = await future.exception();
        assert.ok(error instanceof BrokenExecutor, `trial ${trial}: ${error}`);
      } else {
        assert.equal(await future, i, `trial ${trial}, task ${i}`);
      }
    }
  }
  assert.equal(await pool.submit((x: number) => x * 2, 21), 42);
  console.log(`thread crash storms, replacing: ${TRIALS} trials, slowest settle ${worst} ms`);
});

// onWorkerCrash "replace", process pool: a child SIGKILLed from outside fails what it held (its
// running task, and those sent ahead to it: of 10 tasks on 2 children, two at most, the n-th only
// while more than 2n wait); everything else gets its result, and the pool lives on.
test(`ProcessPoolExecutor, onWorkerCrash "replace": ${TRIALS} SIGKILL storms leave the pool usable`, async () => {
  const next = random(13);
  let worst = 0;
  await using pool = new ProcessPoolExecutor({ maxWorkers: 2, onWorkerCrash: "replace" });
  for (let trial = 0; trial < TRIALS; trial++) {
    const pids = await warm(pool);
    const futures = napBurst(pool, next);
    await new Promise((r) => setTimeout(r, Math.floor(next() * 15)));
    try {
      process.kill(pids[Math.floor(next() * 2)]!, "SIGKILL");
    } catch {
      // already gone: fine
    }
    worst = Math.max(worst, await settledWithin(futures, REPLACE_SETTLE_MS));
    let failed = 0;
    for (const [i, future] of futures.entries()) {
      const error = await future.exception();
      if (error === undefined) assert.equal(await future, i);
      else {
        assert.ok(error instanceof BrokenExecutor, `trial ${trial}: ${error}`);
        failed++;
      }
    }
    assert.ok(
      failed <= 3,
      `trial ${trial}: ${failed} futures failed, the dead child held 3 at most`,
    );
    assert.equal(await pool.submit((x: number) => x * 2, 21), 42, `trial ${trial}`);
  }
  console.log(`process crash storms, replacing: ${TRIALS} trials, slowest settle ${worst} ms`);
});
