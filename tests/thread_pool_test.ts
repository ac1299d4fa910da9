import { test } from "node:test";
import assert from "node:assert/strict";
import { SerializationError, ThreadPoolExecutor } from "../mod.ts";
import { executorContract } from "./_executor_contract.ts";
import { runScript, testdata } from "./_child.ts";

executorContract("thread");

test("ThreadPoolExecutor.submitWith() transfers an ArrayBuffer instead of copying it", async () => {
  await using pool = new ThreadPoolExecutor(1);
  const buffer = new Uint8Array([1, 2, 3, 4]).buffer;
  const future = pool.submitWith((b: ArrayBuffer) => b.byteLength, [buffer], {
    transfer: [buffer],
  });
  assert.equal(await future, 4);
  assert.equal(buffer.byteLength, 0, "the sender's buffer is detached");
});

test("ThreadPoolExecutor.submitWith() moves a transfer list at the call, even while the task is queued", async () => {
  await using pool = new ThreadPoolExecutor(1);
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const blocker = pool.submit((g: Int32Array) => {
    Atomics.wait(g, 0, 0, 5000);
  }, gate);
  const bytes = new Uint8Array([1, 2, 3]);
  const queued = pool.submitWith((b: ArrayBuffer) => new Uint8Array(b)[0], [bytes.buffer], {
    transfer: [bytes.buffer],
  });
  assert.equal(queued.state, "PENDING");
  assert.equal(bytes.byteLength, 0, "detached at once, not when a worker takes the task");
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
  await blocker;
  assert.equal(await queued, 1);
});

test("ThreadPoolExecutor.submitWith() transfers a MessagePort the task can post on", async () => {
  await using pool = new ThreadPoolExecutor(1);
  const { port1, port2 } = new MessageChannel();
  const received = new Promise((resolve) => {
    port1.onmessage = (event) => resolve(event.data);
  });
  const future = pool.submitWith(
    (port: MessagePort) => {
      port.postMessage("hello through the port");
      port.close();
      return "posted";
    },
    [port2],
    { transfer: [port2] },
  );
  assert.equal(await future, "posted");
  assert.equal(await received, "hello through the port");
  port1.close();
});

test("ThreadPoolExecutor: a large typed array arrives intact, copied or transferred", async () => {
  await using pool = new ThreadPoolExecutor(1);
  const sum = (view: Uint8Array) => {
    let total = 0;
    for (let i = 0; i < view.length; i++) total += view[i]!;
    return [view.length, total];
  };
  const view = new Uint8Array(1 << 20).map((_, i) => i & 0xff);
  const expected = [view.length, view.reduce((a, b) => a + b, 0)];
  assert.deepEqual(await pool.submit(sum, view), expected);
  assert.deepEqual(await pool.submitWith(sum, [view], { transfer: [view.buffer] }), expected);
  assert.equal(view.byteLength, 0, "the transferred buffer is detached");
});

test("ThreadPoolExecutor: a SharedArrayBuffer is shared with the worker", async () => {
  await using pool = new ThreadPoolExecutor(1);
  const shared = new Int32Array(new SharedArrayBuffer(4));
  await pool.submit((view: Int32Array) => {
    Atomics.store(view, 0, 42);
  }, shared);
  assert.equal(shared[0], 42);
});

test("ThreadPoolExecutor: a queued future stays PENDING until a worker takes it", async () => {
  await using pool = new ThreadPoolExecutor(1);
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const blocker = pool.submit((g: Int32Array) => {
    Atomics.wait(g, 0, 0, 5000);
    return "released";
  }, gate);
  const queued = pool.submit(() => "second");
  while (!blocker.running()) await new Promise((r) => setTimeout(r, 2));
  assert.equal(queued.state, "PENDING");
  assert.equal(queued.cancel(), true);
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
  assert.equal(await blocker, "released");
});

test("ThreadPoolExecutor: uncloneable values inside a Map and Set are refused with their path", async () => {
  await using pool = new ThreadPoolExecutor(1);
  const error = await pool.submit((_m: unknown) => 1, new Map([["k", { f: () => 1 }]])).exception();
  assert.ok(error instanceof SerializationError);
  assert.match(error.path, /^args\[0\]/);
});

test("ThreadPoolExecutor: a script that never calls shutdown() still exits when its work is done", async () => {
  const run = await runScript(testdata("forgotten_pool"), ["thread"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /result 42/);
});

test("ThreadPoolExecutor: a script with only an idle pool exits at once", async () => {
  const run = await runScript(testdata("forgotten_pool"), ["thread", "idle"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /idle/);
});
