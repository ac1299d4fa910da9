// A consumer app as a user writes it, bundled or compiled by tests/bundle_test.ts with each tool:
// both pools, then one RESULT line with what they returned and this process's tree. It prints
// "program started" once: a worker thread or child never runs the program.

import { ProcessPoolExecutor, ThreadPoolExecutor } from "@concurrent/futures";
import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";

console.log("program started");

/** This process's descendants, from procfs (`null` where there is none). */
function tree(root) {
  let names;
  try {
    names = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  const parentOf = new Map();
  for (const name of names) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  const children = [];
  const deeper = [];
  for (const pid of parentOf.keys()) {
    let parent = parentOf.get(pid);
    if (parent === root) children.push(pid);
    else {
      while (parent !== undefined && parent > 1 && parent !== root) parent = parentOf.get(parent);
      if (parent === root) deeper.push(pid);
    }
  }
  return { children, deeper };
}

if (process.env.BUNDLE_APP_RUNTIME_ARGS) {
  // Runtime flags cannot reach the children of a single-file executable: the pool says so.
  const pool = new ProcessPoolExecutor({ maxWorkers: 1, runtimeArgs: ["--smol"] });
  try {
    await pool.submit(() => 1);
  } catch (error) {
    console.log(`BROKEN ${error.name}: ${error.cause?.name}: ${error.cause?.message}`);
  } finally {
    await pool.shutdown();
  }
  process.exit(0);
}

const threads = new ThreadPoolExecutor(2);
const processes = new ProcessPoolExecutor(2);
try {
  const doubled = await Promise.all([1, 2, 3, 4].map((x) => threads.submit((n) => n * 2, x)));
  // A bundler renames imports (`process` may become `process2`), and a task ships as the bundle
  // wrote it: the worker's own globals are reached through globalThis.
  const task = (n) => [n * n, globalThis.process.pid, globalThis.process.ppid];
  const squares = await Promise.all([1, 2, 3, 4].map((x) => processes.submit(task, x)));
  console.log(
    `RESULT ${JSON.stringify({ doubled, squares, pid: process.pid, tree: tree(process.pid) })}`,
  );
} finally {
  await Promise.all([threads.shutdown(), processes.shutdown()]);
}
