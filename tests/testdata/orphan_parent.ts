// A parent with busy and idle children that SIGKILLs itself: its children must exit too.
import process from "node:process";
import { ProcessPoolExecutor } from "../../mod.ts";

const pool = new ProcessPoolExecutor(3);
const pid = async () => {
  await new Promise((r) => setTimeout(r, 150));
  return globalThis.process.pid;
};
const pids = await Promise.all([pool.submit(pid), pool.submit(pid), pool.submit(pid)]);
// Two stay busy, one idles.
pool.submit(() => new Promise((r) => setTimeout(r, 30_000)));
pool.submit(() => new Promise((r) => setTimeout(r, 30_000)));
await new Promise((r) => setTimeout(r, 50));
console.log(`children ${[...new Set(pids)].join(",")}`);
process.kill(process.pid, "SIGKILL");
