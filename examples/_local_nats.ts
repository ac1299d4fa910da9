// Copyright 2026 the concurrent-futures authors. MIT license.
// A nats-server on this machine for the distributed example, its benchmark and its tests: a free
// port on 127.0.0.1, and waiting until the server listens there.

import { createServer, Socket } from "node:net";

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resolves once something accepts connections on 127.0.0.1:`port`; throws after 10 s, with
 * `log()` (the server's output, say) in the message.
 */
export async function waitForPort(port: number, log: () => string = () => ""): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
      socket.connect(port, "127.0.0.1");
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const output = log();
  throw new Error(`nats-server did not start on port ${port}${output ? `:\n${output}` : ""}`);
}
