// Task functions for the by-reference tests of tests/function_source_test.ts.

/** Adds two numbers. */
export function add(a: number, b: number): number {
  return a + b;
}

/** The id of the process it runs in, where the runtime has `process`. */
export function pid(): number | undefined {
  return (globalThis as { process?: { pid?: number } }).process?.pid;
}

const OFFSET = 10;

/** Uses a module-level constant, so it can only be sent by reference. */
export function offset(x: number): number {
  return x + OFFSET;
}
