// Copyright 2026 the concurrent-futures authors. MIT license.
// Worker threads through node:worker_threads, which Node, Bun and Deno all provide (child processes
// live in _node_child.ts, loaded only when a process pool starts its first child).

import { Worker } from "node:worker_threads";
import type { ExitInfo, SpawnOptions, WorkerHandle } from "./types.ts";

/** Start a `node:worker_threads` worker on a `file:` URL. */
export function spawnNodeThread(url: URL, options: SpawnOptions): WorkerHandle {
  const worker = new Worker(url, options.name === undefined ? {} : { name: options.name });
  let lastError: unknown;
  let ended = false;
  worker.on("message", options.onMessage);
  worker.on("error", (error) => {
    lastError = error;
  });
  worker.on("exit", (code) => {
    if (ended) return;
    ended = true;
    options.onExit(exitInfo(code, null, lastError));
  });
  return {
    pid: undefined,
    unrefable: true,
    postMessage(message, transfer) {
      if (ended) return;
      // deno-lint-ignore no-explicit-any
      worker.postMessage(message, transfer as any);
    },
    terminate() {
      if (!ended) void worker.terminate();
    },
    ref() {
      worker.ref();
    },
    unref() {
      worker.unref();
    },
  };
}

function exitInfo(code: number | null, signal: string | null, error: unknown): ExitInfo {
  return error === undefined ? { code, signal } : { code, signal, error };
}
