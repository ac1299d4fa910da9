// Copyright 2026 the concurrent-futures authors. MIT license.
// A node:worker_threads thread with resourceLimits that reaches them, in each place where its code
// can run: what the parent sees. No library code; run by nothing (it documents why
// lib/runtime/_deno_thread.ts exists, and is the reproduction for an upstream report):
//
//   deno run -A scripts/repro/deno_worker_oom.ts
//   node scripts/repro/deno_worker_oom.ts        (Node 24; Node 22: --experimental-strip-types)
//
// Deno 2.9.6 (V8 15.0) prints:
//   top-level    error ERR_WORKER_OUT_OF_MEMORY, exit 1
//   timer        error ERR_WORKER_OUT_OF_MEMORY, exit 1
//   message      thread says "heap limit raised" in 3000 ms; terminate(): exit 1
//   promise      thread says "heap limit raised" in 3000 ms; terminate(): exit 1
//   awaiting     thread says "heap limit raised" in 3000 ms; terminate(): exit 1
//   timer-await  nothing, exit 0
// Node 24 prints "error ERR_WORKER_OUT_OF_MEMORY, exit 1" for all six (within about 0.2 s).
//
// So on Deno, a thread that reaches its limit in a message handler ("message"), a promise callback
// ("promise") or after an await in either ("awaiting") gets no "error" and no "exit" event, ever:
// only the running callback was stopped. Where every pool task runs, its future would never settle.
// The thread lives on: it uses no CPU, keeps its memory, its timers still fire (it can still
// postMessage to the parent: "thread says"), but its message loop is gone, so it never hears from
// the parent again. Nothing shows it from outside: postMessage() to it does not throw; a
// MessagePort transferred to it never emits "close", not even when the parent closes its end;
// worker.terminate() resolves with 1 as for a live thread; Deno has no worker.getHeapStatistics()
// and its worker.performance is the parent's; Deno's web Worker takes no limits at all. A timer
// callback that allocates after an await with no message listener ("timer-await") ends the thread
// with exit code 0 and no error (with a listener: nothing at all).
//
// Why (deno 2.9 source): with resourceLimits, cli/lib/worker.rs adds a near-heap-limit callback
// that doubles the heap limit and calls terminate_execution(). When the termination ends a
// microtask (every message dispatch and promise callback), deno_core's dispatch_event_loop_tick
// returns Ok(false) on has_terminated(), the event loop goes on, and run_web_worker, which posts
// ERR_WORKER_OUT_OF_MEMORY only when the event loop returns an error, never does. Only a timer
// callback or the module's top level turn the termination into that error.
//
// The one trace is in the thread: v8.getHeapStatistics().heap_size_limit has grown (the doubled
// limit), and its timers still run: the "witness" timer below sees it, as the watchdog in
// lib/runtime/_deno_thread.ts does, which then ends the thread with ERR_WORKER_OUT_OF_MEMORY.

import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { getHeapStatistics } from "node:v8";
import process from "node:process";

const WAIT_MS = 3000;
const CASES = ["top-level", "timer", "message", "promise", "awaiting", "timer-await"];

function fill(): never {
  const kept: number[][] = [];
  for (;;) kept.push(new Array(100_000).fill(1));
}

if (isMainThread) {
  for (const name of CASES) console.log(`${name.padEnd(12)} ${await run(name)}`);
} else {
  const port = parentPort!;
  const initial = getHeapStatistics().heap_size_limit;
  // The witness: a timer that reports a raised heap limit (it keeps running after the OOM).
  const witness = setInterval(() => {
    if (getHeapStatistics().heap_size_limit > initial) {
      clearInterval(witness);
      port.postMessage("heap limit raised");
    }
  }, 100);
  witness.unref();
  const name = workerData as string;
  if (name === "top-level") fill();
  if (name === "timer") setTimeout(fill, 10);
  if (name === "promise") Promise.resolve().then(fill);
  if (name === "timer-await") {
    setTimeout(async () => {
      await null;
      fill();
    }, 10);
  }
  if (name === "message") port.on("message", fill);
  if (name === "awaiting") {
    port.on("message", async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      fill();
    });
  }
  port.postMessage("ready");
}

function run(name: string): Promise<string> {
  return new Promise((resolve) => {
    const seen: string[] = [];
    const worker = new Worker(new URL(import.meta.url), {
      workerData: name,
      resourceLimits: { maxOldGenerationSizeMb: 64 },
      // Node 22 runs this .ts file only with the flag; Deno and Node 24 ignore it.
      execArgv: process.versions.node?.startsWith("22") ? ["--experimental-strip-types"] : [],
    });
    worker.on("message", (message) => {
      if (message === "ready") worker.postMessage("go");
      else seen.push(`thread says "${message}"`);
    });
    worker.on("error", (error: Error & { code?: string }) => {
      seen.push(`error ${error.code ?? error.name}`);
    });
    let terminated = false;
    const timer = setTimeout(() => {
      terminated = true;
      void worker.terminate();
    }, WAIT_MS);
    worker.on("exit", (code) => {
      clearTimeout(timer);
      const saw = seen.join(", ") || "nothing";
      resolve(
        terminated ? `${saw} in ${WAIT_MS} ms; terminate(): exit ${code}` : `${saw}, exit ${code}`,
      );
    });
  });
}
