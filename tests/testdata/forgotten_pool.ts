// A script that uses a pool and never calls shutdown(): it must exit on its own.
import process from "node:process";
import { ProcessPoolExecutor, ThreadPoolExecutor } from "../../mod.ts";

const [kind = "thread", mode = "work"] = process.argv.slice(2);
const pool = kind === "thread" ? new ThreadPoolExecutor(2) : new ProcessPoolExecutor(2);
if (mode === "idle") {
  console.log("idle pool created");
} else if (mode === "pending") {
  // Nothing awaits this: only the busy worker keeps the program alive until the result arrives.
  pool.submit(async (x: number) => {
    await new Promise((r) => setTimeout(r, 150));
    return x * 2;
  }, 21).then((value) => console.log(`late result ${value}`));
} else {
  console.log(`result ${await pool.submit((x: number) => x * 2, 21)}`);
}
