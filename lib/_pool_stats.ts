// Copyright 2026 the concurrent-futures authors. MIT license.
// A pool's counters and its recent run and wait times, for stats(). Runtime-neutral.

import type { DurationStats } from "./executor_stats.ts";

/** How many recent samples each timing keeps. */
export const WINDOW = 1024;

/**
 * The last {@linkcode WINDOW} durations, in a fixed ring: recording one is two stores, and a
 * summary sorts a copy.
 */
export class DurationWindow {
  #samples = new Float64Array(WINDOW);
  #next = 0;
  #count = 0;

  /** Records one duration in milliseconds (the oldest one drops out once the ring is full). */
  add(ms: number): void {
    this.#samples[this.#next] = ms;
    this.#next = (this.#next + 1) % WINDOW;
    if (this.#count < WINDOW) this.#count++;
  }

  /** Nearest-rank percentiles of the samples in the ring; zeros when there are none. */
  summary(): DurationStats {
    const count = this.#count;
    if (count === 0) return { p50: 0, p90: 0, p99: 0, max: 0, samples: 0 };
    const sorted = this.#samples.slice(0, count).sort();
    const rank = (p: number) => sorted[Math.min(count - 1, Math.ceil(p * count) - 1)]!;
    return {
      p50: rank(0.5),
      p90: rank(0.9),
      p99: rank(0.99),
      max: sorted[count - 1]!,
      samples: count,
    };
  }
}

/**
 * What a pool counts as work goes through it. `clock` is the time of the event being handled (a
 * submit, a reply): work handed to a worker during it is stamped with it, so that a task costs
 * two `performance.now()` calls, one at its submit and one at its reply.
 */
export class PoolCounters {
  clock = 0;
  /** Tasks in the pool's queue, not yet handed to a worker and not done. */
  queued = 0;
  completed = 0;
  failed = 0;
  cancelled = 0;
  readonly runTime: DurationWindow = new DurationWindow();
  readonly waitTime: DurationWindow = new DurationWindow();

  /** Reads the clock for the event being handled. */
  tick(): number {
    return this.clock = performance.now();
  }
}
