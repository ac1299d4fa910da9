// Issue #16, item 1: values that cannot be sent, queued among 1 MiB messages, in both directions.
// Each fails alone with a SerializationError; the child lives on; the program exits after
// shutdown() (on Deno, a half-written message broke the channel and then kept the program alive).
import process from "node:process";
import { ProcessPoolExecutor } from "../../mod.ts";

const pool = new ProcessPoolExecutor(1);
const pid = () => process.pid;
const first = await pool.submit(pid);
const size = (x: unknown) => (x as Uint8Array).length;
const mib = () => new Uint8Array(1 << 20).fill(7);
let deep: unknown = () => 1;
for (let i = 0; i < 1500; i++) deep = { next: deep };
const futures = [
  pool.submit(size, mib()),
  pool.submit(size, mib()),
  pool.submit(size, new Proxy({ a: 1 }, {})),
  pool.submit(size, mib()),
  pool.submit(size, deep),
  pool.submit(size, mib()),
  pool.submit(() => new Proxy({ a: 1 }, {})),
  pool.submit(() => new Uint8Array(1 << 20)),
  pool.submit(() => Object.assign([1], { callback: () => 1 })),
  pool.submit(size, mib()),
];
const outcomes = await Promise.allSettled(futures);
const summary = outcomes.map((o) =>
  o.status === "fulfilled"
    ? String(o.value instanceof Uint8Array ? o.value.length : o.value)
    : `${o.reason.name}(${o.reason.path})`
);
console.log(summary.join(" "));
console.log(`same child: ${first === await pool.submit(pid)}`);
await pool.shutdown();
console.log("shut down");
