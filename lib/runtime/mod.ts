// Copyright 2026 the concurrent-futures authors. MIT license.
// Picks the runtime adapter, after detection. The adapters are small and imported up front, so
// that a pool's first worker thread starts synchronously inside the first submit(): a dynamic
// import would hold it back by several milliseconds (7-10 ms on Node 24) of a cold start.

import { bunAdapter } from "./bun.ts";
import { denoAdapter } from "./deno.ts";
import { currentRuntime } from "./detect.ts";
import { nodeAdapter } from "./node.ts";
import type { RuntimeAdapter } from "./types.ts";

/** The adapter for the current runtime. */
export function runtimeAdapter(): RuntimeAdapter {
  switch (currentRuntime()) {
    case "deno":
      return denoAdapter;
    case "bun":
      return bunAdapter;
    default:
      return nodeAdapter;
  }
}
