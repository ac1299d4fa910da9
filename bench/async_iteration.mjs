// Copyright 2026 the concurrent-futures authors. MIT license.
// The floor under a `for await` over map()'s results: what one async-iteration step costs the
// runtime when the iterator answers at once (`next()` returns `Promise.resolve({ value, done })`,
// as MapIterator does for a result of a chunk already received), and, for comparison, an async
// generator. No library: this is the ceiling of any async iterator's items/s on this machine.
// Runs on Node, Deno and Bun.
//
//   <runtime> bench/async_iteration.mjs [items]

const N = Number(globalThis.process?.argv?.[2] ?? globalThis.Deno?.args?.[0] ?? 200_000);
const values = Int32Array.from({ length: 1000 }, (_, i) => i);

class Answering {
  i = 0;
  next() {
    return this.i++ < N
      ? Promise.resolve({ value: values[this.i % 1000], done: false })
      : Promise.resolve({ value: undefined, done: true });
  }
  [Symbol.asyncIterator]() {
    return this;
  }
}

async function* generated() {
  for (let i = 0; i < N; i++) yield values[i % 1000];
}

async function time(make) {
  const t = performance.now();
  let sum = 0;
  for await (const value of make()) sum += value;
  if (sum < 0) throw new Error("unreachable");
  return performance.now() - t;
}

const runtime = globalThis.Deno
  ? `Deno ${Deno.version.deno}`
  : globalThis.Bun
  ? `Bun ${Bun.version}`
  : `Node ${process.versions.node}`;
for (
  const [name, make] of [["next() answering at once", () => new Answering()], [
    "async generator",
    generated,
  ]]
) {
  const times = [];
  for (let round = 0; round < 9; round++) times.push(await time(make));
  times.sort((a, b) => a - b);
  const ms = times[4];
  console.log(
    `${runtime}: ${name}: ${(ms / N * 1e6).toFixed(0)} ns per item, ` +
      `${Math.round(N / ms * 1000).toLocaleString("en-US")} items/s (median of 9 × ${N})`,
  );
}
