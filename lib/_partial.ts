// Copyright 2026 the concurrent-futures authors. MIT license.
// The record behind each function made by `partial()`: its function and bound values, looked up by
// admission so that a partial crosses to a worker as its function plus those values.
// Runtime-neutral.

/** What a partial calls: `func(...args, ...callArgs)`. */
export interface PartialRecord {
  // deno-lint-ignore ban-types
  readonly func: Function;
  readonly args: readonly unknown[];
}

const records = new WeakMap<object, PartialRecord>();

/**
 * Record that `fn` is `record.func` with `record.args` bound.
 *
 * @param fn The function `partial()` made.
 * @param record Its function and bound values.
 */
export function registerPartial(fn: object, record: PartialRecord): void {
  records.set(fn, record);
}

/**
 * The function and bound values of a function made by `partial()`.
 *
 * @param fn Any function.
 * @returns Its record, or `undefined` if `partial()` did not make it.
 */
export function partialOf(fn: unknown): PartialRecord | undefined {
  return typeof fn === "function" ? records.get(fn) : undefined;
}
