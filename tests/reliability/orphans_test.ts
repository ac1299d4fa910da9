// Orphans: a parent SIGKILLs itself while its process-pool children are busy with CPU work that
// never yields, busy waiting, idle, finishing a task just after the parent died, or still starting
// (testdata/orphan_storm.ts). No child may be alive 2 s later, and none may complain on stderr
// (EPIPE, uncaught errors).
// Parents: RELIABILITY_ORPHANS (default 2, every state at once; `npm run test:stress` runs 20, the
// rest with states and delays from a fixed seed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { alive, runtimeCommand, testdata } from "../_child.ts";
import { random, sleep } from "../_helpers.ts";

const PARENTS = Number(process.env.RELIABILITY_ORPHANS ?? 2);
const LIMIT_MS = 2000;
const STATES = ["cpu", "async", "idle", "finishing", "warm", "starting"];

interface Orphaned {
  /** The children the parent reported just before it died, by pid: their states. */
  children: Map<number, string>;
  /** Whether every child closed its stdio (the parent's stdout and stderr) in time. */
  allExited: boolean;
  /** When the parent died (its exit event), as `Date.now()`. */
  diedAt: number;
  signal: string | null;
  stdout: string;
  /** The parent's and its children's. */
  stderr: string;
}

// Run a storm parent; resolves when it and all its children have exited, or LIMIT_MS after its
// death. The children inherit its stdout and stderr, so the pipes close when the last one exits.
function orphan(args: string[]): Promise<Orphaned> {
  const [cmd, base] = runtimeCommand(testdata("orphan_storm"));
  return new Promise((resolve, reject) => {
    const parent = spawn(cmd, [...base, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let stdout = "";
    let stderr = "";
    parent.stdout!.on("data", (chunk) => stdout += chunk);
    parent.stderr!.on("data", (chunk) => stderr += chunk);
    let signal: string | null = null;
    let diedAt = 0;
    let limit: ReturnType<typeof setTimeout> | undefined;
    const done = (allExited: boolean) => {
      clearTimeout(limit);
      clearTimeout(hung);
      parent.stdout!.destroy();
      parent.stderr!.destroy();
      const children = new Map<number, string>();
      for (const entry of (/children (\S*)/.exec(stdout)?.[1] ?? "").split(",")) {
        const [state, pid] = entry.split("=");
        if (pid) children.set(Number(pid), state!);
      }
      resolve({ children, allExited, diedAt, signal, stdout, stderr });
    };
    // A parent that never dies (a bug in the storm script) is not waited for forever.
    const hung = setTimeout(() => parent.kill("SIGKILL"), 30_000);
    parent.on("error", reject);
    parent.on("exit", (_code, sig) => {
      signal = sig;
      diedAt = Date.now();
      limit = setTimeout(() => done(false), LIMIT_MS);
    });
    parent.on("close", () => done(true));
  });
}

// One parent with children in `states`, SIGKILLed `delay` ms after they all got there. Returns
// how many children it had and how long after its death the last one was gone.
async function orphanRun(states: string[], delay: number): Promise<[number, number]> {
  const result = await orphan([states.join(","), String(delay)]);
  // A child closes its stdio a moment before it is gone (a large process takes a while to die).
  const pids = [...result.children.keys()];
  while (pids.some(alive) && Date.now() < result.diedAt + LIMIT_MS) await sleep(10);
  const ms = Date.now() - result.diedAt;
  const left = [...result.children].filter(([pid]) => alive(pid));
  for (const [pid] of left) {
    try {
      process.kill(pid, "SIGKILL"); // not left to the next test
    } catch {
      // gone meanwhile
    }
  }
  const what = `${states} after ${delay} ms`;
  assert.equal(result.signal, "SIGKILL", `${what}: the parent was not killed: ${result.stderr}`);
  assert.equal(result.children.size, states.length, `${what}: children ${result.stdout}`);
  assert.deepEqual(
    left.map(([pid, state]) => `${state}=${pid}`),
    [],
    `${what}: children alive ${LIMIT_MS} ms after their parent died`,
  );
  assert.ok(result.allExited, `${what}: the parent's output is still open`);
  assert.doesNotMatch(
    result.stderr,
    /EPIPE|ERR_IPC|Channel closed|BrokenPipe|Uncaught|Unhandled/i,
    `${what}: stderr`,
  );
  return [result.children.size, ms];
}

const NAME = `orphans: ${PARENTS} SIGKILLed parents, no child left ${LIMIT_MS} ms later`;

// (The timeout: `bun test` would stop it after 5 s.)
test(NAME, { timeout: PARENTS * 15_000 }, async () => {
  const next = random(0x0e1f);
  let children = 0;
  let slowest = 0;
  for (let run = 0; run < PARENTS; run++) {
    // Every state at once, then (under test:stress) random states at a random moment.
    let states = STATES;
    let delay = 0;
    if (run >= 2) {
      states = STATES.filter(() => next() < 0.6);
      if (states.length === 0) states = [STATES[Math.floor(next() * STATES.length)]!];
      delay = Math.floor(next() * 150);
    }
    const [count, ms] = await orphanRun(states, delay);
    children += count;
    slowest = Math.max(slowest, ms);
  }
  console.log(`orphans: ${PARENTS} parents, ${children} children, last exit ${slowest} ms after`);
});
