// Copyright 2026 the concurrent-futures authors. MIT license.
// The environment of a run: the variables every child process gets, and what is recorded about
// the machine, the runtimes and the libraries (shown at the top of RESULTS.md, kept in the JSON).

import { join } from "node:path";
import { BUN, NODE, NODE24, PYTHON, ROOT } from "./_paths.ts";
import type { RuntimeId } from "./workloads.ts";

/** The variables of every child process: ours, without colours, update checks or NODE_OPTIONS. */
export const CHILD_ENV: Record<string, string> = (() => {
  const env = { ...Deno.env.toObject(), NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
  delete (env as Record<string, string | undefined>).NODE_OPTIONS;
  delete (env as Record<string, string | undefined>).FORCE_COLOR;
  return env;
})();

/** The trimmed output of a command, or why it could not run. */
async function capture(cmd: string, args: string[]): Promise<string> {
  try {
    const out = await new Deno.Command(cmd, { args, env: CHILD_ENV, stderr: "null" }).output();
    return new TextDecoder().decode(out.stdout).trim();
  } catch (error) {
    return `unavailable (${error instanceof Error ? error.message : String(error)})`;
  }
}

/** What a run records about where it ran. */
export interface Environment {
  date: string;
  commit: string;
  machine: {
    model: string;
    nproc: number;
    memoryGiB: number;
    os: string;
    loadAverage: number[];
  };
  runtimes: Record<RuntimeId, string>;
  pythonStartMethod: string;
  libraries: Record<string, string>;
}

/** Record the machine, the runtimes' versions and the libraries' versions. */
export async function environment(): Promise<Environment> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const meminfo = await Deno.readTextFile("/proc/meminfo").catch(() => "");
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1] ?? NaN);
  const version = (json: string) => {
    try {
      return JSON.parse(Deno.readTextFileSync(json)).version as string;
    } catch {
      return "not installed";
    }
  };
  const libraries: Record<string, string> = {
    "@concurrent/futures": version(join(ROOT, "deno.json")),
  };
  for (const pkg of ["piscina", "tinypool", "workerpool"]) {
    libraries[pkg] = version(join(ROOT, "node_modules", pkg, "package.json"));
  }
  const dirty =
    (await capture("git", ["-C", ROOT, "status", "--porcelain", "--", "lib", "workers"]))
      .length > 0;
  return {
    date: new Date().toISOString(),
    commit: (await capture("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"])) +
      (dirty ? " (with uncommitted changes to lib/ or workers/)" : ""),
    machine: {
      model: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? "unknown",
      nproc: Number(await capture("nproc", [])) || navigator.hardwareConcurrency,
      memoryGiB: Math.round(memKb / 2 ** 20),
      os: `${Deno.build.os} ${Deno.osRelease()}`,
      loadAverage: Deno.loadavg().map((x) => Math.round(x * 100) / 100),
    },
    runtimes: {
      node: (await capture(NODE, ["--version"])).replace(/^v/, ""),
      node24: (await capture(NODE24, ["--version"])).replace(/^v/, ""),
      deno: Deno.version.deno,
      bun: await capture(BUN, ["--version"]),
      python: (await capture(PYTHON, ["--version"])).replace(/^Python /, ""),
    },
    pythonStartMethod: await capture(PYTHON, [
      "-c",
      "import multiprocessing; print(multiprocessing.get_start_method())",
    ]),
    libraries,
  };
}

/** A runtime as the tables name it: "Node 22.22.0", "Deno 2.9.6", … */
export function runtimeLabel(env: Environment, runtime: RuntimeId): string {
  const v = env.runtimes[runtime];
  switch (runtime) {
    case "node":
    case "node24":
      return `Node ${v}`;
    case "deno":
      return `Deno ${v}`;
    case "bun":
      return `Bun ${v}`;
    case "python":
      return `Python ${v}`;
  }
}
