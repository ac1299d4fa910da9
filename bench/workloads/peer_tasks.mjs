// Copyright 2026 the concurrent-futures authors. MIT license.
// The worker module piscina and tinypool load (they pick an export by `name`): the same task
// bodies our library submits.

export { byteLength, fib, inc } from "./_common.mjs";
