// Copyright 2026 the concurrent-futures authors. MIT license.
// The Bun adapter: worker_threads and fork(), which Bun implements natively.

import process from "node:process";
import { spawnNodeChild } from "./_node_child.ts";
import { spawnNodeThread } from "./_node_thread.ts";
import type { RuntimeAdapter } from "./types.ts";
import { executableArgs } from "./worker_entry.ts";

// Bun's worker threads accept resourceLimits and ignore them; a thread that exhausts its heap
// panics the whole process (Bun 1.3 and 1.4, raw workers too).
const BUN_LIMITS = "resourceLimits cannot be enforced on Bun: its worker threads ignore memory " +
  "limits, and a thread that runs out of memory ends the whole program. Run such tasks in a " +
  "ProcessPoolExecutor instead, where running out of memory ends only the child (runtimeArgs: " +
  '["--smol"] makes Bun\'s children use less memory; ["--max-old-space-size=<MB>"] caps a ' +
  "child's heap on Node and Deno)";

/**
 * Bun: threads are `node:worker_threads`; children are `fork()`ed, so they run `bun`, or, from a
 * `bun build --compile` executable, the executable itself.
 */
export const bunAdapter: RuntimeAdapter = {
  name: "bun",
  threadLimitsRefusal() {
    return BUN_LIMITS;
  },
  spawnThread(entry, options) {
    return spawnNodeThread(entry, options);
  },
  spawnProcess(entry, options) {
    if (entry.kind === "executable") {
      const args = executableArgs(options.runtimeArgs);
      return spawnNodeChild(entry, options, { command: process.execPath, args });
    }
    return spawnNodeChild(entry, options, { args: [...options.runtimeArgs] });
  },
};
