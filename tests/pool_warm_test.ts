// minWorkers and idleTimeout on both pools (issue #18, part 4).

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { ProcessPoolExecutor, ThreadPoolExecutor } from "../mod.ts";
import { runScript, testdata } from "./_child.ts";
import { netGate, waitAtGate } from "./_net_gate.ts";

type Pool = ThreadPoolExecutor | ProcessPoolExecutor;

/** Resolves once `pool` has emitted `name` `count` times (counted from this call). */
function events(pool: Pool, name: "workerStart" | "workerExit", count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const listener = () => {
      if (++seen < count) return;
      pool.off(name, listener);
      resolve();
    };
    pool.on(name, listener);
  });
}

const TASKS = new URL(
  `./testdata/pool_tasks${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`,
  import.meta.url,
);

for (const Pool of [ThreadPoolExecutor, ProcessPoolExecutor]) {
  const name = Pool.name;
  const kind = Pool === ThreadPoolExecutor ? "thread" : "process";

  describe(`${name} warm pools`, () => {
    test(`${name}: bad minWorkers and idleTimeout are refused, naming them`, () => {
      assert.throws(() => new Pool({ maxWorkers: 2, minWorkers: 3 }), {
        name: "RangeError",
        message: "minWorkers must be between 0 and maxWorkers (2), got 3",
      });
      assert.throws(() => new Pool({ minWorkers: -1 }), { name: "RangeError" });
      assert.throws(() => new Pool({ minWorkers: 1.5 }), {
        name: "TypeError",
        message: "minWorkers must be an integer, got 1.5 (number)",
      });
      assert.throws(() => new Pool({ idleTimeout: -5 }), {
        name: "RangeError",
        message: /^idleTimeout must be between 0 and 2147483647 ms, got -5/,
      });
      assert.throws(() => new Pool({ idleTimeout: 2 ** 31 }), { name: "RangeError" });
      assert.throws(() => new Pool({ idleTimeout: "10" as never }), {
        name: "TypeError",
        message: 'idleTimeout must be an integer, got "10"',
      });
    });

    test(`${name}: minWorkers start at construction, before any task`, async () => {
      await using pool = new Pool({ maxWorkers: 3, minWorkers: 2 });
      const up = events(pool, "workerStart", 2);
      assert.equal(pool.stats().workers, 2, "spawned by the constructor");
      await up;
      const stats = pool.stats();
      assert.deepEqual([stats.workers, stats.idle, stats.completed], [2, 2, 0]);
      assert.equal(await pool.submit(() => "no cold start"), "no cold start");
      assert.equal(pool.stats().workers, 2);
    });

    test(`${name}: warm workers run the initializer, also with modules to load first`, async () => {
      await using pool = new Pool({
        maxWorkers: 1,
        minWorkers: 1,
        modules: [TASKS],
        initializer: (tag: string) => {
          (globalThis as { tag?: string }).tag = tag;
        },
        initargs: ["warm"],
      });
      await events(pool, "workerStart", 1);
      assert.equal(await pool.submit(() => (globalThis as { tag?: string }).tag), "warm");
    });

    test(`${name}: idleTimeout retires idle workers beyond minWorkers, and keeps minWorkers`, async () => {
      await using pool = new Pool({ maxWorkers: 2, minWorkers: 1, idleTimeout: 1 });
      await using gate = await netGate(); // disposed first: opened before the pool shuts down
      await events(pool, "workerStart", 1);
      const a = pool.submit(waitAtGate, gate.port, "a");
      const b = pool.submit(waitAtGate, gate.port, "b");
      await gate.arrived(2);
      assert.equal(pool.stats().workers, 2, "a second worker for the second task");
      const retired = events(pool, "workerExit", 1);
      gate.open();
      assert.deepEqual(await Promise.all([a, b]), ["a", "b"]);
      await retired;
      // The other one stays, idle timeout or not: give it many timeouts' worth of time.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const stats = pool.stats();
      assert.deepEqual([stats.workers, stats.idle], [1, 1]);
    });

    test(`${name}: without idleTimeout, idle workers stay (Python's pools)`, async () => {
      await using pool = new Pool(2);
      await using gate = await netGate(); // disposed first: opened before the pool shuts down
      const both = [pool.submit(waitAtGate, gate.port, 1), pool.submit(waitAtGate, gate.port, 2)];
      await gate.arrived(2);
      gate.open();
      await Promise.all(both);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(pool.stats().workers, 2);
      assert.equal(pool.stats().idle, 2);
    });

    test(`${name}: a warm pool that is never shut down does not keep the program alive`, async () => {
      const run = await runScript(testdata("warm_pool"), [kind]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /warm 2\nresult 42, workers 3/);
      assert.ok(run.ms < 30_000, `exited after ${run.ms} ms, not after the idle timeout`);
    });
  });
}

test("ProcessPoolExecutor: a warm pool replaces a child that retired after maxTasksPerChild", async () => {
  await using pool = new ProcessPoolExecutor({ maxWorkers: 1, minWorkers: 1, maxTasksPerChild: 1 });
  await events(pool, "workerStart", 1);
  const replaced = events(pool, "workerStart", 1);
  const first = await pool.submit(() => process.pid);
  await replaced;
  const stats = pool.stats();
  assert.deepEqual([stats.workers, stats.idle], [1, 1]);
  assert.notEqual(await pool.submit(() => process.pid), first);
});

// deno-lint-ignore no-explicit-any
const Deno = (globalThis as any).Deno;

test(
  "Deno: warm web Workers (the package loaded over HTTP) still retire when idle, so the program exits",
  { skip: typeof Deno?.version?.deno !== "string" },
  async () => {
    const root = fileURLToPath(new URL("..", import.meta.url));
    const server = createServer(async (req, res) => {
      const path = normalize(
        join(root, decodeURIComponent(new URL(req.url!, "http://x").pathname)),
      );
      if (!path.startsWith(root) || ![".ts", ".js", ".mjs"].includes(extname(path))) {
        res.writeHead(404).end();
        return;
      }
      try {
        res.writeHead(200, { "content-type": "application/typescript" }).end(await readFile(path));
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      const config = join(root, ".tmp", "remote_warm_deno.json");
      await Deno.mkdir(join(root, ".tmp"), { recursive: true });
      const acorn = new URL("../node_modules/acorn/dist/acorn.mjs", import.meta.url).href;
      await Deno.writeTextFile(config, JSON.stringify({ imports: { acorn } }));
      const script = join(root, "tests", "testdata", "remote_warm.ts");
      const command = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--no-lock",
          "--config",
          config,
          script,
          `http://127.0.0.1:${port}/mod.ts`,
        ],
        env: { NO_COLOR: "1" },
        signal: AbortSignal.timeout(30_000), // a program that never exits fails the test
      });
      const { code, stdout, stderr } = await command.output();
      const out = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
      assert.equal(code, 0, out);
      assert.match(out, /warm 2 42\nretired, workers 0/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  },
);
