import { test } from "node:test";
import assert from "node:assert/strict";
import { currentRuntime, detectRuntime } from "../../lib/runtime/detect.ts";

const cases: [string, object, string][] = [
  ["plain Node", { process: { versions: { node: "20.20.2" } } }, "node"],
  ["Node 24", {
    process: { versions: { node: "24.21.0" } },
    navigator: { userAgent: "Node.js/24" },
  }, "node"],
  ["Deno (fakes process.versions.node)", {
    Deno: { version: { deno: "2.9.6" } },
    process: { versions: { node: "26.3.0", deno: "2.9.6" } },
  }, "deno"],
  ["Bun (fakes process.versions.node)", {
    Bun: { version: "1.4.5" },
    process: { versions: { node: "26.3.0", bun: "1.4.5" } },
  }, "bun"],
  [
    "Bun seen only through process.versions.bun",
    { process: { versions: { bun: "1.4.5" } } },
    "bun",
  ],
  ["a Deno shim without a version string is not Deno", {
    Deno: {},
    process: { versions: { node: "20" } },
  }, "node"],
  ["Deno and Bun globals together: Deno wins", {
    Deno: { version: { deno: "2" } },
    Bun: { version: "1" },
  }, "deno"],
  ["no globals at all", {}, "node"],
];

for (const [name, globals, expected] of cases) {
  test(`detectRuntime() says ${expected} for ${name}`, () => {
    assert.equal(detectRuntime(globals), expected);
  });
}

test("currentRuntime() matches the runtime running this test", () => {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  const expected = g.Deno?.version?.deno ? "deno" : g.Bun ? "bun" : "node";
  assert.equal(currentRuntime(), expected);
  assert.equal(currentRuntime(), currentRuntime());
});
