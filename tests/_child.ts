// Helpers for tests that run a script in a separate process of the current runtime.

import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";

/** The command that runs `script` on the runtime running the tests. */
export function runtimeCommand(script: URL): [string, string[]] {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  const path = script.pathname;
  if (g.Deno?.version?.deno) return [g.Deno.execPath(), ["run", "-A", path]];
  return [process.execPath, [path]];
}

/** A testdata script's URL, with the extension this copy of the suite runs on (.ts or .js). */
export function testdata(name: string): URL {
  const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  return new URL(`./testdata/${name}${ext}`, import.meta.url);
}

/** Run a script to its end; resolves with its exit code, output and how long it took. */
export function runScript(
  script: URL,
  args: string[] = [],
  options: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<
  { code: number | null; signal: string | null; stdout: string; stderr: string; ms: number }
> {
  const [cmd, baseArgs] = runtimeCommand(script);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...baseArgs, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", ...options.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk) => stdout += chunk);
    child.stderr!.on("data", (chunk) => stderr += chunk);
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 20_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/**
 * Whether a process with this pid is still running. A zombie (exited, not yet reaped by its
 * parent: Deno reports a child's exit before reaping it) counts as gone.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // no procfs: trust kill(0)
  }
}

/** The pids of this process's direct children: from procfs on Linux, else from `pgrep -P`. */
export function childPids(): number[] {
  const found = new Set<number>();
  try {
    // A child is listed under the thread that started it.
    for (const task of readdirSync(`/proc/${process.pid}/task`)) {
      const text = readFileSync(`/proc/${process.pid}/task/${task}/children`, "utf8");
      for (const pid of text.split(" ").filter(Boolean)) found.add(Number(pid));
    }
    return [...found];
  } catch {
    const run = spawnSync("pgrep", ["-P", String(process.pid)], { encoding: "utf8" });
    return (run.stdout ?? "").split("\n").filter(Boolean).map(Number);
  }
}

/** What examples/primes.ts prints (the Python docs' ProcessPoolExecutor example), and
 * examples/distributed_primes.ts with it. */
export const PRIMES_OUTPUT = [
  "112272535095293 is prime: True",
  "112582705942171 is prime: True",
  "112272535095293 is prime: True",
  "115280095190773 is prime: True",
  "115797848077099 is prime: True",
  "1099726899285419 is prime: False",
  "",
].join("\n");
