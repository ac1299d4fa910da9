// Copyright 2026 the concurrent-futures authors. MIT license.
// The statistics the tables show: medians, ratios against a reference, and how a number is
// written.

import type { Entry, WorkloadResult } from "./_results.ts";
import type { RuntimeId, Workload } from "./workloads.ts";

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The median of an entry's samples, if it has any. */
export function medianOf(entry: Entry | undefined): number | undefined {
  return entry && entry.samples.length > 0 ? median(entry.samples.map((s) => s.value)) : undefined;
}

/**
 * How many times better `value` is than `reference`: above 1 is better, whichever way the unit
 * points.
 */
export function ratio(workload: Workload, value: number, reference: number): number {
  return workload.higherIsBetter ? value / reference : reference / value;
}

/** The reference entry for a row: the reference library on the same runtime, else its last one. */
export function referenceFor(
  workload: Workload,
  result: WorkloadResult,
  runtime: RuntimeId,
): { entry: Entry; sameRuntime: boolean } | undefined {
  const refs = result.entries.filter((e) => e.library === workload.reference && e.samples.length);
  const same = refs.find((e) => e.runtime === runtime);
  if (same) return { entry: same, sameRuntime: true };
  const last = refs[refs.length - 1];
  return last ? { entry: last, sameRuntime: false } : undefined;
}

/** A number with `digits` decimals and thousands separators, as the tables show it. */
export function format(value: number, digits: number): string {
  return value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}
