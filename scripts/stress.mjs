// Copyright 2026 the concurrent-futures authors. MIT license.
// `npm run test:stress`: the reliability tests at full size on Deno, Bun and Node 24 (which runs the
// TypeScript source directly). Sizes are the issue's: 100 crash-storm trials per pool, 100,000
// tasks for loss/duplicates, 1,000 fuzz cases per pool, a 1,000,000-task soak per pool with
// the RSS bound, 20 SIGKILLed parents with children in random states.
// Ends with `N passed, N failed`.

import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "tools", "runtimes", "node_modules");
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

const runs = [
  ["deno", join(BIN, ".bin", "deno"), ["test", "-A", "--no-check", "tests/reliability/"], deno],
  ["bun", join(BIN, ".bin", "bun"), ["test", "--timeout", "1800000", "./tests/reliability/"], bun],
  ["node 24", join(BIN, "node", "bin", "node"), [
    "--test",
    "--test-reporter=spec",
    "--test-concurrency=1",
    "tests/reliability/*_test.ts", // a glob: given a directory, Node 24 tries to load it as a module
  ], node],
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
