// Copyright 2026 the concurrent-futures authors. MIT license.
// Running the contestants: every (library, runtime, workload) sample is one fresh process, which
// prints one `BENCH_RESULT {json}` line. Within each repetition every workload runs each of its
// contestants once, in an order that rotates from one repetition to the next, so slow drifts of
// the machine spread over all contestants alike.

import { join } from "node:path";
import { CHILD_ENV, type Environment, runtimeLabel } from "./_environment.ts";
import { BUN, DENO, NODE, NODE24, PYTHON, ROOT } from "./_paths.ts";
import type { Entry, Sample, WorkloadResult } from "./_results.ts";
import { format } from "./_stats.ts";
import { LIBRARIES, type RuntimeId, type Workload, WORKLOADS } from "./workloads.ts";

const CHILD_TIMEOUT_MS = 180_000;

/** What to run: the part of the command line that the runner and the report read. */
export interface RunOptions {
  quick: boolean;
  reps: number;
  only: string[] | undefined;
  libs: string[] | undefined;
  runtimes: RuntimeId[];
}

/**
 * The command that runs a contestant's program on a runtime.
 *
 * @param root The checkout whose program it is (this one by default).
 */
export function commandFor(
  runtime: RuntimeId,
  program: string,
  root: string = ROOT,
): [string, string[]] {
  const path = join(root, program);
  switch (runtime) {
    case "node":
      return [NODE, [path]];
    case "node24":
      return [NODE24, [path]];
    case "deno":
      return [DENO, ["run", "-A", path]];
    case "bun":
      return [BUN, [path]];
    case "python":
      return [PYTHON, [path]];
  }
}

/** One sample: one fresh process, its `BENCH_RESULT` line parsed. */
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

/** The workloads and contestants that `--only`, `--libs` and `--runtimes` leave. */
export function selected(options: RunOptions): { workload: Workload; entries: Entry[] }[] {
  return WORKLOADS.filter((w) => !options.only || options.only.includes(w.id)).map((workload) => ({
    workload,
    entries: workload.contestants.flatMap(([library, runtimes]) =>
      options.libs && !options.libs.includes(library) ? [] : runtimes
        .filter((r) => options.runtimes.includes(r))
        .map((runtime) => ({ library, runtime, samples: [], errors: [] }))
    ),
  })).filter(({ entries }) => entries.length > 0);
}

/** Run every repetition of every selected contestant, logging each sample as it comes. */
export async function runAll(options: RunOptions, env: Environment): Promise<WorkloadResult[]> {
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
