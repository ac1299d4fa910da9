// Copyright 2026 the concurrent-futures authors. MIT license.
// Loads exactly one runtime adapter, after detection.

import { currentRuntime } from "./detect.ts";
import type { RuntimeAdapter } from "./types.ts";

let adapter: Promise<RuntimeAdapter> | undefined;

/** The adapter for the current runtime; the module is imported on first use and memoized. */
export function runtimeAdapter(): Promise<RuntimeAdapter> {
  return adapter ??= loadAdapter();
}

async function loadAdapter(): Promise<RuntimeAdapter> {
  switch (currentRuntime()) {
    case "deno":
      return (await import("./deno.ts")).denoAdapter;
    case "bun":
      return (await import("./bun.ts")).bunAdapter;
    default:
      return (await import("./node.ts")).nodeAdapter;
  }
}
