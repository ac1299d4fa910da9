// Copyright 2026 the concurrent-futures authors. MIT license.
// What the benchmark runs: the contestants (a library and the program that drives it), the
// workloads with their parameters and contestants, and the targets the results are held to.
// `run.ts` runs them; `_report.ts` shows them. The programs themselves are in `workloads/` and
// `python/`.

/** Where a contestant runs. `node` is the pinned Node 22, `node24` the pinned Node 24 (tools/runtimes/). */
export type RuntimeId = "node" | "node24" | "deno" | "bun" | "python";

/** Who a contestant is, as the chart colours it. */
export type Kind = "ours" | "peer" | "python" | "none";

export interface Library {
  /** Its name in the tables. */
  label: string;
  /** Its name on the chart, shorter. */
  short: string;
  kind: Kind;
  /** The program that runs its workloads, relative to the repository root. */
  program: string;
  /** The npm package whose version is recorded, if any. */
  pkg?: string;
}

const OURS_PROGRAM = "bench/workloads/ours.mjs";
const PEERS_PROGRAM = "bench/workloads/node_peers.mjs";
const RAW_PROGRAM = "bench/workloads/raw.mjs";
const PYTHON_PROGRAM = "bench/python/bench.py";

export const LIBRARIES: Record<string, Library> = {
  "ours-thread": {
    label: "ours: ThreadPoolExecutor",
    short: "ours: threads",
    kind: "ours",
    program: OURS_PROGRAM,
  },
  "ours-process": {
    label: "ours: ProcessPoolExecutor",
    short: "ours: processes",
    kind: "ours",
    program: OURS_PROGRAM,
  },
  piscina: {
    label: "piscina",
    short: "piscina",
    kind: "peer",
    program: PEERS_PROGRAM,
    pkg: "piscina",
  },
  tinypool: {
    label: "tinypool (threads)",
    short: "tinypool: threads",
    kind: "peer",
    program: PEERS_PROGRAM,
    pkg: "tinypool",
  },
  "tinypool-process": {
    label: "tinypool (child_process)",
    short: "tinypool: processes",
    kind: "peer",
    program: PEERS_PROGRAM,
    pkg: "tinypool",
  },
  "workerpool-thread": {
    label: "workerpool (thread)",
    short: "workerpool: threads",
    kind: "peer",
    program: PEERS_PROGRAM,
    pkg: "workerpool",
  },
  "workerpool-process": {
    label: "workerpool (process)",
    short: "workerpool: processes",
    kind: "peer",
    program: PEERS_PROGRAM,
    pkg: "workerpool",
  },
  "raw-thread": {
    label: "no library: worker_threads, 8 tasks in flight each",
    short: "no library: threads",
    kind: "none",
    program: RAW_PROGRAM,
  },
  "raw-process": {
    label: "no library: fork() IPC, 9 tasks in flight each (cold start: one)",
    short: "no library: processes",
    kind: "none",
    program: RAW_PROGRAM,
  },
  "python-thread": {
    label: "Python ThreadPoolExecutor",
    short: "Python: threads",
    kind: "python",
    program: PYTHON_PROGRAM,
  },
  "python-fork": {
    label: "Python ProcessPoolExecutor (fork)",
    short: "Python: fork",
    kind: "python",
    program: PYTHON_PROGRAM,
  },
  "python-forkserver": {
    label: "Python ProcessPoolExecutor (forkserver)",
    short: "Python: forkserver",
    kind: "python",
    program: PYTHON_PROGRAM,
  },
};

const JS: RuntimeId[] = ["node", "node24", "deno", "bun"];
const NODE: RuntimeId[] = ["node", "node24"];
const PY: RuntimeId[] = ["python"];

export interface Workload {
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

export const WORKLOADS: Workload[] = [
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
      "(the library is already imported; its import time is in the JSON). No library: the " +
      "runtime's own round trip, `fork()` a child, send it one message, await its reply.",
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
      ["raw-process", JS],
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

// ── targets ──────────────────────────────────────────────────────────────────────────────────────

export interface Target {
  text: string;
  workload: string;
  ours: string[];
  reference: string;
  /** The ratio (better-is-above-1) that must be reached. */
  needed: number;
}

export const TARGETS: Target[] = [
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
    text: "processes ≥ 1.5× workerpool's processes on tiny tasks",
    workload: "processes-tiny",
    ours: ["ours-process"],
    reference: "workerpool-process",
    needed: 1.5,
  },
  {
    text: "chunked map ≥ 1.5× Python's",
    workload: "chunked-map",
    ours: ["ours-thread", "ours-process"],
    reference: "python-fork",
    needed: 1.5,
  },
  {
    text: "chunked map on processes ≥ 2× Python's",
    workload: "chunked-map",
    ours: ["ours-process"],
    reference: "python-fork",
    needed: 2,
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
  {
    text: "a process pool's first result within 1.5× of the runtime's bare round trip " +
      "(fork, one message, its reply)",
    workload: "cold-start",
    ours: ["ours-process"],
    reference: "raw-process",
    needed: 1 / 1.5,
  },
];
