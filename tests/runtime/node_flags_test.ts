import { test } from "node:test";
import assert from "node:assert/strict";
import { childExecArgv } from "../../lib/runtime/node.ts";

const cases: [string, string[], string[]][] = [
  ["loader flags pass", ["--import", "./register.js", "--enable-source-maps"], [
    "--import",
    "./register.js",
    "--enable-source-maps",
  ]],
  ["the test runner's flags go, with their values", [
    "--test",
    "--test-name-pattern",
    "some name",
    "--test-reporter=spec",
    "--max-old-space-size=512",
  ], ["--max-old-space-size=512"]],
  ["the inspector and profilers go", [
    "--inspect-port",
    "9230",
    "--inspect=0",
    "--cpu-prof",
    "--cpu-prof-dir",
    "/tmp/prof",
    "--no-warnings",
  ], ["--no-warnings"]],
  ["eval goes with its code", ["-e", "console.log(1)", "--stack-size=2000"], [
    "--stack-size=2000",
  ]],
  ["a boolean flag keeps the flag after it", ["--watch", "--require", "./a.js"], [
    "--require",
    "./a.js",
  ]],
];

for (const [name, execArgv, expected] of cases) {
  test(`childExecArgv(): ${name}`, () => {
    assert.deepEqual(childExecArgv(execArgv), expected);
  });
}
