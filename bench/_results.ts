// Copyright 2026 the concurrent-futures authors. MIT license.
// The shape of a run's results, as the runner collects them and the JSON keeps them.

import type { RuntimeId } from "./workloads.ts";

/** One process's result: `value` in the workload's unit, and any details it reports. */
export interface Sample {
  value: number;
  [detail: string]: unknown;
}

/** One contestant of a workload on one runtime, with its samples and its failures. */
export interface Entry {
  library: string;
  runtime: RuntimeId;
  samples: Sample[];
  errors: string[];
}

/** A workload's results as the JSON keeps them: its parameters and every contestant. */
export interface WorkloadResult {
  id: string;
  params: Record<string, number>;
  entries: Entry[];
}
