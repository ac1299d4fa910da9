// A gate that tasks in any worker, thread or child process, can wait on: a local TCP server. A
// task connects (the test sees it arrive, so it knows the task runs) and resolves once the test
// opens the gate. This module is runtime-neutral.

import { createServer, type Server, type Socket } from "node:net";

/** A gate on a local port. */
export interface NetGate extends AsyncDisposable {
  /** The port to pass to {@linkcode waitAtGate}. */
  readonly port: number;
  /** Resolves once `count` tasks in all have arrived at the gate. */
  arrived(count: number): Promise<void>;
  /** Lets every task waiting at the gate, and every later one, through. */
  open(): void;
}

/** Starts a gate on a free local port. */
export async function netGate(): Promise<NetGate> {
  const sockets = new Set<Socket>();
  let isOpen = false;
  let count = 0;
  const waiters: { count: number; resolve: () => void }[] = [];
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    count++;
    for (const waiter of waiters.filter((w) => w.count <= count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    if (isOpen) socket.end("go");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const open = (): void => {
    isOpen = true;
    for (const socket of sockets) socket.end("go");
  };
  return {
    port,
    arrived(n) {
      if (count >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count: n, resolve }));
    },
    open,
    async [Symbol.asyncDispose]() {
      open();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * A task: waits at the gate on `port`, then returns `value` (or throws it, with `fail`). Sent by
 * source to a worker, so it imports what it needs itself.
 */
export async function waitAtGate<T>(port: number, value: T, fail = false): Promise<T> {
  const net = await import("node:net");
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.on("data", () => {});
    socket.on("end", () => resolve());
    socket.on("error", reject);
  });
  if (fail) throw new Error(String(value));
  return value;
}
