// The worker loop (workers/_worker_loop.ts) on a fake port: what it answers to a sequence of host
// messages, without a thread or a process in between.

import { test } from "node:test";
import assert from "node:assert/strict";
import type { FunctionSpec } from "../lib/_function_source.ts";
import { type HostMessage, PROTOCOL_VERSION, type WorkerMessage } from "../lib/_protocol.ts";
import { ClaimCells, ClaimTable, clock } from "../lib/_sent_ahead.ts";
import { decodeThrown } from "../lib/_serialize.ts";
import { serve } from "../workers/_worker_loop.ts";

/**
 * A worker loop on a fake port: `send` delivers a host message, `replies` collects answers. With
 * `batches`, the port is a child process's or a worker_threads thread's, whose host takes several
 * replies in one.
 */
function startWorker(batches = false) {
  const replies: WorkerMessage[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let deliver: ((message: unknown) => void) | undefined;
  serve({
    batches,
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

/** A worker past its init (with slot 0 of `table`'s claim cells, if given), replies cleared. */
async function readyWorker(batches = false, table?: ClaimTable) {
  const worker = startWorker(batches);
  assert.deepEqual(worker.replies, [{ t: "hello", v: PROTOCOL_VERSION }]);
  worker.send({
    t: "init",
    v: PROTOCOL_VERSION,
    transport: "structured",
    initargs: [],
    ...(table ? { claims: table.shared(0) } : {}),
  });
  await worker.replied(2);
  assert.deepEqual(worker.replies[1], { t: "ready" });
  worker.replies.length = 0;
  return worker;
}

/**
 * A worker that takes batches (a child; a thread when given `table`'s claim cells) and has run
 * `inc` once: `inc` is known to be quick.
 */
async function quickIncWorker(table?: ClaimTable) {
  const worker = await readyWorker(true, table);
  worker.send({ t: "task", id: 1, key: "inc", spec: spec("inc", "(x) => x + 1"), args: [1] });
  await worker.replied(1); // alone, and now known to be quick
  return worker;
}

/**
 * Runs `body` with `performance.now()` on a clock that moves only when told (task sources call
 * `globalThis.__advanceClock(ms)`): the worker loop times each run with it, so which functions
 * count as quick, and how long a reply has been held, do not depend on the machine's load.
 */
async function withManualClock(body: () => Promise<void>): Promise<void> {
  let now = 1_000;
  const own = Object.getOwnPropertyDescriptor(performance, "now");
  Object.defineProperty(performance, "now", {
    value: () => now,
    configurable: true,
    writable: true,
  });
  const g = globalThis as Record<string, unknown>;
  g.__advanceClock = (ms: number) => {
    now += ms;
  };
  try {
    await body();
  } finally {
    if (own) Object.defineProperty(performance, "now", own);
    else delete (performance as { now?: unknown }).now;
    delete g.__advanceClock;
  }
}

/** A unit of work as the host's claim cells see it. */
function claimUnit(id: number, ticket: number) {
  return { id, ticket, cell: undefined as number | undefined, startedAhead: false, tag: 0 };
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

test("a child answers the quick tasks of a batch in one message", async () => {
  await withManualClock(async () => {
    const { replies, send, replied } = await quickIncWorker();
    send({
      t: "batch",
      messages: [2, 3, 4].map((id) => ({ t: "task", id, key: "inc", args: [id] })),
    });
    await replied(2);
    assert.deepEqual(replies, [
      { t: "ok", id: 1, value: 2 },
      {
        t: "batch",
        messages: [{ t: "ok", id: 2, value: 3 }, { t: "ok", id: 3, value: 4 }, {
          t: "ok",
          id: 4,
          value: 5,
        }],
      },
    ]);
  });
});

test("a child sends what it holds before a task it does not know to be quick", async () => {
  await withManualClock(async () => {
    const { replies, send, replied } = await quickIncWorker();
    // The slow task notes how many replies had left when it started (the port is in this thread).
    const seen: number[] = [];
    // deno-lint-ignore no-explicit-any
    Object.assign(globalThis as any, { __runTaskSeen: () => seen.push(replies.length) });
    const slow = spec(
      "slow",
      "(x) => { globalThis.__runTaskSeen(); " +
        "globalThis.__advanceClock(2); return x; }", // a 2 ms run, on the test's clock
    );
    send({
      t: "batch",
      messages: [
        { t: "task", id: 2, key: "inc", args: [2] },
        { t: "task", id: 3, key: "inc", args: [3] },
        { t: "task", id: 4, key: "slow", spec: slow, args: ["slow"] },
        { t: "task", id: 5, key: "inc", args: [5] },
      ],
    });
    await replied(3);
    assert.deepEqual(seen, [2], "the replies to 2 and 3 left before the slow task started");
    assert.deepEqual(replies.slice(1), [
      { t: "batch", messages: [{ t: "ok", id: 2, value: 3 }, { t: "ok", id: 3, value: 4 }] },
      { t: "batch", messages: [{ t: "ok", id: 4, value: "slow" }, { t: "ok", id: 5, value: 6 }] },
    ]);
  });
});

test("a child holds no reply of a batch's chunk: map() reads its results in order", async () => {
  await withManualClock(async () => {
    const { replies, send, replied } = await quickIncWorker();
    send({
      t: "batch",
      messages: [
        { t: "task", id: 2, key: "inc", args: [2] },
        { t: "chunk", id: 3, key: "inc", items: [10, 20] },
        { t: "task", id: 4, key: "inc", args: [4] },
      ],
    });
    await replied(4);
    assert.deepEqual(replies.slice(1).map((reply) => reply.t === "ok" ? reply.id : reply.t), [
      2,
      "chunk-done",
      4,
    ]);
  });
});

// Work sent ahead to a thread (claim cells) while an older task waits, unclaimed, in the cells of
// another worker stuck on a slow task: the worker yields instead of starting its own, and holds
// everything after it until the host's `resume`. Then it starts the held work, unless the host
// took it back meanwhile (to send the older work first): that is dropped without a reply, and its
// function stays known.
test("a worker yields work held ahead to older work stuck behind a slow task elsewhere", async () => {
  const table = new ClaimTable(2, 2);
  const other = new ClaimCells(table, 1);
  const older = claimUnit(7, 3);
  assert.ok(other.hold(older)); // waits in worker 1's cells
  table.tickets[1] = clock() - 1000; // worker 1 has run its current task for a second
  const mine = new ClaimCells(table, 0);
  const held = claimUnit(9, 5);
  const later = claimUnit(11, 6);
  assert.ok(mine.hold(held) && mine.hold(later));

  const { replies, send, replied } = await readyWorker(false, table);
  const neg = spec("neg", "(x) => -x");
  send({ t: "task", id: 9, key: "neg", spec: neg, args: [9], c: held.cell!, g: held.tag, k: 5 });
  await replied(1);
  assert.deepEqual(replies[0], { t: "yield", id: 9 });
  send({ t: "task", id: 11, key: "neg", args: [11], c: later.cell!, g: later.tag, k: 6 }); // held back too
  // The host takes back the older task and this worker's two, says resume, and sends the oldest.
  assert.ok(other.withdraw(older) && mine.withdraw(held) && mine.withdraw(later));
  send({ t: "resume" });
  send({ t: "task", id: 7, key: "dbl", spec: spec("dbl", "(x) => 2 * x"), args: [7], k: 3 });
  send({ t: "task", id: 9, key: "neg", args: [9], k: 5 }); // `neg` is known: its spec came along
  await replied(3);
  assert.deepEqual(replies.slice(1), [{ t: "ok", id: 7, value: 14 }, {
    t: "ok",
    id: 9,
    value: -9,
  }]);

  // When nothing could be taken back (the older task started meanwhile), resume starts it.
  assert.ok(mine.hold(held));
  table.tickets[1] = clock() - 1000;
  assert.ok(other.hold(older));
  send({ t: "task", id: 9, key: "neg", args: [9], c: held.cell!, g: held.tag, k: 5 });
  await replied(4);
  assert.deepEqual(replies[3], { t: "yield", id: 9 });
  send({ t: "resume" });
  await replied(5);
  assert.deepEqual(replies[4], { t: "ok", id: 9, value: -9 });
});

// A thread's port takes batches too: the quick tasks of one message from the host, work held ahead
// among them, are claimed one by one and answered in one message.
test("a thread claims the work held ahead in a batch and answers its quick tasks in one message", async () => {
  await withManualClock(async () => {
    const table = new ClaimTable(1, 4);
    const cells = new ClaimCells(table, 0);
    const units = [3, 4].map((id) => claimUnit(id, id));
    const { replies, send, replied } = await quickIncWorker(table);
    for (const unit of units) assert.ok(cells.hold(unit));
    const [three, four] = units as [(typeof units)[0], (typeof units)[0]];
    const fourCell = four.cell!;
    assert.ok(cells.withdraw(four)); // taken back by the host: dropped without a reply
    send({
      t: "batch",
      messages: [
        { t: "task", id: 2, key: "inc", args: [2] },
        { t: "task", id: 3, key: "inc", args: [3], c: three.cell!, g: three.tag, k: 3 },
        // Not known to be quick: what is held leaves before it starts.
        { t: "task", id: 5, key: "neg", spec: spec("neg", "(x) => -x"), args: [5] },
        { t: "task", id: 4, key: "inc", args: [4], c: fourCell, g: four.tag, k: 4 },
      ],
    });
    await replied(3);
    assert.deepEqual(replies.slice(1), [
      { t: "batch", messages: [{ t: "ok", id: 2, value: 3 }, { t: "ok", id: 3, value: 4 }] },
      { t: "ok", id: 5, value: -5 },
    ]);
    assert.ok(cells.started(three, three.cell!), "the worker won the cell of the work held ahead");
  });
});

// A thread that yields (see the test above) first sends the replies it holds: the host learns
// that what ran before the held work is done before it takes anything back.
test("a thread sends the replies it holds before it yields", async () => {
  await withManualClock(async () => {
    const table = new ClaimTable(2, 2);
    const other = new ClaimCells(table, 1);
    const older = claimUnit(7, 3);
    assert.ok(other.hold(older)); // waits in worker 1's cells
    const mine = new ClaimCells(table, 0);
    const held = claimUnit(9, 5);
    assert.ok(mine.hold(held));
    const { replies, send, replied } = await quickIncWorker(table);
    table.tickets[1] = clock() - 1000; // worker 1 has run its current task for a second
    send({
      t: "batch",
      messages: [
        { t: "task", id: 2, key: "inc", args: [2] },
        { t: "task", id: 9, key: "inc", args: [9], c: held.cell!, g: held.tag, k: 5 },
      ],
    });
    await replied(3);
    assert.deepEqual(replies.slice(1), [{ t: "ok", id: 2, value: 3 }, { t: "yield", id: 9 }]);
  });
});
