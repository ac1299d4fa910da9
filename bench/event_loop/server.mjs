// Copyright 2026 the concurrent-futures authors. MIT license.
// The local HTTP server of the event-loop benchmark: every GET answers after `delayMs` with a body
// of `bodyBytes` bytes, like a page that takes a little while. Prints its URL, serves until killed
// or until its stdin ends (the runner's end of the pipe: it never outlives the runner).
//
//   node bench/event_loop/server.mjs '{"delayMs":10,"bodyBytes":2048}'

import { createServer } from "node:http";
import process from "node:process";

const { delayMs = 10, bodyBytes = 2048 } = JSON.parse(process.argv[2] ?? "{}");
const body = Buffer.alloc(bodyBytes, "x");
const server = createServer((_request, response) => {
  setTimeout(() => {
    response.writeHead(200, { "content-type": "text/html", "content-length": body.length });
    response.end(body);
  }, delayMs);
});
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
server.listen(0, "127.0.0.1", () => {
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  process.stdout.write(`http://127.0.0.1:${port}\n`);
});
