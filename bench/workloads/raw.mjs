// Copyright 2026 the concurrent-futures authors. MIT license.
// The runtime's own messaging, no library, for tiny tasks with the in-flight limits our pools
// keep: one task running and, sent ahead, seven per worker thread and eight per child, one message
// per task each way (`inflight` overrides). `raw-thread`: 2 worker_threads. `raw-process`: 2
// fork()ed children with advanced serialization. And for `cold-start` (`raw-process` only): the
// bare round trip, fork a child, send it one message, await its reply.
// Runs on Node, Deno and Bun.
//
//   <runtime> bench/workloads/raw.mjs '{"workload":"threads-tiny","library":"raw-thread",...}'

import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { cpuTime, expect, now, params, report } from "./_common.mjs";

const p = params();
const ENDPOINT = new URL("./raw_endpoint.mjs", import.meta.url);

/**
 * Start the two endpoints; each gets `inflight` messages at a time.
 *
 * @returns {{ inflight: number, endpoints: { send(m: unknown): void, on(f: (m: any) => void):
 *   void, close(): void }[] }}
 */
function start() {
  if (p.library === "raw-thread") {
    const endpoints = [0, 1].map(() => {
      const worker = new Worker(ENDPOINT);
      return {
        send: (m) => worker.postMessage(m),
        on: (f) => worker.on("message", f),
        close: () => void worker.terminate(),
      };
    });
    return { inflight: p.inflight ?? 8, endpoints };
  }
  if (p.library === "raw-process") {
    const path = fileURLToPath(ENDPOINT);
    const endpoints = [0, 1].map(() => {
      const child = fork(path, [], { serialization: "advanced" });
      return {
        send: (m) => child.send(m),
        on: (f) => child.on("message", f),
        close: () => void child.kill(),
      };
    });
    return { inflight: p.inflight ?? 9, endpoints };
  }
  throw new Error(`unknown library ${p.library}`);
}

if (p.workload === "cold-start") report(await coldStart());
else report(await tiny());

/**
 * The runtime's own bare round trip: fork a child, send it one message, await its reply.
 *
 * @returns {Promise<{ value: number }>}
 */
async function coldStart() {
  if (p.library !== "raw-process") throw new Error(`no cold-start for ${p.library}`);
  const t = now();
  const child = fork(fileURLToPath(ENDPOINT), [], { serialization: "advanced" });
  const reply = new Promise((resolve) => child.once("message", resolve));
  child.send({ id: 0, x: 1 });
  const { value } = /** @type {{ value: number }} */ (await reply);
  const ms = now() - t;
  expect(value, 2, "first result");
  child.kill();
  return { value: ms };
}

/**
 * Tiny tasks over the two endpoints, `inflight` at a time each.
 *
 * @returns {Promise<{ value: number, ms: number, cpuMs: number }>}
 */
async function tiny() {
  const { inflight, endpoints } = start();
  let next = 0;
  let end = 0;
  let done = 0;
  let last = 0;
  /** @type {() => void} */
  let finish = () => {};
  for (const endpoint of endpoints) {
    endpoint.on((message) => {
      done++;
      if (message.id === end - 1) last = message.value;
      if (next < end) {
        endpoint.send({ id: next, x: next });
        next++;
      } else if (done === end) finish();
    });
  }

  /** Run tasks [from, from + count) and resolve when every reply is in. */
  function burst(from, count) {
    next = from;
    end = from + count;
    done = from;
    const promise = new Promise((resolve) => finish = () => resolve(undefined));
    for (const endpoint of endpoints) {
      for (let i = 0; i < inflight && next < end; i++) {
        endpoint.send({ id: next, x: next });
        next++;
      }
    }
    return promise;
  }

  await burst(0, p.warmup);
  const t = now();
  const cpu = cpuTime();
  await burst(p.warmup, p.tasks);
  const ms = now() - t;
  const cpuMs = cpuTime() - cpu;
  expect(last, p.warmup + p.tasks, "last result");
  for (const endpoint of endpoints) endpoint.close();
  return { value: p.tasks / (ms / 1000), ms, cpuMs };
}
