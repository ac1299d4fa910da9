// Helpers for the distributed tests: a real nats-server with JetStream on a free port of
// 127.0.0.1, and worker programs on another runtime. Everything started here is killed by
// `killAll()`, also when a test fails.

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { freePort, waitForPort } from "../../examples/_local_nats.ts";

export { freePort };

/** The repository root (this file runs from tests/testdata/ or .npm_test/tests/testdata/). */
export const ROOT: string = (() => {
  const up = new URL("../../", import.meta.url).pathname;
  return up.endsWith("/.npm_test/") ? new URL("../../../", import.meta.url).pathname : up;
})();

const children = new Set<ChildProcess>();
const dirs = new Set<string>();

/** The nats-server executable, or why there is none. */
export function natsServer(): { path: string } | { missing: string } {
  for (
    const path of ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"]
  ) {
    if (existsSync(path)) return { path };
  }
  const which = spawnSync("which", ["nats-server"], { encoding: "utf8" });
  const found = which.stdout?.trim();
  if (which.status === 0 && found) return { path: found };
  return {
    missing:
      "nats-server is not installed (apt-get install nats-server; `npm test` does it as root)",
  };
}

/** A running nats-server. */
export interface Server {
  url: string;
  port: number;
  /** Stop it (SIGTERM by default) and wait for its exit. */
  stop(signal?: "SIGTERM" | "SIGKILL"): Promise<void>;
  /** Start it again on the same port and store. */
  restart(): Promise<void>;
}

/** Start `nats-server -js` on a free port with a fresh store, and an optional config text. */
export async function startServer(config?: string): Promise<Server> {
  const found = natsServer();
  if ("missing" in found) throw new Error(found.missing);
  const dir = mkdtempSync(join(tmpdir(), "cf-nats-"));
  dirs.add(dir);
  const port = await freePort();
  const args = ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", join(dir, "store")];
  if (config !== undefined) {
    writeFileSync(join(dir, "server.conf"), config);
    args.push("-c", join(dir, "server.conf"));
  }
  let child: ChildProcess;
  const start = async () => {
    child = spawn(found.path, args, { stdio: ["ignore", "ignore", "pipe"] });
    children.add(child);
    let log = "";
    child.stderr!.on("data", (chunk) => log += chunk);
    child.on("exit", () => children.delete(child));
    await waitForPort(port, () => log);
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    stop: (signal = "SIGTERM") => stopChild(child, signal),
    restart: start,
  };
}

function stopChild(child: ChildProcess, signal: "SIGTERM" | "SIGKILL"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}

type Runtime = "deno" | "bun" | "node";

/** The runtime the tests run on. */
export function currentRuntime(): Runtime {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  if (g.Deno?.version?.deno) return "deno";
  if (g.Bun?.version) return "bun";
  return "node";
}

/** Another runtime for the workers: Deno's submitter gets Bun workers, the others Deno's. */
export function partnerRuntime(): Runtime {
  return currentRuntime() === "deno" ? "bun" : "deno";
}

function runtimeExecutable(runtime: Runtime): string {
  const local = join(ROOT, "tools", "runtimes", "node_modules", ".bin", runtime);
  if (existsSync(local)) return local;
  return runtime;
}

/** A worker program. */
export interface WorkerProcess {
  pid: number;
  /** Everything it printed. */
  output(): string;
  /** Resolves with its exit code or signal. */
  exited: Promise<number | string | null>;
  kill(signal?: "SIGTERM" | "SIGKILL"): Promise<void>;
}

/** Start `workers/distributed_worker.ts` on `runtime` and wait for its "ready" line. */
export async function startWorkerProcess(
  args: string[],
  runtime: Runtime = partnerRuntime(),
): Promise<WorkerProcess> {
  const entry = join(ROOT, "workers", "distributed_worker.ts");
  const command = runtime === "deno"
    ? [runtimeExecutable("deno"), "run", "-A", entry]
    : runtime === "bun"
    ? [runtimeExecutable("bun"), entry]
    : [process.execPath, join(ROOT, ".npm_test", "workers", "distributed_worker.js")];
  const child = spawn(command[0]!, [...command.slice(1), ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
  });
  children.add(child);
  let output = "";
  child.stdout!.on("data", (chunk) => output += chunk);
  child.stderr!.on("data", (chunk) => output += chunk);
  const exited = new Promise<number | string | null>((resolve) => {
    child.on("exit", (code, signal) => {
      children.delete(child);
      resolve(code ?? signal);
    });
  });
  // Ready when it says so; not if it exits first or takes more than 30 s.
  let timer: ReturnType<typeof setTimeout> | undefined;
  let poll: ReturnType<typeof setInterval> | undefined;
  const ready = await Promise.race([
    new Promise<boolean>((resolve) => {
      poll = setInterval(() => output.includes("ready:") && resolve(true), 20);
    }),
    exited.then(() => false),
    new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(false), 30_000)),
  ]);
  clearInterval(poll);
  clearTimeout(timer);
  if (!ready) {
    child.kill("SIGKILL");
    throw new Error(`the worker did not start (${command.join(" ")}):\n${output}`);
  }
  return {
    pid: child.pid!,
    output: () => output,
    exited,
    kill: (signal = "SIGTERM") => stopChild(child, signal).then(() => exited.then(() => {})),
  };
}

/** Kill every server and worker started here, and remove their stores. */
export async function killAll(): Promise<void> {
  await Promise.all([...children].map((child) => stopChild(child, "SIGKILL")));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}
