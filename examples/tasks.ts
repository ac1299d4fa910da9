// Copyright 2026 the concurrent-futures authors. MIT license.
// Task functions that the walkthrough submits *by reference*: the pool lists this module in
// `modules`, so each worker imports it and calls the export. Such a function may use anything its
// module has (constants, helpers, imports), which a function sent by source may not.
//
// A worker imports this module, so it must have no side effects at import time: it is the
// counterpart of Python's `if __name__ == "__main__":` rule for process pools.

const GREETING = "hello";

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * Greets `name` with a module-level constant and a module-level helper.
 *
 * @param name Who to greet.
 * @returns The greeting.
 */
export function greet(name: string): string {
  return `${capitalize(GREETING)}, ${name}!`;
}
