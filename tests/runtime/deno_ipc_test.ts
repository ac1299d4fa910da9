import { test } from "node:test";
import assert from "node:assert/strict";
import { assertSendable } from "../../lib/runtime/_deno_ipc.ts";

// Runs everywhere (node:v8 exists on every runtime); only Deno's adapters use it.
test("assertSendable() passes plain messages, of any size", () => {
  const plain = [
    { t: "task", id: 1, key: "k", args: [1, "two", null, undefined, 3n, true] },
    { t: "ok", id: 2, value: new Uint8Array(1 << 20) },
    { t: "ok", id: 3, value: [new Date(0), /x/g, new ArrayBuffer(8), new Map([[1, { a: [] }]])] },
    { t: "ok", id: 4, value: new Set([Object.create(null), new Float64Array(3)]) },
    { t: "chunk", id: 5, key: "k", argLists: Array.from({ length: 10_000 }, (_, i) => [i]) },
    { t: "ok", id: 6, value: [1, , 3] }, // a hole: serialized to be sure, and fine
  ];
  for (const message of plain) assertSendable(message);
});

test("assertSendable() throws before sending what cannot be serialized", () => {
  const fn = () => 1;
  let deep: unknown = fn;
  for (let i = 0; i < 1500; i++) deep = { next: deep };
  const refused = [
    { args: [new Proxy({ a: 1 }, {})] },
    { value: new Map([[1, new Proxy([], {})]]) },
    { args: [deep] }, // deeper than findUncloneable() looks
    { value: Object.assign([1, 2], { callback: fn }) }, // a key that is not an index
    { value: Array.from({ length: 5000 }, (_, i) => (i === 4999 ? fn : i)) },
    { value: [Symbol("s")] },
  ];
  for (const [i, message] of refused.entries()) {
    assert.throws(() => assertSendable(message), Error, `message ${i}`);
  }
  // Not its concern: what serializes with a loss (a class instance) is refused before, at submit().
  assertSendable({ value: new (class Point {})() });
});
