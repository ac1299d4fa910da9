// Copyright 2026 the concurrent-futures authors. MIT license.
// The Bun adapter: worker_threads and fork(), which Bun implements natively.

import process from "node:process";
import { spawnNodeThread } from "./_node_thread.ts";
import type { RuntimeAdapter } from "./types.ts";
import { executableArgs } from "./worker_entry.ts";

/**
 * Bun: threads are `node:worker_threads`; children are `fork()`ed, so they run `bun`, or, from a
 * `bun build --compile` executable, the executable itself.
 */
export const bunAdapter: RuntimeAdapter = {
  name: "bun",
  spawnThread(entry, options) {
    return spawnNodeThread(entry, options);
  },
  async spawnProcess(entry, options) {
    const { spawnNodeChild } = await import("./_node_child.ts");
    if (entry.kind === "executable") {
      const args = executableArgs(options.runtimeArgs);
      return spawnNodeChild(entry, options, { command: process.execPath, args });
    }
    return spawnNodeChild(entry, options, { args: [...options.runtimeArgs] });
  },
};
