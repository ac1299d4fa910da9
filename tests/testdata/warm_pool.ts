// A warm pool that is never shut down, with a long idle timeout: the program must still exit.
import process from "node:process";
import { ProcessPoolExecutor, ThreadPoolExecutor } from "../../mod.ts";

const [kind = "thread"] = process.argv.slice(2);
const options = { maxWorkers: 3, minWorkers: 2, idleTimeout: 60_000 };
const pool = kind === "thread" ? new ThreadPoolExecutor(options) : new ProcessPoolExecutor(options);
const ready = new Promise<void>((resolve) => {
  let started = 0;
  pool.on("workerStart", () => ++started === 2 && resolve());
});
await ready;
console.log(`warm ${pool.stats().idle}`);
// A third worker starts for the third task and is then kept for 60 s: it must not hold the
// program either.
const slow = async (x: number) => {
  await new Promise((resolve) => setTimeout(resolve, 50));
  return x * 2;
};
const results = await Promise.all([
  pool.submit(slow, 21),
  pool.submit(slow, 1),
  pool.submit(slow, 2),
]);
console.log(`result ${results[0]}, workers ${pool.stats().workers}`);
