// Copyright 2026 the concurrent-futures authors. MIT license.
// The Deno adapter: worker_threads for local code, web Workers for remote code, and children that
// never get more permissions than the parent holds.

import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { assertSendable } from "./_deno_ipc.ts";
import { spawnNodeChild } from "./_node_child.ts";
import { spawnNodeThread } from "./_node_thread.ts";
import type { RuntimeAdapter, SpawnOptions, WorkerEntry, WorkerHandle } from "./types.ts";
import { executableArgs, threadWorkerEntry } from "./worker_entry.ts";

declare const Deno: {
  execPath(): string;
  permissions: {
    querySync(desc: { name: string; path?: string }): { state: "granted" | "denied" | "prompt" };
  };
};

// Deno enforces a node:worker_threads thread's resourceLimits, and a thread that reaches them inside
// a task reports it only through the watchdog in _deno_thread.ts (the thread runs it itself).
// Web Workers, which run the package when it is loaded over https: (as from JSR), take no limits.
const WEB_WORKER_LIMITS = "resourceLimits cannot be enforced on Deno when this package is loaded " +
  "from a remote URL: its threads are then web Workers, which take no memory limits. Install the " +
  "package locally (as from npm), or run such tasks in a ProcessPoolExecutor, with runtimeArgs: " +
  '["--v8-flags=--max-old-space-size=<MB>"]: a child that runs out of memory ends alone';

const PERMISSIONS = ["read", "write", "net", "env", "run", "sys", "ffi", "import"] as const;

/**
 * Deno: local (`file:`) code runs in `node:worker_threads`, which reports exits, can be unref'd and
 * takes `resourceLimits`; remote code (as from JSR) runs in a web Worker, because worker_threads
 * refuses non-`file:` URLs.
 * Children are `deno run` with the parent's granted permissions, never `fork()`'s `-A`; their
 * messages are checked before they are sent (see `_deno_ipc.ts`).
 */
export const denoAdapter: RuntimeAdapter = {
  name: "deno",
  threadLimitsRefusal() {
    return threadWorkerEntry().url.protocol === "file:" ? undefined : WEB_WORKER_LIMITS;
  },
  spawnThread(entry, options) {
    if (entry.url.protocol !== "file:") return spawnWebWorker(entry, options);
    return spawnNodeThread(entry, options);
  },
  spawnProcess(entry, options) {
    // A `deno compile` executable carries its permissions; it takes no `run` flags.
    const args = entry.kind === "executable"
      ? executableArgs(options.runtimeArgs)
      : ["run", "--no-prompt", ...permissionFlags(entry.url), ...options.runtimeArgs];
    return spawnNodeChild(entry, options, { command: Deno.execPath(), args, assertSendable });
  },
};

/** The parent's permissions as flags: every global grant, and read access to this package. */
export function permissionFlags(entry: URL): string[] {
  const flags: string[] = [];
  for (const name of PERMISSIONS) {
    if (Deno.permissions.querySync({ name }).state === "granted") flags.push(`--allow-${name}`);
  }
  if (!flags.includes("--allow-read") && entry.protocol === "file:") {
    // A scoped read grant cannot be listed, but we can ask whether it covers this package.
    const root = dirname(dirname(fileURLToPath(entry)));
    if (Deno.permissions.querySync({ name: "read", path: root }).state === "granted") {
      flags.push(`--allow-read=${root}`);
    }
  }
  return flags;
}

// The web Worker has no exit event and no unref(): the worker announces its own exit, an uncaught
// error is turned into an exit (preventDefault() keeps it from killing this process), and the pool
// retires idle workers itself.
function spawnWebWorker({ url }: WorkerEntry, options: SpawnOptions): WorkerHandle {
  const worker = new Worker(url.href, {
    type: "module",
    ...(options.name === undefined ? {} : { name: options.name }),
  });
  let ended = false;
  const end = (code: number | null, error?: unknown) => {
    if (ended) return;
    ended = true;
    worker.terminate();
    options.onExit(error === undefined ? { code, signal: null } : { code, signal: null, error });
  };
  worker.onmessage = (event: MessageEvent) => {
    const data = event.data;
    if (data !== null && typeof data === "object" && data.t === "exiting") end(data.code ?? 0);
    else options.onMessage(data);
  };
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    end(1, new Error(event.message));
  };
  return {
    pid: undefined,
    unrefable: false,
    postMessage(message, transfer) {
      if (!ended) worker.postMessage(message, { transfer: [...(transfer ?? [])] as never[] });
    },
    terminate() {
      end(null);
    },
    ref() {},
    unref() {},
  };
}
