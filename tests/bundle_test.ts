// Bundled apps and single-file executables: the consumer app in testdata/bundle_app.mjs, installed
// from the npm tarball, bundled by esbuild, rollup, Vite (SSR) and `bun build`, and compiled by
// `bun build --compile`, must run both pools, exit 0, never run the program in a worker, and
// never grow a process tree beyond the pool's own workers. The bundling runs in the Node suites
// (on the package they test); each bundle runs on the runtime it targets: Node bundles on the Node
// of the suite (22 and 24), Bun's on Bun (in the Node 24 suite). The worker-entry guard itself is
// tested on every runtime.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
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
import { parse } from "acorn";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runtimeAdapter } from "../lib/runtime/mod.ts";
import type { ExitInfo, WorkerEntry } from "../lib/runtime/types.ts";
import { PROCESS_MARKER } from "../lib/runtime/worker_entry.ts";
import { testdata } from "./_child.ts";

// deno-lint-ignore no-explicit-any
const g = globalThis as any;
const ON_NODE = g.Deno === undefined && g.Bun === undefined;
const NODE_MAJOR = Number(process.versions.node.split(".")[0]);

/** The repository root: the first directory up from this file with a deno.json. */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "deno.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("no deno.json above this test: where is the repository?");
    dir = up;
  }
  return dir;
}

// ── the guard, on every runtime ─────────────────────────────────────────────────────────────────

function exitOf(
  spawnIt: (options: {
    onMessage: () => void;
    onExit: (info: ExitInfo) => void;
    runtimeArgs: readonly string[];
  }) => unknown,
): Promise<{ info: ExitInfo; messages: number }> {
  return new Promise((resolve, reject) => {
    let messages = 0;
    try {
      void Promise.resolve(spawnIt({
        onMessage: () => messages++,
        onExit: (info) => resolve({ info, messages }),
        runtimeArgs: [],
      })).catch(reject);
    } catch (error) {
      reject(error);
    }
  });
}

test("a child started as a worker on a program without the library exits and says why", async () => {
  const entry: WorkerEntry = { url: testdata("bundle_no_library"), kind: "self" };
  const { info, messages } = await exitOf((options) =>
    runtimeAdapter().spawnProcess(entry, options)
  );
  assert.equal(messages, 0);
  assert.equal(info.code, 0);
  const message = (info.error as Error | undefined)?.message ?? "";
  assert.match(message, /exited before it became a worker/);
  assert.match(message, /did not load @concurrent\/futures before the rest of the program/);
  assert.match(message, /Bundling and single-file executables/);
});

test("a thread started as a worker on a program without the library ends and says why", async () => {
  const entry: WorkerEntry = { url: testdata("bundle_no_library"), kind: "self" };
  const { info, messages } = await exitOf((options) =>
    runtimeAdapter().spawnThread(entry, options)
  );
  assert.equal(messages, 0);
  assert.match((info.error as Error).message, /thread .* exited before it became a worker/);
});

// ── bundlers and executables, from the Node suites ──────────────────────────────────────────────

interface Run {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Processes of its group still alive after it exited. */
  leftovers: number[];
}

/**
 * Run a built app in a process group of its own, killed whole should it overrun: a recursive
 * spawn would otherwise outlive the test.
 */
function runApp(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs = 60_000,
  env: Record<string, string> = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk) => stdout += chunk);
    child.stderr!.on("data", (chunk) => stderr += chunk);
    const killGroup = () => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(killGroup, timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const leftovers = groupMembers(child.pid!);
      if (leftovers.length > 0) killGroup();
      resolve({ code, signal, stdout, stderr, leftovers });
    });
  });
}

/** Live (not zombie) processes in process group `pgid`, from procfs; none where there is none. */
function groupMembers(pgid: number): number[] {
  let names: string[];
  try {
    names = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const name of names) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z") found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

interface AppResult {
  doubled: number[];
  squares: [number, number, number][];
  pid: number;
  tree: { children: number[]; deeper: number[] } | null;
}

/** What every built app must do: both pools answer, one program, a flat tree, exit 0. */
function assertApp(run: Run, label: string): void {
  const context = `${label}: exit ${run.code} ${run.signal}\n${run.stdout}\n${run.stderr}`;
  assert.equal(run.code, 0, context);
  assert.equal(run.stderr, "", context);
  assert.equal(
    run.stdout.split("program started").length - 1,
    1,
    `the program ran once: ${context}`,
  );
  const line = run.stdout.split("\n").find((l) => l.startsWith("RESULT "));
  assert.ok(line, context);
  const result = JSON.parse(line.slice("RESULT ".length)) as AppResult;
  assert.deepEqual(result.doubled, [2, 4, 6, 8], context);
  assert.deepEqual(result.squares.map(([square]) => square), [1, 4, 9, 16], context);
  for (const [, pid, ppid] of result.squares) {
    assert.equal(ppid, result.pid, `a task ran in a child of the app: ${context}`);
    assert.notEqual(pid, result.pid, context);
  }
  if (result.tree !== null) {
    assert.ok(result.tree.children.length <= 2, `at most the pool's 2 children: ${context}`);
    assert.deepEqual(result.tree.deeper, [], `no grandchildren: ${context}`);
  }
  assert.deepEqual(run.leftovers, [], `nothing of the app outlived it: ${context}`);
}

interface Runtimes {
  BUN: string;
  DENO: string;
  NODE22: string;
  NODE24: string;
}

/** A consumer project with the package installed from its tarball, and the app in it. */
function consumer(root: string): string {
  const npmDir = join(root, "npm");
  if (!existsSync(join(npmDir, "package.json"))) {
    throw new Error("npm/ is not built: run `node scripts/dev.mjs test tests/bundle_test.ts`");
  }
  const work = mkdtempSync(join(tmpdir(), "cf-bundle-"));
  const packed = build("npm", ["pack", npmDir, "--pack-destination", work], work)
    .trim().split("\n").pop()!;
  writeFileSync(
    join(work, "package.json"),
    JSON.stringify({ name: "bundle-consumer", private: true, type: "module" }),
  );
  build("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", packed], work);
  cpSync(join(root, "tests", "testdata", "bundle_app.mjs"), join(work, "app.js"));
  return work;
}

function build(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed:\n${stdout}\n${stderr}`, { cause: error });
  }
}

test(
  "the package's pool workers are one file each, importing only runtime built-ins",
  { skip: ON_NODE ? false : "checks the built package, in the Node suites" },
  () => {
    const workers = join(repositoryRoot(), "npm", "esm", "workers");
    for (const name of ["process_worker.js", "thread_worker.js"]) {
      const source = readFileSync(join(workers, name), "utf8");
      const specifiers: string[] = [];
      const visit = (node: unknown): void => {
        if (typeof node !== "object" || node === null) return;
        const { type, source: from } = node as { type?: string; source?: { value?: unknown } };
        if (
          (type === "ImportDeclaration" || type === "ImportExpression" ||
            type === "ExportAllDeclaration" || type === "ExportNamedDeclaration") &&
          typeof from?.value === "string"
        ) specifiers.push(from.value);
        for (const value of Object.values(node)) visit(value);
      };
      visit(parse(source, { ecmaVersion: "latest", sourceType: "module" }));
      assert.ok(specifiers.length > 0, `${name}: no import found; is it the bundle?`);
      const local = specifiers.filter((specifier) => !specifier.startsWith("node:"));
      assert.deepEqual(local, [], `${name} imports modules of its own: not bundled`);
    }
  },
);

test(
  "bundled apps and single-file executables run both pools and exit cleanly",
  { skip: ON_NODE ? false : "bundling runs in the Node suites, on the built package" },
  async (t) => {
    const root = repositoryRoot();
    const runtimes = await import(
      pathToFileURL(join(root, "scripts", "_runtimes.mjs")).href
    ) as Runtimes;
    const bin = (name: string) => join(root, "node_modules", ".bin", name);
    const work = consumer(root);
    const node = process.execPath;
    try {
      await t.test("esbuild --bundle --platform=node --format=esm", async () => {
        build(bin("esbuild"), [
          "app.js",
          "--bundle",
          "--platform=node",
          "--format=esm",
          "--outfile=dist/esbuild/app.mjs",
          "--log-level=warning",
        ], work);
        assertApp(await runApp(node, ["dist/esbuild/app.mjs"], work), "esbuild");
      });

      await t.test("rollup with @rollup/plugin-node-resolve, with no warning", async () => {
        const plugin = pathToFileURL(
          join(root, "node_modules", "@rollup", "plugin-node-resolve", "dist", "es", "index.js"),
        );
        writeFileSync(
          join(work, "rollup.config.mjs"),
          `import { nodeResolve } from ${JSON.stringify(plugin.href)};
export default {
  input: "app.js",
  output: { dir: "dist/rollup", format: "es" },
  plugins: [nodeResolve()],
  onwarn(warning) { throw new Error("rollup warned: " + warning.code + ": " + warning.message); },
};
`,
        );
        build(node, [
          join(root, "node_modules", "rollup", "dist", "bin", "rollup"),
          "-c",
          "--silent",
        ], work);
        assertApp(await runApp(node, ["dist/rollup/app.js"], work), "rollup");
      });

      await t.test("vite build --ssr with ssr.noExternal: true", async () => {
        writeFileSync(
          join(work, "vite.config.mjs"),
          `export default {
  logLevel: "warn",
  ssr: { noExternal: true, target: "node" },
  build: { ssr: "app.js", outDir: "dist/vite", minify: false },
};
`,
        );
        const vite = join(root, "node_modules", "vite", "bin", "vite.js");
        // Vite needs Node >= 20.19: the pinned Node 24 builds, whatever Node runs this suite.
        build(runtimes.NODE24, [vite, "build", "--config", "vite.config.mjs"], work);
        assertApp(await runApp(node, ["dist/vite/app.js"], work), "vite ssr");
      });

      await t.test("bun build --target=node, run on Node", async () => {
        build(
          runtimes.BUN,
          ["build", "app.js", "--target=node", "--outfile=dist/bun-node/app.mjs"],
          work,
        );
        assertApp(await runApp(node, ["dist/bun-node/app.mjs"], work), "bun build --target=node");
      });

      // Bun's outputs, and the type check (the same on any Node), run once: in the Node 24 suite.
      const onceSkip = NODE_MAJOR === 24 ? false : "runs once, in the Node 24 suite";
      await t.test("bun build --target=bun, run on Bun", { skip: onceSkip }, async () => {
        build(runtimes.BUN, ["build", "app.js", "--target=bun", "--outfile=dist/bun/app.js"], work);
        assertApp(await runApp(runtimes.BUN, ["dist/bun/app.js"], work), "bun build --target=bun");
      });

      await t.test(
        "bun build --compile: both pools from the executable",
        { skip: onceSkip },
        async () => {
          build(runtimes.BUN, ["build", "--compile", "app.js", "--outfile=dist/app-bun"], work);
          const exe = join(work, "dist", "app-bun");
          assertApp(await runApp(exe, [], work), "bun build --compile");

          const flags = await runApp(exe, [], work, 60_000, { BUNDLE_APP_RUNTIME_ARGS: "1" });
          assert.equal(flags.code, 0, flags.stderr);
          assert.match(
            flags.stdout,
            /BROKEN BrokenProcessPool: TypeError: runtimeArgs \["--smol"\] cannot be given to the children of a single-file executable/,
          );
          assert.deepEqual(flags.leftovers, []);

          // Started as a worker with no pool at the other end (by hand), it cannot serve: it exits
          // at once, and the program never runs.
          const alone = await runApp(exe, [String(process.pid), PROCESS_MARKER], work);
          assert.equal(alone.code, 1, alone.stderr);
          assert.equal(alone.stdout, "");
          assert.match(alone.stderr, /started as a pool worker .* cannot serve/);
          assert.deepEqual(alone.leftovers, []);
        },
      );

      await t.test("a bundle started as a worker by hand exits at once", async () => {
        const alone = await runApp(node, ["dist/esbuild/app.mjs", "1", PROCESS_MARKER], work);
        assert.equal(alone.code, 1, alone.stderr);
        assert.equal(alone.stdout, "");
        assert.match(alone.stderr, /started as a pool worker .* cannot serve/);
      });

      await t.test(
        "the types check with lib ES2022 and skipLibCheck false",
        { skip: onceSkip },
        () => {
          // A Node consumer's strictest setup: no DOM library, every declaration file checked.
          writeFileSync(
            join(work, "check.ts"),
            `import {
  type Future,
  ProcessPoolExecutor,
  type SubmitOptions,
  ThreadPoolExecutor,
  type Transferable,
} from "@concurrent/futures";

const threads = new ThreadPoolExecutor(2);
const buffer = new ArrayBuffer(8);
const transfer: Transferable[] = [buffer];
const options: SubmitOptions = { transfer };
const size: Future<number> = threads.submitWith((b: ArrayBuffer) => b.byteLength, [buffer], options);
const processes = new ProcessPoolExecutor({ maxWorkers: 1 });
const next: Future<number> = processes.submit((n: number) => n + 1, 41);
export const both: Promise<[number, number]> = Promise.all([size, next]);
`,
          );
          writeFileSync(
            join(work, "tsconfig.json"),
            JSON.stringify({
              compilerOptions: {
                target: "ES2022",
                lib: ["ES2022"],
                module: "nodenext",
                moduleResolution: "nodenext",
                types: ["node"],
                typeRoots: [join(root, "node_modules", "@types")],
                strict: true,
                skipLibCheck: false,
                noEmit: true,
              },
              files: ["check.ts"],
            }),
          );
          build(bin("tsc"), ["-p", "tsconfig.json"], work);
        },
      );

      await t.test("deno compile", async (s) => {
        // deno compile downloads its runtime (denort) unless DENORT_BIN names one.
        const denort = process.env.DENORT_BIN;
        if (denort === undefined || !existsSync(denort)) {
          const reason = "deno compile needs denort (downloaded from dl.deno.land, unreachable " +
            "here): set DENORT_BIN to a denort binary to run this test";
          console.log(`skipped: ${reason}`);
          s.skip(reason);
          return;
        }
        build(runtimes.DENO, ["compile", "-A", "--output", "dist/app-deno", "app.js"], work);
        assertApp(await runApp(join(work, "dist", "app-deno"), [], work), "deno compile");
      });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
);
