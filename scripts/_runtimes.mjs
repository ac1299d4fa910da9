// Copyright 2026 the concurrent-futures authors. MIT license.
// The pinned runtimes every script runs (tools/runtimes/package.json installs them from npm):
// deno, bun and the two maintained Node lines. Plain JavaScript, importable before anything is
// installed, from Node, Deno and Bun.

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
/** Where tools/runtimes installs the runtimes. */
export const RUNTIMES = join(ROOT, "tools", "runtimes", "node_modules");
/** The pinned Deno. @type {string} */
export const DENO = join(RUNTIMES, ".bin", "deno");
/** The pinned Bun. @type {string} */
export const BUN = join(RUNTIMES, ".bin", "bun");
/** The pinned Node 22 (maintenance LTS). @type {string} */
export const NODE22 = join(RUNTIMES, "node22", "bin", "node");
/** The pinned Node 24 (active LTS). @type {string} */
export const NODE24 = join(RUNTIMES, "node", "bin", "node");
/** Every pinned runtime executable, by name. */
export const ALL = { deno: DENO, bun: BUN, node22: NODE22, node24: NODE24 };
