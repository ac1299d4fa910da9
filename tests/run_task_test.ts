// The worker loop (workers/_worker_loop.ts) on a fake port: what it answers to a sequence of host
// messages, without a thread or a process in between.

import { test } from "node:test";
import assert from "node:assert/strict";
import type { FunctionSpec } from "../lib/_function_source.ts";
import { type HostMessage, PROTOCOL_VERSION, type WorkerMessage } from "../lib/_protocol.ts";
import { decodeThrown } from "../lib/_serialize.ts";
import { serve } from "../workers/_worker_loop.ts";

/** A worker loop on a fake port: `send` delivers a host message, `replies` collects answers. */
function startWorker() {
  const replies: WorkerMessage[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let deliver: ((message: unknown) => void) | undefined;
  serve({
    post(message) {
      replies.push(structuredClone(message) as WorkerMessage);
      for (const waiter of waiters.splice(0)) {
        if (replies.length >= waiter.count) waiter.resolve();
        else waiters.push(waiter);
      }
    },
    listen(onMessage) {
      deliver = onMessage;
    },
    exit() {},
  });
  const send = (message: HostMessage) => deliver!(structuredClone(message));
  /** Resolves once `count` replies in all have come. */
  const replied = (count: number) =>
    new Promise<void>((resolve) => {
      if (replies.length >= count) resolve();
      else waiters.push({ count, resolve });
    });
  return { replies, send, replied };
}

const spec = (id: string, source: string): FunctionSpec => ({ kind: "source", id, source });

async function readyWorker() {
  const worker = startWorker();
  assert.deepEqual(worker.replies, [{ t: "hello", v: PROTOCOL_VERSION }]);
  worker.send({ t: "init", v: PROTOCOL_VERSION, transport: "structured", initargs: [] });
  await worker.replied(2);
  assert.deepEqual(worker.replies[1], { t: "ready" });
  worker.replies.length = 0;
  return worker;
}

function errorOf(reply: WorkerMessage | undefined): Error {
  assert.equal(reply?.t, "err");
  return decodeThrown((reply as Extract<WorkerMessage, { t: "err" }>).error) as Error;
}

test("a worker uses its compiled copy of a function until told to forget it", async () => {
  const { replies, send, replied } = await readyWorker();
  send({ t: "task", id: 1, key: "inc", spec: spec("inc", "(x) => x + 1"), args: [1] });
  send({ t: "task", id: 2, key: "inc", args: [2] });
  send({ t: "forget", keys: ["inc", "never-sent"] });
  send({ t: "task", id: 3, key: "inc", args: [3] });
  send({ t: "task", id: 4, key: "inc", spec: spec("inc", "(x) => x + 10"), args: [4] });
  await replied(4);
  assert.deepEqual(replies.slice(0, 2), [{ t: "ok", id: 1, value: 2 }, {
    t: "ok",
    id: 2,
    value: 3,
  }]);
  assert.match(errorOf(replies[2]).message, /unknown function inc/);
  assert.deepEqual(replies[3], { t: "ok", id: 4, value: 14 }); // compiled again from the new spec
});

test("a forget waits its turn behind a task that is still running", async () => {
  const { replies, send, replied } = await readyWorker();
  const slow = spec("slow", "(x) => new Promise((resolve) => setTimeout(resolve, 5, x))");
  send({ t: "task", id: 1, key: "slow", spec: slow, args: ["a"] });
  send({ t: "task", id: 2, key: "slow", args: ["b"] }); // held behind task 1
  send({ t: "forget", keys: ["slow"] }); // held too: task 2 still needs the function
  send({ t: "task", id: 3, key: "slow", args: ["c"] });
  await replied(3);
  assert.deepEqual(replies.slice(0, 2), [
    { t: "ok", id: 1, value: "a" },
    { t: "ok", id: 2, value: "b" },
  ]);
  assert.match(errorOf(replies[2]).message, /unknown function slow/);
});

test("a forget inside a batch applies in the batch's order", async () => {
  const { replies, send, replied } = await readyWorker();
  send({
    t: "batch",
    messages: [
      { t: "task", id: 1, key: "neg", spec: spec("neg", "(x) => -x"), args: [1] },
      { t: "forget", keys: ["neg"] },
      { t: "task", id: 2, key: "neg", spec: spec("neg", "(x) => -x"), args: [2] },
      { t: "forget", keys: ["neg"] },
      { t: "task", id: 3, key: "neg", args: [3] },
    ],
  });
  await replied(3);
  assert.deepEqual(replies.slice(0, 2), [{ t: "ok", id: 1, value: -1 }, {
    t: "ok",
    id: 2,
    value: -2,
  }]);
  assert.match(errorOf(replies[2]).message, /unknown function neg/);
});
