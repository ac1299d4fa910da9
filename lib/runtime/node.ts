// Copyright 2026 the concurrent-futures authors. MIT license.
// The Node adapter: worker_threads and fork().

import process from "node:process";
import { spawnNodeChild } from "./_node_child.ts";
import { spawnNodeThread } from "./_node_thread.ts";
import type { RuntimeAdapter } from "./types.ts";

// Flags that belong to the parent's session and would change what a child does.
const PARENT_ONLY_FLAGS =
  /^(?:--(?:test|inspect|debug|cpu-prof|heap-prof|prof|watch|eval|print|input-type|experimental-test|heapsnapshot)|-[ep]$)/;

/**
 * The parent's runtime flags a child gets: all but those of this session (test runner, inspector,
 * profilers, watch mode, eval), each dropped with its value. In `execArgv` a token that does not
 * start with `-` is the value of the flag before it (`--test-name-pattern x`).
 *
 * @param execArgv The parent's `process.execArgv`.
 * @returns The flags to pass on.
 */
export function childExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const flag = execArgv[i]!;
    if (!PARENT_ONLY_FLAGS.test(flag)) kept.push(flag);
    else if (!flag.includes("=") && execArgv[i + 1]?.startsWith("-") === false) i++;
  }
  return kept;
}

/** Node: threads are `node:worker_threads`; children are `fork()`ed with the parent's loader flags. */
export const nodeAdapter: RuntimeAdapter = {
  name: "node",
  threadLimitsRefusal() {
    return undefined;
  },
  spawnThread(entry, options) {
    return spawnNodeThread(entry, options);
  },
  spawnProcess(entry, options) {
    const inherited = childExecArgv(process.execArgv);
    return spawnNodeChild(entry, options, { args: [...inherited, ...options.runtimeArgs] });
  },
};
