// Copyright 2026 the concurrent-futures authors. MIT license.
// The worker side of the channel: how a worker thread or child process talks to its host.

import process from "node:process";
import type { HostPort } from "./types.ts";

/** The port of a worker thread: `parentPort` under worker_threads, `self` in a web Worker. */
export async function threadHostPort(): Promise<HostPort> {
  const { parentPort } = await import("node:worker_threads");
  if (parentPort) {
    const port = parentPort;
    return {
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
 * The port of a child process: Node-style IPC. The child also exits as soon as its parent is gone:
 * on IPC disconnect, on the end of stdin, or when its parent pid changes.
 */
export function processHostPort(): HostPort {
  const send = process.send?.bind(process);
  if (!send) throw new Error("the process worker must be started by a ProcessPoolExecutor");
  const parent = process.ppid;
  const leave = () => process.exit(0);
  process.on("disconnect", leave);
  process.stdin.on("end", leave);
  process.stdin.on("error", leave);
  process.stdin.resume();
  const poll = setInterval(() => {
    if (process.ppid !== parent) leave();
  }, PARENT_POLL_MS);
  // deno-lint-ignore no-explicit-any
  (poll as any).unref?.();
  return {
    post: (message) => {
      send(message);
    },
    listen: (onMessage) => process.on("message", onMessage),
    exit: (code) => process.exit(code),
  };
}
