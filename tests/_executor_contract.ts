// The executor contract (docs/api.md), run against both pools: the analogue of
// CPython's create_executor_tests(). Each test owns and disposes its executor.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  BrokenExecutor,
  CancelledError,
  FIRST_COMPLETED,
  InvalidStateError,
  ProcessPoolExecutor,
  SerializationError,
  ThreadPoolExecutor,
  wait,
} from "../mod.ts";
import { functionCache } from "../lib/_function_table.ts";

export type PoolKind = "thread" | "process";
type Pool = ThreadPoolExecutor | ProcessPoolExecutor;

const TASKS = new URL(
  `./testdata/pool_tasks${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`,
  import.meta.url,
);

const EXPORT_NAMES = new URL(
  `./testdata/export_names${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`,
  import.meta.url,
);

// Processes share no memory, so the tests that need a task to be busy for a while use a short
// real wait (well under 100 ms) rather than an Atomics gate.
const sleepThen = async <T>(ms: number, value: T): Promise<T> => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return value;
};

/** Define the contract tests for one pool kind. */
export function executorContract(kind: PoolKind): void {
  const Pool = kind === "thread" ? ThreadPoolExecutor : ProcessPoolExecutor;
  const make = (options?: ConstructorParameters<typeof ThreadPoolExecutor>[0]): Pool =>
    new Pool(options as never);
  const name = Pool.name;

  describe(`${name} contract`, () => {
    test(`${name}.submit() runs a sync task and resolves its future`, async () => {
      await using pool = make(2);
      const future = pool.submit((a: number, b: number) => a * b, 6, 7);
      assert.equal(await future, 42);
      assert.equal(future.state, "FINISHED");
      assert.equal(await future.result(), 42);
    });

    test(`${name}.submit() runs an async task until its promise settles`, async () => {
      await using pool = make(1);
      const future = pool.submit(async (x: string) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return x.toUpperCase();
      }, "hello");
      assert.equal(await future, "HELLO");
    });

    test(`${name}: arguments and results keep their types across`, async () => {
      await using pool = make(1);
      const value = {
        map: new Map([["a", 1]]),
        set: new Set([1, 2]),
        date: new Date(0),
        big: 12345678901234567890n,
        bytes: new Uint8Array([1, 2, 3]),
        nested: { list: [1, "two", null, undefined] },
        re: /x+/g,
      };
      const echoed = await pool.submit((v: unknown) => v, value);
      assert.deepEqual(echoed, value);
    });

    test(`${name}: a task error keeps its class, message, cause, props and worker stack`, async () => {
      await using pool = make(1);
      const future = pool.submit(function failing() {
        const error = new RangeError("out of range", { cause: new Error("root") });
        Object.assign(error, { code: "E_RANGE", status: 416 });
        throw error;
      });
      const error = await future.exception() as RangeError & { code: string; status: number };
      assert.ok(error instanceof RangeError);
      assert.equal(error.message, "out of range");
      assert.equal((error.cause as Error).message, "root");
      assert.equal(error.code, "E_RANGE");
      assert.equal(error.status, 416);
      assert.match(error.stack ?? "", /failing/);
      assert.equal(await future.exception(), error, "the same object every time");
      await assert.rejects(future.result(), (e) => e === error);
    });

    test(`${name}: errors of classes no module in \`modules\` exports arrive as their built-in base with their name`, async () => {
      await using pool = make({ maxWorkers: 1, modules: [TASKS] });
      const error = await pool.submit(() => {
        class LocalError extends TypeError {
          override name = "LocalError";
          field = "value";
        }
        throw new LocalError("value is empty");
      }).exception() as Error & { field: string };
      assert.equal(Object.getPrototypeOf(error), TypeError.prototype);
      assert.equal(error.name, "LocalError");
      assert.equal(error.message, "value is empty");
      assert.equal(error.field, "value");
    });

    test(`${name}: errors of a class exported by a module in \`modules\` arrive as that class`, async () => {
      await using pool = make({ maxWorkers: 1, modules: [TASKS] });
      const { validate, ValidationError } = await import(TASKS.href);
      const error = await pool.submit(validate, "").exception() as Error & { field: string };
      assert.ok(error instanceof ValidationError);
      assert.equal(error.name, "ValidationError");
      assert.equal(error.message, "value is empty");
      assert.equal(error.field, "value");
    });

    test(`${name}: AggregateError and DOMException stay themselves`, async () => {
      await using pool = make(1);
      const aggregate = await pool.submit(() => {
        throw new AggregateError([new TypeError("a"), new Error("b")], "several");
      }).exception() as AggregateError;
      assert.ok(aggregate instanceof AggregateError);
      assert.equal(aggregate.errors.length, 2);
      assert.ok(aggregate.errors[0] instanceof TypeError);
      const dom = await pool.submit(() => {
        throw new DOMException("stop", "AbortError");
      }).exception() as DOMException;
      assert.ok(dom instanceof DOMException);
      assert.equal(dom.name, "AbortError");
    });

    test(`${name}: a thrown non-Error rejects with that exact value`, async () => {
      await using pool = make(1);
      for (const value of ["x", 0, undefined, null, { code: 7 }]) {
        const future = pool.submit((v: unknown) => {
          throw v;
        }, value);
        await assert.rejects(future.result(), (e) => {
          assert.deepEqual(e, value);
          return true;
        });
      }
    });

    test(`${name}: a closure over a local variable is refused, naming it; the pool stays usable`, async () => {
      await using pool = make(1);
      const limit = 10;
      const future = pool.submit((x: number) => x < limit, 3);
      const error = await future.exception();
      assert.ok(error instanceof SerializationError);
      assert.equal(error.path, "fn");
      assert.match(error.message, /`limit`/);
      assert.equal(await pool.submit((x: number) => x + 1, 1), 2);
    });

    test(`${name}: a pool whose only submit was refused still shuts down (its first worker had started)`, async () => {
      const pool = make(2);
      const shared = { n: 1 };
      const error = await pool.submit(() => shared.n).exception();
      assert.ok(error instanceof SerializationError);
      await pool.shutdown();
      assert.throws(() => pool.submit(() => 1), InvalidStateError);
    });

    test(`${name}: workers fed ever new functions forget the oldest and still run each right`, async () => {
      const saved = { ...functionCache };
      Object.assign(functionCache, { size: 3, forget: 2 }); // read when a pool is created
      try {
        const adders = Array.from(
          { length: 12 },
          (_, i) => (0, eval)(`(x) => x + ${i}`) as (x: number) => number,
        );
        {
          // A worker's compiled copy keeps state between calls: it is the same copy until the
          // worker is told to forget it, then a fresh one from the source sent again.
          await using one = make(1);
          const counter = (0, eval)(
            "(function counter() { return counter.calls = (counter.calls ?? 0) + 1; })",
          ) as () => number;
          assert.equal(await one.submit(counter), 1);
          assert.equal(await one.submit(counter), 2);
          for (const add of adders.slice(0, 2)) await one.submit(add, 0); // 3 known: the size
          assert.equal(await one.submit(counter), 3);
          await one.submit(adders[2]!, 0); // a 4th: the 2 oldest, counter among them, forgotten
          assert.equal(await one.submit(counter), 1);
        }
        await using pool = make(2);
        // One after the other, the first one coming back now and then (sent again once forgotten).
        for (let i = 0; i < adders.length; i++) {
          assert.equal(await pool.submit(adders[i]!, 100), 100 + i);
          if (i % 3 === 2) assert.equal(await pool.submit(adders[0]!, 1), 1);
        }
        // All at once: sent ahead, batched, taken back, forgotten on the way.
        const pick = (j: number) => (j * 7) % adders.length;
        const futures = Array.from({ length: 60 }, (_, j) => pool.submit(adders[pick(j)]!, j));
        assert.deepEqual(await Promise.all(futures), futures.map((_, j) => j + pick(j)));
        // Chunks of map, each chunk with another function in between.
        const mapped: number[] = [];
        for await (const value of pool.map(adders[11]!, [1, 2, 3, 4, 5, 6], { chunksize: 2 })) {
          mapped.push(value);
          assert.equal(await pool.submit(adders[mapped.length]!, 0), mapped.length);
        }
        assert.deepEqual(mapped, [12, 13, 14, 15, 16, 17]);
      } finally {
        Object.assign(functionCache, saved);
      }
    });

    test(`${name}: a function or symbol nested in the arguments is refused with its path`, async () => {
      await using pool = make(1);
      const f1 = pool.submit((_a: unknown, _b: unknown) => 1, 1, { onDone: () => {} });
      const e1 = await f1.exception();
      assert.ok(e1 instanceof SerializationError);
      assert.equal(e1.path, "args[1].onDone");
      const f2 = pool.submit((_a: unknown) => 1, { items: [1, 2, Symbol("s")] });
      const e2 = await f2.exception();
      assert.ok(e2 instanceof SerializationError);
      assert.equal(e2.path, "args[0].items[2]");
      assert.equal(await pool.submit(() => "still fine"), "still fine");
    });

    test(`${name}: a result that cannot be sent back fails with a result path`, async () => {
      await using pool = make(1);
      const error = await pool.submit(() => ({ items: [1, 2, 3, () => 4] })).exception();
      assert.ok(error instanceof SerializationError);
      assert.equal(error.path, "result.items[3]");
      assert.equal(await pool.submit(() => 5), 5);
    });

    test(`${name}: a generator returned as a result is named as one`, async () => {
      await using pool = make(1);
      const error = await pool.submit(function* () {
        yield 1;
      }).exception();
      assert.ok(error instanceof SerializationError);
      assert.equal(error.path, "result");
      assert.match(error.message, /^result is a generator, which cannot be cloned/);
    });

    test(`${name}: functions exported from a listed module go by reference`, async () => {
      await using pool = make({ maxWorkers: 1, modules: [TASKS] });
      const { add, double } = await import(TASKS.href);
      assert.equal(await pool.submit(add, 2, 3), 5);
      assert.equal(await pool.submit(double, 21), 42);
    });

    // Issue #16, item 6: the cache key was `${url}#${name}`, the same for ("m", "x#y") and
    // ("m#x", "y"), so the worker ran the first function for both. (Bun imports both URLs as one
    // module, whose functions the registry lists once: no second key there.)
    test(`${name}: exports are told apart whatever their module URL and name`, async () => {
      const url = EXPORT_NAMES.href;
      await using pool = make({ maxWorkers: 1, modules: [url, `${url}#x`] });
      const plain = await import(url);
      const fragment = await import(`${url}#x`);
      assert.equal(await pool.submit(plain["x#y"]), "b");
      assert.equal(await pool.submit(fragment.y), "y");
      assert.equal(await pool.submit(fragment["x#y"]), "b");
      assert.equal(await pool.submit(plain.y), "y");
    });

    test(`${name}: a module in \`modules\` that cannot be imported breaks the pool, naming it`, async () => {
      await using pool = make({ maxWorkers: 1, modules: ["./no/such/module.ts"] });
      const error = await pool.submit(() => 1).exception() as Error;
      assert.ok(error instanceof BrokenExecutor, String(error));
      assert.match(error.message, /could not be imported/);
      assert.ok(error.cause instanceof TypeError);
      assert.match((error.cause as Error).message, /modules\[0\] \("\.\/no\/such\/module\.ts"\)/);
      assert.throws(() => pool.submit(() => 1), BrokenExecutor);
    });

    test(`${name}: never more than maxWorkers workers, and idle ones are reused`, async () => {
      await using pool = make({ maxWorkers: 2, modules: [TASKS] });
      const { whereAmI } = await import(TASKS.href);
      const first = await Promise.all(
        Array.from({ length: 8 }, () => pool.submit(whereAmI)),
      );
      assert.ok(new Set(first).size <= 2, `ran on ${new Set(first).size} workers`);
      // One after the other, with the workers idle in between: they serve it, no new one starts.
      // (Either may have run all of the first batch while the other was still starting.)
      const seen = new Set(first);
      for (let i = 0; i < 6; i++) seen.add(await pool.submit(whereAmI));
      assert.ok(seen.size <= 2, `idle workers were replaced: ran on ${seen.size} workers`);
    });

    test(`${name}: the initializer runs once per worker with initargs`, async () => {
      await using pool = make({
        maxWorkers: 1,
        initializer: (value: string) => {
          // deno-lint-ignore no-explicit-any
          const g = globalThis as any;
          g.initCount = (g.initCount ?? 0) + 1;
          g.setupValue = value;
        },
        initargs: ["ready"],
      });
      // deno-lint-ignore no-explicit-any
      const read = () => `${(globalThis as any).setupValue}:${(globalThis as any).initCount}`;
      assert.equal(await pool.submit(read), "ready:1");
      assert.equal(await pool.submit(read), "ready:1");
    });

    test(`${name}: a throwing initializer breaks the pool`, async () => {
      await using pool = make({
        maxWorkers: 1,
        initializer: () => {
          throw new Error("init failed");
        },
      });
      const error = await pool.submit(() => 1).exception() as Error;
      assert.ok(error instanceof BrokenExecutor);
      assert.match(error.message, /initializer failed/);
      assert.throws(() => pool.submit(() => 1), BrokenExecutor);
    });

    // Sending them threw inside the worker's "hello" handler, which ended the whole program.
    test(`${name}: initargs that cannot be sent are refused, or break the pool`, async () => {
      const initializer = (_value: unknown) => {};
      assert.throws(() => make({ initializer, initargs: [1, new Proxy({}, {})] }), {
        name: "SerializationError",
        message: "initargs[1] is a Proxy, which cannot be cloned",
      });
      // Deeper than the check looks: only the real clone finds the function.
      let deep: unknown = () => 1;
      for (let i = 0; i < 1500; i++) deep = { next: deep };
      await using pool = make({ maxWorkers: 1, initializer, initargs: [deep] });
      const error = await pool.submit(() => 1).exception() as Error;
      assert.ok(error instanceof BrokenExecutor, String(error));
      assert.match(error.message, /initializer failed/);
      assert.ok(error.cause instanceof SerializationError, String(error.cause));
      assert.equal(error.cause.path, "initargs");
    });

    test(`${name}: a worker that exits mid-task breaks the pool; every future settles`, async () => {
      await using pool = make(1);
      const dying = pool.submit(() => {
        globalThis.process.exit(3);
      });
      const queued = [pool.submit(() => 1), pool.submit(() => 2)];
      const errors = await Promise.all([dying, ...queued].map((f) => f.exception()));
      for (const error of errors) assert.ok(error instanceof BrokenExecutor, String(error));
      assert.notEqual(errors[0], errors[1], "each future gets its own error");
      // Every future, the dying worker's own too, says how the worker ended.
      for (const error of errors) {
        assert.match(String((error as Error).cause), /exit code 3|worker|terminated/i);
      }
      assert.throws(() => pool.submit(() => 1), BrokenExecutor);
    });

    test(`${name}.submit() after shutdown() throws InvalidStateError`, async () => {
      const pool = make(1);
      await pool.shutdown();
      assert.throws(() => pool.submit(() => 1), (e) => {
        assert.ok(e instanceof InvalidStateError);
        assert.equal(e.message, "cannot schedule new futures after shutdown");
        return true;
      });
      await pool.shutdown(); // idempotent
    });

    test(`${name}.shutdown() waits for submitted work`, async () => {
      const pool = make(1);
      const futures = [1, 2, 3].map((x) => pool.submit(sleepThen, 10, x));
      await pool.shutdown({ wait: true });
      assert.ok(futures.every((f) => f.done()));
      assert.deepEqual(await Promise.all(futures), [1, 2, 3]);
    });

    test(`${name}.shutdown({ cancelFutures }) cancels what has not started`, async () => {
      const pool = make(1);
      const futures = Array.from({ length: 6 }, (_, i) => pool.submit(sleepThen, 20, i));
      while (!futures[0]!.running()) await new Promise((r) => setTimeout(r, 2));
      await pool.shutdown({ cancelFutures: true });
      assert.ok(futures.every((f) => f.done()));
      assert.ok(futures.some((f) => f.cancelled()), "some were cancelled");
      assert.ok(!futures[0]!.cancelled(), "the first one had started");
      await assert.rejects(futures[5]!.result(), CancelledError);
    });

    test(`${name}.shutdown({ cancelFutures }) called after shutdown() still cancels`, async () => {
      const pool = make(1);
      const futures = Array.from({ length: 6 }, (_, i) => pool.submit(sleepThen, 20, i));
      while (!futures[0]!.running()) await new Promise((r) => setTimeout(r, 2));
      const first = pool.shutdown({ wait: false });
      await pool.shutdown({ cancelFutures: true });
      await first;
      assert.ok(futures.every((f) => f.done()));
      assert.ok(!futures[0]!.cancelled(), "the first one had started");
      await assert.rejects(futures[5]!.result(), CancelledError);
    });

    test(`${name}: a cancelled queued future counts as done for wait() at once`, async () => {
      await using pool = make(1);
      const busy = pool.submit(sleepThen, 50, "busy");
      const queued = pool.submit(() => "never");
      queued.cancel();
      const { done } = await wait([busy, queued], { returnWhen: FIRST_COMPLETED, timeout: 1000 });
      assert.ok(done.has(queued));
      assert.equal(await busy, "busy");
    });

    test(`${name}.map() yields in input order, with chunks`, async () => {
      await using pool = make(2);
      const results: number[] = [];
      for await (
        const r of pool.map((x: number) => x * x, [1, 2, 3, 4, 5, 6, 7], { chunksize: 3 })
      ) {
        results.push(r);
      }
      assert.deepEqual(results, [1, 4, 9, 16, 25, 36, 49]);
    });

    test(`${name}.map() with chunks fails at the failing item's own position`, async () => {
      await using pool = make(2);
      const seen: number[] = [];
      const items = [1, 2, 3, 4, 5, 6];
      await assert.rejects(async () => {
        for await (
          const r of pool.map(
            (x: number) => {
              if (x === 5) throw new Error(`bad ${x}`);
              return x;
            },
            items,
            { chunksize: 4 },
          )
        ) seen.push(r);
      }, { message: "bad 5" });
      assert.deepEqual(
        seen,
        [1, 2, 3, 4],
        "earlier results of the failing chunk are still yielded",
      );
    });

    test(`${name}.map() with chunks of numbers keeps every value exactly, both ways`, async () => {
      await using pool = make(2);
      const items = [0, -0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 53 + 2, 0.5, -1.25];
      items.push(NaN, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE, 7, 8, 9, 10, 11);
      const same = (x: number) => x;
      for (const chunksize of [5, 8, 20]) {
        const out: number[] = [];
        for await (const r of pool.map(same, items, { chunksize })) out.push(r);
        assert.equal(out.length, items.length);
        items.forEach((x, i) => assert.ok(Object.is(out[i], x), `item ${i}: ${out[i]} is ${x}`));
      }
      // Integers only, a result that is not a number, an item that is not a number.
      const ints = Array.from({ length: 40 }, (_, i) => i - 20);
      const doubled: number[] = [];
      for await (const r of pool.map((x: number) => x * 2, ints, { chunksize: 10 })) {
        doubled.push(r);
      }
      assert.deepEqual(doubled, ints.map((x) => x * 2));
      const described: unknown[] = [];
      const mixed = [1, 2, 3, 4, 5, 6, 7, 8, 9, "ten", 11, 12];
      const describe = (x: unknown) => Object.is(x, 5) ? "five" : typeof x === "number" ? -x : x;
      for await (const r of pool.map(describe, mixed, { chunksize: 12 })) described.push(r);
      assert.deepEqual(described, [-1, -2, -3, -4, "five", -6, -7, -8, -9, "ten", -11, -12]);
    });

    test(`${name}.map() with a chunk of numbers still yields what came before a failing item`, async () => {
      await using pool = make(2);
      const seen: number[] = [];
      const items = Array.from({ length: 20 }, (_, i) => i);
      const fn = (x: number) => {
        if (x === 15) throw new RangeError(`bad ${x}`);
        return x + 0.5;
      };
      await assert.rejects(async () => {
        for await (const r of pool.map(fn, items, { chunksize: 10 })) seen.push(r);
      }, { name: "RangeError", message: "bad 15" });
      assert.deepEqual(seen, items.slice(0, 15).map((x) => x + 0.5));
    });

    test(`${name}.map() with chunks awaits async results, in order`, async () => {
      await using pool = make(2);
      const results: (number | undefined)[] = [];
      for await (
        const r of pool.map(
          async (x?: number) => {
            await new Promise((resolve) => setTimeout(resolve, x === 2 ? 5 : 0));
            return x === undefined ? x : x * 10;
          },
          [1, 2, undefined, 4, 5],
          { chunksize: 3 },
        )
      ) {
        results.push(r);
      }
      assert.deepEqual(results, [10, 20, undefined, 40, 50]);
    });

    test(`${name}.starmap() with chunks spreads lists of any length`, async () => {
      await using pool = make(2);
      const out: number[] = [];
      for await (
        const r of pool.starmap(
          (...xs: number[]) => xs.reduce((a, b) => a + b, 0),
          [[1], [2, 3], [], [4, 5, 6], [7]],
          { chunksize: 2 },
        )
      ) out.push(r);
      assert.deepEqual(out, [1, 5, 0, 15, 7]);
    });

    test(`${name}.starmap() spreads argument lists`, async () => {
      await using pool = make(2);
      const out: number[] = [];
      for await (
        const r of pool.starmap((a: number, b: number) => a - b, [[5, 1], [9, 3]], { chunksize: 2 })
      ) out.push(r);
      assert.deepEqual(out, [4, 6]);
    });

    test(`${name}: await using shuts the pool down`, async () => {
      let pool: Pool;
      {
        await using scoped = make(1);
        pool = scoped;
        assert.equal(await scoped.submit(() => 1), 1);
      }
      assert.throws(() => pool.submit(() => 1), InvalidStateError);
    });

    test(`${name}.submitWith(): an aborted queued task is dropped with signal.reason`, async () => {
      await using pool = make(1);
      const busy = pool.submit(sleepThen, 30, "done");
      const controller = new AbortController();
      const queued = pool.submitWith(() => "ran", [], { signal: controller.signal });
      const reason = new Error("no longer needed");
      controller.abort(reason);
      await assert.rejects(queued.result(), (e) => e === reason);
      assert.equal(await busy, "done");
    });

    test(`${name}.submitWith(): aborting a running task replaces its worker`, async () => {
      await using pool = make(1);
      const controller = new AbortController();
      const spinning = pool.submitWith(
        () => {
          for (;;) { /* spin */ }
        },
        [],
        { signal: controller.signal },
      );
      // Wait until it is running.
      while (!spinning.running()) await new Promise((r) => setTimeout(r, 5));
      controller.abort(new Error("stop"));
      await assert.rejects(spinning.result(), { message: "stop" });
      assert.equal(await pool.submit((x: number) => x + 1, 1), 2, "the pool still works");
    });

    test(`${name}: bad options are refused with an error naming the option`, () => {
      assert.throws(() => make({ maxWorkers: 0 }), { name: "RangeError", message: /maxWorkers/ });
      assert.throws(() => make({ maxWorkers: -1 }), RangeError);
      assert.throws(() => make({ maxWorkers: 1.5 }), { name: "TypeError", message: /maxWorkers/ });
      assert.throws(() => make({ maxWorkers: "2" as never }), TypeError);
      assert.throws(() => make({ initializer: 3 as never }), {
        name: "TypeError",
        message: /initializer/,
      });
      assert.throws(() => make({ max_workers: 2 } as never), {
        name: "TypeError",
        message: new RegExp(
          `^${name}: unknown option "max_workers" \\(did you mean maxWorkers\\?\\); ` +
            "known options: maxWorkers, initializer, initargs, modules, ",
        ),
      });
      assert.throws(() => make({ initArgs: [] } as never), /did you mean initargs\?/);
      const python = kind === "thread" ? "thread_name_prefix" : "max_tasks_per_child";
      const ours = kind === "thread" ? "name" : "maxTasksPerChild";
      assert.throws(() => make({ [python]: 1 } as never), new RegExp(`did you mean ${ours}\\?`));
    });

    test(`${name}: an array is refused as options`, () => {
      assert.throws(() => make([] as never), {
        name: "TypeError",
        message: `${name}: options must be an object such as { maxWorkers: 4 } or a number, ` +
          "got an array",
      });
      assert.throws(() => make([4] as never), TypeError);
      assert.throws(() => make("4" as never), TypeError);
    });

    test(`${name}.maxWorkers is the pool's worker count, read-only`, async () => {
      await using pool = make(3);
      assert.equal(pool.maxWorkers, 3);
      assert.throws(() => {
        (pool as { maxWorkers: number }).maxWorkers = 5;
      }, TypeError);
      assert.equal(pool.maxWorkers, 3);
      await using byOption = make({ maxWorkers: 2 });
      assert.equal(byOption.maxWorkers, 2);
      await using byDefault = make();
      assert.ok(Number.isInteger(byDefault.maxWorkers) && byDefault.maxWorkers >= 1);
    });

    test(`${name}: initargs are type-checked against the initializer's parameters`, async () => {
      const init = (label: string, count: number): void => {
        (globalThis as { initLabel?: string }).initLabel = label.repeat(count);
      };
      await using pool = make({ maxWorkers: 1, initializer: init, initargs: ["ab", 2] });
      const read = () => (globalThis as { initLabel?: string }).initLabel;
      assert.equal(await pool.submit(read), "abab");
      const args = ["x", 1] as const; // declared apart from the options: a tuple type
      await using separate = new Pool({ maxWorkers: 1, initializer: init, initargs: args });
      assert.equal(separate.maxWorkers, 1);
      // Mismatches are compile errors (deno check and tsc verify each directive is needed); the
      // pools are never used, so they start no worker.
      // @ts-expect-error the second argument must be a number
      await using wrongType = new Pool({ initializer: init, initargs: ["x", "1"] });
      // @ts-expect-error an argument is missing
      await using tooFew = new Pool({ initializer: init, initargs: ["x"] });
      // @ts-expect-error the arguments are swapped
      await using swapped = new Pool({ initializer: init, initargs: [1, "x"] });
      assert.equal(wrongType.maxWorkers + tooFew.maxWorkers + swapped.maxWorkers > 0, true);
    });

    test(`${name}.shutdown() and submitWith() refuse unknown options, suggesting the name`, async () => {
      await using pool = make(1);
      assert.throws(() => pool.submitWith(() => 1, [], { abortSignal: undefined } as never), {
        name: "TypeError",
        message: 'submitWith(): unknown option "abortSignal" (did you mean signal?); ' +
          "known options: signal, transfer",
      });
      assert.throws(() => pool.submitWith(() => 1, [], [] as never), /options must be an object/);
      const queued = [pool.submit(() => 1), pool.submit(() => 2)];
      // Python's `shutdown(cancel_futures=True)`: once silently ignored.
      assert.throws(() => pool.shutdown({ cancel_futures: true } as never), {
        name: "TypeError",
        message: 'shutdown(): unknown option "cancel_futures" (did you mean cancelFutures?); ' +
          "known options: wait, cancelFutures",
      });
      assert.throws(() => pool.shutdown(false as never), /such as \{ wait: false \}/);
      assert.deepEqual(await Promise.all(queued), [1, 2], "the pool was not shut down");
    });

    test(`${name}: a future is a promise with catch() and finally(); callbacks read it synchronously`, async () => {
      await using pool = make(1);
      const fallback = await pool.submit(() => JSON.parse("{oops")).catch((e) => (e as Error).name);
      assert.equal(fallback, "SyntaxError");
      let cleaned = false;
      assert.equal(await pool.submit(() => 6).finally(() => (cleaned = true)), 6);
      assert.equal(cleaned, true);
      const seen: unknown[] = [];
      const future = pool.submit((x: number) => x * 7, 6);
      future.addDoneCallback((f) => seen.push(f.resultNow()));
      assert.throws(() => future.resultNow(), InvalidStateError); // not done while this code runs
      assert.equal(future.done(), false); // nor will it be until this code awaits
      await future;
      assert.deepEqual(seen, [42]);
    });

    test(`${name}.submit() throws TypeError for a non-function`, async () => {
      await using pool = make(1);
      assert.throws(() => pool.submit(42 as never), {
        name: "TypeError",
        message: /fn must be a function/,
      });
    });
  });
}
