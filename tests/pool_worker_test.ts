// The host's side of one pool worker (lib/_pool_worker.ts): what its messages carry.

import { test } from "node:test";
import assert from "node:assert/strict";
import { functionCache } from "../lib/_function_table.ts";
import { PoolWorker } from "../lib/_pool_worker.ts";
import type { HostMessage, TaskMessage } from "../lib/_protocol.ts";
import { WorkItem, type WorkOwner } from "../lib/_work_item.ts";
import type { WorkerHandle } from "../lib/runtime/types.ts";

/** A worker whose messages are kept in `posted`, with a function cache of `size`. */
function fakeWorker(size: number, forget: number) {
  const saved = { ...functionCache };
  Object.assign(functionCache, { size, forget }); // read when the worker's table is made
  const worker = new PoolWorker(undefined, undefined);
  Object.assign(functionCache, saved);
  const posted: HostMessage[] = [];
  const handle: WorkerHandle = {
    pid: undefined,
    unrefable: true,
    postMessage: (message) => void posted.push(structuredClone(message) as HostMessage),
    terminate() {},
    ref() {},
    unref() {},
  };
  worker.handle = handle;
  return { worker, posted };
}

const owner: WorkOwner = { settled() {}, withdraw: () => false };

/** A task of the function named `key`, ready to send (as after admission). */
function task(key: string): WorkItem {
  const item = new WorkItem(owner, () => 0, [1], "task", undefined);
  item.spec = { kind: "source", id: key, source: "() => 0" };
  return item;
}

/** Each message as the keys it uses (`+` when it carries the spec), or the message itself. */
function summary(posted: HostMessage[]): unknown[] {
  const task = (message: TaskMessage) => message.key + (message.spec ? "+" : "");
  return posted.map((message) => {
    if (message.t === "batch") return message.messages.map((inner) => task(inner as TaskMessage));
    return message.t === "task" ? task(message) : message;
  });
}

function sendBatch(worker: PoolWorker, keys: string[]): void {
  for (const key of keys) {
    const item = task(key);
    worker.assign(item);
    worker.defer(item);
  }
  assert.deepEqual(worker.flush(), []);
}

test("a batch carries each new function's spec once, and the worker forgets the oldest after it", () => {
  const { worker, posted } = fakeWorker(3, 2);
  sendBatch(worker, ["a", "b", "a"]);
  sendBatch(worker, ["c", "a", "d"]);
  assert.deepEqual(summary(posted), [
    ["a+", "b+", "a"],
    ["c+", "a", "d+"],
    { t: "forget", keys: ["a", "b"] }, // after the batch that still uses `a`
  ]);
  assert.deepEqual(["a", "b", "c", "d"].map((key) => worker.functions.has(key)), [
    false,
    false,
    true,
    true,
  ]);
});

// Sent without its spec in a batch whose new keys push it out of the cache, a key is forgotten
// by the worker after the batch: the host must not count it as known again.
test("a key the worker is told to forget after a batch that used it is sent with its spec again", () => {
  const { worker, posted } = fakeWorker(2, 1);
  sendBatch(worker, ["a", "b"]);
  sendBatch(worker, ["c", "a"]);
  sendBatch(worker, ["a"]);
  assert.deepEqual(summary(posted), [
    ["a+", "b+"],
    ["c+", "a"],
    { t: "forget", keys: ["a"] },
    "a+",
    { t: "forget", keys: ["b"] },
  ]);
});
