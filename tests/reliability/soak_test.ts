// Soak: many tiny tasks through one pool. Timers and abort listeners must return to where they
// started (no leak per task), and resident memory must not keep growing after a warm-up.
// Size: RELIABILITY_SOAK (default 20,000 here; `npm run test:stress` runs 1,000,000 and asserts the
// RSS bound, which small runs are too noisy for: RSS includes the worker threads' heaps, which take a
// few hundred thousand tasks to reach their steady size; the main heap after GC stays flat).
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { ThreadPoolExecutor } from "../../mod.ts";

const N = Number(process.env.RELIABILITY_SOAK ?? 20_000);
const BATCH = 2_000;

test(`ThreadPoolExecutor soak: ${N} tiny tasks leave no timers or listeners behind`, async () => {
  // Count live timers by wrapping the globals for the duration of the test.
  const live = new Set<unknown>();
  const { setTimeout: realSet, clearTimeout: realClear } = globalThis;
  globalThis.setTimeout = ((fn: () => void, ms?: number) => {
    const id = realSet(() => {
      live.delete(id);
      fn();
    }, ms);
    live.add(id);
    return id;
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((id: ReturnType<typeof setTimeout>) => {
    live.delete(id);
    realClear(id);
  }) as typeof clearTimeout;
  try {
    await using pool = new ThreadPoolExecutor(2);
    const controller = new AbortController();
    let listeners = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    const remove = controller.signal.removeEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listeners++;
      add(...args);
    }) as typeof add;
    controller.signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      listeners--;
      remove(...args);
    }) as typeof remove;

    const run = async (count: number) => {
      for (let done = 0; done < count; done += BATCH) {
        const futures = [];
        for (let i = 0; i < BATCH; i++) {
          futures.push(
            i % 10 === 0
              ? pool.submitWith((x: number) => x + 1, [i], { signal: controller.signal })
              : pool.submit((x: number) => x + 1, i),
          );
        }
        for (const f of futures) await f.result({ timeout: 60_000 });
      }
    };
    // Warm-up: the workers' heaps (part of this process's RSS) grow to a steady size first.
    await run(Math.max(10_000, Math.floor(N / 5)));
    const timersBefore = live.size;
    const rssBefore = process.memoryUsage().rss;
    await run(N);
    const rssAfter = process.memoryUsage().rss;
    assert.equal(listeners, 0, "every abort listener was removed");
    assert.equal(live.size, timersBefore, "no timer outlived its call");
    const growth = (rssAfter - rssBefore) / rssBefore;
    console.log(
      `soak: ${N} tasks, RSS ${(rssBefore / 2 ** 20).toFixed(0)} → ${
        (rssAfter / 2 ** 20).toFixed(0)
      } MiB (${(growth * 100).toFixed(1)}%)`,
    );
    if (N >= 500_000) assert.ok(growth < 0.10, `RSS grew ${(growth * 100).toFixed(1)}%`);
  } finally {
    globalThis.setTimeout = realSet;
    globalThis.clearTimeout = realClear;
  }
});
