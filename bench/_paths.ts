// Copyright 2026 the concurrent-futures authors. MIT license.
// Where the benchmark finds the repository and the runtimes it starts: the one place to change them.

import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT: string = fileURLToPath(new URL("..", import.meta.url));

const RUNTIMES_BIN = join(ROOT, "tools", "runtimes", "node_modules");

/** Node 24, installed from npm under `tools/runtimes/`. */
export const NODE24: string = join(RUNTIMES_BIN, "node", "bin", "node");
/** Bun, installed from npm under `tools/runtimes/`. */
export const BUN: string = join(RUNTIMES_BIN, ".bin", "bun");
/** The Node on PATH (20 on CI). */
export const NODE = "node";
/** The Deno running the benchmark. */
export const DENO: string = Deno.execPath();
/** Python 3 on PATH. */
export const PYTHON = "python3";
