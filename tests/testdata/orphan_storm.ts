// A parent that SIGKILLs itself while it has process-pool children in the given states, one child
// per state (each in a pool of its own, so its state is known):
//   cpu        busy with a loop that never yields to the event loop
//   async      busy waiting on a long timer
//   idle       done with its task
//   finishing  busy until this parent is gone (also if it was gone before the task started), then
//              returns a result that has nowhere to go
//   starting   spawned, its runtime still booting
//   warm       started by minWorkers and ready, never given a task (it watches its parent from the
//              first result on: until then, the IPC channel's disconnect alone)
// It prints its children (`children cpu=<pid>,…`), then dies; none may outlive it by 2 s, nor
// complain on stderr.
//
//   orphan_storm.ts [states, comma-separated; default all] [ms to wait before dying; default 0]
import process from "node:process";
import { type Future, ProcessPoolExecutor } from "../../mod.ts";
import { childPids } from "../_child.ts";

const ALL = "cpu,async,idle,finishing,warm,starting";
const [statesArg = ALL, delayArg = "0"] = process.argv.slice(2);
const states = new Set(statesArg.split(","));

// Resolves once the future's task has been sent to its child.
const sent = (future: Future<unknown>) =>
  new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (future.running() || future.done()) {
        clearInterval(poll);
        resolve();
      }
    }, 1);
  });

const children = new Map<number, string>();

// A child in `state` that has started (its pid is in) and is then given `fn`, if any.
async function child(state: string, fn?: (parent: number) => unknown): Promise<void> {
  const pool = new ProcessPoolExecutor(1);
  children.set(await pool.submit(() => globalThis.process.pid), state);
  if (fn) await sent(pool.submit(fn, process.pid));
}

const ready: Promise<void>[] = [];
if (states.has("cpu")) {
  ready.push(child("cpu", () => {
    for (;;) { /* never yields */ }
  }));
}
if (states.has("async")) {
  ready.push(child("async", () => new Promise((resolve) => setTimeout(resolve, 60_000))));
}
if (states.has("idle")) ready.push(child("idle"));
if (states.has("finishing")) {
  ready.push(child("finishing", (parent) => {
    while (globalThis.process.ppid === parent) { /* until the parent is gone */ }
    return "too late";
  }));
}
await Promise.all(ready);
if (states.has("warm")) {
  const pool = new ProcessPoolExecutor({ maxWorkers: 1, minWorkers: 1 });
  while (pool.stats().idle < 1) await new Promise((resolve) => setTimeout(resolve, 1));
  // The one child whose pid no task reported.
  const pid = childPids().find((pid) => !children.has(pid));
  if (pid !== undefined) children.set(pid, "warm");
}
if (states.has("starting")) {
  new ProcessPoolExecutor(1).submit(() => 1);
  // Spawned: the one child whose pid no task reported.
  for (;;) {
    const pid = childPids().find((pid) => !children.has(pid));
    if (pid !== undefined) {
      children.set(pid, "starting");
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
const delay = Number(delayArg);
if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
const list = [...children].map(([pid, state]) => `${state}=${pid}`).join(",");
process.stdout.write(`children ${list}\n`, () => {
  process.kill(process.pid, "SIGKILL");
});
