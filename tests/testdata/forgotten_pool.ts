// A script that uses a pool and never calls shutdown(): it must exit on its own.
import process from "node:process";
import { ProcessPoolExecutor, ThreadPoolExecutor } from "../../mod.ts";

const [kind = "thread", mode = "work"] = process.argv.slice(2);
const pool = kind === "thread" ? new ThreadPoolExecutor(2) : new ProcessPoolExecutor(2);
if (mode === "idle") {
  console.log("idle pool created");
} else {
  console.log(`result ${await pool.submit((x: number) => x * 2, 21)}`);
}
