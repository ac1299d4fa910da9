// Copyright 2026 the concurrent-futures authors. MIT license.
// Worker threads through node:worker_threads, which Node, Bun and Deno all provide (child processes
// live in _node_child.ts, which loads node:child_process only when a process pool starts a child).

import { Worker } from "node:worker_threads";
import type { ExitInfo, SpawnOptions, WorkerEntry, WorkerHandle } from "./types.ts";
import { neverServedReason, THREAD_MARKER } from "./worker_entry.ts";

/**
 * Start a `node:worker_threads` worker on a `file:` URL: the worker module itself, or a bundle
 * told by its `workerData` to serve as one.
 */
export function spawnNodeThread(entry: WorkerEntry, options: SpawnOptions): WorkerHandle {
  const worker = new Worker(entry.url, {
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(entry.kind === "module" ? {} : { workerData: THREAD_MARKER }),
    ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }),
  });
  let lastError: unknown;
  let ended = false;
  let heard = false;
  worker.on("message", (message) => {
    heard = true;
    options.onMessage(message);
  });
  worker.on("error", (error) => {
    lastError = error;
  });
  worker.on("exit", (code) => {
    if (ended) return;
    ended = true;
    if (!heard && lastError === undefined) {
      lastError = new Error(`${neverServedReason(entry, "thread")} (exit code ${code})`);
    }
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
