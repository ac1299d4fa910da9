// No loss, no duplicates: many tasks with random throws and random async delays, through submit(),
// chunked map() and asCompleted(); every input is accounted for exactly once.
// Size: RELIABILITY_TASKS (default 3,000 per pool kind here; `npm run test:stress` runs 100,000).
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { asCompleted, ProcessPoolExecutor, ThreadPoolExecutor } from "../../mod.ts";

const N = Number(process.env.RELIABILITY_TASKS ?? 3000);

// Fails for one input in ten; waits a little for one in five.
const task = async (x: number): Promise<number> => {
  if ((x * 7919) % 5 === 0) await new Promise((r) => setTimeout(r, x % 3));
  if ((x * 104729) % 10 === 3) throw new RangeError(`input ${x}`);
  return x;
};
const fails = (x: number) => (x * 104729) % 10 === 3;

for (const Pool of [ThreadPoolExecutor, ProcessPoolExecutor]) {
  test(`${Pool.name}: ${N} tasks through submit() and asCompleted(), each accounted for once`, async () => {
    await using pool = new Pool(2);
    const futures = Array.from({ length: N }, (_, x) => pool.submit(task, x));
    const inputOf = new Map(futures.map((f, x) => [f, x]));
    const seen = new Uint8Array(N);
    for await (const yielded of asCompleted(futures)) {
      const future = yielded as unknown as (typeof futures)[number];
      const x = inputOf.get(future)!;
      seen[x]! += 1;
      const error = await future.exception();
      if (fails(x)) {
        assert.ok(error instanceof RangeError, `input ${x}: ${error}`);
        assert.equal((error as Error).message, `input ${x}`);
      } else {
        assert.equal(error, undefined);
        assert.equal(await future, x);
      }
    }
    assert.ok(seen.every((count) => count === 1), "every future yielded exactly once");
  });

  test(`${Pool.name}: ${N} items through chunked map(), in order, failures at their own position`, async () => {
    await using pool = new Pool(2);
    // map() ends at the first failure, so map the successful inputs, then check one failure.
    const good = Array.from({ length: N }, (_, x) => x).filter((x) => !fails(x));
    let i = 0;
    for await (const value of pool.map(task, good, { chunksize: 50 })) {
      assert.equal(value, good[i], `position ${i}`);
      i++;
    }
    assert.equal(i, good.length, "nothing lost, nothing repeated");
    const firstBad = Array.from({ length: N }, (_, x) => x).find(fails)!;
    const out: number[] = [];
    await assert.rejects(async () => {
      for await (
        const v of pool.map(task, Array.from({ length: N }, (_, x) => x), { chunksize: 50 })
      ) {
        out.push(v);
      }
    }, { message: `input ${firstBad}` });
    assert.deepEqual(out, Array.from({ length: firstBad }, (_, x) => x));
  });
}
