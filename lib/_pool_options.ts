// Copyright 2026 the concurrent-futures authors. MIT license.
// Validation of the options both pools share. Runtime-neutral.

import type { OnWorkerCrash } from "./_crash_policy.ts";
import { ModuleRegistry } from "./_function_source.ts";
import { checkOptions } from "./_options.ts";
import type { ExecutorOptions, SubmitOptions } from "./executor.ts";
import { cpuCount } from "./runtime/cpu.ts";

/** The validated common options. */
export interface CommonOptions {
  maxWorkers: number;
  // deno-lint-ignore no-explicit-any
  initializer: ((...args: any[]) => unknown) | undefined;
  initargs: unknown[];
  registry: Promise<ModuleRegistry> | undefined;
  minWorkers: number;
  idleTimeout: number | undefined;
  maxQueue: number | undefined;
  onWorkerCrash: OnWorkerCrash;
}

/**
 * Normalize `number | options`, reject unknown keys (a Python porter's `max_workers` would otherwise
 * be silently ignored), and validate the shared options.
 */
export function commonOptions<O extends ExecutorOptions>(
  options: number | O | undefined,
  known: readonly string[],
  where = "pool",
): { common: CommonOptions; options: O } {
  if (typeof options !== "number") {
    checkOptions(options, [...SHARED, ...known], where, "{ maxWorkers: 4 } or a number");
  }
  const opts = (typeof options === "number" ? { maxWorkers: options } : options ?? {}) as O;
  const maxWorkers = opts.maxWorkers ?? cpuCount();
  if (typeof maxWorkers !== "number" || !Number.isInteger(maxWorkers)) {
    throw new TypeError(`maxWorkers must be an integer, got ${describe(maxWorkers)}`);
  }
  if (maxWorkers <= 0) throw new RangeError("maxWorkers must be greater than 0");
  const { initializer, initargs = [], modules } = opts;
  if (initializer !== undefined && typeof initializer !== "function") {
    throw new TypeError(`initializer must be a function, got ${describe(initializer)}`);
  }
  if (!Array.isArray(initargs)) {
    throw new TypeError(`initargs must be an array, got ${describe(initargs)}`);
  }
  checkModules(modules);
  const minWorkers = opts.minWorkers ?? 0;
  checkInteger("minWorkers", minWorkers);
  if (minWorkers < 0 || minWorkers > maxWorkers) {
    throw new RangeError(
      `minWorkers must be between 0 and maxWorkers (${maxWorkers}), got ${minWorkers}`,
    );
  }
  const { idleTimeout, maxQueue } = opts;
  if (idleTimeout !== undefined) {
    checkInteger("idleTimeout", idleTimeout);
    if (idleTimeout < 0 || idleTimeout > MAX_TIMEOUT) {
      throw new RangeError(
        `idleTimeout must be between 0 and ${MAX_TIMEOUT} ms, got ${idleTimeout}; leave it out ` +
          "to keep idle workers",
      );
    }
  }
  if (maxQueue !== undefined) {
    checkInteger("maxQueue", maxQueue);
    if (maxQueue < 1) {
      throw new RangeError(
        `maxQueue must be at least 1 (a task waits in the queue while its worker starts), got ${maxQueue}; leave it out for no limit`,
      );
    }
  }
  const onWorkerCrash = onWorkerCrashOption(opts.onWorkerCrash);
  const registry = modules && modules.length > 0 ? ModuleRegistry.load(modules) : undefined;
  // A failed load surfaces through the pool; never as an unhandled rejection.
  registry?.catch(() => {});
  return {
    common: {
      maxWorkers,
      initializer,
      initargs: [...initargs],
      registry,
      minWorkers,
      idleTimeout,
      maxQueue,
      onWorkerCrash,
    },
    options: opts,
  };
}

// The longest delay setTimeout() takes as it is.
const MAX_TIMEOUT = 2 ** 31 - 1;

function checkInteger(name: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`${name} must be an integer, got ${describe(value)}`);
  }
}

/** Check `onWorkerCrash`; `"break"` when it is not given. */
function onWorkerCrashOption(value: unknown): OnWorkerCrash {
  if (value === undefined) return "break";
  if (value !== "break" && value !== "replace") {
    throw new TypeError(`onWorkerCrash must be "break" or "replace", got ${describe(value)}`);
  }
  return value;
}

/** Check the per-call options of `submitWith()`. */
export function checkSubmitOptions(options: SubmitOptions | undefined): void {
  checkOptions(options, ["signal", "transfer"], "submitWith()", "{ signal }");
  if (options === undefined) return;
  const { signal, transfer } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`signal must be an AbortSignal, got ${describe(signal)}`);
  }
  if (transfer !== undefined && !Array.isArray(transfer)) {
    throw new TypeError(`transfer must be an array, got ${describe(transfer)}`);
  }
}

/** Check what submitWith() was given: the function, its arguments as an array, the options. */
export function checkSubmitWith(
  fn: unknown,
  args: unknown,
  options: SubmitOptions | undefined,
): void {
  checkFunction(fn);
  if (!Array.isArray(args)) throw new TypeError(`args must be an array, got ${describe(args)}`);
  checkSubmitOptions(options);
}

/**
 * Check the `modules` option: `undefined`, or an array of paths or URLs.
 *
 * @param modules The option as given.
 * @param where Who was given it, as the message's prefix (`"DistributedExecutor: "`), if any.
 */
export function checkModules(modules: unknown, where = ""): void {
  if (modules === undefined) return;
  if (!Array.isArray(modules)) {
    throw new TypeError(
      `${where}modules must be an array of paths or URLs, got ${describe(modules)}`,
    );
  }
  modules.forEach((module, i) => {
    if (typeof module !== "string" && !(module instanceof URL)) {
      throw new TypeError(
        `${where}modules[${i}] must be a string or a URL, got ${describe(module)}`,
      );
    }
  });
}

/** Check a task function at submit(). */
export function checkFunction(fn: unknown): void {
  if (typeof fn !== "function") throw new TypeError(`fn must be a function, got ${describe(fn)}`);
}

/** A short description of a bad value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return "a function";
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : `${String(value)} (${typeof value})`;
}

const SHARED = [
  "maxWorkers",
  "initializer",
  "initargs",
  "modules",
  "minWorkers",
  "idleTimeout",
  "maxQueue",
  "onWorkerCrash",
];
