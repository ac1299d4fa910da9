// Copyright 2026 the concurrent-futures authors. MIT license.
// Where the benchmark finds the repository and the runtimes it starts: the pinned runtimes of
// scripts/_runtimes.mjs, the one place they are defined.

import { fileURLToPath } from "node:url";
import { BUN as PINNED_BUN, NODE22, NODE24 as PINNED_NODE24 } from "../scripts/_runtimes.mjs";

/** The repository root. */
export const ROOT: string = fileURLToPath(new URL("..", import.meta.url));
/** Node 24, installed from npm under `tools/runtimes/`. */
export const NODE24: string = PINNED_NODE24;
/** Bun, installed from npm under `tools/runtimes/`. */
export const BUN: string = PINNED_BUN;
/** Node 22 (the bench's "node" runtime), installed from npm under `tools/runtimes/`. */
export const NODE: string = NODE22;
/** The Deno running the benchmark. */
export const DENO: string = Deno.execPath();
/** Python 3 on PATH. */
export const PYTHON = "python3";
