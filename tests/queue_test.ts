import { test } from "node:test";
import assert from "node:assert/strict";
import { Queue } from "../lib/_queue.ts";

// A model of the queue: a plain array, shifted and unshifted the slow way.
function check<T>(queue: Queue<T>, model: T[]): void {
  assert.equal(queue.length, model.length);
  assert.equal(queue.peek(), model[0]);
  assert.deepEqual([...queue], model);
}

test("Queue is first in, first out, across its ring's growth", () => {
  const queue = new Queue<number>();
  const model: number[] = [];
  for (let i = 0; i < 100; i++) {
    queue.push(i);
    model.push(i);
    if (i % 3 === 0) assert.equal(queue.shift(), model.shift());
  }
  check(queue, model);
  while (model.length > 0) assert.equal(queue.shift(), model.shift());
  assert.equal(queue.shift(), undefined);
  check(queue, model);
});

test("Queue.unshiftAll puts entries back at the head in their order, wrapped or not", () => {
  const queue = new Queue<number>();
  const model: number[] = [];
  let next = 0;
  // Every mix of reads, writes and put-backs, so the head wraps around the ring and the ring grows
  // while entries are put back.
  for (let round = 0; round < 200; round++) {
    for (let i = 0; i < round % 7; i++) {
      queue.push(next);
      model.push(next++);
    }
    const taken: number[] = [];
    for (let i = 0; i < round % 5 && model.length > 0; i++) {
      const item = queue.shift()!;
      assert.equal(item, model.shift());
      taken.push(item);
    }
    if (round % 2 === 0) {
      const back = [...taken, -round]; // also one that was never in it
      queue.unshiftAll(back);
      model.unshift(...back);
    }
    check(queue, model);
  }
  queue.unshiftAll([]);
  check(queue, model);
});

test("Queue.dropWhile and drain", () => {
  const queue = new Queue<number>();
  for (let i = 0; i < 40; i++) queue.push(i);
  queue.dropWhile((n) => n < 25);
  check(queue, Array.from({ length: 15 }, (_, i) => 25 + i));
  queue.unshiftAll([1, 2]);
  assert.deepEqual(queue.drain(), [1, 2, ...Array.from({ length: 15 }, (_, i) => 25 + i)]);
  check(queue, []);
  queue.push(7);
  check(queue, [7]);
});

test("Queue grown large and emptied works as a new one", () => {
  const queue = new Queue<number>();
  for (let i = 0; i < 70_000; i++) queue.push(i);
  for (let i = 0; i < 70_000; i++) assert.equal(queue.shift(), i);
  check(queue, []);
  queue.unshiftAll([3, 4]);
  queue.push(5);
  check(queue, [3, 4, 5]);
});
