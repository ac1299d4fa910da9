// Copyright 2026 the concurrent-futures authors. MIT license.
// The Bun adapter: worker_threads and fork(), which Bun implements natively.

import { spawnNodeThread } from "./_node_thread.ts";
import type { RuntimeAdapter } from "./types.ts";

/** Bun: threads are `node:worker_threads`; children are `fork()`ed, so they run `bun`. */
export const bunAdapter: RuntimeAdapter = {
  name: "bun",
  spawnThread(url, options) {
    return spawnNodeThread(url, options);
  },
  async spawnProcess(url, options) {
    const { spawnNodeChild } = await import("./_node_child.ts");
    return spawnNodeChild(url, options, { args: [...options.runtimeArgs] });
  },
};
