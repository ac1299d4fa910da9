// Copyright 2026 the concurrent-futures authors. MIT license.
// Worker threads and child processes through the Node APIs that Node, Bun and Deno all provide.

import { type ChildProcess, fork, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ExitInfo, ProcessSpawnOptions, SpawnOptions, WorkerHandle } from "./types.ts";

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

/** How to start a child: the command and its arguments, before the entry path. */
export interface ChildCommand {
  /** `undefined` means `fork()` with the current runtime. */
  command?: string;
  args: readonly string[];
}

/** Start a child process speaking advanced-serialization IPC. */
export function spawnNodeChild(
  url: URL,
  options: ProcessSpawnOptions,
  how: ChildCommand,
): WorkerHandle {
  const entry = url.protocol === "file:" ? fileURLToPath(url) : url.href;
  const stdio: ["pipe", "inherit", "inherit", "ipc"] = ["pipe", "inherit", "inherit", "ipc"];
  const child: ChildProcess = how.command === undefined
    ? fork(entry, [], { execArgv: [...how.args], serialization: "advanced", stdio })
    : spawn(how.command, [...how.args, entry], { serialization: "advanced", stdio });
  let lastError: unknown;
  let ended = false;
  const end = (code: number | null, signal: string | null) => {
    if (ended) return;
    ended = true;
    options.onExit(exitInfo(code, signal, lastError));
  };
  child.on("message", options.onMessage);
  child.on("error", (error) => {
    lastError = error;
    // A child that never started emits no "exit".
    if (child.pid === undefined) end(null, null);
  });
  child.on("exit", (code, signal) => end(code, signal));
  // The stdin pipe is how the child notices our death; its errors (EPIPE) are not ours to report.
  child.stdin?.on("error", () => {});
  return {
    pid: child.pid,
    unrefable: true,
    postMessage(message) {
      if (ended || !child.connected) return;
      child.send(message as never);
    },
    terminate(signal = "SIGTERM") {
      if (!ended) child.kill(signal);
    },
    ref() {
      child.ref();
      // deno-lint-ignore no-explicit-any
      (child as any).channel?.ref?.();
      (child.stdin as { ref?: () => void } | null)?.ref?.();
    },
    unref() {
      child.unref();
      // deno-lint-ignore no-explicit-any
      (child as any).channel?.unref?.();
      (child.stdin as { unref?: () => void } | null)?.unref?.();
    },
  };
}

function exitInfo(code: number | null, signal: string | null, error: unknown): ExitInfo {
  return error === undefined ? { code, signal } : { code, signal, error };
}
