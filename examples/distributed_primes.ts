// Copyright 2026 the concurrent-futures authors. MIT license.
// The primes example (examples/primes.ts) spread over two worker processes through NATS
// JetStream. To be self-contained it starts its own nats-server (the `nats-server` program must be
// installed: `apt-get install nats-server`) on a free port, and the two workers, and stops them
// all at the end. On a real cluster the server and the workers run elsewhere and only the
// executor part is needed.
//
//   deno run -A examples/distributed_primes.ts      bun examples/distributed_primes.ts
//   node .npm_test/examples/distributed_primes.js   (the compiled copy; `npm test` builds it)

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { DistributedExecutor } from "../distributed.ts";
import { freePort, waitForPort } from "./_local_nats.ts";

const PRIMES = [
  112272535095293,
  112582705942171,
  112272535095293,
  115280095190773,
  115797848077099,
  1099726899285419,
];

// Self-contained, so it crosses to the workers by its source text.
function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n === 2) return true;
  if (n % 2 === 0) return false;
  const sqrtN = Math.floor(Math.sqrt(n));
  for (let i = 3; i <= sqrtN; i += 2) {
    if (n % i === 0) return false;
  }
  return true;
}

async function main(): Promise<void> {
  const started: ChildProcess[] = [];
  const store = mkdtempSync(join(tmpdir(), "cf-primes-"));
  try {
    const port = await freePort();
    const servers = `nats://127.0.0.1:${port}`;
    started.push(
      spawn("nats-server", ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", store], {
        stdio: "ignore",
      }),
    );
    await waitForPort(port);
    for (let i = 0; i < 2; i++) started.push(await startWorker(servers));

    await using executor = new DistributedExecutor({ servers });
    let i = 0;
    for await (const prime of executor.map(isPrime, PRIMES)) {
      console.log(`${PRIMES[i++]} is prime: ${prime ? "True" : "False"}`);
    }
  } finally {
    for (const child of started.reverse()) await stop(child);
    rmSync(store, { recursive: true, force: true });
  }
}

// A worker program on this same runtime, from this checkout (or the built copy, for Node).
async function startWorker(servers: string): Promise<ChildProcess> {
  const ts = import.meta.url.endsWith(".ts");
  const entry = new URL(`../workers/distributed_worker.${ts ? "ts" : "js"}`, import.meta.url);
  // deno-lint-ignore no-explicit-any
  const deno = (globalThis as any).Deno;
  const command = deno ? [deno.execPath(), "run", "-A", entry.pathname] : [
    process.execPath,
    entry.pathname,
  ];
  const child = spawn(command[0]!, [
    ...command.slice(1),
    "--servers",
    servers,
    "--concurrency",
    "1",
  ], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk) => {
      output += chunk;
      if (output.includes("ready:")) resolve();
    });
    child.once("exit", () => reject(new Error(`a worker exited before it was ready:\n${output}`)));
  });
  return child;
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

await main();
