// Copyright 2026 the concurrent-futures authors. MIT license.
// The Bun adapter: worker_threads and fork(), which Bun implements natively.

import { spawnNodeChild, spawnNodeThread } from "./_node_api.ts";
import type { RuntimeAdapter } from "./types.ts";

/** Bun: threads are `node:worker_threads`; children are `fork()`ed, so they run `bun`. */
export const bunAdapter: RuntimeAdapter = {
  name: "bun",
  spawnThread: spawnNodeThread,
  spawnProcess(url, options) {
    return spawnNodeChild(url, options, { args: [...options.runtimeArgs] });
  },
};
