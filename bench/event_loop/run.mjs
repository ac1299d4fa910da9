// Copyright 2026 the concurrent-futures authors. MIT license.
// The event-loop benchmarks' own runner (see ../README.md, "Event loop"): one fresh process per
// sample, contestants interleaved within each repetition, medians and ranges printed as Markdown.
//
//   node bench/event_loop/run.mjs [--quick] [--reps N] [--only tiny,http]
//                                 [--runtimes node24,deno,bun,python] [--no-build]

import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const BIN = join(ROOT, "tools", "runtimes", "node_modules");
const RUNTIMES = {
  node: ["node"],
  node24: [join(BIN, "node", "bin", "node")],
  deno: [join(BIN, ".bin", "deno"), "run", "-A"],
  bun: [join(BIN, ".bin", "bun")],
};

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = flag("--quick");
const reps = Number(option("--reps") ?? (quick ? 1 : 3));
const only = (option("--only") ?? "tiny,http").split(",");
const runtimes = (option("--runtimes") ?? "node24,deno,bun,python").split(",");
const jsRuntimes = runtimes.filter((r) => r !== "python");
for (const r of jsRuntimes) if (!(r in RUNTIMES)) throw new Error(`unknown runtime ${r}`);

const TINY = { tasks: quick ? 10_000 : 100_000, concurrency: 32 };
const HTTP = { requests: quick ? 100 : 1_000, workers: 30, delayMs: 10, bodyBytes: 2048 };

if (!flag("--no-build") && (jsRuntimes.includes("node") || jsRuntimes.includes("node24"))) {
  console.error("building npm/ (scripts/build_npm.ts --no-tests) for Node");
  const deno = RUNTIMES.deno[0];
  const built = spawnSync(deno, ["run", "-A", "scripts/build_npm.ts", "--no-tests"], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (built.status !== 0) process.exit(1);
}

/** Runs one sample: the program's BENCH_RESULT line, parsed. */
function sample(command, program, params) {
  return new Promise((resolve, reject) => {
    const [exe, ...pre] = command;
    const child = spawn(exe, [...pre, program, JSON.stringify(params)], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => out += d);
    child.stderr.on("data", (d) => err += d);
    const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = out.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
      if (code !== 0 || !line) {
        reject(new Error(`${exe} ${program} ${params.library}: exit ${code} ${signal}\n${err}`));
      } else resolve(JSON.parse(line.slice("BENCH_RESULT ".length)));
    });
  });
}

/** Starts the local HTTP server on the host's Node; resolves with its URL and a stop(). */
function startServer() {
  const child = spawn("node", [join(HERE, "server.mjs"), JSON.stringify(HTTP)], {
    // Its stdin is this runner's pipe: it ends, and the server with it, however the runner ends.
    stdio: ["pipe", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.stdout.once("data", (d) => resolve({ url: String(d).trim(), stop: () => child.kill() }));
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, digits = 0) =>
  x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Contestants: [label, runtime, command, program, params]. */
function contestants(url) {
  const list = [];
  if (only.includes("tiny")) {
    for (const library of ["ours-eventloop", "ours-eventloop-map", "p-queue", "p-limit"]) {
      for (const r of jsRuntimes) {
        list.push({
          workload: "tiny",
          library,
          runtime: r,
          command: RUNTIMES[r],
          program: join(HERE, "tiny.mjs"),
          params: { library, ...TINY },
        });
      }
    }
  }
  if (only.includes("http")) {
    for (const library of ["ours-eventloop", "ours-thread"]) {
      for (const r of jsRuntimes) {
        list.push({
          workload: "http",
          library,
          runtime: r,
          command: RUNTIMES[r],
          program: join(HERE, "http.mjs"),
          params: { library, url, ...HTTP },
        });
      }
    }
    if (runtimes.includes("python")) {
      list.push({
        workload: "http",
        library: "python-thread",
        runtime: "python",
        command: ["python3"],
        program: join(ROOT, "bench", "python", "event_loop.py"),
        params: { library: "python-thread", url, ...HTTP },
      });
    }
  }
  return list;
}

const server = only.includes("http") ? await startServer() : undefined;
const list = contestants(server?.url);
const results = new Map(list.map((c) => [c, []]));
try {
  for (let rep = 0; rep < reps; rep++) {
    // Rotate the order each repetition, so a slow phase of the machine hits all alike.
    const order = list.map((_, i) => list[(i + rep * 3) % list.length]);
    for (const c of order) {
      const result = await sample(c.command, c.program, c.params);
      results.get(c).push(result);
      console.error(
        `rep ${rep + 1}/${reps} ${c.workload} ${c.library} ${c.runtime}: ${
          fmt(result.value)
        } (${result.peakRssMb} MB)`,
      );
    }
  }
} finally {
  server?.stop();
}

const lines = [];
if (only.includes("tiny")) {
  lines.push(
    `### ${
      fmt(TINY.tasks)
    } tiny async tasks, concurrency ${TINY.concurrency} (tasks/s, higher is better; peak RSS)`,
    "",
  );
  lines.push(
    `| library | ${jsRuntimes.join(" | ")} |`,
    `| --- | ${jsRuntimes.map(() => "---:").join(" | ")} |`,
  );
  for (const library of ["ours-eventloop", "ours-eventloop-map", "p-queue", "p-limit"]) {
    const cells = jsRuntimes.map((r) => {
      const rs = results.get(
        list.find((c) => c.workload === "tiny" && c.library === library && c.runtime === r),
      );
      const v = rs.map((x) => x.value);
      const rss = fmt(median(rs.map((x) => x.peakRssMb)));
      return `${fmt(median(v))} (${fmt(Math.min(...v))}–${fmt(Math.max(...v))}), ${rss} MB`;
    });
    lines.push(`| ${library} | ${cells.join(" | ")} |`);
  }
  lines.push("");
}
if (only.includes("http")) {
  lines.push(
    `### ${
      fmt(HTTP.requests)
    } HTTP GETs, ${HTTP.workers} in flight, server answers after ${HTTP.delayMs} ms (time in ms and peak RSS, lower is better)`,
    "",
  );
  lines.push(
    "| library | runtime | time ms (range) | peak RSS MB |",
    "| --- | --- | ---: | ---: |",
  );
  for (const c of list.filter((c) => c.workload === "http")) {
    const rs = results.get(c);
    const v = rs.map((x) => x.ms);
    lines.push(
      `| ${c.library} | ${c.runtime} | ${fmt(median(v))} (${fmt(Math.min(...v))}–${
        fmt(Math.max(...v))
      }) | ${fmt(median(rs.map((x) => x.peakRssMb)))} |`,
    );
  }
}
console.log(lines.join("\n"));
