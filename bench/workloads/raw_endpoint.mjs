// Copyright 2026 the concurrent-futures authors. MIT license.
// The other end of raw.mjs, as a worker thread or as a child process: answer each task at once.

import process from "node:process";
import { parentPort } from "node:worker_threads";
import { inc } from "./_common.mjs";

if (parentPort) {
  const port = parentPort;
  port.on("message", (m) => port.postMessage({ id: m.id, value: inc(m.x) }));
} else {
  process.on("message", (m) => process.send?.({ id: m.id, value: inc(m.x) }));
}
