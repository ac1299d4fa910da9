// Copyright 2026 the concurrent-futures authors. MIT license.
// The benchmark orchestrator: runs this library and its peers side by side, in the same run, and
// reports ratios. Absolute times on a shared machine are noise; ratios between neighbours in time
// are what is worth reading.
//
//   deno run -A bench/run.ts [--quick] [--reps N] [--only w1,w2] [--libs l1,l2]
//                            [--runtimes node,node24,deno,bun,python] [--no-build] [--no-write]
//                            [--no-json]
//   deno run -A bench/run.ts --render bench/results/latest.json [--write]   (tables only)
//
// Every (library, runtime, workload) sample is one fresh process, which prints one
// `BENCH_RESULT {json}` line. Within each repetition every workload runs each of its contestants
// once, in an order that rotates from one repetition to the next, so slow drifts of the machine
// spread over all contestants alike. Tables show the median over the repetitions.
//
// A full run writes bench/RESULTS.md (committed) and bench/results/<date>.json (ignored by git);
// `--quick` (smaller sizes, 2 repetitions) prints the tables and writes only the JSON, unless
// `--write` asks for RESULTS.md too.

import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RUNTIMES_BIN = join(ROOT, "tools", "runtimes", "node_modules");
const NODE24 = join(RUNTIMES_BIN, "node", "bin", "node");
const BUN = join(RUNTIMES_BIN, ".bin", "bun");
const CHILD_TIMEOUT_MS = 180_000;

// ── what runs where ─────────────────────────────────────────────────────────────────────────────

/** Where a contestant runs. `node` is the Node on PATH (20 on CI); `node24` comes from npm. */
type RuntimeId = "node" | "node24" | "deno" | "bun" | "python";

interface Library {
  label: string;
  /** The program that runs its workloads, relative to the repository root. */
  program: string;
  /** The npm package whose version is recorded, if any. */
  pkg?: string;
}

const LIBRARIES: Record<string, Library> = {
  "ours-thread": { label: "ours: ThreadPoolExecutor", program: "bench/workloads/ours.mjs" },
  "ours-process": { label: "ours: ProcessPoolExecutor", program: "bench/workloads/ours.mjs" },
  piscina: { label: "piscina", program: "bench/workloads/node_peers.mjs", pkg: "piscina" },
  tinypool: {
    label: "tinypool (threads)",
    program: "bench/workloads/node_peers.mjs",
    pkg: "tinypool",
  },
  "tinypool-process": {
    label: "tinypool (child_process)",
    program: "bench/workloads/node_peers.mjs",
    pkg: "tinypool",
  },
  "workerpool-thread": {
    label: "workerpool (thread)",
    program: "bench/workloads/node_peers.mjs",
    pkg: "workerpool",
  },
  "workerpool-process": {
    label: "workerpool (process)",
    program: "bench/workloads/node_peers.mjs",
    pkg: "workerpool",
  },
  "raw-thread": {
    label: "no library: worker_threads, 4 tasks in flight each",
    program: "bench/workloads/raw.mjs",
  },
  "raw-process": {
    label: "no library: fork() IPC, 2 tasks in flight each",
    program: "bench/workloads/raw.mjs",
  },
  "python-thread": { label: "Python ThreadPoolExecutor", program: "bench/python/bench.py" },
  "python-fork": { label: "Python ProcessPoolExecutor (fork)", program: "bench/python/bench.py" },
  "python-forkserver": {
    label: "Python ProcessPoolExecutor (forkserver)",
    program: "bench/python/bench.py",
  },
};

const JS: RuntimeId[] = ["node", "node24", "deno", "bun"];
const NODE: RuntimeId[] = ["node", "node24"];
const PY: RuntimeId[] = ["python"];

interface Workload {
  id: string;
  title: string;
  /** One sentence on what is measured. */
  description: string;
  unit: string;
  higherIsBetter: boolean;
  /** Parameters passed to every program, full and quick. */
  params: { full: Record<string, number>; quick: Record<string, number> };
  /** Parameters that differ for the Python contestants. */
  pythonParams?: Record<string, number>;
  /** The library the ratios compare against. */
  reference: string;
  /** Contestants: library → the runtimes it runs on. */
  contestants: [string, RuntimeId[]][];
  /** Samples per contestant per repetition (one process each). */
  samplesPerRep?: number;
  /** Details from the JSON shown as extra columns (their median). */
  details?: { key: string; label: string; digits: number }[];
  digits: number;
}

// The extra columns of both CPU-speedup workloads.
const CPU_DETAILS: Workload["details"] = [
  { key: "inlineMs", label: "inline ms", digits: 1 },
  { key: "poolMs", label: "pool ms", digits: 1 },
];

const WORKLOADS: Workload[] = [
  {
    id: "threads-tiny",
    title: "Tiny tasks on threads",
    description:
      "Throughput of `(x) => x + 1` on 2 worker threads: submit every task, then await all " +
      "(after a warm-up burst that is not timed).",
    unit: "tasks/s",
    higherIsBetter: true,
    params: { full: { tasks: 20_000, warmup: 2_000 }, quick: { tasks: 5_000, warmup: 500 } },
    details: [{ key: "cpuMs", label: "CPU ms of the host process", digits: 0 }],
    reference: "piscina",
    contestants: [
      ["ours-thread", JS],
      ["piscina", NODE],
      ["tinypool", NODE],
      ["workerpool-thread", NODE],
      ["python-thread", PY],
      ["raw-thread", JS],
    ],
    digits: 0,
  },
  {
    id: "processes-tiny",
    title: "Tiny tasks on processes",
    description: "Throughput of `(x) => x + 1` on 2 worker processes, as above.",
    unit: "tasks/s",
    higherIsBetter: true,
    params: { full: { tasks: 5_000, warmup: 500 }, quick: { tasks: 2_000, warmup: 200 } },
    details: [{ key: "cpuMs", label: "CPU ms of the host process", digits: 0 }],
    reference: "python-fork",
    contestants: [
      ["ours-process", JS],
      ["workerpool-process", NODE],
      ["tinypool-process", NODE],
      ["python-fork", PY],
      ["python-forkserver", PY],
      ["raw-process", JS],
    ],
    digits: 0,
  },
  {
    id: "chunked-map",
    title: "Chunked map",
    description: "Throughput of `map((x) => x + 1, items, { chunksize: 1000 })` on 2 workers, " +
      "reading every result in order: after one whole untimed map (warm-up), the median of the " +
      "timed ones.",
    unit: "items/s",
    higherIsBetter: true,
    params: {
      full: { items: 200_000, chunksize: 1_000, rounds: 3 },
      quick: { items: 50_000, chunksize: 1_000, rounds: 3 },
    },
    reference: "python-fork",
    contestants: [
      ["ours-thread", JS],
      ["ours-process", JS],
      ["python-fork", PY],
      ["python-forkserver", PY],
    ],
    digits: 0,
  },
  {
    id: "cpu",
    title: "CPU speedup",
    description: "8 × recursive `fib(27)` on 2 workers: time inline on the main thread divided " +
      "by time on the pool (median of the rounds inside each process, inline and pool " +
      "alternating).",
    unit: "× speedup",
    higherIsBetter: true,
    params: { full: { tasks: 8, n: 27, rounds: 11 }, quick: { tasks: 8, n: 27, rounds: 3 } },
    reference: "python-fork",
    details: CPU_DETAILS,
    contestants: [
      ["ours-thread", JS],
      ["ours-process", JS],
      ["piscina", NODE],
      ["python-fork", PY],
      ["python-forkserver", PY],
    ],
    digits: 2,
  },
  {
    id: "cpu-equal",
    title: "CPU speedup, tasks of equal duration",
    description:
      "As above, but each JavaScript task is `fib(32)` and each Python task `fib(27)`: " +
      "about the same time per task (inline ms / 8), since JavaScript runs fib 10–16× faster than " +
      "CPython. " +
      "This compares the pools' parallelism without the grain of the tasks in the way.",
    unit: "× speedup",
    higherIsBetter: true,
    params: { full: { tasks: 8, n: 32, rounds: 5 }, quick: { tasks: 8, n: 32, rounds: 2 } },
    pythonParams: { n: 27 },
    reference: "python-fork",
    details: CPU_DETAILS,
    contestants: [
      ["ours-thread", JS],
      ["ours-process", JS],
      ["piscina", NODE],
      ["python-fork", PY],
    ],
    digits: 2,
  },
  {
    id: "cold-start",
    title: "Cold start",
    description: "From constructing a 2-worker pool to the first result, in a fresh process " +
      "(the library is already imported; its import time is in the JSON).",
    unit: "ms",
    higherIsBetter: false,
    params: { full: {}, quick: {} },
    reference: "piscina",
    contestants: [
      ["ours-thread", JS],
      ["ours-process", JS],
      ["piscina", NODE],
      ["tinypool", NODE],
      ["workerpool-thread", NODE],
      ["workerpool-process", NODE],
      ["python-thread", PY],
      ["python-fork", PY],
      ["python-forkserver", PY],
    ],
    samplesPerRep: 2,
    details: [{ key: "importMs", label: "import ms (not included)", digits: 1 }],
    digits: 1,
  },
  {
    id: "payload-copy",
    title: "16 MiB payload, copied",
    description: "One round trip of a fresh 16 MiB `Uint8Array` to a worker (structured clone), " +
      "the worker returning its length; median of the iterations inside each process.",
    unit: "ms",
    higherIsBetter: false,
    params: {
      full: { bytes: 16 * 2 ** 20, iterations: 10, warmup: 3 },
      quick: { bytes: 16 * 2 ** 20, iterations: 5, warmup: 2 },
    },
    reference: "piscina",
    contestants: [["ours-thread", JS], ["piscina", NODE]],
    digits: 2,
  },
  {
    id: "payload-transfer",
    title: "16 MiB payload, transferred",
    description: "As above with the buffer in the transfer list: ours " +
      "`submitWith(fn, [buf], { transfer: [buf.buffer] })`, piscina `run(buf, { transferList })`.",
    unit: "ms",
    higherIsBetter: false,
    params: {
      full: { bytes: 16 * 2 ** 20, iterations: 40, warmup: 10 },
      quick: { bytes: 16 * 2 ** 20, iterations: 20, warmup: 5 },
    },
    reference: "piscina",
    contestants: [["ours-thread", JS], ["piscina", NODE]],
    digits: 2,
  },
];

// ── command line ────────────────────────────────────────────────────────────────────────────────

interface Options {
  quick: boolean;
  reps: number;
  only: string[] | undefined;
  libs: string[] | undefined;
  runtimes: RuntimeId[];
  build: boolean;
  writeMarkdown: boolean;
  /** Write the results JSON (`--no-json`: a smoke run, as in `npm test`, leaves no trace). */
  writeJson: boolean;
  /** Render the tables again from a results JSON instead of running anything. */
  render: string | undefined;
}

function parseArgs(args: string[]): Options {
  const value = (name: string): string | undefined => {
    const at = args.indexOf(name);
    if (at < 0) return undefined;
    const v = args[at + 1];
    if (v === undefined || v.startsWith("--")) throw new Error(`${name} needs a value`);
    return v;
  };
  const list = (name: string) => value(name)?.split(",").map((s) => s.trim()).filter(Boolean);
  const known = new Set([
    "--quick",
    "--reps",
    "--only",
    "--libs",
    "--runtimes",
    "--no-build",
    "--no-write",
    "--no-json",
    "--write",
    "--render",
  ]);
  for (let i = 0; i < args.length; i++) {
    if (!known.has(args[i]!)) throw new Error(`unknown argument ${args[i]}`);
    if (["--reps", "--only", "--libs", "--runtimes", "--render"].includes(args[i]!)) i++;
  }
  const quick = args.includes("--quick");
  const reps = Number(value("--reps") ?? (quick ? 2 : 3));
  if (!Number.isInteger(reps) || reps < 1) throw new Error("--reps must be a positive integer");
  const only = list("--only");
  for (const id of only ?? []) {
    if (!WORKLOADS.some((w) => w.id === id)) throw new Error(`unknown workload ${id}`);
  }
  const libs = list("--libs");
  for (const id of libs ?? []) if (!(id in LIBRARIES)) throw new Error(`unknown library ${id}`);
  const runtimes =
    (list("--runtimes") ?? ["node", "node24", "deno", "bun", "python"]) as RuntimeId[];
  for (const id of runtimes) {
    if (!["node", "node24", "deno", "bun", "python"].includes(id)) {
      throw new Error(`unknown runtime ${id}`);
    }
  }
  const partial = only !== undefined || libs !== undefined || args.includes("--runtimes") ||
    args.includes("--render");
  return {
    quick,
    reps,
    only,
    libs,
    runtimes,
    build: !args.includes("--no-build"),
    render: value("--render"),
    // A quick or partial run must not overwrite the committed full results by accident.
    writeMarkdown: args.includes("--write") || (!quick && !partial && !args.includes("--no-write")),
    writeJson: !args.includes("--no-json"),
  };
}

// ── environment ─────────────────────────────────────────────────────────────────────────────────

const CHILD_ENV: Record<string, string> = (() => {
  const env = { ...Deno.env.toObject(), NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
  delete (env as Record<string, string | undefined>).NODE_OPTIONS;
  delete (env as Record<string, string | undefined>).FORCE_COLOR;
  return env;
})();

function commandFor(runtime: RuntimeId, program: string): [string, string[]] {
  const path = join(ROOT, program);
  switch (runtime) {
    case "node":
      return ["node", [path]];
    case "node24":
      return [NODE24, [path]];
    case "deno":
      return [Deno.execPath(), ["run", "-A", path]];
    case "bun":
      return [BUN, [path]];
    case "python":
      return ["python3", [path]];
  }
}

async function capture(cmd: string, args: string[]): Promise<string> {
  try {
    const out = await new Deno.Command(cmd, { args, env: CHILD_ENV, stderr: "null" }).output();
    return new TextDecoder().decode(out.stdout).trim();
  } catch (error) {
    return `unavailable (${error instanceof Error ? error.message : String(error)})`;
  }
}

interface Environment {
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

async function environment(): Promise<Environment> {
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
      node: (await capture("node", ["--version"])).replace(/^v/, ""),
      node24: (await capture(NODE24, ["--version"])).replace(/^v/, ""),
      deno: Deno.version.deno,
      bun: await capture(BUN, ["--version"]),
      python: (await capture("python3", ["--version"])).replace(/^Python /, ""),
    },
    pythonStartMethod: await capture("python3", [
      "-c",
      "import multiprocessing; print(multiprocessing.get_start_method())",
    ]),
    libraries,
  };
}

function runtimeLabel(env: Environment, runtime: RuntimeId): string {
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

// ── running ─────────────────────────────────────────────────────────────────────────────────────

interface Sample {
  value: number;
  [detail: string]: unknown;
}

interface Entry {
  library: string;
  runtime: RuntimeId;
  samples: Sample[];
  errors: string[];
}

interface WorkloadResult {
  id: string;
  params: Record<string, number>;
  entries: Entry[];
}

async function runChild(
  workload: Workload,
  entry: Entry,
  params: Record<string, number>,
): Promise<Sample> {
  const library = LIBRARIES[entry.library]!;
  const [cmd, args] = commandFor(entry.runtime, library.program);
  const own = entry.runtime === "python" ? workload.pythonParams : undefined;
  const input = JSON.stringify({
    workload: workload.id,
    library: entry.library,
    ...params,
    ...own,
  });
  const output = await new Deno.Command(cmd, {
    args: [...args, input],
    cwd: ROOT,
    env: CHILD_ENV,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(CHILD_TIMEOUT_MS),
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  const line = stdout.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
  if (!output.success || line === undefined) {
    const stderr = new TextDecoder().decode(output.stderr).trim().split("\n").slice(-5).join(" | ");
    throw new Error(`exit ${output.code}${output.signal ? ` (${output.signal})` : ""}: ${stderr}`);
  }
  const sample = JSON.parse(line.slice("BENCH_RESULT ".length)) as Sample;
  if (typeof sample.value !== "number" || !Number.isFinite(sample.value)) {
    throw new Error(`no numeric value in ${line}`);
  }
  return sample;
}

function selected(options: Options): { workload: Workload; entries: Entry[] }[] {
  return WORKLOADS.filter((w) => !options.only || options.only.includes(w.id)).map((workload) => ({
    workload,
    entries: workload.contestants.flatMap(([library, runtimes]) =>
      options.libs && !options.libs.includes(library) ? [] : runtimes
        .filter((r) => options.runtimes.includes(r))
        .map((runtime) => ({ library, runtime, samples: [], errors: [] }))
    ),
  })).filter(({ entries }) => entries.length > 0);
}

function format(value: number, digits: number): string {
  return value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

async function runAll(options: Options, env: Environment): Promise<WorkloadResult[]> {
  const plan = selected(options);
  const total = plan.reduce(
    (n, { workload, entries }) => n + entries.length * (workload.samplesPerRep ?? 1),
    0,
  ) * options.reps;
  let done = 0;
  const started = Date.now();
  for (let rep = 0; rep < options.reps; rep++) {
    for (const { workload, entries } of plan) {
      const params = options.quick ? workload.params.quick : workload.params.full;
      for (let s = 0; s < (workload.samplesPerRep ?? 1); s++) {
        // Rotate the order each time, so no contestant always runs first (or right after another).
        const shift = (rep * (workload.samplesPerRep ?? 1) + s) % entries.length;
        const order = [...entries.slice(shift), ...entries.slice(0, shift)];
        for (const entry of order) {
          done++;
          const tag = `[${done}/${total}] rep ${rep + 1} ${workload.id} ${entry.library} on ${
            runtimeLabel(env, entry.runtime)
          }`;
          try {
            const sample = await runChild(workload, entry, params);
            entry.samples.push(sample);
            console.log(`${tag}: ${format(sample.value, workload.digits)} ${workload.unit}`);
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            entry.errors.push(message);
            console.log(`${tag}: FAILED ${message}`);
          }
        }
      }
    }
  }
  console.log(`ran ${total} processes in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return plan.map(({ workload, entries }) => ({
    id: workload.id,
    params: options.quick ? workload.params.quick : workload.params.full,
    entries,
  }));
}

// ── statistics and reporting ────────────────────────────────────────────────────────────────────

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function medianOf(entry: Entry | undefined): number | undefined {
  return entry && entry.samples.length > 0 ? median(entry.samples.map((s) => s.value)) : undefined;
}

/**
 * How many times better `value` is than `reference`: above 1 is better, whichever way the unit
 * points.
 */
function ratio(workload: Workload, value: number, reference: number): number {
  return workload.higherIsBetter ? value / reference : reference / value;
}

/** The reference entry for a row: the reference library on the same runtime, else its last one. */
function referenceFor(
  workload: Workload,
  result: WorkloadResult,
  runtime: RuntimeId,
): { entry: Entry; sameRuntime: boolean } | undefined {
  const refs = result.entries.filter((e) => e.library === workload.reference && e.samples.length);
  const same = refs.find((e) => e.runtime === runtime);
  if (same) return { entry: same, sameRuntime: true };
  const last = refs[refs.length - 1];
  return last ? { entry: last, sameRuntime: false } : undefined;
}

interface Target {
  text: string;
  workload: string;
  ours: string[];
  reference: string;
  /** The ratio (better-is-above-1) that must be reached. */
  needed: number;
}

const TARGETS: Target[] = [
  {
    text: "threads ≥ 1.2× piscina's tiny-task throughput",
    workload: "threads-tiny",
    ours: ["ours-thread"],
    reference: "piscina",
    needed: 1.2,
  },
  {
    text: "processes ≥ 3× Python's tiny-task throughput",
    workload: "processes-tiny",
    ours: ["ours-process"],
    reference: "python-fork",
    needed: 3,
  },
  {
    text: "chunked map ≥ 1.5× Python's",
    workload: "chunked-map",
    ours: ["ours-thread", "ours-process"],
    reference: "python-fork",
    needed: 1.5,
  },
  {
    text: "CPU speedup within 5% of Python's",
    workload: "cpu",
    ours: ["ours-thread", "ours-process"],
    reference: "python-fork",
    needed: 0.95,
  },
  {
    text: "CPU speedup within 5% of Python's, tasks of equal duration",
    workload: "cpu-equal",
    ours: ["ours-thread", "ours-process"],
    reference: "python-fork",
    needed: 0.95,
  },
  {
    text: "cold start no slower than piscina's",
    workload: "cold-start",
    ours: ["ours-thread"],
    reference: "piscina",
    needed: 1,
  },
];

function markdown(env: Environment, options: Options, results: WorkloadResult[]): string {
  const out: string[] = [];
  const rt = (r: RuntimeId) => runtimeLabel(env, r);
  const label = (lib: string) => {
    const l = LIBRARIES[lib]!;
    return l.pkg ? `${l.label} ${env.libraries[l.pkg]}` : l.label;
  };
  out.push("# Benchmark results", "");
  out.push(
    `Generated by \`npm run bench\` (\`bench/run.ts\`${options.quick ? " --quick" : ""}) on ${
      env.date.slice(0, 10)
    } at commit ${env.commit}. Regenerate with \`npm run bench\` ` +
      "or `deno task bench`; see `bench/README.md` for what each workload does.",
    "",
  );
  out.push(
    `- **Machine:** ${env.machine.model}, ${env.machine.nproc} CPUs (nproc), ` +
      `${env.machine.memoryGiB} GiB, ${env.machine.os}; load average at the start ` +
      `${env.machine.loadAverage.join(" / ")}. A shared VM: absolute numbers drift by tens of ` +
      "percent between runs, so read the ratios.",
    `- **Runtimes:** ${(["node", "node24", "deno", "bun"] as RuntimeId[]).map(rt).join(", ")}, ${
      rt("python")
    } (default start method on this OS: \`${env.pythonStartMethod}\`; ` +
      "`forkserver`, the default from 3.14, is measured too).",
    `- **Libraries:** @concurrent/futures ${env.libraries["@concurrent/futures"]} (this ` +
      `checkout; Node runs the built npm package), piscina ${env.libraries.piscina}, tinypool ` +
      `${env.libraries.tinypool}, workerpool ${env.libraries.workerpool}.`,
    `- **Method:** every sample is a fresh process; ${options.reps} repetitions, the ` +
      "contestants of a workload interleaved within each repetition (order rotating); each cell " +
      "is the median of the repetitions, with the range. Every pool has exactly 2 workers " +
      "(min = max where the library has both, no idle shrinking). Throughput excludes a warm-up.",
    `- **Ratios:** "× ref" is how many times *better* than the reference the row is (above 1 ` +
      "is better, for times as for rates), against the reference on the same runtime; † marks " +
      "a row compared against the reference on another runtime (the reference does not run on " +
      "it).",
    "",
  );

  out.push("## This library on each runtime", "");
  out.push(
    "Medians from the tables below, side by side (tasks/s and items/s: higher is better; " +
      "ms: lower is better; speedups: higher is better).",
    "",
  );
  const sideBy: RuntimeId[] = ["node", "node24", "deno", "bun"].filter((r) =>
    options.runtimes.includes(r as RuntimeId)
  ) as RuntimeId[];
  out.push(`| workload | pool | unit | ${sideBy.map(rt).join(" | ")} |`);
  out.push(`|---|---|---|${sideBy.map(() => "---:|").join("")}`);
  for (const result of results) {
    const workload = WORKLOADS.find((w) => w.id === result.id)!;
    for (const lib of ["ours-thread", "ours-process"]) {
      const entries = result.entries.filter((e) => e.library === lib);
      if (entries.length === 0) continue;
      const cells = sideBy.map((r) => {
        const value = medianOf(entries.find((e) => e.runtime === r));
        return value === undefined ? "" : format(value, workload.digits);
      });
      out.push(
        `| ${workload.title} | ${
          LIBRARIES[lib]!.label.replace("ours: ", "")
        } | ${workload.unit} | ${cells.join(" | ")} |`,
      );
    }
  }
  out.push("");

  out.push("## Targets", "");
  out.push(
    "The targets of issue 8, per runtime. Why the ones marked ❌ cannot hold on this machine, " +
      "measured: [`bench/README.md`, Reading the results](README.md#reading-the-results).",
    "",
  );
  out.push("| target | ours | on | ours | reference | ratio | holds |");
  out.push("|---|---|---|---:|---:|---:|:---:|");
  for (const target of TARGETS) {
    const workload = WORKLOADS.find((w) => w.id === target.workload)!;
    const result = results.find((r) => r.id === target.workload);
    if (!result) continue;
    for (const lib of target.ours) {
      for (const entry of result.entries.filter((e) => e.library === lib)) {
        const value = medianOf(entry);
        const ref = referenceFor(workload, result, entry.runtime);
        const refValue = medianOf(ref?.entry);
        if (value === undefined || ref === undefined || refValue === undefined) continue;
        const r = ratio(workload, value, refValue);
        out.push(
          `| ${target.text} | ${LIBRARIES[lib]!.label.replace("ours: ", "")} | ${
            rt(entry.runtime)
          } | ${format(value, workload.digits)} | ${format(refValue, workload.digits)} (${
            label(ref.entry.library)
          }${ref.sameRuntime ? "" : ` on ${rt(ref.entry.runtime)}`}) | ${r.toFixed(2)}× | ${
            r >= target.needed ? "✅" : "❌"
          } |`,
        );
      }
    }
  }
  out.push("");

  for (const result of results) {
    const workload = WORKLOADS.find((w) => w.id === result.id)!;
    out.push(`## ${workload.title} (\`${workload.id}\`)`, "");
    const shown = Object.entries(result.params).map(([k, v]) => `${k} = ${v}`).join(", ");
    out.push(`${workload.description}${shown ? ` Parameters: ${shown}.` : ""}`, "");
    const details = workload.details ?? [];
    out.push(
      `| library | runtime | ${workload.unit} (median) | range | n | × ${
        label(workload.reference)
      } |${details.map((d) => ` ${d.label} |`).join("")}`,
    );
    out.push(`|---|---|---:|---:|---:|---:|${details.map(() => "---:|").join("")}`);
    for (const entry of result.entries) {
      const value = medianOf(entry);
      const values = entry.samples.map((s) => s.value);
      if (value === undefined) {
        out.push(
          `| ${label(entry.library)} | ${rt(entry.runtime)} | failed | | 0 | |${
            details.map(() => " |").join("")
          }`,
        );
        continue;
      }
      const ref = referenceFor(workload, result, entry.runtime);
      const refValue = medianOf(ref?.entry);
      const r = refValue === undefined
        ? ""
        : `${ratio(workload, value, refValue).toFixed(2)}×${ref!.sameRuntime ? "" : "†"}`;
      const cells = details.map((d) => {
        const xs = entry.samples.map((s) => s[d.key]).filter((x) => typeof x === "number");
        return ` ${xs.length > 0 ? format(median(xs as number[]), d.digits) : ""} |`;
      });
      out.push(
        `| ${label(entry.library)} | ${rt(entry.runtime)} | ${format(value, workload.digits)} | ${
          format(Math.min(...values), workload.digits)
        }–${format(Math.max(...values), workload.digits)} | ${values.length} | ${r} |${
          cells.join("")
        }`,
      );
    }
    const failures = result.entries.filter((e) => e.errors.length > 0);
    for (const entry of failures) {
      out.push(
        "",
        `${label(entry.library)} on ${rt(entry.runtime)} failed ${entry.errors.length}×: ` +
          `\`${entry.errors[0]!.replaceAll("`", "'").slice(0, 300)}\``,
      );
    }
    out.push("");
  }
  return out.join("\n");
}

async function writeMarkdown(md: string): Promise<void> {
  const resultsMd = join(ROOT, "bench", "RESULTS.md");
  await Deno.writeTextFile(resultsMd, md + "\n");
  // In the repository's style (deno fmt --check is part of the tests).
  await new Deno.Command(Deno.execPath(), { args: ["fmt", "-q", resultsMd], cwd: ROOT }).output();
  console.log("wrote bench/RESULTS.md");
}

// ── main ────────────────────────────────────────────────────────────────────────────────────────

async function build(): Promise<void> {
  console.log("building the npm package (npm/esm/) for the Node runs …");
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/build_npm.ts", "--no-tests"],
    cwd: ROOT,
    env: CHILD_ENV,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("the npm build failed");
}

async function main(): Promise<void> {
  const options = parseArgs(Deno.args);
  if (options.render !== undefined) {
    const saved = JSON.parse(await Deno.readTextFile(options.render)) as {
      environment: Environment;
      options: Options;
      workloads: WorkloadResult[];
    };
    const md = markdown(saved.environment, saved.options, saved.workloads);
    console.log(md);
    if (options.writeMarkdown) await writeMarkdown(md);
    return;
  }
  const usesNodeOurs = selected(options).some(({ entries }) =>
    entries.some((e) => e.library.startsWith("ours-") && e.runtime.startsWith("node"))
  );
  if (options.build && usesNodeOurs) await build();
  const env = await environment();
  // The Node on PATH may already be 24; then "node24" would only repeat it.
  if (env.runtimes.node.split(".")[0] === env.runtimes.node24.split(".")[0]) {
    options.runtimes = options.runtimes.filter((r) => r !== "node24");
  }
  console.log(
    `runtimes: ${options.runtimes.map((r) => runtimeLabel(env, r)).join(", ")}; ` +
      `${options.reps} repetitions${options.quick ? " (quick)" : ""}`,
  );
  const results = await runAll(options, env);
  const md = markdown(env, options, results);
  console.log(`\n${md}`);

  if (options.writeJson) {
    const resultsDir = join(ROOT, "bench", "results");
    await Deno.mkdir(resultsDir, { recursive: true });
    const stamp = env.date.replace(/[:.]/g, "-");
    const jsonPath = join(resultsDir, `${stamp}${options.quick ? "-quick" : ""}.json`);
    const json = JSON.stringify({ environment: env, options, workloads: results }, null, 2);
    await Deno.writeTextFile(jsonPath, json + "\n");
    await Deno.writeTextFile(join(resultsDir, "latest.json"), json + "\n");
    console.log(`wrote ${jsonPath.replace(ROOT, "")} and bench/results/latest.json`);
  }
  if (options.writeMarkdown) await writeMarkdown(md);
  const failed = results.some((r) => r.entries.some((e) => e.samples.length === 0));
  if (failed) {
    console.log("some contestants produced no sample; see the tables");
    Deno.exit(1);
  }
}

if (import.meta.main) await main();
