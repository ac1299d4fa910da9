// Copyright 2026 the concurrent-futures authors. MIT license.
// Builds the npm package into npm/ from the same TypeScript source JSR publishes, and compiles the
// test suite into .npm_test/ so Node runs it against the very same output.
//
// Steps (kept separate so dnt can replace compile + writePackageJson where JSR is reachable):
//   compile (tsc) → postProcess (worker URLs and .d.ts specifiers) → bundleWorkers (esbuild)
//   → writePackageJson → smoke test.
//
// Usage: deno run -A scripts/build_npm.ts [--version X.Y.Z] [--no-tests] [--no-build]
//          [--package-test RUNTIME_EXECUTABLE...]
// Uses only node: built-ins, so `bun scripts/build_npm.ts` works too.

import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import process from "node:process";

const ROOT = resolve(import.meta.dirname ?? ".", "..");
const NPM_DIR = join(ROOT, "npm");
const TEST_DIR = join(ROOT, ".npm_test");
const TSC = process.env.TSC ?? join(ROOT, "node_modules", ".bin", "tsc");
const ESBUILD = process.env.ESBUILD ?? join(ROOT, "node_modules", ".bin", "esbuild");

interface DenoJson {
  name: string;
  version: string;
  license: string;
  imports?: Record<string, string>;
}

function main(): void {
  const args = process.argv.slice(2);
  const denoJson = JSON.parse(readFileSync(join(ROOT, "deno.json"), "utf8")) as DenoJson;
  const versionAt = args.indexOf("--version");
  const version = versionAt >= 0 ? args[versionAt + 1]!.replace(/^v/, "") : denoJson.version;

  const packageTestAt = args.indexOf("--package-test");
  if (!args.includes("--no-build")) {
    rmSync(NPM_DIR, { recursive: true, force: true });
    compile("tsconfig.build.json", join(NPM_DIR, "esm"));
    postProcess(join(NPM_DIR, "esm"));
    bundleWorkers(join(NPM_DIR, "esm"));
    writePackageJson(denoJson, version);
    console.log(`built ${denoJson.name}@${version} into ${relative(ROOT, NPM_DIR)}/`);
  }
  if (!args.includes("--no-tests") && !args.includes("--no-build")) {
    rmSync(TEST_DIR, { recursive: true, force: true });
    compile("tsconfig.test.json", TEST_DIR);
    postProcess(TEST_DIR);
    bundleWorkers(TEST_DIR);
    writeFileSync(join(TEST_DIR, "package.json"), JSON.stringify({ type: "module" }) + "\n");
    console.log(`compiled the test suite into ${relative(ROOT, TEST_DIR)}/`);
  }
  if (packageTestAt >= 0) packageTest(denoJson.name, args.slice(packageTestAt + 1));
}

/** Run tsc on a project file into `outDir`. */
export function compile(project: string, outDir: string): void {
  execFileSync(TSC, ["-p", join(ROOT, project), "--outDir", outDir], {
    cwd: ROOT,
    stdio: "inherit",
  });
}

const WORKER_URL = /new URL\((["'])(\.\.?\/[^"']+?)\.(m?)tsx?\1,(\s*)import\.meta\.url\)/g;
const LEFTOVER_URL = /new URL\([^;]*?\.m?tsx?["'`]\s*,\s*import\.meta\.url/;
const DTS_SPECIFIER = /((?:from|import)\s*\(?\s*)(["'])(\.\.?\/[^"']+?)\.(m?)tsx?\2/g;
// tsc's helpers look for a shared copy on `this`, which is `undefined` in an ES module: bundlers
// warn that they rewrite it (rollup: "this" has been rewritten to "undefined"). No compiler
// setting avoids it for an ES module, so the lookup is cut: the helper is always the local one.
const HELPER_LOOKUP = /^(var (__\w+) = )\(this && this\.\2\) \|\| /gm;
const LEFTOVER_THIS = /\(this && this\.__/;

/**
 * tsc rewrites import specifiers but not `new URL("./x.ts", import.meta.url)` (worker entries,
 * test data) nor the specifiers inside `.d.ts` files; fix both, and fail loudly on a leftover.
 */
export function postProcess(dir: string): void {
  for (const file of walk(dir)) {
    if (file.endsWith(".d.ts")) {
      const text = readFileSync(file, "utf8");
      const fixed = text.replace(
        DTS_SPECIFIER,
        (_m, head, q, path, m) => `${head}${q}${path}.${m}js${q}`,
      );
      if (fixed !== text) writeFileSync(file, fixed);
    } else if (file.endsWith(".js")) {
      const text = readFileSync(file, "utf8");
      const fixed = text.replace(HELPER_LOOKUP, "$1").replace(
        WORKER_URL,
        (_m, q, path, m, space) => {
          const target = resolve(join(file, ".."), `${path}.${m}js`);
          if (!existsSync(target)) {
            throw new Error(
              `${
                relative(ROOT, file)
              }: ${path}.${m}js was not emitted; add its source to the tsconfig files`,
            );
          }
          return `new URL(${q}${path}.${m}js${q},${space}import.meta.url)`;
        },
      );
      if (LEFTOVER_URL.test(fixed)) {
        throw new Error(
          `${
            relative(ROOT, file)
          }: a new URL(…".ts", import.meta.url) was left; write it as a plain string literal`,
        );
      }
      if (LEFTOVER_THIS.test(fixed)) {
        throw new Error(`${relative(ROOT, file)}: a tsc helper still reads \`this\` at top level`);
      }
      if (fixed !== text) writeFileSync(file, fixed);
    }
  }
}

/** The pools' worker entries, each bundled with what it imports (see {@linkcode bundleWorkers}). */
export const BUNDLED_WORKERS = ["workers/process_worker.js", "workers/thread_worker.js"];

/**
 * Replace each pool worker entry in `dir` by one file holding it and every module it imports
 * (esbuild; runtime built-ins and npm packages stay imports). A process pool's child, and a
 * thread, then load one file instead of ~20: resolving and reading each module was most of what
 * a child added to the runtime's own fork-and-reply time (a process pool's first result, medians
 * on the 2-core VM: Node 24 86 → 68 ms against the bare round trip's 61; Bun 30 → 24 against 23).
 * The modules stay in the package too: the host imports them, and a bundled app's worker is the
 * app itself (lib/runtime/worker_entry.ts). The bundle sits where the entry was, so what it
 * derives from `import.meta.url` (the worker loop's frames, cut from task stacks) still holds.
 */
export function bundleWorkers(dir: string): void {
  for (const entry of BUNDLED_WORKERS) {
    const file = join(dir, entry);
    execFileSync(ESBUILD, [
      file,
      "--bundle",
      "--format=esm",
      "--platform=node",
      "--target=es2022",
      "--packages=external",
      "--allow-overwrite",
      `--outfile=${file}`,
      "--log-level=warning",
      `--banner:js=// Generated by scripts/build_npm.ts: ${entry} and the modules it imports, ` +
      "in one file.",
    ], { cwd: ROOT, stdio: "inherit" });
  }
}

const REPOSITORY = "https://github.com/concurrent-futures/concurrent-futures";

/**
 * The package's dependencies with the ranges JSR users get (deno.json's `npm:` imports), not the
 * exact versions pinned for development in the root package.json.
 */
export function publishedDependencies(
  denoJson: DenoJson,
  pinned: Record<string, string>,
): Record<string, string> {
  const ranges: Record<string, string> = {};
  for (const name of Object.keys(pinned)) {
    const specifier = Object.values(denoJson.imports ?? {}).find((value) =>
      value.startsWith(`npm:${name}@`)
    );
    if (specifier === undefined) {
      throw new Error(`deno.json imports has no npm:${name}@RANGE for the dependency ${name}`);
    }
    ranges[name] = specifier.slice(`npm:${name}@`.length);
  }
  return ranges;
}

/** Write npm/package.json from deno.json, and copy README and LICENSE. */
export function writePackageJson(denoJson: DenoJson, version: string): void {
  const rootPkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const pkg = {
    name: denoJson.name,
    version,
    description:
      "Python's concurrent.futures for JavaScript: Future, wait, asCompleted, ThreadPoolExecutor and ProcessPoolExecutor on Deno, Bun and Node",
    license: denoJson.license,
    type: "module",
    exports: {
      ".": { types: "./esm/mod.d.ts", default: "./esm/mod.js" },
      "./distributed": { types: "./esm/distributed.d.ts", default: "./esm/distributed.js" },
      "./package.json": "./package.json",
    },
    // The DistributedExecutor's worker program (`npx concurrent-futures-worker --servers …`).
    bin: { "concurrent-futures-worker": "./esm/workers/distributed_worker.js" },
    main: "./esm/mod.js",
    types: "./esm/mod.d.ts",
    files: ["esm/"],
    sideEffects: false,
    engines: { node: ">=22" },
    repository: { type: "git", url: `git+${REPOSITORY}.git` },
    homepage: `${REPOSITORY}#readme`,
    bugs: { url: `${REPOSITORY}/issues` },
    keywords: [
      "concurrent.futures",
      "worker",
      "thread pool",
      "process pool",
      "future",
      "executor",
      "deno",
      "bun",
    ],
    dependencies: publishedDependencies(denoJson, rootPkg.dependencies ?? {}),
  };
  writeFileSync(join(NPM_DIR, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
  for (const file of ["README.md", "LICENSE"]) {
    if (existsSync(join(ROOT, file))) cpSync(join(ROOT, file), join(NPM_DIR, file));
  }
}

/**
 * Pack npm/, install the tarball into an empty project as a user would, and run both pools from
 * it on each given runtime executable (a path ending in `deno` runs as `deno run -A`).
 */
export function packageTest(name: string, runtimes: string[]): void {
  const work = mkdtempSync(join(tmpdir(), "cf-package-"));
  try {
    const packed = execFileSync("npm", ["pack", NPM_DIR, "--pack-destination", work], { cwd: work })
      .toString().trim().split("\n").pop()!;
    writeFileSync(join(work, "package.json"), JSON.stringify({ type: "module", private: true }));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", join(work, packed)], {
      cwd: work,
      stdio: "ignore",
    });
    const script = `import { ThreadPoolExecutor, ProcessPoolExecutor } from ${JSON.stringify(name)};
const threads = new ThreadPoolExecutor(1);
const processes = new ProcessPoolExecutor(1);
const [a, b] = await Promise.all([threads.submit((x) => x * 2, 21), processes.submit((x) => x + 1, 41)]);
await Promise.all([threads.shutdown(), processes.shutdown()]);
if (a !== 42 || b !== 42) throw new Error("package test got " + a + ", " + b);
const { DistributedExecutor, startWorker } = await import(${JSON.stringify(name + "/distributed")});
if (typeof DistributedExecutor !== "function" || typeof startWorker !== "function") {
  throw new Error("the ./distributed subpath export is missing its exports");
}
const where = globalThis.Deno ? "deno " + Deno.version.deno : globalThis.Bun ? "bun " + Bun.version : "node " + process.version;
console.log("package ok on " + where + ": both pools ran from the installed tarball");
`;
    writeFileSync(join(work, "smoke.mjs"), script);
    // The worker program, as `npx concurrent-futures-worker` finds it.
    const bin = join(work, "node_modules", ".bin", "concurrent-futures-worker");
    for (const runtime of runtimes) {
      const args = runtime.endsWith("deno") ? ["run", "-A", "smoke.mjs"] : ["smoke.mjs"];
      execFileSync(runtime, args, { cwd: work, stdio: "inherit", timeout: 60_000 });
      const help = execFileSync(
        runtime,
        [...(runtime.endsWith("deno") ? ["run", "-A"] : []), bin, "--help"],
        { cwd: work, timeout: 60_000 },
      ).toString();
      if (!help.includes("--servers")) throw new Error(`the worker bin printed: ${help}`);
    }
    console.log("package ok: the concurrent-futures-worker bin answers --help on every runtime");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

if (import.meta.main) main();
