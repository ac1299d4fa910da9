// Copyright 2026 the concurrent-futures authors. MIT license.
// The benchmark's command line: runs this library and its peers side by side, in the same run,
// and reports ratios. Absolute times on a shared machine are noise; ratios between neighbours in
// time are what is worth reading.
//
//   deno run -A bench/run.ts [--quick] [--reps N] [--only w1,w2] [--libs l1,l2]
//                            [--runtimes node,node24,deno,bun,python] [--no-build] [--no-write]
//                            [--no-json] [--chart]
//   deno run -A bench/run.ts --render bench/results/latest.json [--write] [--chart]  (tables only)
//   deno run -A bench/run.ts --render bench/RESULTS.md --chart   (the chart of committed tables)
//
// A full run writes bench/RESULTS.md and bench/chart.svg (committed) and
// bench/results/<date>.json (ignored by git); `--quick` (smaller sizes, 2 repetitions) prints the
// tables and writes only the JSON, unless `--write` asks for RESULTS.md and the chart too, or
// `--chart` for the chart alone. The chart is drawn from the tables read back from RESULTS.md's
// text, on every run, so a table the chart cannot read fails the run.
//
// What runs is in workloads.ts (the programs in workloads/ and python/), how in _runner.ts; the
// tables are made by _report.ts from _stats.ts, the chart by _chart.ts from _results_md.ts; the
// runtimes' paths are in _paths.ts.

import { join } from "node:path";
import { CHILD_ENV, type Environment, environment, runtimeLabel } from "./_environment.ts";
import { chartSvg, writeChart } from "./_chart.ts";
import { DENO, ROOT } from "./_paths.ts";
import { markdown, writeMarkdown } from "./_report.ts";
import type { WorkloadResult } from "./_results.ts";
import { assertReadsBack, readResultTables } from "./_results_md.ts";
import { runAll, type RunOptions, selected } from "./_runner.ts";
import { LIBRARIES, type RuntimeId, WORKLOADS } from "./workloads.ts";

/** The command line. */
interface Options extends RunOptions {
  build: boolean;
  writeMarkdown: boolean;
  /** Write the results JSON (`--no-json`: a smoke run, as in `npm test`, leaves no trace). */
  writeJson: boolean;
  /**
   * Render the tables again from a results JSON instead of running anything, or (a RESULTS.md)
   * only the chart.
   */
  render: string | undefined;
  /** Write bench/chart.svg (`--chart`; a run that writes RESULTS.md writes it too). */
  writeChart: boolean;
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
    "--chart",
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
    writeChart: args.includes("--chart"),
  };
}

async function build(): Promise<void> {
  console.log("building the npm package (npm/esm/) for the Node and Bun runs …");
  const out = await new Deno.Command(DENO, {
    args: ["run", "-A", "scripts/build_npm.ts", "--no-tests"],
    cwd: ROOT,
    env: CHILD_ENV,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("the npm build failed");
}

/**
 * The chart of a run, drawn from its tables as RESULTS.md writes them, after checking that they
 * read back to what the run measured.
 */
function chart(md: string, env: Environment, results: WorkloadResult[]): string {
  const tables = readResultTables(md);
  assertReadsBack(tables, env, results);
  return chartSvg(tables);
}

async function main(): Promise<void> {
  const options = parseArgs(Deno.args);
  if (options.render?.endsWith(".md")) {
    if (options.writeMarkdown) {
      throw new Error(
        `--write: ${options.render} holds the tables themselves; --render a results JSON to ` +
          "write them again, or --chart to draw them",
      );
    }
    const tables = readResultTables(await Deno.readTextFile(options.render), options.render);
    const svg = chartSvg(tables);
    if (options.writeChart) await writeChart(svg);
    else console.log(`read ${tables.tables.length} tables; --chart writes bench/chart.svg`);
    return;
  }
  if (options.render !== undefined) {
    const saved = JSON.parse(await Deno.readTextFile(options.render)) as {
      environment: Environment;
      options: Options;
      workloads: WorkloadResult[];
    };
    const md = markdown(saved.environment, saved.options, saved.workloads);
    console.log(md);
    const svg = chart(md, saved.environment, saved.workloads);
    if (options.writeMarkdown) await writeMarkdown(md);
    if (options.writeMarkdown || options.writeChart) await writeChart(svg);
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
    // The options as they were before --chart existed: the JSON keeps its shape.
    const { writeChart: _, ...saved } = options;
    const json = JSON.stringify({ environment: env, options: saved, workloads: results }, null, 2);
    await Deno.writeTextFile(jsonPath, json + "\n");
    await Deno.writeTextFile(join(resultsDir, "latest.json"), json + "\n");
    console.log(`wrote ${jsonPath.replace(ROOT, "")} and bench/results/latest.json`);
  }
  // Drawn on every run (the smoke run of `npm test` too), after the JSON is safe.
  const svg = chart(md, env, results);
  if (options.writeMarkdown) await writeMarkdown(md);
  if (options.writeMarkdown || options.writeChart) await writeChart(svg);
  const failed = results.some((r) => r.entries.some((e) => e.samples.length === 0));
  if (failed) {
    console.log("some contestants produced no sample; see the tables");
    Deno.exit(1);
  }
}

if (import.meta.main) await main();
