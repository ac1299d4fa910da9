// Copyright 2026 the concurrent-futures authors. MIT license.
// The Python docs' "ThreadPoolExecutor Example": fetch five pages and report each as it completes,
// one of them failing. Fetching is I/O, which JavaScript already runs concurrently on one thread,
// so an EventLoopExecutor runs it here; `--threads` runs the docs' version on a ThreadPoolExecutor
// (the same code: only the executor differs). To run offline it serves its own pages from a local
// HTTP server on 127.0.0.1 (the paths are the docs' hosts); nothing leaves this machine.
//
//   deno run -A examples/fetch_pages.ts [--threads]      bun examples/fetch_pages.ts [--threads]
//   node .npm_test/examples/fetch_pages.js [--threads]   (the compiled copy; `npm test` builds it)
//
// Output: one line per URL, in completion order, e.g.
//   'http://127.0.0.1:40123/www.bbc.co.uk/' page is 4096 bytes
//   'http://127.0.0.1:40123/nonexistent-subdomain.python.org/' generated an exception: Error: HTTP Error 404: Not Found

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import process from "node:process";
import { asCompleted, EventLoopExecutor, type Future, ThreadPoolExecutor } from "../mod.ts";

// The pages the server knows: size in bytes and how long it takes to answer. Anything else is 404.
const PAGES: Record<string, { bytes: number; delayMs: number }> = {
  "/www.foxnews.com/": { bytes: 12_288, delayMs: 300 },
  "/www.cnn.com/": { bytes: 8_192, delayMs: 100 },
  "/europe.wsj.com/": { bytes: 6_144, delayMs: 200 },
  "/www.bbc.co.uk/": { bytes: 4_096, delayMs: 50 },
};

// Retrieve a single page and return its contents. Self-contained (only its parameters and the
// globals `fetch` and `AbortSignal`), so it also crosses to a worker thread by its source text; on
// the event loop it could use anything in scope.
async function loadUrl(url: string, timeout: number): Promise<Uint8Array> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeout) });
  if (!response.ok) throw new Error(`HTTP Error ${response.status}: ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

const server = createServer((request, response) => {
  const page = PAGES[request.url ?? ""];
  setTimeout(() => {
    response.setHeader("Connection", "close");
    if (page === undefined) {
      response.writeHead(404, "Not Found").end("no such page\n");
    } else {
      response.writeHead(200, { "Content-Type": "text/html" }).end("x".repeat(page.bytes));
    }
  }, page?.delayMs ?? 150);
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const { address, port } = server.address() as AddressInfo;
if (address !== "127.0.0.1") throw new Error(`expected a loopback address, got ${address}`);

const URLS = [
  "www.foxnews.com/",
  "www.cnn.com/",
  "europe.wsj.com/",
  "www.bbc.co.uk/",
  "nonexistent-subdomain.python.org/",
].map((path) => `http://127.0.0.1:${port}/${path}`);

try {
  // We can use a `using` statement to ensure threads are cleaned up promptly.
  await using executor = process.argv.includes("--threads")
    ? new ThreadPoolExecutor({ maxWorkers: 5 })
    : new EventLoopExecutor({ maxWorkers: 5 });
  // Start the load operations and mark each future with its URL. (Python's timeout of 60 seconds
  // is 60_000 here: every timeout is in milliseconds.)
  const futureToUrl = new Map(URLS.map((url) => [executor.submit(loadUrl, url, 60_000), url]));
  for await (const f of asCompleted(futureToUrl.keys())) {
    // TypeScript types `f` as the result, since a Future is awaitable; at run time it is the
    // Future itself, which the Map lookup needs.
    const future = f as unknown as Future<Uint8Array>;
    const url = futureToUrl.get(future);
    try {
      const data = await future;
      console.log(`'${url}' page is ${data.length} bytes`);
    } catch (exc) {
      console.log(`'${url}' generated an exception: ${exc}`);
    }
  }
} finally {
  server.close();
}
