import { test } from "node:test";
import assert from "node:assert/strict";
import { pack } from "../lib/_packed.ts";

const range = (n: number, f: (i: number) => unknown = (i) => i) =>
  Array.from({ length: n }, (_, i) => f(i));

test("pack() puts 32-bit integers in an Int32Array", () => {
  const values = range(10, (i) => i * (i % 2 ? -1 : 1) * 1000);
  values.push(2 ** 31 - 1, -(2 ** 31));
  const packed = pack(values);
  assert.ok(packed instanceof Int32Array);
  assert.deepEqual(Array.from(packed), values);
});

test("pack() puts other numbers in a Float64Array, exactly", () => {
  for (const odd of [-0, 0.5, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2]) {
    const values = range(9);
    values[4] = odd;
    const packed = pack(values);
    assert.ok(packed instanceof Float64Array, `with ${odd}`);
    assert.equal(packed.length, values.length);
    values.forEach((x, i) => assert.ok(Object.is(packed[i], x), `${odd} at ${i}`));
  }
});

test("pack() leaves anything but numbers, holes and short chunks as they are", () => {
  const cases: unknown[][] = [
    range(10, (i) => (i === 9 ? "9" : i)),
    range(10, (i) => (i === 0 ? 1n : i)),
    range(10, (i) => (i === 3 ? undefined : i)),
    range(10, (i) => (i === 3 ? null : i)),
    range(10, (i) => (i === 3 ? new Number(3) : i)),
    range(7),
    [],
  ];
  const holey = range(10);
  delete holey[5];
  cases.push(holey);
  for (const values of cases) assert.equal(pack(values), values);
});
