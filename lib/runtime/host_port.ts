// Copyright 2026 the concurrent-futures authors. MIT license.
// The worker side of the channel: how a worker thread or child process talks to its host.

import { assertSendable } from "./_deno_ipc.ts";
import { watchHeapLimit } from "./_deno_thread.ts";
import { currentRuntime } from "./detect.ts";
import type { HostPort } from "./types.ts";

// The process global, the same object as node:process's default export in Node, Deno and Bun.
// Not imported: on Node the module namespace of node:process reads every property of the
// process, stdin and stdout among them, which creates their streams (~6 ms on a child's start).
const process = (globalThis as unknown as { process: typeof import("node:process") })
  .process;

/** The port of a worker thread: `parentPort` under worker_threads, `self` in a web Worker. */
export async function threadHostPort(): Promise<HostPort> {
  const { parentPort, resourceLimits } = await import("node:worker_threads");
  if (parentPort) {
    const port = parentPort;
    if (currentRuntime() === "deno") await watchHeapLimit(resourceLimits);
    return {
      batches: true,
      // deno-lint-ignore no-explicit-any
      post: (message, transfer) => port.postMessage(message, transfer as any),
      listen: (onMessage) => {
        // deno-lint-ignore no-explicit-any
        if ((globalThis as any).Deno) listenWithoutPortScan(port, onMessage);
        else port.on("message", onMessage);
      },
      exit: (code) => process.exit(code),
    };
  }
  return webWorkerPort();
}

/**
 * Deno's `parentPort.on("message")` walks every message with `for…in` looking for MessagePorts to
 * patch, which takes seconds for a 16 MiB typed array (every index is a key). A message can only
 * hold a MessagePort that was transferred, and those are listed in `event.ports`; so messages
 * without ports are taken straight from the event (and kept from the walking listener), and the
 * rest still go through `on("message")`.
 */
function listenWithoutPortScan(
  port: import("node:worker_threads").MessagePort,
  onMessage: (message: unknown) => void,
): void {
  const target = port as unknown as EventTarget;
  if (typeof target.addEventListener !== "function") {
    port.on("message", onMessage);
    return;
  }
  // Should stopImmediatePropagation() not reach the walking listener, a message still runs once.
  const taken = new WeakSet<object>();
  target.addEventListener("message", (event) => {
    const { data, ports } = event as MessageEvent;
    if (ports === undefined || ports.length > 0) return;
    event.stopImmediatePropagation();
    if (typeof data === "object" && data !== null) taken.add(data);
    onMessage(data);
  });
  port.on("message", (message: unknown) => {
    if (typeof message === "object" && message !== null && taken.has(message)) return;
    onMessage(message);
  });
}

// A web Worker (Deno with remote code): its exit is invisible to the host, so announce it, also
// when the task itself calls process.exit() or Deno.exit().
function webWorkerPort(): HostPort {
  // deno-lint-ignore no-explicit-any
  const scope = globalThis as any;
  const announce = (code: unknown) => {
    scope.postMessage({ t: "exiting", code: typeof code === "number" ? code : 0 });
  };
  const exit = (code: number): never => {
    announce(code);
    scope.close();
    throw new Error("unreachable: worker closed");
  };
  const wrap = (target: { exit: (code?: number) => never }) => {
    const original = target.exit.bind(target);
    try {
      target.exit = (code?: number) => {
        announce(code);
        return original(code);
      };
    } catch {
      // A frozen namespace: exits through it stay unannounced; errors still are.
    }
  };
  wrap(process as unknown as { exit: (code?: number) => never });
  if (scope.Deno) wrap(scope.Deno);
  return {
    post: (message, transfer) => scope.postMessage(message, { transfer: [...(transfer ?? [])] }),
    listen: (onMessage) => {
      scope.onmessage = (event: MessageEvent) => onMessage(event.data);
    },
    exit,
  };
}

const PARENT_POLL_MS = 500;

/**
 * The port of a child process: Node-style IPC. The child exits as soon as its parent is gone,
 * however it died: on IPC disconnect, or when its parent pid changes, which the main thread checks
 * every 500 ms, and a watchdog thread too, even while a task keeps the main thread busy (see
 * {@linkcode startWatchdog}). The parent passes its pid as the first argument, so a child whose
 * parent died while it was starting leaves at once.
 *
 * Starting the watchdog blocks the main thread for 2-3 ms on Node and 10-17 ms on Bun and Deno, so
 * it starts right after the first result is sent (a write, which all three runtimes make at once),
 * off the path of a cold start (spawn, hello, init, first task), in case the next task never
 * yields. Until then the main thread watches alone: a parent that dies while the initializer or
 * the first task runs is noticed when it returns or yields.
 *
 * @returns The port.
 * @throws {Error} If this process was not started with an IPC channel.
 */
export function processHostPort(): HostPort {
  const send = process.send?.bind(process);
  if (!send) throw new Error("the process worker must be started by a ProcessPoolExecutor");
  const parent = Number(process.argv[2]) || process.ppid;
  const leave = () => process.exit(0);
  if (process.ppid !== parent || process.connected === false) leave();
  process.on("disconnect", leave);
  pollParent(parent, leave);
  // A result sent just after the parent died: Node reports EPIPE, Deno a closed channel, both as
  // an "error" event that would otherwise end this process with a stack trace.
  process.on("error", (error) => {
    if (process.connected === false || channelGone(error)) leave();
    throw error;
  });
  // Deno's send() can write part of a message before it finds what it cannot serialize.
  // deno-lint-ignore no-explicit-any
  const check = (globalThis as any).Deno?.version?.deno ? assertSendable : undefined;
  let watched = false;
  return {
    batches: true,
    post: (message) => {
      check?.(message);
      send(message);
      if (watched || !isResult(message)) return;
      watched = true;
      startWatchdog(parent);
    },
    listen: (onMessage) => process.on("message", onMessage),
    exit: (code) => process.exit(code),
  };
}

// A task's or a chunk's outcome (or several), as opposed to the start-up messages (hello, ready).
function isResult(message: unknown): boolean {
  const type = (message as { t?: unknown } | null)?.t;
  return type !== "hello" && type !== "ready";
}

const CHANNEL_GONE = ["EPIPE", "ECONNRESET", "ERR_IPC_CHANNEL_CLOSED"];

function channelGone(error: unknown): boolean {
  return CHANNEL_GONE.includes(String((error as { code?: unknown } | null)?.code));
}

// The watchdog's source: inline, so it needs no module file and no permission. (`require` works
// in an eval worker on Node, Bun and Deno; a process may signal itself without `--allow-run`.)
// It checks as soon as it runs too: under load a thread can take a second to start.
const NODE_WATCHDOG = `const { workerData } = require("node:worker_threads");
const process = require("node:process");
const check = () => {
  if (process.ppid !== workerData.parent) process.kill(process.pid, "SIGKILL");
};
check();
setInterval(check, workerData.every);`;
const denoWatchdog = (parent: number) =>
  `const check = () => { if (Deno.ppid !== ${parent}) Deno.kill(Deno.pid, "SIGKILL"); };
check();
setInterval(check, ${PARENT_POLL_MS});`;

// The main thread's own check of the parent pid: a timer, which costs nothing to start. (The IPC
// channel's disconnect should say as much, but a Deno child idle since its start was once seen
// to miss it under load.)
function pollParent(parent: number, leave: () => void): void {
  const timer = setInterval(() => process.ppid !== parent && leave(), PARENT_POLL_MS);
  // deno-lint-ignore no-explicit-any
  (timer as any).unref?.();
}

/**
 * Watch the parent from a thread of its own: a task that never yields (CPU work) keeps the main
 * thread from seeing its parent die, so the watchdog thread ends the whole process then, with
 * SIGKILL. It is silent, and every other exit still goes through the main thread. Should it fail
 * to start, the main thread's poll still covers all but the busy case.
 *
 * On Node and Bun it is an unref'd `worker_threads` Worker. On Deno it is a web Worker from a
 * `data:` URL, which blocks the main thread half as long while it starts as a `worker_threads`
 * one does (Deno's constructor waits for the thread to boot); it cannot be unref'd, but a child
 * never ends by running out of work anyway (its IPC channel stays open): every exit is
 * `process.exit()` or a signal.
 */
function startWatchdog(parent: number): void {
  try {
    // deno-lint-ignore no-explicit-any
    const g = globalThis as any;
    if (g.Deno?.version?.deno) {
      const url = `data:text/javascript,${encodeURIComponent(denoWatchdog(parent))}`;
      const watchdog = new g.Worker(url, { type: "module", name: "watchdog" });
      watchdog.onerror = (event: Event) => event.preventDefault(); // the poll goes on
      return;
    }
    const { Worker } = process.getBuiltinModule("node:worker_threads");
    const watchdog = new Worker(NODE_WATCHDOG, {
      eval: true,
      workerData: { parent, every: PARENT_POLL_MS },
      execArgv: [], // no loader or preload of the child's: the source is plain JavaScript
    });
    watchdog.unref();
    watchdog.on("error", () => {}); // the poll goes on
  } catch {
    // the poll goes on
  }
}
