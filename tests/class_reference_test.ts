// Copyright 2026 the concurrent-futures authors. MIT license.
// Classes by reference (issue #17, item 2): instances and errors of classes exported by a module in
// `modules` cross as that class, both ways, on both pools; other class instances are refused.

import { test } from "node:test";
import assert from "node:assert/strict";
import { partial, ProcessPoolExecutor, SerializationError, ThreadPoolExecutor } from "../mod.ts";
import { testdata } from "./_child.ts";

const TASKS = testdata("pool_tasks");

interface Point {
  x: number;
  y: number;
  norm(): number;
}
interface Tasks {
  Point: new (x: number, y: number) => Point;
  HttpError: new (status: number) => Error & { status: number; retryable: boolean };
  Inventory: new (entries?: [string, Point][]) => Map<string, Point> & { total(): number };
  pointsConstructed: number;
  constructedHere: () => number;
  makePoint: (x: number, y: number) => Point;
  checkPoint: (p: unknown) => [boolean, number];
  fetchStatus: (status: number) => never;
  validate: (value: string) => string;
  ValidationError: new (message: string, field: string) => Error & { field: string };
}
const tasks = await import(TASKS.href) as Tasks;
const { Point, HttpError, Inventory } = tasks;

for (
  const [name, Pool] of [["thread", ThreadPoolExecutor], ["process", ProcessPoolExecutor]] as const
) {
  const make = (maxWorkers = 1) => new Pool({ maxWorkers, modules: [TASKS] });

  test(`${name} pool: an instance of an exported class crosses as that class, without its constructor`, async () => {
    await using pool = make();
    const p = new Point(3, 4);
    assert.deepEqual(await pool.submit(tasks.checkPoint, p), [true, 5]);
    assert.equal(await pool.submit((q: Point) => q.norm(), p), 5, "by source too");
    assert.equal(await pool.submit(tasks.constructedHere), 0, "no constructor ran in the worker");
    const before = tasks.pointsConstructed;
    const made = await pool.submit(tasks.makePoint, 6, 8);
    assert.ok(made instanceof Point);
    assert.equal(made.norm(), 10);
    assert.deepEqual({ ...made }, { x: 6, y: 8 });
    assert.equal(tasks.pointsConstructed, before, "no constructor ran in the caller");
  });

  test(`${name} pool: instances nested in arrays, Maps, Sets, cycles and subclasses of Map`, async () => {
    await using pool = make();
    const shared = new Point(1, 0);
    const inventory = new Inventory([["a", new Point(3, 4)], ["b", shared]]);
    const value = {
      list: [shared, new Point(0, 2)],
      byKey: new Map<unknown, unknown>([[new Point(5, 12), new Point(8, 15)]]),
      set: new Set([new Point(7, 24)]),
      inventory,
      self: undefined as unknown,
    };
    value.self = value;
    const echo = <T>(v: T): T => v;
    const back = await pool.submit(echo, value);
    assert.ok(back.list[0] instanceof Point);
    assert.equal(back.list[0], back.inventory.get("b"), "a shared instance stays shared");
    assert.equal(back.self, back);
    const [key, val] = [...back.byKey][0]!;
    assert.equal((key as Point).norm(), 13);
    assert.equal((val as Point).norm(), 17);
    assert.equal([...back.set][0]!.norm(), 25);
    assert.ok(back.inventory instanceof Inventory);
    assert.equal(back.inventory.total(), 6);
    const total = (inv: { total(): number }) => inv.total();
    assert.equal(await pool.submit(total, inventory), 6, "the worker gets an Inventory too");
  });

  test(`${name} pool: an error of an exported class is that class, thrown or returned`, async () => {
    await using pool = make();
    const thrown = await pool.submit(tasks.fetchStatus, 503).exception() as Error & {
      status: number;
      retryable: boolean;
    };
    assert.ok(thrown instanceof HttpError);
    assert.ok(thrown instanceof Error);
    assert.equal(thrown.name, "HttpError");
    assert.equal(thrown.message, "HTTP 503");
    assert.equal(thrown.status, 503);
    assert.equal(thrown.retryable, true, "its class's getters work");
    assert.match(thrown.stack ?? "", /fetchStatus/);
    const validation = await pool.submit(tasks.validate, "").exception();
    assert.ok(validation instanceof tasks.ValidationError);
    assert.equal((validation as { field: string }).field, "value");
    const returned = await pool.submit((e: Error) => e, new HttpError(404));
    assert.ok(returned instanceof HttpError, "an error passed as a value keeps its class");
    assert.equal(returned.message, "HTTP 404");
    const inside = await pool.submit((p: Point) => {
      throw new Error("wrapped", { cause: p });
    }, new Point(1, 1)).exception() as Error;
    assert.ok(inside.cause instanceof Point, "a value in a thrown error's cause keeps its class");
    const bare = await pool.submit((p: Point) => {
      throw p;
    }, new Point(2, 0)).exception();
    assert.ok(bare instanceof Point, "a thrown instance is that class");
  });

  test(`${name} pool: a burst submitted while its modules load runs on workers that know them`, async () => {
    // Every submit here comes before the modules are loaded: no worker may start before that, or
    // its init would lack them and it could not revive a Point.
    await using pool = make(2);
    const futures = Array.from(
      { length: 12 },
      (_, i) => pool.submit(tasks.checkPoint, new Point(i, 0)),
    );
    assert.deepEqual(
      await Promise.all(futures),
      Array.from({ length: 12 }, (_, i) => [true, i]),
    );
  });

  test(`${name} pool: map, starmap and partial carry instances both ways`, async () => {
    await using pool = make(2);
    const points = [1, 2, 3, 4, 5].map((i) => new Point(i, 0));
    const scale = (k: number, p: Point) => {
      p.x *= k;
      return p;
    };
    for (const chunksize of [1, 2]) {
      const out: Point[] = [];
      for await (const p of pool.map(partial(scale, 10), points, { chunksize })) out.push(p);
      assert.ok(out.every((p) => p instanceof Point), `chunksize ${chunksize}`);
      assert.deepEqual(out.map((p) => p.norm()), [10, 20, 30, 40, 50]);
    }
    const origin = new Point(0, 0);
    const far = partial((o: Point, p: Point, k: number) => o.norm() + p.norm() * k, origin);
    const out: number[] = [];
    for await (const d of pool.starmap(far, [[new Point(3, 4), 2]], { chunksize: 2 })) out.push(d);
    assert.deepEqual(out, [10]);
  });

  test(`${name} pool: an instance of a class no module exports is still refused, naming it`, async () => {
    await using pool = make();
    class Local {
      v = 1;
    }
    const refused = await pool.submit((x: unknown) => x, { a: [new Local()] }).exception();
    assert.ok(refused instanceof SerializationError);
    assert.equal(refused.path, "args[0].a[0]");
    assert.equal(
      refused.message,
      "args[0].a[0] is a class instance (Local) whose prototype would be lost",
    );
    const result = await pool.submit(() => new (class Remote {})()).exception();
    assert.ok(result instanceof SerializationError);
    assert.equal(
      result.message,
      "result is a class instance (Remote) whose prototype would be lost",
    );
    await using plain = new Pool(1);
    const unlisted = await plain.submit((x: unknown) => x, new Point(1, 2)).exception();
    assert.ok(unlisted instanceof SerializationError, "without `modules`, Point is not known");
    assert.equal(unlisted.path, "args[0]");
  });
}

test("thread pool: an instance in a transferred task keeps its class, or is refused", async () => {
  await using pool = new ThreadPoolExecutor({ maxWorkers: 1, modules: [TASKS] });
  const check = (p: Point, b: ArrayBuffer) => [p.norm(), b.byteLength];
  // Moved while the pool's modules load, and again once they are loaded.
  for (let i = 0; i < 2; i++) {
    const buffer = new ArrayBuffer(8);
    const future = pool.submitWith(check, [new Point(3, 4), buffer], { transfer: [buffer] });
    assert.deepEqual(await future, [5, 8]);
  }
  class Local {}
  const buffer = new ArrayBuffer(8);
  const refused = pool.submitWith((x: unknown, _b: ArrayBuffer) => x, [[new Local()], buffer], {
    transfer: [buffer],
  });
  await assert.rejects(refused.result(), {
    name: "SerializationError",
    message: "args[0][0] is a class instance (Local) whose prototype would be lost",
  });
});
