// Copyright 2026 the concurrent-futures authors. MIT license.
// Chunks of numbers travel packed. Runtime-neutral.

// Below this, a typed array costs more to make than the array does to copy.
const MIN_PACKED = 8;

/**
 * A chunk's items or results as they travel: an array or, when every element is a number, a typed
 * array holding the same values: an `Int32Array` when they are all 32-bit integers (read back as
 * small integers, with no allocation), else a `Float64Array`. JavaScript numbers are doubles, so
 * the packing is exact (`-0`, `NaN` and `Infinity` go as doubles). Both are read the same way, by
 * index and `length`. A typed array is copied (or serialized for IPC) as one block of bytes, where
 * an array of numbers is walked element by element.
 */
export type Packed = readonly unknown[] | Int32Array | Float64Array;

/**
 * `values` packed into a typed array if they are all numbers, else `values` itself.
 *
 * @param values A chunk's items or results (a hole is `undefined`, which is not a number).
 * @returns The packed values, or `values`.
 */
export function pack(values: readonly unknown[]): Packed {
  const length = values.length;
  if (length < MIN_PACKED) return values;
  let integers = true;
  for (let i = 0; i < length; i++) {
    const value = values[i];
    if (typeof value !== "number") return values;
    if (integers && ((value | 0) !== value || Object.is(value, -0))) integers = false;
  }
  const packed = integers ? new Int32Array(length) : new Float64Array(length);
  for (let i = 0; i < length; i++) packed[i] = values[i] as number;
  return packed;
}
