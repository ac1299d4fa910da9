// stats(), events and the inspect form of both pools (issue #18, part 2).

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import {
  type ExecutorEvents,
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  type WorkerExitEvent,
} from "../mod.ts";
import { DurationWindow, WINDOW } from "../lib/_pool_stats.ts";
import { captureConsoleError, random } from "./_helpers.ts";
import { netGate, waitAtGate } from "./_net_gate.ts";

test("DurationWindow: nearest-rank percentiles over the last 1,024 samples", () => {
  const window = new DurationWindow();
  assert.deepEqual(window.summary(), { p50: 0, p90: 0, p99: 0, max: 0, samples: 0 });
  for (let ms = 100; ms >= 1; ms--) window.add(ms); // order does not matter
  assert.deepEqual(window.summary(), { p50: 50, p90: 90, p99: 99, max: 100, samples: 100 });
  // Past the window the oldest samples drop out: only 1_001..2_024 remain of 1..2_024.
  const ring = new DurationWindow();
  for (let ms = 1; ms <= 2 * WINDOW - 24; ms++) ring.add(ms);
  const summary = ring.summary();
  assert.equal(summary.samples, WINDOW);
  assert.equal(summary.max, 2 * WINDOW - 24);
  assert.equal(summary.p50, 1000 + WINDOW / 2);
});

test("DurationWindow: the selected percentiles are those of a sorted copy, ties included", () => {
  const next = random(18);
  for (const count of [1, 2, 3, 10, 99, 100, 101, 1000, WINDOW, 3000]) {
    const window = new DurationWindow();
    const values: number[] = [];
    for (let i = 0; i < count; i++) {
      const ms = next() < 0.3 ? 5 : Math.floor(next() * 50) / 4; // many ties
      window.add(ms);
      values.push(ms);
    }
    const kept = values.slice(-WINDOW).sort((a, b) => a - b);
    const rank = (p: number) => kept[Math.min(kept.length - 1, Math.ceil(p * kept.length) - 1)];
    assert.deepEqual(window.summary(), {
      p50: rank(0.5),
      p90: rank(0.9),
      p99: rank(0.99),
      max: kept.at(-1),
      samples: kept.length,
    }, `${count} samples`);
  }
});

for (const Pool of [ThreadPoolExecutor, ProcessPoolExecutor]) {
  const name = Pool.name;
  // A busy thread holds up to 7 tasks sent ahead, a busy child 8 (while the queue is deep enough);
  // the rest waits in the queue.
  const ahead = Pool === ThreadPoolExecutor ? 7 : 8;

  describe(`${name} stats()`, () => {
    test(`${name}.stats() counts workers and tasks as they go`, async () => {
      await using pool = new Pool(1);
      await using gate = await netGate(); // disposed first: opened before the pool shuts down
      const fresh = pool.stats();
      assert.deepEqual(
        [fresh.state, fresh.maxWorkers, fresh.workers, fresh.queued, fresh.completed],
        ["running", 1, 0, 0, 0],
      );
      const first = pool.submit(waitAtGate, gate.port, "first");
      const failing = pool.submit(waitAtGate, gate.port, "second fails", true);
      const others = [1, 2, 3, 4].map((n) => pool.submit((x: number) => x, n));
      await gate.arrived(1);
      const busy = pool.stats();
      assert.deepEqual([busy.workers, busy.starting, busy.busy, busy.idle], [1, 0, 1, 0]);
      // How many a busy worker holds ahead of time is the pool's business; the rest is queued.
      assert.equal(busy.running + busy.queued, 6);
      assert.ok(busy.running >= 1 && busy.running <= 1 + ahead);
      const last = others.at(-1)!;
      assert.equal(last.cancel(), true);
      assert.equal(pool.stats().cancelled, 1);
      assert.equal(pool.stats().queued + pool.stats().running, 5);
      gate.open();
      assert.equal(await first, "first");
      await assert.rejects(failing.result(), { message: "second fails" });
      await Promise.all(others.slice(0, 3));
      const done = pool.stats();
      assert.deepEqual(
        [done.busy, done.idle, done.running, done.queued],
        [0, 1, 0, 0],
      );
      assert.deepEqual([done.completed, done.failed, done.cancelled], [4, 1, 1]);
      assert.equal(done.runTime.samples, 5);
      assert.equal(done.waitTime.samples, 5);
    });

    test(`${name}.stats(): run and wait times cover what the test saw`, async () => {
      await using pool = new Pool(1);
      await using gate = await netGate(); // disposed first: opened before the pool shuts down
      await pool.submit(() => "warm"); // the worker's start-up is not part of what follows
      const submitted = performance.now();
      const held = pool.submit(waitAtGate, gate.port, "held");
      const behind = pool.submit((x: string) => x, "behind");
      await gate.arrived(1);
      const arrived = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 30)); // a measurable run time
      const opened = performance.now();
      gate.open();
      await Promise.all([held, behind]);
      const { runTime, waitTime } = pool.stats();
      assert.equal(runTime.samples, 3);
      // `held` ran at least from its arrival at the gate to the gate's opening; `behind` waited
      // at least from its submit to then (it could start only after `held` was done).
      assert.ok(runTime.max >= opened - arrived, `${runTime.max} >= ${opened - arrived}`);
      assert.ok(waitTime.max >= opened - submitted, `${waitTime.max} >= ${opened - submitted}`);
      assert.ok(runTime.p50 <= runTime.p90 && runTime.p90 <= runTime.p99);
      assert.ok(runTime.p99 <= runTime.max);
    });

    test(`${name}: a worker that dies shows as a broken pool, a failed task and an exit`, async () => {
      await using pool = new Pool(1);
      const exits: WorkerExitEvent[] = [];
      pool.on("workerExit", (event) => exits.push(event));
      const dying = pool.submit(() => {
        globalThis.process.exit(3); // a thread's process.exit() ends only the thread
      });
      await assert.rejects(dying.result(), { name: /^Broken/ });
      const stats = pool.stats();
      assert.equal(stats.state, "broken");
      assert.equal(stats.failed, 1);
      await new Promise<void>((resolve) => {
        if (exits.length > 0) resolve();
        else pool.on("workerExit", () => resolve());
      });
      assert.equal(exits[0]!.expected, false);
      assert.match(String(pool), /state: "broken"/);
    });
  });

  describe(`${name} events`, () => {
    test(`${name}: a task's and a worker's life as events, in order`, async () => {
      const pool = new Pool(1);
      const seen: string[] = [];
      const names: (keyof ExecutorEvents)[] = [
        "workerStart",
        "taskStart",
        "taskDone",
        "drain",
        "idle",
        "workerExit",
      ];
      for (const event of names) {
        pool.on(event, (data: unknown) => {
          const outcome = (data as { outcome?: string } | undefined)?.outcome;
          seen.push(outcome ? `${event}:${outcome}` : event);
        });
      }
      const future = pool.submit((x: number) => x + 1, 1);
      let doneEvent: ExecutorEvents["taskDone"] | undefined;
      pool.on("taskDone", (event) => doneEvent ??= event);
      assert.equal(await future, 2);
      await pool.submit(() => {
        throw new TypeError("nope");
      }).exception();
      await pool.shutdown();
      await Promise.resolve(); // the last events are delivered in a microtask
      assert.deepEqual(seen, [
        "workerStart", // the first task waits in the queue until its worker is ready
        "drain",
        "taskStart",
        "taskDone:completed",
        "idle",
        "drain",
        "taskStart",
        "taskDone:failed",
        "idle",
        "workerExit",
      ]);
      assert.equal(doneEvent!.future, future);
      assert.ok(doneEvent!.runTime > 0 && doneEvent!.waitTime > 0);
    });

    test(`${name}: a cancelled task is a taskDone event, with no run time`, async () => {
      await using pool = new Pool(1);
      await using gate = await netGate(); // disposed first: opened before the pool shuts down
      const events: ExecutorEvents["taskDone"][] = [];
      pool.on("taskDone", (event) => events.push(event));
      const running = pool.submit(waitAtGate, gate.port, 1);
      await gate.arrived(1);
      const queued = [];
      while (pool.stats().queued === 0) queued.push(pool.submit(() => 2)); // the last one waits
      assert.equal(queued.at(-1)!.cancel(), true);
      await Promise.resolve();
      assert.equal(events.length, 1);
      assert.equal(events[0]!.outcome, "cancelled");
      assert.equal(events[0]!.future, queued.at(-1));
      assert.equal(events[0]!.runTime, 0);
      gate.open();
      await running;
    });

    test(`${name}: "idle" also follows a running task that was aborted`, async () => {
      await using pool = new Pool(1);
      await using gate = await netGate(); // disposed first: opened before the pool shuts down
      const controller = new AbortController();
      const future = pool.submitWith(waitAtGate, [gate.port, 1], { signal: controller.signal });
      await gate.arrived(1);
      const idle = new Promise<void>((resolve) => pool.on("idle", resolve));
      controller.abort(new Error("stop"));
      await assert.rejects(future.result(), { message: "stop" });
      await idle;
      assert.deepEqual([pool.stats().failed, pool.stats().running], [1, 0]);
    });

    test(`${name}.off() removes a listener; on() refuses unknown events and non-functions`, async () => {
      await using pool = new Pool(1);
      let calls = 0;
      const listener = () => calls++;
      assert.equal(pool.on("taskDone", listener).on("taskDone", listener), pool);
      await pool.submit(() => 1);
      await Promise.resolve();
      assert.equal(calls, 1, "added twice, called once");
      pool.off("taskDone", listener);
      pool.off("taskDone", () => {}); // never added: ignored
      await pool.submit(() => 2);
      await Promise.resolve();
      assert.equal(calls, 1);
      assert.throws(() => pool.on("done" as never, listener), {
        name: "TypeError",
        message: /unknown event "done"; known events: taskStart, taskDone, workerStart/,
      });
      assert.throws(() => pool.on("idle", "x" as never), {
        name: "TypeError",
        message: 'listener must be a function, got "x"',
      });
    });

    test(`${name}: a listener that throws is reported, and the others still run`, async () => {
      using errors = captureConsoleError();
      await using pool = new Pool(1);
      let after = 0;
      pool.on("taskDone", () => {
        throw new Error("listener bug");
      });
      pool.on("taskDone", () => after++);
      assert.equal(await pool.submit(() => "fine"), "fine");
      await Promise.resolve();
      assert.equal(after, 1);
      assert.equal(errors.calls.length, 1);
      assert.match(String(errors.calls[0]![0]), /"taskDone" listener/);
    });

    test(`${name}: a listener may submit to the pool`, async () => {
      await using pool = new Pool(1);
      const chained = new Promise<number>((resolve) => {
        pool.on("taskDone", function next(event) {
          pool.off("taskDone", next);
          void event.future.result().then((x) =>
            resolve(pool.submit((y: number) => y * 10, x as number))
          );
        });
      });
      await pool.submit(() => 4);
      assert.equal(await chained, 40);
    });
  });

  test(`${name}: String() and inspect() show the state at a glance`, async () => {
    await using pool = new Pool(2);
    await using gate = await netGate(); // disposed first: opened before the pool shuts down
    const expected = (fields: string) => `${name} { ${fields} }`;
    assert.equal(
      String(pool),
      expected(
        'state: "running", maxWorkers: 2, workers: 0, idle: 0, busy: 0, queued: 0, running: 0, ' +
          "completed: 0, failed: 0, cancelled: 0",
      ),
    );
    const running = pool.submit(waitAtGate, gate.port, "x");
    await gate.arrived(1);
    assert.match(String(pool), /busy: 1, queued: 0, running: 1,/);
    assert.equal(inspect(pool), String(pool));
    assert.equal(`${pool}`, String(pool));
    gate.open();
    await running;
    await pool.shutdown();
    assert.equal(
      inspect(pool),
      expected(
        'state: "shutdown", maxWorkers: 2, workers: 0, idle: 0, busy: 0, queued: 0, running: 0, ' +
          "completed: 1, failed: 0, cancelled: 0",
      ),
    );
  });
}
