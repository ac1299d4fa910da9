// Copyright 2026 the concurrent-futures authors. MIT license.
// Child processes through node:child_process, which Node, Bun and Deno all provide. The module is
// loaded only when a process pool starts its first child (worker threads live in _node_thread.ts),
// and synchronously where the runtime can (`process.getBuiltinModule()`: Node 20.16+, Deno, Bun),
// so that the first child is forked at the first submit(), before the function is analysed.

import type { ChildProcess } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { ExitInfo, ProcessSpawnOptions, WorkerEntry, WorkerHandle } from "./types.ts";
import { neverServedReason, PROCESS_MARKER } from "./worker_entry.ts";

/**
 * How to start a child: the command and its arguments, before the entry path. A single-file
 * executable (`entry.kind === "executable"`) is the command itself, given no entry path.
 */
export interface ChildCommand {
  /** `undefined` means `fork()` with the current runtime. */
  command?: string;
  args: readonly string[];
  /** Throws if a message cannot be sent, before `send()` writes any of it (Deno). */
  assertSendable?: (message: unknown) => void;
}

type ChildProcessModule = typeof import("node:child_process");

/**
 * Start a child process speaking advanced-serialization IPC: at once when `node:child_process`
 * can be had synchronously, else once it is imported. Its arguments are our pid, and for a bundle
 * or an executable, {@linkcode PROCESS_MARKER}, which makes it serve instead of running the
 * program.
 */
export function spawnNodeChild(
  entry: WorkerEntry,
  options: ProcessSpawnOptions,
  how: ChildCommand,
): WorkerHandle | Promise<WorkerHandle> {
  const builtin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  const module = builtin?.("node:child_process") as ChildProcessModule | undefined;
  if (module !== undefined) return startChild(module, entry, options, how);
  return import("node:child_process").then((module) => startChild(module, entry, options, how));
}

function startChild(
  { fork, spawn }: ChildProcessModule,
  entry: WorkerEntry,
  options: ProcessSpawnOptions,
  how: ChildCommand,
): WorkerHandle {
  const { url } = entry;
  const path = url.protocol === "file:" ? fileURLToPath(url) : url.href;
  // No stdin: the child reads none of ours, and watches us through the IPC channel (a stdin pipe
  // costs Bun 10-30 ms of the first fork, loading its stream classes).
  const stdio: ["ignore", "inherit", "inherit", "ipc"] = ["ignore", "inherit", "inherit", "ipc"];
  // Our pid, the child's first argument: how it tells that we are gone (see processHostPort()).
  const parent = String(process.pid);
  const args = entry.kind === "module" ? [parent] : [parent, PROCESS_MARKER];
  let child: ChildProcess;
  if (entry.kind === "executable") {
    if (how.command === undefined) throw new Error("an executable needs a command to start it");
    child = spawn(how.command, [...how.args, ...args], { serialization: "advanced", stdio });
  } else if (how.command === undefined) {
    child = fork(path, args, { execArgv: [...how.args], serialization: "advanced", stdio });
  } else {
    child = spawn(how.command, [...how.args, path, ...args], { serialization: "advanced", stdio });
  }
  let lastError: unknown;
  let ended = false;
  const release = (how: "ref" | "unref") => {
    child[how]();
    // deno-lint-ignore no-explicit-any
    (child as any).channel?.[how]?.();
  };
  let heard = false;
  const end = (code: number | null, signal: string | null) => {
    if (ended) return;
    ended = true;
    if (!heard && lastError === undefined) {
      const detail = signal ? `signal ${signal}` : `exit code ${code}`;
      lastError = new Error(`${neverServedReason(entry, "process")} (${detail})`);
    }
    // Nothing of a child that has exited may keep us alive, nor stay open. Deno leaves the IPC
    // channel connected (and ref'd, if we ref'd it) when reading from it fails with ECONNRESET,
    // as it does when the child died with a message of ours unread (a task sent ahead to a busy
    // child). What the child sent after this point is of no use: the pool has heard its end.
    release("unref");
    if (child.connected) {
      try {
        child.disconnect();
      } catch {
        // already going
      }
    }
    options.onExit(exitInfo(code, signal, lastError));
  };
  child.on("message", (message) => {
    heard = true;
    options.onMessage(message);
  });
  child.on("error", (error) => {
    lastError = error;
    // A child that never started emits no "exit".
    if (child.pid === undefined) end(null, null);
  });
  child.on("exit", (code, signal) => end(code, signal));
  return {
    pid: child.pid,
    unrefable: true,
    postMessage(message) {
      if (ended || !child.connected) return;
      how.assertSendable?.(message);
      child.send(message as never);
    },
    terminate(signal = "SIGTERM") {
      if (!ended) child.kill(signal);
    },
    ref() {
      if (!ended) release("ref");
    },
    unref() {
      release("unref");
    },
  };
}

function exitInfo(code: number | null, signal: string | null, error: unknown): ExitInfo {
  return error === undefined ? { code, signal } : { code, signal, error };
}
