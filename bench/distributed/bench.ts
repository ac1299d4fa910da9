// Copyright 2026 the concurrent-futures authors. MIT license.
// DistributedExecutor with 2 local workers, tiny tasks: serial latency (submit, await, repeat) and
// throughput (everything submitted at once), against a bare JetStream request/reply loop with 2
// bare workers as the ceiling. It starts its own nats-server and workers and stops them.
//
//   deno run -A bench/distributed/bench.ts [--tasks 2000] [--serial 200] [--workers deno|bun]
//   bun bench/distributed/bench.ts …
//
// The submitter runs on the runtime that runs this script; the workers on --workers (default: the
// same runtime). Prints a table, and one `BENCH_RESULT {json}` line.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { freePort, waitForPort } from "../../examples/_local_nats.ts";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { connect, createInbox, headers } from "@nats-io/transport-node";
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy } from "@nats-io/jetstream";
import { DistributedExecutor } from "../../distributed.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1]! : fallback;
};
const TASKS = Number(option("--tasks", "2000"));
// deno-lint-ignore no-explicit-any
const g = globalThis as any;
const here = g.Deno ? "deno" : g.Bun ? "bun" : "node";
const WORKERS = option("--workers", here);
const SERIAL = Number(option("--serial", "200"));

const started: ChildProcess[] = [];
const store = mkdtempSync(join(tmpdir(), "cf-bench-nats-"));

function runtimeCommand(runtime: string, script: string): string[] {
  const local = join(ROOT, "tools", "runtimes", "node_modules", ".bin", runtime);
  if (runtime === "deno") return [g.Deno?.execPath?.() ?? local, "run", "-A", script];
  if (runtime === "bun") return [here === "bun" ? process.execPath : local, script];
  throw new Error(`--workers must be deno or bun (Node cannot run the .ts sources)`);
}

async function start(command: string[]): Promise<void> {
  const child = spawn(command[0]!, command.slice(1), {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  started.push(child);
  await new Promise<void>((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk) => {
      output += chunk;
      if (output.includes("ready:")) resolve();
    });
    child.once("exit", () => reject(new Error(`${command.join(" ")} exited:\n${output}`)));
  });
}

async function stopAll(): Promise<void> {
  for (const child of started.splice(0).reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    await new Promise((resolve) => {
      child.once("exit", resolve);
      child.kill("SIGTERM");
    });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function ours(servers: string) {
  const worker = join(ROOT, "workers", "distributed_worker.ts");
  for (let i = 0; i < 2; i++) {
    await start([...runtimeCommand(WORKERS, worker), "--servers", servers, "--concurrency", "1"]);
  }
  await using executor = new DistributedExecutor({ servers });
  const noop = (x: number) => x;
  for (let i = 0; i < 20; i++) await executor.submit(noop, i); // warm up
  const latencies: number[] = [];
  for (let i = 0; i < SERIAL; i++) {
    const t0 = performance.now();
    await executor.submit(noop, i);
    latencies.push(performance.now() - t0);
  }
  const t0 = performance.now();
  const futures = Array.from({ length: TASKS }, (_, i) => executor.submit(noop, i));
  for (const future of futures) await future;
  const rate = TASKS / ((performance.now() - t0) / 1000);
  const t1 = performance.now();
  let n = 0;
  for await (
    const _ of executor.map(noop, Array.from({ length: TASKS }, (_, i) => i), {
      chunksize: 50,
    })
  ) n++;
  const chunkedRate = n / ((performance.now() - t1) / 1000);
  await stopAll();
  return { latencyMs: median(latencies), tasksPerSecond: rate, mapChunk50PerSecond: chunkedRate };
}

async function bare(servers: string) {
  const nc = await connect({ servers });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({
    name: "BARE",
    subjects: ["bare.jobs"],
    retention: RetentionPolicy.Workqueue,
  });
  await jsm.consumers.add("BARE", { durable_name: "bare-workers", ack_policy: AckPolicy.Explicit });
  const worker = join(ROOT, "bench", "distributed", "bare_worker.ts");
  for (let i = 0; i < 2; i++) await start([...runtimeCommand(WORKERS, worker), servers]);
  const js = jetstream(nc);
  const inbox = createInbox();
  const waiting = new Map<string, () => void>();
  const sub = nc.subscribe(inbox, {
    callback: (_error, message) => waiting.get(message.string())?.(),
  });
  let next = 0;
  const job = () => {
    const id = String(next++);
    const h = headers();
    h.set("reply", inbox);
    const done = new Promise<void>((resolve) => waiting.set(id, resolve));
    void js.publish("bare.jobs", new TextEncoder().encode(id), { headers: h });
    return done.then(() => void waiting.delete(id));
  };
  for (let i = 0; i < 20; i++) await job();
  const latencies: number[] = [];
  for (let i = 0; i < SERIAL; i++) {
    const t0 = performance.now();
    await job();
    latencies.push(performance.now() - t0);
  }
  const t0 = performance.now();
  await Promise.all(Array.from({ length: TASKS }, job));
  const rate = TASKS / ((performance.now() - t0) / 1000);
  sub.unsubscribe();
  await nc.close();
  await stopAll();
  return { latencyMs: median(latencies), tasksPerSecond: rate };
}

async function main() {
  try {
    const port = await freePort();
    const servers = `nats://127.0.0.1:${port}`;
    const server = spawn("nats-server", [
      "-a",
      "127.0.0.1",
      "-p",
      String(port),
      "-js",
      "-sd",
      store,
    ], {
      stdio: "ignore",
    });
    await waitForPort(port);
    const result = {
      runtime: here,
      workers: WORKERS,
      tasks: TASKS,
      ours: await ours(servers),
      bare: await bare(servers),
    };
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
    const f = (n: number, d = 0) => n.toFixed(d).padStart(8);
    console.log(
      `submitter ${here}, 2 workers on ${WORKERS} (1 task at a time each), ${TASKS} tasks`,
    );
    console.log(`                             serial latency   tasks/s   map chunksize 50`);
    console.log(
      `DistributedExecutor          ${f(result.ours.latencyMs, 2)} ms  ${
        f(result.ours.tasksPerSecond)
      }   ${f(result.ours.mapChunk50PerSecond)} items/s`,
    );
    console.log(
      `bare JetStream req/reply     ${f(result.bare.latencyMs, 2)} ms  ${
        f(result.bare.tasksPerSecond)
      }`,
    );
    console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
  } finally {
    await stopAll();
    rmSync(store, { recursive: true, force: true });
  }
}

await main();
