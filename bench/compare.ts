// Copyright 2026 the concurrent-futures authors. MIT license.
// Before and after in one run: this checkout's workloads against another checkout's, sample by
// sample in alternation, on the same machine at the same time.
//
//   deno run -A bench/compare.ts <other checkout> [--only w1,w2] [--runtimes node,deno,…]
//                                [--libs ours-thread,ours-process] [--reps N] [--quick]
//
// Each checkout must have its npm package built (scripts/build_npm.ts) for the Node and Bun runs.
// Prints, per workload, library and runtime, the median of each side and their ratio (this / other).

import { resolve } from "node:path";
import { CHILD_ENV } from "./_environment.ts";
import { ROOT } from "./_paths.ts";
import { commandFor } from "./_runner.ts";
import { median } from "./_stats.ts";
import { LIBRARIES, type RuntimeId, WORKLOADS } from "./workloads.ts";

const args = [...Deno.args];
const other = args.shift();
if (other === undefined || other.startsWith("--")) {
  throw new Error("usage: deno run -A bench/compare.ts <other checkout> [options]");
}
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};
const only = flag("--only")?.split(",") ?? ["threads-tiny", "processes-tiny", "chunked-map"];
const runtimes =
  (flag("--runtimes")?.split(",") ?? ["node", "node24", "deno", "bun"]) as RuntimeId[];
const libs = flag("--libs")?.split(",") ?? ["ours-thread", "ours-process"];
const reps = Number(flag("--reps") ?? 5);
const quick = args.includes("--quick");

async function sample(root: string, runtime: RuntimeId, input: string): Promise<number> {
  const [cmd, cmdArgs] = commandFor(runtime, LIBRARIES["ours-thread"]!.program, root);
  const output = await new Deno.Command(cmd, {
    args: [...cmdArgs, input],
    cwd: root,
    env: CHILD_ENV,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const line = new TextDecoder().decode(output.stdout).split("\n")
    .find((l) => l.startsWith("BENCH_RESULT "));
  if (!output.success || line === undefined) {
    throw new Error(`${root} ${runtime}: ${new TextDecoder().decode(output.stderr).slice(-500)}`);
  }
  return JSON.parse(line.slice("BENCH_RESULT ".length)).value;
}

const roots = { this: ROOT, other: resolve(other) };
console.log(`this: ${roots.this}\nother: ${roots.other}\n`);
console.log(
  "| workload | library | runtime | this | other | this vs other (> 1: this is better) |",
);
console.log("|---|---|---|---:|---:|---:|");
for (const workload of WORKLOADS.filter((w) => only.includes(w.id))) {
  for (const [library, on] of workload.contestants) {
    if (!libs.includes(library)) continue;
    for (const runtime of on.filter((r) => runtimes.includes(r))) {
      const input = JSON.stringify({
        workload: workload.id,
        library,
        ...(quick ? workload.params.quick : workload.params.full),
      });
      const values = { this: [] as number[], other: [] as number[] };
      for (let rep = 0; rep < reps; rep++) {
        // Alternate which side goes first, so that a drift of the machine favours neither.
        const order = rep % 2 === 0 ? ["this", "other"] as const : ["other", "this"] as const;
        for (const side of order) values[side].push(await sample(roots[side], runtime, input));
      }
      const a = median(values.this);
      const b = median(values.other);
      const ratio = workload.higherIsBetter ? a / b : b / a;
      console.log(
        `| ${workload.id} | ${library} | ${runtime} | ${a.toFixed(0)} | ${b.toFixed(0)} | ${
          ratio.toFixed(2)
        }× |`,
      );
    }
  }
}
