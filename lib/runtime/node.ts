// Copyright 2026 the concurrent-futures authors. MIT license.
// The Node adapter: worker_threads and fork().

import process from "node:process";
import type { RuntimeAdapter } from "./types.ts";

// Flags that belong to the parent's session and would change what a child does.
const PARENT_ONLY_FLAGS =
  /^--(test|inspect|debug|cpu-prof|heap-prof|prof|watch|eval|print|input-type|experimental-test|heapsnapshot)/;

/** Node: threads are `node:worker_threads`; children are `fork()`ed with the parent's loader flags. */
export const nodeAdapter: RuntimeAdapter = {
  name: "node",
  async spawnThread(url, options) {
    const { spawnNodeThread } = await import("./_node_thread.ts");
    return spawnNodeThread(url, options);
  },
  async spawnProcess(url, options) {
    const { spawnNodeChild } = await import("./_node_child.ts");
    const inherited = process.execArgv.filter((flag) => !PARENT_ONLY_FLAGS.test(flag));
    return spawnNodeChild(url, options, { args: [...inherited, ...options.runtimeArgs] });
  },
};
