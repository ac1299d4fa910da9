// Exit behaviour: a program that forgets shutdown() exits when its work is done, one with only an
// idle pool exits at once, and one with pending work does not exit before the work is done; a
// program whose pool broke exits once shutdown() has resolved.
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { runScript, testdata } from "../_child.ts";

for (const kind of ["thread", "process"]) {
  test(`${kind} pool: a program with pending, un-awaited work does not exit early`, async () => {
    const run = await runScript(testdata("forgotten_pool"), [kind, "pending"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /late result 42/);
  });

  test(`${kind} pool: a program with only an idle pool exits at once`, async () => {
    const run = await runScript(testdata("forgotten_pool"), [kind, "idle"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /idle pool created/);
    assert.ok(run.ms < 5000, `exited after ${run.ms} ms`);
  });
}

// Issue #16, item 3 (Deno kept the dead child's IPC channel ref'd: reading it failed with
// ECONNRESET, as the child died with a task of ours unread). Several trials: it was 4 in 6; the
// stress run (which sets RELIABILITY_TRIALS) makes them 10.
const KILL_TRIALS = process.env.RELIABILITY_TRIALS ? 10 : 3;

test("process pool: the program exits after a child was SIGKILLed from outside", async () => {
  for (let trial = 0; trial < KILL_TRIALS; trial++) {
    const run = await runScript(testdata("killed_sibling"), [], { timeoutMs: 10_000 });
    assert.equal(run.signal, null, `trial ${trial}: still alive after 10 s\n${run.stdout}`);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /shut down; 2 children; failed: BrokenProcessPool/);
  }
});
