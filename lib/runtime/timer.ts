// Copyright 2026 the concurrent-futures authors. MIT license.
// A timer that does not keep the program alive: node:timers' Timeout has unref() in Node, Deno
// and Bun alike (a web setTimeout returns a number on Deno).

import { clearTimeout, setTimeout } from "node:timers";

/** A timer from {@linkcode unrefTimeout}. */
export type UnrefTimer = ReturnType<typeof setTimeout>;

/** Calls `fn` after `ms` milliseconds, unless the program has ended by then. */
export function unrefTimeout(fn: () => void, ms: number): UnrefTimer {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return timer;
}

/** Stops a timer from {@linkcode unrefTimeout}. */
export function clearUnrefTimeout(timer: UnrefTimer): void {
  clearTimeout(timer);
}
