// Copyright 2026 the concurrent-futures authors. MIT license.
// Tests for lib/_options.ts, the unknown-option check every options object goes through (its use by
// each call is tested with that call). Runtime-neutral.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { checkOptions, suggest } from "../lib/_options.ts";

describe("checkOptions()", () => {
  test("checkOptions() accepts undefined, an empty object and known keys", () => {
    checkOptions(undefined, ["timeout"], "f()");
    checkOptions({}, ["timeout"], "f()");
    checkOptions({ timeout: undefined }, ["timeout"], "f()");
    checkOptions(Object.create(null), ["timeout"], "f()");
  });

  test("checkOptions() refuses a non-object, naming the call and showing an example", () => {
    for (const [value, shown] of [[5, "5 (number)"], [null, "null"], [[], "an array"]] as const) {
      assert.throws(() => checkOptions(value, ["timeout"], "f()", "{ timeout: 1 }"), {
        name: "TypeError",
        message: `f(): options must be an object such as { timeout: 1 }, got ${shown}`,
      });
    }
    assert.throws(() => checkOptions("x", ["a"], "g()"), {
      message: 'g(): options must be an object, got "x"',
    });
  });

  test("checkOptions() refuses an unknown key, even one set to undefined", () => {
    assert.throws(() => checkOptions({ timeout: 1, other: undefined }, ["timeout"], "f()"), {
      name: "TypeError",
      message: 'f(): unknown option "other"; known options: timeout',
    });
  });
});

describe("suggest()", () => {
  const cases: [string, string[], string | undefined][] = [
    ["cancel_futures", ["wait", "cancelFutures"], "cancelFutures"],
    ["max_workers", ["maxWorkers", "initializer"], "maxWorkers"],
    ["max_tasks_per_child", ["maxWorkers", "maxTasksPerChild"], "maxTasksPerChild"],
    ["return_when", ["timeout", "returnWhen"], "returnWhen"],
    ["chunkSize", ["chunksize", "buffersize"], "chunksize"],
    ["chunk_size", ["chunksize", "buffersize"], "chunksize"],
    ["initArgs", ["initializer", "initargs"], "initargs"],
    ["timeout_ms", ["timeout"], "timeout"],
    ["timeoutMs", ["timeout"], "timeout"],
    ["timeoutSeconds", ["timeout"], "timeout"],
    ["thread_name_prefix", ["maxWorkers", "name"], "name"],
    ["abortSignal", ["signal", "transfer"], "signal"],
    ["cancel", ["wait", "cancelFutures"], "cancelFutures"],
    ["cancelFuture", ["wait", "cancelFutures"], "cancelFutures"],
    ["buffersise", ["chunksize", "buffersize"], "buffersize"],
    ["chunkszie", ["chunksize", "buffersize"], "chunksize"], // two letters swapped: one edit
    ["caFlie", ["caFile", "ca", "certFile"], "caFile"],
    ["ordered", ["timeout", "chunksize", "buffersize", "signal"], undefined],
    ["x", ["wait", "cancelFutures"], undefined],
    ["mp_context", ["maxWorkers", "initializer", "initargs", "modules"], undefined],
  ];
  for (const [key, known, expected] of cases) {
    test(`suggest(${JSON.stringify(key)}) is ${expected ?? "nothing"}`, () => {
      assert.equal(suggest(key, known), expected);
    });
  }
});
