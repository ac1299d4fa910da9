// Copyright 2026 the concurrent-futures authors. MIT license.
// HTTP GETs to the local server (server.mjs), 30 in flight: EventLoopExecutor against this
// library's ThreadPoolExecutor. Python's ThreadPoolExecutor is ../python/event_loop.py. Time
// includes the executor's start-up and shutdown; peak RSS is the whole process's.
//
//   <runtime> bench/event_loop/http.mjs '{"library":"ours-eventloop","url":"http://…","requests":1000,"workers":30}'

import { expect, importLibrary, now, params, peakRssMb, report } from "./_common.mjs";

const p = params();
const lib = await importLibrary();
// Self-contained, so the thread pool can send it to its workers.
const get = async (url) => (await (await fetch(url)).arrayBuffer()).byteLength;

const t = now();
const executor = p.library === "ours-eventloop"
  ? new lib.EventLoopExecutor(p.workers)
  : new lib.ThreadPoolExecutor(p.workers);
const urls = Array.from({ length: p.requests }, (_, i) => `${p.url}/page/${i}`);
let bytes = 0;
let count = 0;
for await (const size of executor.map(get, urls)) {
  bytes += size;
  count++;
}
await executor.shutdown();
const ms = now() - t;
expect(count, p.requests, "responses");
expect(bytes, p.requests * p.bodyBytes, "bytes received");
report({ library: p.library, value: ms, ms, peakRssMb: peakRssMb() });
