// Copyright 2026 the concurrent-futures authors. MIT license.
// `npm run test:stress`: the reliability tests at full size on Deno, Bun, Node 22 and Node 24
// (Node 22 runs the compiled suite in .npm_test/, Node 24 the TypeScript source directly). Sizes are the issue's: 100 crash-storm trials per pool, 100,000
// tasks for loss/duplicates, 1,000 fuzz cases per pool, a 1,000,000-task soak per pool with
// the RSS bound, 20 SIGKILLed parents with children in random states.
// Ends with `N passed, N failed`.

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { BUN, DENO, NODE22, NODE24, ROOT } from "./_runtimes.mjs";
const env = {
  ...process.env,
  NO_COLOR: "1",
  RELIABILITY_TRIALS: process.env.RELIABILITY_TRIALS ?? "100",
  RELIABILITY_TASKS: process.env.RELIABILITY_TASKS ?? "100000",
  RELIABILITY_CASES: process.env.RELIABILITY_CASES ?? "1000",
  RELIABILITY_SOAK: process.env.RELIABILITY_SOAK ?? "1000000",
  RELIABILITY_ORPHANS: process.env.RELIABILITY_ORPHANS ?? "20",
};
delete env.FORCE_COLOR;

const NODE_TEST = ["--test", "--test-reporter=spec", "--test-concurrency=1"];
// Node 22 cannot run TypeScript: it runs the suite compiled by scripts/build_npm.ts.
const COMPILED = join(ROOT, ".npm_test", "tests", "reliability");
const compiled = existsSync(COMPILED)
  ? readdirSync(COMPILED).filter((f) => f.endsWith("_test.js")).map((f) => join(COMPILED, f))
  : [];
if (compiled.length === 0) {
  console.error("no .npm_test/tests/reliability/: run `deno run -A scripts/build_npm.ts` first");
}
const runs = [
  ["deno", DENO, ["test", "-A", "--no-check", "tests/reliability/"], deno],
  ["bun", BUN, ["test", "--timeout", "1800000", "./tests/reliability/"], bun],
  ["node 22 (built package)", NODE22, [...NODE_TEST, ...compiled], node],
  // A glob: given a directory, Node 24 tries to load it as a module.
  ["node 24", NODE24, [...NODE_TEST, "tests/reliability/*_test.ts"], node],
];

let passed = 0;
let failed = 0;
for (const [name, cmd, args, count] of runs) {
  console.log(`\n══ reliability at full size on ${name}`);
  const result = spawnSync(cmd, args, { cwd: ROOT, env, encoding: "utf8", maxBuffer: 1 << 28 });
  const output = `${result.stdout}${result.stderr}`;
  process.stdout.write(output);
  const counts = count(output) ?? { passed: 0, failed: 1 };
  if (result.status !== 0 && counts.failed === 0) counts.failed = 1;
  console.log(`══ ${name}: ${counts.passed} passed, ${counts.failed} failed`);
  passed += counts.passed;
  failed += counts.failed;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

function deno(output) {
  const m = /(?:ok|FAILED) \| (\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed/.exec(output);
  return m ? { passed: Number(m[1]) + Number(m[2] ?? 0), failed: Number(m[3]) } : null;
}
function bun(output) {
  const p = /^\s*(\d+) pass\s*$/m.exec(output);
  const f = /^\s*(\d+) fail\s*$/m.exec(output);
  return p || f ? { passed: Number(p?.[1] ?? 0), failed: Number(f?.[1] ?? 0) } : null;
}
function node(output) {
  const p = /^ℹ pass (\d+)/m.exec(output);
  const f = /^ℹ fail (\d+)/m.exec(output);
  return p ? { passed: Number(p[1]), failed: Number(f?.[1] ?? 0) } : null;
}
