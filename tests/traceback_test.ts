// Copyright 2026 the concurrent-futures authors. MIT license.
// Tracebacks (issue #17, item 6): a task's error shows the function's own file and line where it
// can be known, then the frames of the code that submitted it, as Python shows the worker's
// traceback and the caller's.

import { test } from "node:test";
import assert from "node:assert/strict";
import { type Future, ProcessPoolExecutor, ThreadPoolExecutor } from "../mod.ts";
import { CALLER_FRAMES } from "../lib/_submit_site.ts";
import { testdata } from "./_child.ts";

const TASKS = testdata("pool_tasks");
const HERE = import.meta.url;
const HERE_PATH = decodeURIComponent(new URL(HERE).pathname);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const inThisFile = new RegExp(`(${escape(HERE)}|${escape(HERE_PATH)}):\\d+:\\d+`);

type Pool = ThreadPoolExecutor | ProcessPoolExecutor;

// The function is created here, so its first submit is here.
function submitFailingTask(pool: Pool): Future<never> {
  const future = pool.submit((x: number) => {
    const y = x + 1;
    throw new RangeError(`bad ${y}`);
  }, 1);
  return future;
}

function lines(stack: string | undefined): string[] {
  return (stack ?? "").split("\n");
}

for (
  const [name, Pool] of [["thread", ThreadPoolExecutor], ["process", ProcessPoolExecutor]] as const
) {
  test(`${name} pool: a task sent by source names the file it was submitted from, then the caller's frames`, async () => {
    await using pool = new Pool(1);
    const error = await submitFailingTask(pool).exception() as Error;
    const stack = lines(error.stack);
    assert.equal(stack[0], "RangeError: bad 2");
    // Its own frame: this file, the submit's line, then the line inside the function (3).
    assert.match(
      stack[1]!,
      new RegExp(`${escape(HERE)}#submitted-at-line-\\d+(:|, <anonymous>:)3:\\d+`),
    );
    const separator = stack.indexOf(CALLER_FRAMES);
    assert.ok(separator > 1, error.stack);
    assert.ok(
      !stack.slice(0, separator).some((l) => /workers[\\/]_/.test(l)),
      "no worker-loop frames",
    );
    const caller = stack.slice(separator + 1);
    // The submitting code, in this file: submitFailingTask's frame (Bun's stack may leave that one
    // out and start at its caller).
    assert.match(caller[0]!, inThisFile);
  });

  test(`${name} pool: a task sent by reference shows its module's line, then the caller's frames`, async () => {
    await using pool = new Pool({ maxWorkers: 1, modules: [TASKS] });
    const { fetchStatus } = await import(TASKS.href) as { fetchStatus: (s: number) => never };
    const error = await pool.submit(fetchStatus, 500).exception() as Error;
    const stack = lines(error.stack);
    assert.equal(stack[0], "HttpError: HTTP 500");
    assert.match(stack[1]!, /at fetchStatus \(.*pool_tasks\.(ts|js):\d+:\d+\)/);
    const separator = stack.indexOf(CALLER_FRAMES);
    assert.ok(separator > 1, error.stack);
    assert.ok(
      !stack.slice(0, separator).some((l) => /workers[\\/]_/.test(l)),
      "no worker-loop frames",
    );
    assert.match(stack[separator + 1]!, inThisFile);
  });

  test(`${name} pool: a failing map chunk's error gets the caller's frames too; a thrown non-error stays itself`, async () => {
    await using pool = new Pool(1);
    const it = pool.map(
      (x: number) => {
        if (x === 2) throw new TypeError("two");
        return x;
      },
      [1, 2, 3],
      { chunksize: 3 },
    );
    assert.deepEqual(await it.next(), { done: false, value: 1 });
    const error = await it.next().then(() => undefined, (e) => e as Error);
    assert.ok(error instanceof TypeError);
    assert.ok(lines(error.stack).includes(CALLER_FRAMES), error.stack);
    assert.equal(
      await pool.submit(() => {
        throw 7;
      }).exception(),
      7,
    );
  });
}
