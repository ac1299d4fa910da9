// Copyright 2026 the concurrent-futures authors. MIT license.
// The Bun adapter: worker_threads and fork(), which Bun implements natively.

import type { RuntimeAdapter } from "./types.ts";

/** Bun: threads are `node:worker_threads`; children are `fork()`ed, so they run `bun`. */
export const bunAdapter: RuntimeAdapter = {
  name: "bun",
  async spawnThread(url, options) {
    const { spawnNodeThread } = await import("./_node_thread.ts");
    return spawnNodeThread(url, options);
  },
  async spawnProcess(url, options) {
    const { spawnNodeChild } = await import("./_node_child.ts");
    return spawnNodeChild(url, options, { args: [...options.runtimeArgs] });
  },
};
