// A process pool whose children have a 64 MB heap (a runtime flag), replacing crashed children: a
// task that allocates without end fails alone, the task queued behind it runs in a new child, and
// the program goes on. The child's fatal out-of-memory report lands on this script's stderr.
import { ProcessPoolExecutor } from "../../mod.ts";

const cap = "Deno" in globalThis ? "--v8-flags=--max-old-space-size=64" : "--max-old-space-size=64";
const pool = new ProcessPoolExecutor({
  maxWorkers: 1,
  onWorkerCrash: "replace",
  runtimeArgs: [cap],
});
try {
  const hog = pool.submit(() => {
    const kept: number[][] = [];
    for (;;) kept.push(new Array(100_000).fill(1));
  });
  const after = pool.submit((x: number) => x * 2, 21);
  const error = await hog.exception();
  const cause = (error as Error | undefined)?.cause as Error | undefined;
  console.log(`${(error as Error | undefined)?.name}: ${cause?.message}`);
  console.log(`after: ${await after}`);
  console.log(`again: ${await pool.submit(() => "usable")}`);
} finally {
  await pool.shutdown();
}
console.log("program goes on");
