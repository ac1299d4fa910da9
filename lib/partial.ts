// Copyright 2026 the concurrent-futures authors. MIT license.
// `partial()`: Python's functools.partial for the pools. This module is runtime-neutral.

import { partialOf, registerPartial } from "./_partial.ts";

/**
 * A function made by {@linkcode partial}: callable like any function, and sent to a worker as
 * its function (by source or by reference) with its bound values.
 *
 * @typeParam A The arguments it still takes.
 * @typeParam R What it returns.
 */
export interface PartialFunction<A extends unknown[], R> {
  (...args: A): R;
  /** The function it calls (Python's `partial.func`); never itself a partial. */
  readonly func: (...args: never[]) => unknown;
  /** The values bound before the call's arguments (Python's `partial.args`), frozen. */
  readonly args: readonly unknown[];
}

/**
 * Python's `functools.partial`: `fn` with its leading arguments bound. `partial(fn, a)(b)` calls
 * `fn(a, b)`. Unlike a closure over `a`, the result can be submitted to a pool: it crosses to the
 * worker as `fn` itself (by source, so `fn` must be self-contained, or by reference to a module
 * export), and its bound values travel with each task or `map` chunk, checked like any argument
 * (one that cannot cross is refused with a `SerializationError` whose `path` is `fn.args[i]`).
 * The bound values are kept by reference, as Python keeps them: the worker gets them as they
 * are when the task is submitted. A partial of a partial binds both lists, in order.
 *
 * JavaScript has no keyword arguments: Python's `partial(render, scale=2)` ports as a function
 * that takes an options object first, with that object bound (see the second example).
 *
 * @typeParam B The types of the bound values.
 * @typeParam A The types of the arguments still to pass.
 * @typeParam R What `fn` returns.
 * @param fn The function to call.
 * @param bound The values to pass before the call's own arguments.
 * @returns A function that calls `fn(...bound, ...args)`.
 * @throws {TypeError} If `fn` is not a function.
 *
 * @example Map over a function with a bound argument
 * ```ts
 * import { partial, ProcessPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * await using pool = new ProcessPoolExecutor(2);
 * const power = (exponent: number, base: number) => base ** exponent;
 * const square = partial(power, 2);
 * assert.equal(square(5), 25); // callable here too
 * const squares: number[] = [];
 * for await (const y of pool.map(square, [1, 2, 3])) squares.push(y);
 * assert.deepEqual(squares, [1, 4, 9]);
 * ```
 *
 * @example Python's keyword arguments: bind an options object
 * ```ts
 * import { partial, ThreadPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * // Python: pool.map(partial(render, scale=2), rows)
 * const render = (options: { scale: number }, row: number[]) => row.map((x) => x * options.scale);
 * await using pool = new ThreadPoolExecutor(2);
 * const rows = [[1, 2], [3]];
 * const out: number[][] = [];
 * for await (const r of pool.map(partial(render, { scale: 2 }), rows)) out.push(r);
 * assert.deepEqual(out, [[2, 4], [6]]);
 * ```
 */
export function partial<B extends unknown[], A extends unknown[], R>(
  fn: (...args: [...B, ...A]) => R,
  ...bound: B
): PartialFunction<A, R> {
  if (typeof fn !== "function") {
    throw new TypeError(`partial() needs a function to bind, got ${typeof fn}`);
  }
  const inner = partialOf(fn);
  const func = (inner?.func ?? fn) as (...args: unknown[]) => R;
  const args = Object.freeze(inner ? [...inner.args, ...bound] : [...bound]);
  const name = `partial ${typeof func.name === "string" ? func.name : ""}`.trimEnd();
  const call = {
    [name]: (...rest: A): R => func(...args, ...rest),
  }[name]!;
  Object.defineProperties(call, {
    func: { value: func, enumerable: true },
    args: { value: args, enumerable: true },
  });
  registerPartial(call, { func, args });
  return call as unknown as PartialFunction<A, R>;
}
