// Copyright 2026 the concurrent-futures authors. MIT license.
// partial(): Python's functools.partial, locally and on both pools.

import { test } from "node:test";
import assert from "node:assert/strict";
import { partial, ProcessPoolExecutor, SerializationError, ThreadPoolExecutor } from "../mod.ts";
import { testdata } from "./_child.ts";

const TASKS = testdata("pool_tasks");

test("partial() calls its function with the bound values first, and shows them", () => {
  const join = (a: string, b: string, c: string) => `${a}${b}${c}`;
  const p = partial(join, "a");
  assert.equal(p("b", "c"), "abc");
  assert.equal(p.func, join);
  assert.deepEqual(p.args, ["a"]);
  assert.ok(Object.isFrozen(p.args));
  assert.equal(p.name, "partial join");
  const pp = partial(p, "b");
  assert.equal(pp("c"), "abc");
  assert.equal(pp.func, join, "a partial of a partial binds both lists to the function");
  assert.deepEqual(pp.args, ["a", "b"]);
});

test("partial() refuses a non-function, saying what it got", () => {
  assert.throws(() => partial(42 as unknown as () => void), {
    name: "TypeError",
    message: "partial() needs a function to bind, got number",
  });
});

for (
  const [name, Pool] of [["thread", ThreadPoolExecutor], ["process", ProcessPoolExecutor]] as const
) {
  test(`${name} pool: submit() runs a partial with its bound values before the arguments`, async () => {
    await using pool = new Pool(1);
    const describe = (unit: string, scale: { by: number }, x: number) => `${x * scale.by} ${unit}`;
    const p = partial(describe, "m", { by: 3 });
    assert.equal(await pool.submit(p, 2), "6 m");
    assert.equal(await pool.submitWith(p, [5]), "15 m");
    assert.equal(await pool.submit(partial(p, 1)), "3 m");
    // The bound values are read when each task is submitted, as Python pickles them per task.
    const scale = { by: 1 };
    const q = partial(describe, "s", scale);
    assert.equal(await pool.submit(q, 7), "7 s");
    scale.by = 10;
    assert.equal(await pool.submit(q, 7), "70 s");
  });

  test(`${name} pool: map() and starmap() over a partial, one item or a chunk per message`, async () => {
    await using pool = new Pool(2);
    const power = (exponent: number, base: number) => base ** exponent;
    const square = partial(power, 2);
    for (const chunksize of [1, 3]) {
      const out: number[] = [];
      for await (const y of pool.map(square, [1, 2, 3, 4, 5, 6, 7], { chunksize })) out.push(y);
      assert.deepEqual(out, [1, 4, 9, 16, 25, 36, 49], `chunksize ${chunksize}`);
    }
    const render = (options: { scale: number }, row: number[]) => row.map((x) => x * options.scale);
    const rows: number[][] = [];
    for await (
      const r of pool.map(partial(render, { scale: 2 }), [[1, 2], [3]], { chunksize: 2 })
    ) {
      rows.push(r);
    }
    assert.deepEqual(rows, [[2, 4], [6]]);
    const line = (a: number, b: number, c: number) => a * 100 + b * 10 + c;
    const star: number[] = [];
    for await (const v of pool.starmap(partial(line, 1), [[2, 3], [4, 5]], { chunksize: 2 })) {
      star.push(v);
    }
    assert.deepEqual(star, [123, 145]);
  });

  test(`${name} pool: a partial of a module export crosses by reference`, async () => {
    await using pool = new Pool({ maxWorkers: 1, modules: [TASKS] });
    const { add, double } = await import(TASKS.href) as {
      add: (a: number, b: number) => number;
      double: (x: number) => number;
    };
    assert.equal(await pool.submit(partial(add, 10), 5), 15);
    const out: number[] = [];
    for await (const y of pool.map(partial(add, 100), [1, 2, 3], { chunksize: 2 })) out.push(y);
    assert.deepEqual(out, [101, 102, 103]);
    assert.equal(await pool.submit(partial(double, 21)), 42, "double uses its module's scope");
  });

  test(`${name} pool: a bound value or function that cannot cross is refused with its path`, async () => {
    await using pool = new Pool(1);
    const call = (f: () => number, x: number) => f() + x;
    const bad = await pool.submit(partial(call, () => 1), 2).exception() as SerializationError;
    assert.ok(bad instanceof SerializationError);
    assert.equal(bad.path, "fn.args[0]");
    assert.equal(bad.message, "fn.args[0] is a function, which cannot be cloned");
    const nested = partial((o: unknown, x: number) => [o, x], { deep: [1, Symbol("s")] });
    const deep = await pool.submit(nested, 1).exception() as SerializationError;
    assert.equal(deep.path, "fn.args[0].deep[1]");
    const limit = 3;
    const closure = partial((x: number, y: number) => x + y + limit, 1);
    const refused = await pool.submit(closure, 2).exception() as SerializationError;
    assert.ok(refused instanceof SerializationError);
    assert.equal(refused.path, "fn.func");
    assert.match(refused.message, /^fn\.func uses `limit` from an enclosing scope/);
    const mapped = pool.map(partial(call, () => 1), [1, 2], { chunksize: 2 });
    await assert.rejects(mapped.next(), { name: "SerializationError", path: "fn.args[0]" });
    assert.equal(await pool.submit(partial((a: number, b: number) => a - b, 9), 4), 5);
  });

  test(`${name} pool: a partial initializer gets its bound values before initargs`, async () => {
    await using pool = new Pool({
      maxWorkers: 1,
      initializer: partial((prefix: string, value: string) => {
        (globalThis as Record<string, unknown>).setupValue = `${prefix}${value}`;
      }, "pre-"),
      initargs: ["set"],
    });
    const read = () => (globalThis as Record<string, unknown>).setupValue;
    assert.equal(await pool.submit(read), "pre-set");
  });

  test(`${name} pool: a partial initializer with a value that cannot cross is refused`, () => {
    const initializer = partial((_f: unknown) => {}, () => 1);
    assert.throws(() => new Pool({ maxWorkers: 1, initializer }), {
      name: "SerializationError",
      path: "initializer.args[0]",
      message: "initializer.args[0] is a function, which cannot be cloned",
    });
  });
}
