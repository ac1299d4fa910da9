// Copyright 2026 the concurrent-futures authors. MIT license.
// The one entry point for a machine with only Node >= 20 and npm: installs what is missing
// (npm packages, and deno, bun, Node 22 and Node 24 from npm under tools/runtimes/), then runs a
// command. The Node that runs this script may be any; the suites run on the pinned 22 and 24.
//
//   node scripts/dev.mjs test          static checks, then the suite on deno, bun, node 22 and node 24
//   node scripts/dev.mjs demo [args]   the walkthrough (--runtime deno|bun|node, default deno)
//   node scripts/dev.mjs build         the npm package into npm/, smoke-tested
//   node scripts/dev.mjs bench [args]  the benchmarks
//   node scripts/dev.mjs test:stress   the long reliability runs
//
// Plain JavaScript with no dependencies, so it runs before anything is installed.

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { ALL, BUN, DENO, NODE22, NODE24, ROOT } from "./_runtimes.mjs";

const ENV = { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
delete ENV.NODE_OPTIONS;
delete ENV.FORCE_COLOR; // Deno takes any FORCE_COLOR, even "0", as "use colors"

/** Install root and runtime packages when they are missing (a runtime added to the pins too). */
function ensureInstalled() {
  const runtimesMissing = Object.values(ALL).some((path) => !existsSync(path));
  for (const dir of [ROOT, join(ROOT, "tools", "runtimes")]) {
    const stale = dir !== ROOT && runtimesMissing;
    if (!stale && existsSync(join(dir, "node_modules", ".package-lock.json"))) continue;
    console.log(`installing npm packages in ${dir === ROOT ? "." : "tools/runtimes"} …`);
    run("npm", ["ci", "--no-audit", "--no-fund"], { cwd: dir, check: true });
  }
}

/** Run a command, streaming its output; return { status, output }. */
function run(cmd, args, { cwd = ROOT, check = false, capture = false, env = ENV } = {}) {
  const result = spawnSync(cmd, args, {
    cwd,
    env,
    stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit",
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const output = capture ? `${result.stdout ?? ""}${result.stderr ?? ""}` : "";
  if (capture) process.stdout.write(output);
  if (result.error) throw result.error;
  if (check && result.status !== 0) {
    console.error(`\n${cmd} ${args.join(" ")} failed with exit code ${result.status}`);
    process.exit(result.status ?? 1);
  }
  return { status: result.status ?? 1, output };
}

/**
 * The distributed tests need nats-server (JetStream). Install the Debian package where it is
 * missing and this runs as root; elsewhere the tests print why they are skipped.
 */
function ensureNatsServer() {
  const paths = ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"];
  if (paths.some((path) => existsSync(path))) return;
  if (spawnSync("which", ["nats-server"]).status === 0) return;
  if (process.getuid?.() !== 0 || spawnSync("which", ["apt-get"]).status !== 0) {
    console.log("nats-server is missing (not root or no apt-get): the distributed tests skip");
    return;
  }
  console.log("installing nats-server (apt-get) for the distributed tests …");
  const env = { ...ENV, DEBIAN_FRONTEND: "noninteractive" };
  run("apt-get", ["update"], { env });
  run("apt-get", ["install", "-y", "--no-install-recommends", "nats-server"], { env });
}

// ── test ────────────────────────────────────────────────────────────────────────────────────────

function countDeno(output) {
  const m =
    /(?:ok|FAILED) \| (\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed(?: \((\d+) steps?\))?/
      .exec(output);
  return m
    ? { passed: Number(m[1]) + Number(m[2] ?? 0), failed: Number(m[3]) + Number(m[4] ?? 0) }
    : null;
}
function countBun(output) {
  const pass = /^\s*(\d+) pass\s*$/m.exec(output);
  const fail = /^\s*(\d+) fail\s*$/m.exec(output);
  return pass || fail ? { passed: Number(pass?.[1] ?? 0), failed: Number(fail?.[1] ?? 0) } : null;
}
function countNode(output) {
  const pick = (name) => Number(new RegExp(`^ℹ ${name} (\\d+)\\s*$`, "m").exec(output)?.[1] ?? NaN);
  const passed = pick("pass");
  if (Number.isNaN(passed)) return null;
  return { passed, failed: (pick("fail") || 0) + (pick("cancelled") || 0) };
}

function test(extraArgs) {
  ensureInstalled();
  ensureNatsServer();
  const results = [];
  const record = (name, counts) => {
    results.push({ name, ...(counts ?? { passed: 0, failed: 1, missing: true }) });
  };
  const check = (name, cmd, args) => {
    console.log(`\n── ${name}: ${[cmd.replace(ROOT + "/", ""), ...args].join(" ")}`);
    const { status } = run(cmd, args);
    record(name, status === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 });
  };
  const suite = (name, cmd, args, count) => {
    console.log(`\n══ suite on ${name}: ${[cmd.replace(ROOT + "/", ""), ...args].join(" ")}`);
    const started = Date.now();
    const { status, output } = run(cmd, args, { capture: true });
    // deno-lint-ignore no-control-regex -- strip ANSI colors, should a runner print them anyway
    const counts = count(output.replace(/\x1b\[[0-9;]*m/g, ""));
    if (counts && status !== 0 && counts.failed === 0) counts.failed = 1; // crashed after the tests
    if (counts && counts.passed === 0 && counts.failed === 0) counts.failed = 1; // ran no test
    record(`suite on ${name}`, counts);
    console.log(
      `══ ${name}: ${
        counts ? `${counts.passed} passed, ${counts.failed} failed` : "no summary"
      } (exit ${status}, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
  };

  const filter = extraArgs.length > 0 ? extraArgs : [];
  if (filter.length === 0) {
    check("deno fmt --check", DENO, ["fmt", "--check"]);
    check("deno lint", DENO, ["lint"]);
    const checked = [
      "mod.ts",
      "distributed.ts",
      "workers/",
      "tests/",
      "scripts/",
      "examples/",
      "bench/",
    ];
    check("deno check", DENO, ["check", ...checked.filter((path) => existsSync(join(ROOT, path)))]);
    check("deno doc --lint", DENO, ["doc", "--lint", "mod.ts", "distributed.ts"]);
    check("deno publish --dry-run", DENO, ["publish", "--dry-run", "--allow-dirty"]);
    // The JSDoc and README code samples: type-checked, then run. Running them with --no-check
    // spares the type check of the worker modules that `deno test` repeats for every snippet.
    const samples = ["mod.ts", "lib/", "README.md"];
    check("deno check --doc-only", DENO, ["check", "--doc-only", ...samples]);
    check("deno test --doc", DENO, ["test", "--doc", "--no-check", "--parallel", "-A", ...samples]);
  }
  check("npm build (tsc)", DENO, ["run", "-A", "scripts/build_npm.ts"]);

  const nodeFiles = (filter.length ? filter : ["tests/"]).map((f) =>
    join(".npm_test", f.replace(/\.ts$/, ".js"))
  );
  const nodeArgs = ["--test", "--test-reporter=spec", "--test-concurrency=1"];
  // Type checking is the `deno check` step; here it would re-check every worker as it starts.
  suite("deno", DENO, ["test", "-A", "--no-check", ...filter], countDeno);
  suite("bun", BUN, ["test", "--timeout", "60000", ...filter.map((f) => `./${f}`)], countBun);
  suite("node 22 (built package)", NODE22, [...nodeArgs, ...expandNodeFiles(nodeFiles)], countNode);
  suite("node 24 (built package)", NODE24, [...nodeArgs, ...expandNodeFiles(nodeFiles)], countNode);
  if (filter.length === 0) {
    // Every workload of every contestant once, small: the benchmarks still run and check their
    // results (on the package just built). Speed is not judged here.
    check("bench --quick (smoke, 1 repetition)", DENO, [
      "run",
      "-A",
      "bench/run.ts",
      "--quick",
      "--reps",
      "1",
      "--no-build",
      "--no-json",
    ]);
    check("publint", join(ROOT, "node_modules", ".bin", "publint"), ["npm"]);
    check("attw --profile esm-only", join(ROOT, "node_modules", ".bin", "attw"), [
      "--pack",
      "npm",
      "--profile",
      "esm-only",
    ]);
    check("npm package installed from its tarball", DENO, [
      "run",
      "-A",
      "scripts/build_npm.ts",
      "--no-build",
      "--package-test",
      NODE22,
      NODE24,
      BUN,
      DENO,
    ]);
  }

  console.log("\n── summary");
  let passed = 0;
  let failed = 0;
  for (const r of results) {
    passed += r.passed;
    failed += r.failed;
    const mark = r.failed === 0 ? "ok  " : "FAIL";
    console.log(
      `${mark} ${r.name}: ${
        r.missing ? "no test summary found" : `${r.passed} passed, ${r.failed} failed`
      }`,
    );
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

// The files to give node --test (given a directory, Node 24 tries to load it as a module).
function expandNodeFiles(paths) {
  const out = [];
  for (const path of paths) {
    if (path.endsWith(".js")) out.push(path);
    else out.push(...listTests(join(ROOT, path)));
  }
  return out;
}

function listTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "testdata" && entry.name !== "stress") found.push(...listTests(path));
    } else if (entry.name.endsWith("_test.js")) found.push(path);
  }
  return found.sort();
}

// ── other commands ──────────────────────────────────────────────────────────────────────────────

function demo(args) {
  ensureInstalled();
  const at = args.indexOf("--runtime");
  const runtime = at >= 0 ? args[at + 1] : "deno";
  const rest = at >= 0 ? [...args.slice(0, at), ...args.slice(at + 2)] : args;
  const script = "examples/walkthrough.ts";
  let result;
  if (runtime === "deno") result = run(DENO, ["run", "-A", script, ...rest]);
  else if (runtime === "bun") result = run(BUN, [script, ...rest]);
  else if (runtime === "node") {
    run(DENO, ["run", "-A", "scripts/build_npm.ts"], { check: true });
    result = run(NODE24, [join(".npm_test", script.replace(/\.ts$/, ".js")), ...rest]);
  } else {
    console.error(`--runtime must be deno, bun or node, got ${JSON.stringify(runtime)}`);
    process.exit(2);
  }
  process.exit(result.status);
}

function build(args) {
  ensureInstalled();
  const { status } = run(DENO, ["run", "-A", "scripts/build_npm.ts", "--no-tests", ...args]);
  if (status !== 0) process.exit(status);
  const checks = [
    ["publint", [join(ROOT, "node_modules", ".bin", "publint"), "npm"]],
    ["attw", [
      join(ROOT, "node_modules", ".bin", "attw"),
      "--pack",
      "npm",
      "--profile",
      "esm-only",
    ]],
  ];
  for (const [, [cmd, ...rest]] of checks) run(cmd, rest, { check: true });
  run(DENO, ["run", "-A", "scripts/build_npm.ts", "--no-build", "--package-test", NODE24], {
    check: true,
  });
}

function bench(args) {
  ensureInstalled();
  const { status } = run(DENO, ["run", "-A", "bench/run.ts", ...args]);
  process.exit(status);
}

function stress(args) {
  ensureInstalled();
  run(DENO, ["run", "-A", "scripts/build_npm.ts"], { check: true }); // Node 22 runs it compiled
  const { status } = run(process.execPath, [join(ROOT, "scripts", "stress.mjs"), ...args]);
  process.exit(status);
}

const [command = "test", ...rest] = process.argv.slice(2);
const commands = { test, demo, build, bench, "test:stress": stress };
if (!(command in commands)) {
  console.error(
    `unknown command ${JSON.stringify(command)}; one of: ${Object.keys(commands).join(", ")}`,
  );
  process.exit(2);
}
commands[command](rest);
