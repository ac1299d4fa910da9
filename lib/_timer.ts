// Copyright 2026 the concurrent-futures authors. MIT license.
// Deadlines and the timers that wait for them. This module is runtime-neutral.

// setTimeout() fires at once for delays above 2^31 - 1 ms, so long waits re-arm in steps.
const MAX_DELAY = 2 ** 31 - 1;

/**
 * Checks a `timeout` option: `undefined` or a number that is not NaN.
 *
 * @param timeout The value to check.
 * @param name The option's name, used in the error message.
 * @throws {TypeError} If `timeout` is neither `undefined` nor a number.
 * @throws {RangeError} If `timeout` is NaN.
 */
export function checkTimeout(
  timeout: unknown,
  name = "timeout",
): asserts timeout is number | undefined {
  if (timeout === undefined) return;
  if (typeof timeout !== "number") throw new TypeError(`${name} must be a number or undefined`);
  if (Number.isNaN(timeout)) throw new RangeError(`${name} must not be NaN`);
}

/**
 * The moment (on the `performance.now()` clock) at which a timeout that starts now expires.
 *
 * @param timeout Milliseconds; `undefined` never expires.
 * @returns The deadline, `Infinity` for no deadline.
 */
export function deadlineOf(timeout: number | undefined): number {
  return timeout === undefined ? Infinity : performance.now() + timeout;
}

/**
 * Milliseconds left until `deadline`; `<= 0` once it has passed.
 *
 * @param deadline A value from {@linkcode deadlineOf}.
 * @returns The time left.
 */
export function remaining(deadline: number): number {
  return deadline - performance.now();
}

/**
 * Calls `fn` once `deadline` has passed. Does nothing for an infinite deadline.
 *
 * @param deadline A value from {@linkcode deadlineOf}.
 * @param fn Called once, from a timer, when the deadline passes.
 * @returns A function that clears the timer; safe to call more than once.
 */
export function onDeadline(deadline: number, fn: () => void): () => void {
  let id: ReturnType<typeof setTimeout> | undefined;
  let active = deadline !== Infinity;
  const arm = (): void => {
    id = undefined;
    if (!active) return;
    const left = remaining(deadline);
    if (left <= 0) {
      active = false;
      fn();
    } else {
      id = setTimeout(arm, Math.min(Math.ceil(left), MAX_DELAY));
    }
  };
  if (active) {
    id = setTimeout(arm, Math.min(Math.max(Math.ceil(remaining(deadline)), 0), MAX_DELAY));
  }
  return () => {
    active = false;
    if (id !== undefined) clearTimeout(id);
    id = undefined;
  };
}
