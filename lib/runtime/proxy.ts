// Copyright 2026 the concurrent-futures authors. MIT license.
// Proxy detection: node:util's types.isProxy works in Node, Deno and Bun; no language feature can
// tell a proxy from its target.

import { types } from "node:util";

/** Whether `value` is a `Proxy`, which no transport can clone. */
export function isProxy(value: unknown): boolean {
  return types.isProxy(value);
}
