// Copyright 2026 the concurrent-futures authors. MIT license.
// CPU count: node:os availableParallelism() works in Node, Deno and Bun (Node 20 has no navigator).

import { availableParallelism } from "node:os";

/** How many tasks can truly run in parallel here. */
export function cpuCount(): number {
  return availableParallelism();
}
