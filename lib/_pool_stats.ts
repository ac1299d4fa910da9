// Copyright 2026 the concurrent-futures authors. MIT license.
// A pool's counters and its recent run and wait times, for stats(). Runtime-neutral.

import type { DurationStats } from "./executor_stats.ts";

/** How many recent samples each timing keeps. */
export const WINDOW = 1024;

/**
 * The last {@linkcode WINDOW} durations, in a fixed ring: recording one is two stores, and a
 * summary selects its percentiles in a scratch copy (quickselect: linear, no sort).
 */
export class DurationWindow {
  #samples = new Float64Array(WINDOW);
  #scratch: Float64Array | undefined;
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
    const values = this.#scratch ??= new Float64Array(WINDOW);
    values.set(this.#samples.subarray(0, count));
    const rank = (p: number) => Math.min(count - 1, Math.ceil(p * count) - 1);
    // Each selection leaves larger values to the right of its rank, so the next one (a higher
    // rank) only looks there.
    const r50 = rank(0.5), r90 = rank(0.9), r99 = rank(0.99);
    select(values, r50, 0, count - 1);
    select(values, r90, r50, count - 1);
    select(values, r99, r90, count - 1);
    let max = values[r99]!;
    for (let i = r99 + 1; i < count; i++) if (values[i]! > max) max = values[i]!;
    return { p50: values[r50]!, p90: values[r90]!, p99: values[r99]!, max, samples: count };
  }
}

// Moves the k-th smallest of values[left..right] to index k, smaller ones before it and larger
// ones after it (Hoare's quickselect, median-of-three pivot).
function select(values: Float64Array, k: number, left: number, right: number): void {
  while (right > left) {
    const middle = (left + right) >>> 1;
    if (values[middle]! < values[left]!) swap(values, middle, left);
    if (values[right]! < values[left]!) swap(values, right, left);
    if (values[right]! < values[middle]!) swap(values, right, middle);
    const pivot = values[middle]!;
    let i = left, j = right;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) swap(values, i++, j--);
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

function swap(values: Float64Array, a: number, b: number): void {
  const t = values[a]!;
  values[a] = values[b]!;
  values[b] = t;
}

/** A moment (`performance.now()`), shared by everything that happened at it. */
export interface Stamp {
  readonly at: number;
}

/**
 * What a pool counts as work goes through it. `clock` is the time of the event being handled (a
 * reply, a burst of submits): work handed to a worker during it is stamped with it, so that a task
 * costs one `performance.now()` call, at its reply, and a burst of submits one more.
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
  #burst: Stamp | undefined;
  #endBurst = (): void => {
    this.#burst = undefined;
  };

  /** Reads the clock for the event being handled. */
  tick(): number {
    return this.clock = performance.now();
  }

  /**
   * The time of a submit: the clock is read once per burst of submits made in one synchronous
   * run of the caller's code (a loop of submits), which share one stamp, at the cost of one
   * microtask per burst. (A stamp, not a number, so that a work item holds no number of its own:
   * V8 gives each object's floating-point field a box of its own.)
   */
  submitStamp(): Stamp {
    if (this.#burst !== undefined) return this.#burst;
    queueMicrotask(this.#endBurst);
    return this.#burst = { at: this.tick() };
  }
}
