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

/** An HTTP failure with its status: it crosses back as itself, since this module exports it. */
export class HttpError extends Error {
  /** The HTTP status code. */
  status: number;

  /**
   * @param status The HTTP status code.
   * @param message What went wrong.
   */
  constructor(status: number, message: string) {
    super(message);
    this.name = "HttpError";
    this.status = status;
  }
}

/**
 * Scales a row of numbers: Python's `render(row, scale=2)` with the keyword as an options object,
 * first, so that `partial(render, { scale: 2 })` binds it.
 *
 * @param options How much to scale by.
 * @param row The numbers.
 * @returns The scaled row, as text.
 * @throws {HttpError} With status 400 if `options.scale` is not positive.
 */
export function render(options: { scale: number }, row: number[]): string {
  if (!(options.scale > 0)) throw new HttpError(400, `bad scale ${options.scale}`);
  return row.map((x) => x * options.scale).join(" ");
}
