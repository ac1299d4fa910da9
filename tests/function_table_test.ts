// The worker half of the function cache (lib/_function_table.ts): what a worker holds for each
// key as specs are defined, compiled, imported and forgotten.

import { test } from "node:test";
import assert from "node:assert/strict";
import type { FunctionSpec } from "../lib/_function_source.ts";
import { compileFunction, WorkerFunctionTable } from "../lib/_function_table.ts";

const source = (id: string, text: string): FunctionSpec => ({ kind: "source", id, source: text });
const mathTasks = new URL("./testdata/math_tasks.ts", import.meta.url).href;
const exported = (name: string): FunctionSpec => ({ kind: "module", url: mathTasks, name });

test("WorkerFunctionTable.get() compiles a defined spec once and returns that copy after", () => {
  const table = new WorkerFunctionTable();
  assert.equal(table.has("inc"), false);
  table.define("inc", source("inc", "(x) => x + 1"));
  assert.equal(table.has("inc"), true);
  const fn = table.get("inc");
  assert.equal(typeof fn, "function");
  assert.equal((fn as (x: number) => number)(1), 2);
  assert.equal(table.get("inc"), fn);
  assert.equal(table.has("inc"), true);
});

test("WorkerFunctionTable.define() keeps a compiled copy, else takes the latest spec", () => {
  const table = new WorkerFunctionTable();
  table.define("f", source("f", "() => 1"));
  table.define("f", source("f", "() => 2")); // not compiled yet: the later spec wins
  const fn = table.get("f") as () => number;
  assert.equal(fn(), 2);
  table.define("f", source("f", "() => 3")); // compiled: kept
  assert.equal(table.get("f"), fn);
});

test("WorkerFunctionTable.get() of a key never defined, or forgotten, is a protocol error", () => {
  const table = new WorkerFunctionTable();
  assert.throws(() => table.get("nope"), {
    name: "Error",
    message: "protocol error: unknown function nope",
  });
  table.define("compiled", source("compiled", "() => 1"));
  table.get("compiled");
  table.define("uncompiled", source("uncompiled", "() => 2"));
  table.forget(["compiled", "uncompiled", "never-defined"]);
  assert.equal(table.has("compiled"), false);
  assert.equal(table.has("uncompiled"), false);
  assert.throws(() => table.get("compiled"), /unknown function compiled/);
  assert.throws(() => table.get("uncompiled"), /unknown function uncompiled/);
  table.define("compiled", source("compiled", "() => 3")); // defined anew after a forget
  assert.equal((table.get("compiled") as () => number)(), 3);
});

test("WorkerFunctionTable.get() of a source that is no function throws, and keeps nothing", () => {
  const table = new WorkerFunctionTable();
  table.define("n", source("n", "42"));
  assert.throws(() => table.get("n"), {
    name: "TypeError",
    message: "the shipped source is not a function",
  });
  assert.equal(table.has("n"), false);
  assert.throws(() => table.get("n"), /unknown function n/);
});

test("WorkerFunctionTable.get() of a module export is a promise until imported", async () => {
  const table = new WorkerFunctionTable();
  table.define("add", exported("add"));
  const loading = table.get("add");
  assert.ok(loading instanceof Promise);
  assert.equal(table.get("add"), loading); // one import, shared by every task meanwhile
  const fn = await loading;
  assert.equal(fn(2, 3), 5);
  assert.equal(table.get("add"), fn); // then the function itself, with no promise in between
});

test("WorkerFunctionTable: a module export forgotten while importing stays forgotten", async () => {
  const table = new WorkerFunctionTable();
  table.define("add", exported("add"));
  const first = table.get("add");
  table.forget(["add"]);
  table.define("add", exported("offset")); // the key defined anew meanwhile
  const second = table.get("add");
  assert.notEqual(second, first);
  assert.equal((await first)(2, 3), 5);
  const loaded = await second;
  assert.equal(table.get("add"), loaded); // the first import did not overwrite it
  assert.equal((table.get("add") as (x: number) => number)(1), 11);
  table.forget(["add"]);
  table.define("add", exported("add"));
  const third = table.get("add");
  table.forget(["add"]);
  await third;
  assert.equal(table.has("add"), false);
});

test("WorkerFunctionTable: a module without the export rejects; the key is dropped", async () => {
  const table = new WorkerFunctionTable();
  table.define("missing", exported("missing"));
  const loading = table.get("missing");
  await assert.rejects(loading as Promise<unknown>, {
    name: "TypeError",
    message: `${mathTasks} has no exported function \`missing\``,
  });
  assert.equal(table.has("missing"), false);
});

test("compileFunction() evaluates a source in the global scope", () => {
  const fn = compileFunction(source("g", "() => typeof source")) as () => string;
  assert.equal(fn(), "undefined"); // this module's bindings are not visible to it
});
