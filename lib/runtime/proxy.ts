// Copyright 2026 the concurrent-futures authors. MIT license.
// Proxy detection: node:util/types' isProxy works in Node, Deno and Bun; no language feature can
// tell a proxy from its target. (Not from node:util, whose module namespace on Node reads every
// lazy export, TextDecoder and diff among them: ~4 ms more for every process that imports it,
// a pool's children included.)

import { isProxy as isProxyValue } from "node:util/types";

/** Whether `value` is a `Proxy`, which no transport can clone. */
export function isProxy(value: unknown): boolean {
  return isProxyValue(value);
}
