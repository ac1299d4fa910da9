// Bad-input fuzzing: a value that cannot cross (function, symbol, WeakMap, class instance, and for
// processes a SharedArrayBuffer) hidden at a random path inside random cloneable data must be
// refused with a SerializationError naming exactly that path, and the pool must stay usable.
// Cases: RELIABILITY_CASES (default 1,000 per pool, fixed seed).
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import fc from "fast-check";
import { ProcessPoolExecutor, SerializationError, ThreadPoolExecutor } from "../../mod.ts";

const CASES = Number(process.env.RELIABILITY_CASES ?? 1000);

type Step =
  | { kind: "key"; key: string }
  | { kind: "index"; index: number; length: number }
  | { kind: "map"; key: string };

class Point {
  x = 1;
}

const BAD: Record<string, () => unknown> = {
  function: () => () => 1,
  symbol: () => Symbol("s"),
  WeakMap: () => new WeakMap(),
  "class instance": () => new Point(),
};

const identifier = fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,6}$/);
const step: fc.Arbitrary<Step> = fc.oneof(
  identifier.map((key) => ({ kind: "key" as const, key })),
  fc.nat(4).chain((index) =>
    fc.integer({ min: index + 1, max: index + 4 }).map((length) => ({
      kind: "index" as const,
      index,
      length,
    }))
  ),
  identifier.map((key) => ({ kind: "map" as const, key })),
);
const filler = fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.boolean(), fc.constant(null));

// Build the nested value and the path the checker must report.
function build(steps: Step[], leaf: unknown, fill: unknown): { value: unknown; path: string } {
  let value = leaf;
  let path = "";
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i]!;
    if (s.kind === "key") {
      value = { before: fill, [s.key]: value };
      if (s.key === "before") value = { [s.key]: (value as Record<string, unknown>)[s.key] };
      path = `.${s.key}${path}`;
    } else if (s.kind === "index") {
      const array: unknown[] = Array.from({ length: s.length }, () => fill);
      array[s.index] = value;
      value = array;
      path = `[${s.index}]${path}`;
    } else {
      value = new Map<string, unknown>([["~first", fill], [s.key, value]]);
      path = `.get(${JSON.stringify(s.key)})${path}`;
    }
  }
  return { value, path: `args[0]${path}` };
}

for (const Pool of [ThreadPoolExecutor, ProcessPoolExecutor]) {
  const kinds = Pool === ProcessPoolExecutor
    ? { ...BAD, SharedArrayBuffer: () => new SharedArrayBuffer(8) }
    : BAD;
  test(`${Pool.name}: ${CASES} random values with one bad value are refused with its exact path`, async () => {
    await using pool = new Pool(1);
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 6 }),
        fc.constantFrom(...Object.keys(kinds)),
        filler,
        async (steps, kind, fill) => {
          const { value, path } = build(steps, kinds[kind]!(), fill);
          const error = await pool.submit((_v: unknown) => 1, value).exception();
          assert.ok(error instanceof SerializationError, `${kind} at ${path}: ${error}`);
          assert.equal(error.path, path, `${kind}`);
        },
      ),
      { seed: 20261125, numRuns: CASES },
    );
    assert.equal(await pool.submit((x: number) => x + 1, 41), 42, "the pool is still usable");
  });
}

test("bad options are refused with an error naming the option", async () => {
  for (const Pool of [ThreadPoolExecutor, ProcessPoolExecutor]) {
    for (
      const [maxWorkers, type] of [[0, RangeError], [-1, RangeError], [1.5, TypeError], [
        "2",
        TypeError,
      ]] as const
    ) {
      assert.throws(() => new Pool({ maxWorkers: maxWorkers as number }), (e: Error) => {
        assert.ok(e instanceof type, `maxWorkers ${maxWorkers}: ${e}`);
        assert.match(e.message, /maxWorkers/);
        return true;
      });
    }
    assert.throws(() => new Pool({ initializer: "setup" as never }), {
      name: "TypeError",
      message: /initializer/,
    });
    await using pool = new Pool(1);
    assert.throws(() => pool.map((x: number) => x, [1], { chunksize: 0 }), {
      name: "RangeError",
      message: /chunksize/,
    });
    assert.throws(() => pool.map((x: number) => x, [1], { buffersize: -1 }), {
      name: "RangeError",
      message: /buffersize/,
    });
    assert.throws(() => pool.map((x: number) => x, [1], { buffersize: 1.5 }), {
      name: "TypeError",
      message: /buffersize/,
    });
  }
});
