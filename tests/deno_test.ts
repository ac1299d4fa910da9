// Deno-only behaviour: permissions of process-pool children, and the package loaded over http(s).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

// deno-lint-ignore no-explicit-any
const Deno = (globalThis as any).Deno;
const onDeno = typeof Deno?.version?.deno === "string";
const ROOT = fileURLToPath(new URL("..", import.meta.url));

function deno(args: string[], cwd = ROOT): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(Deno.execPath(), args, {
      cwd,
      env: { ...Deno.env.toObject(), NO_COLOR: "1" },
    });
    let out = "";
    child.stdout.on("data", (d) => out += d);
    child.stderr.on("data", (d) => out += d);
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

test(
  "Deno: a process-pool child gets no more permissions than its parent",
  { skip: !onDeno },
  async () => {
    const script = join(ROOT, "tests", "testdata", "deno_permissions.ts");
    const limited = await deno(["run", "--allow-read", "--allow-run", "--allow-env", script]);
    assert.equal(limited.code, 0, limited.out);
    assert.match(limited.out, /child says NotCapable: .*net access/);
    const full = await deno([
      "run",
      "--allow-read",
      "--allow-run",
      "--allow-env",
      "--allow-net",
      script,
    ]);
    assert.doesNotMatch(full.out, /NotCapable/, full.out);
  },
);

// Issue #16, item 2: with two tasks, shutdown() never resolved (the second failed start found the
// pool broken already), so leaving the block hid the error and Deno ended with "Top-level await
// promise never resolved".
test(
  "Deno: without --allow-env, the process pool breaks and leaving `await using` still ends",
  { skip: !onDeno },
  async () => {
    const script = join(ROOT, "tests", "testdata", "deno_permissions.ts");
    const run = await deno(["run", "--allow-read", script, "no-env"]);
    assert.equal(run.code, 0, run.out);
    assert.equal(
      run.out.match(/task failed: BrokenProcessPool, cause NotCapable/g)?.length,
      2,
      run.out,
    );
    assert.match(run.out, /left the block/);
  },
);

test(
  "Deno: both pools work when the package is imported over HTTP, as from JSR",
  { skip: !onDeno },
  async () => {
    const server = createServer(async (req, res) => {
      const path = normalize(
        join(ROOT, decodeURIComponent(new URL(req.url!, "http://x").pathname)),
      );
      if (!path.startsWith(ROOT) || ![".ts", ".js", ".mjs"].includes(extname(path))) {
        res.writeHead(404).end();
        return;
      }
      try {
        const body = await readFile(path);
        res.writeHead(200, { "content-type": "application/typescript" }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      // A user's config maps the package's one dependency, as JSR does for its users.
      const config = join(ROOT, ".tmp", "remote_deno.json");
      await Deno.mkdir(join(ROOT, ".tmp"), { recursive: true });
      const acorn = new URL("../node_modules/acorn/dist/acorn.mjs", import.meta.url).href;
      await Deno.writeTextFile(config, JSON.stringify({ imports: { acorn } }));
      const run = await deno([
        "run",
        "-A",
        "--config",
        config,
        join(ROOT, "tests", "testdata", "remote_import.ts"),
        `http://127.0.0.1:${port}/mod.ts`,
      ]);
      assert.equal(run.code, 0, run.out);
      assert.match(run.out, /remote ok 42 42 BrokenThreadPool/);
      assert.match(
        run.out,
        /limits: resourceLimits cannot be enforced on Deno when this package is loaded from a remote URL: .*ProcessPoolExecutor.*--v8-flags=--max-old-space-size=/,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  },
);
