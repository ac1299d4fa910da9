// Copyright 2026 the concurrent-futures authors. MIT license.
// Small helpers shared by the core tests. This module is runtime-neutral.

import type { Future } from "../mod.ts";
import { kOnDone } from "../lib/_symbols.ts";

/** A promise and its resolver, for gating tasks in tests. */
export interface Gate<T = void> {
  promise: Promise<T>;
  open: (value: T) => void;
}

/** Creates a {@linkcode Gate}. */
export function gate<T = void>(): Gate<T> {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

/** A small deterministic generator of numbers in [0, 1), so a failing trial can be replayed. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

/** Resolves after `ms` milliseconds (a macrotask). */
export function sleep(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Lets pending microtasks and one round of macrotasks run. */
export function settle(): Promise<void> {
  return sleep(0);
}

/** Counts the timers set through the global `setTimeout` that are neither fired nor cleared. */
export interface TimerTracker extends Disposable {
  /** Timers that are still armed. */
  readonly active: number;
}

/** Replaces the global `setTimeout`/`clearTimeout` until disposed, counting live timers. */
export function trackTimers(): TimerTracker {
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const live = new Set<unknown>();
  globalThis.setTimeout = ((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const id = realSet(() => {
      live.delete(id);
      fn(...args);
    }, ms);
    live.add(id);
    return id;
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((id: Parameters<typeof clearTimeout>[0]) => {
    live.delete(id);
    realClear(id);
  }) as typeof clearTimeout;
  return {
    get active() {
      return live.size;
    },
    [Symbol.dispose]() {
      globalThis.setTimeout = realSet;
      globalThis.clearTimeout = realClear;
    },
  };
}

/** Calls collected from `console.error` while the capture is active. */
export interface ErrorCapture extends Disposable {
  readonly calls: unknown[][];
}

/** Replaces `console.error` until disposed, recording its calls. */
export function captureConsoleError(): ErrorCapture {
  const real = console.error;
  const calls: unknown[][] = [];
  console.error = (...args: unknown[]) => {
    calls.push(args);
  };
  return {
    calls,
    [Symbol.dispose]() {
      console.error = real;
    },
  };
}

/** Live internal listeners on a future, as counted by {@linkcode countListeners}. */
export interface ListenerCount {
  readonly live: number;
}

/** Wraps `future[kOnDone]` on this instance to count the listeners currently installed. */
export function countListeners<T>(future: Future<T>): ListenerCount {
  const original = future[kOnDone].bind(future);
  let live = 0;
  future[kOnDone] = (listener) => {
    let installed = true;
    live++;
    const drop = (): void => {
      if (installed) live--;
      installed = false;
    };
    const remove = original((f) => {
      drop();
      listener(f);
    });
    return () => {
      drop();
      remove();
    };
  };
  return {
    get live() {
      return live;
    },
  };
}

/**
 * Waits until every future is done (however), failing after `ms` if one is still pending: a bound
 * for hangs. Returns how long the futures took, in ms.
 */
export async function settledWithin(futures: Future<unknown>[], ms: number): Promise<number> {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcomes = Promise.all(futures.map((f) => f.exception().catch((e) => e)));
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`futures still pending after ${ms} ms`)), ms);
  });
  try {
    await Promise.race([outcomes, late]);
  } finally {
    clearTimeout(timer);
  }
  return Date.now() - started;
}
