// A process pool with one busy and one idle child is stopped with killWorkers() or
// terminateWorkers() (argv[2]): the promise must settle before the program ends ("stopped").
import process from "node:process";
import { ProcessPoolExecutor } from "../../mod.ts";

const pool = new ProcessPoolExecutor(2);
await pool.submit(() => 0);
const stuck = pool.submit(() => new Promise(() => {}));
while (!stuck.running()) await new Promise((r) => setTimeout(r, 5));
await pool.submit(() => "idle after this");
if (process.argv[2] === "terminate") await pool.terminateWorkers();
else await pool.killWorkers();
console.log("stopped");
