// Issue #16, item 3: a child is SIGKILLed from outside while its sibling runs CPU-bound work, and
// both hold a task sent ahead. Every future settles, shutdown() resolves: the program must exit.
import process from "node:process";
import { ProcessPoolExecutor } from "../../mod.ts";

const pool = new ProcessPoolExecutor(2);
const nap = () => new Promise((r) => setTimeout(() => r(process.pid), 100));
// Until both children have started: while the second one starts, the first may take both naps.
const pids = new Set<unknown>();
while (pids.size < 2) {
  for (const pid of await Promise.all([pool.submit(nap), pool.submit(nap)])) pids.add(pid);
}
const spin = () => {
  const t = Date.now();
  while (Date.now() - t < 1500);
};
const fs = [1, 2, 3, 4].map(() => pool.submit(spin));
await new Promise((r) => setTimeout(r, 100));
process.kill([...pids][0] as number, "SIGKILL");
const outcomes = await Promise.allSettled(fs);
await pool.shutdown();
const failed = outcomes.filter((o) => o.status === "rejected").map((o) => o.reason?.name);
console.log(`shut down; ${pids.size} children; failed: ${failed.join(" ")}`);
