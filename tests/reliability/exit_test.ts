// Exit behaviour: a program that forgets shutdown() exits when its work is done, one with only an
// idle pool exits at once, and one with pending work does not exit before the work is done.
import { test } from "node:test";
import assert from "node:assert/strict";
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
