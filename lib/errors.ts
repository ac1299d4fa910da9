// Copyright 2026 the concurrent-futures authors. MIT license.
// This module is runtime-neutral.

// Every instance carries a `Symbol.for` brand per class in its chain, so `instanceof` also accepts
// errors made by another loaded copy of the package (a JSR copy next to an npm copy, say).
const brandKey = (name: string): symbol => Symbol.for(`@concurrent/futures.error.${name}`);

function brand(error: Error, name: string): void {
  Object.defineProperty(error, brandKey(name), { value: true, configurable: true });
}

function hasBrand(value: unknown, name: string): boolean {
  return (typeof value === "object" || typeof value === "function") && value !== null &&
    (value as Record<symbol, unknown>)[brandKey(name)] === true;
}

// `own` is the class defining the check; a user subclass only gets the ordinary prototype check.
// deno-lint-ignore ban-types
function isInstance(self: Function, own: Function, name: string, value: unknown): boolean {
  return Function.prototype[Symbol.hasInstance].call(self, value) ||
    (self === own && hasBrand(value, name));
}

// `name` lives on the prototype, so the stack header reads `CancelledError: …`.
// deno-lint-ignore ban-types
function nameClass(ctor: Function, name: string): void {
  Object.defineProperty(ctor.prototype, "name", {
    value: name,
    writable: true,
    configurable: true,
  });
}

/**
 * Raised by `Future.result()` and `Future.exception()` when the future was cancelled.
 *
 * @example Catching a cancellation
 * ```ts
 * import { CancelledError, Future } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const future = new Future<number>();
 * future.cancel();
 * await assert.rejects(future.result(), CancelledError);
 * ```
 */
export class CancelledError extends Error {
  static {
    nameClass(this, "CancelledError");
  }
  /**
   * Creates the error.
   *
   * @param message What happened.
   * @param options `cause`, as for `Error`.
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    brand(this, "CancelledError");
  }
  /** True for instances of this class, also from another copy of the package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isInstance(this, CancelledError, "CancelledError", value);
  }
}

/**
 * Raised when a wait runs out of time: `Future.result()`/`exception()`, `asCompleted()` and
 * `Executor.map()`.
 *
 * @example A result that is not ready in time
 * ```ts
 * import { Future, TimeoutError } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(new Future().result({ timeout: 0 }), TimeoutError);
 * ```
 */
export class TimeoutError extends Error {
  static {
    nameClass(this, "TimeoutError");
  }
  /**
   * Creates the error.
   *
   * @param message What happened.
   * @param options `cause`, as for `Error`.
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    brand(this, "TimeoutError");
  }
  /** True for instances of this class, also from another copy of the package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isInstance(this, TimeoutError, "TimeoutError", value);
  }
}

/**
 * Raised by an operation that the object's state does not allow: setting the result of a done
 * future, submitting work after `shutdown()`.
 *
 * @example Setting a result twice
 * ```ts
 * import { Future, InvalidStateError } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const future = new Future<number>();
 * future.setResult(1);
 * assert.throws(() => future.setResult(2), InvalidStateError);
 * ```
 */
export class InvalidStateError extends Error {
  static {
    nameClass(this, "InvalidStateError");
  }
  /**
   * Creates the error.
   *
   * @param message What happened.
   * @param options `cause`, as for `Error`.
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    brand(this, "InvalidStateError");
  }
  /** True for instances of this class, also from another copy of the package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isInstance(this, InvalidStateError, "InvalidStateError", value);
  }
}

/**
 * An executor can no longer run work: a worker died or its initializer failed. Base class of
 * {@linkcode BrokenThreadPool} and {@linkcode BrokenProcessPool}.
 *
 * @example Matching either pool's failure
 * ```ts
 * import { BrokenExecutor, BrokenThreadPool } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * assert.ok(new BrokenThreadPool("a worker died") instanceof BrokenExecutor);
 * ```
 */
export class BrokenExecutor extends Error {
  static {
    nameClass(this, "BrokenExecutor");
  }
  /**
   * Creates the error.
   *
   * @param message What happened.
   * @param options `cause`, as for `Error`.
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    brand(this, "BrokenExecutor");
  }
  /** True for instances of this class or a subclass, also from another copy of the package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isInstance(this, BrokenExecutor, "BrokenExecutor", value);
  }
}

/**
 * A thread worker died or its initializer failed; the thread pool is not usable anymore.
 *
 * @example The name survives
 * ```ts
 * import { BrokenThreadPool } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new BrokenThreadPool("init failed").name, "BrokenThreadPool");
 * ```
 */
export class BrokenThreadPool extends BrokenExecutor {
  static {
    nameClass(this, "BrokenThreadPool");
  }
  /**
   * Creates the error.
   *
   * @param message What happened.
   * @param options `cause`, as for `Error`.
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    brand(this, "BrokenThreadPool");
  }
  /** True for instances of this class, also from another copy of the package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isInstance(this, BrokenThreadPool, "BrokenThreadPool", value);
  }
}

/**
 * A child process died or its initializer failed; the process pool is not usable anymore.
 *
 * @example Not a thread-pool failure
 * ```ts
 * import { BrokenProcessPool, BrokenThreadPool } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new BrokenProcessPool("child exited") instanceof BrokenThreadPool, false);
 * ```
 */
export class BrokenProcessPool extends BrokenExecutor {
  static {
    nameClass(this, "BrokenProcessPool");
  }
  /**
   * Creates the error.
   *
   * @param message What happened.
   * @param options `cause`, as for `Error`.
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    brand(this, "BrokenProcessPool");
  }
  /** True for instances of this class, also from another copy of the package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isInstance(this, BrokenProcessPool, "BrokenProcessPool", value);
  }
}

/**
 * A function, argument, result or error cannot cross to or from a worker; the stand-in for Python's
 * `PicklingError`. `path` names the offending value, e.g. `"args[1].onDone"` or `"fn"`.
 *
 * @example Reading the path
 * ```ts
 * import { SerializationError } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const error = new SerializationError("functions cannot be sent", { path: "args[0]" });
 * assert.equal(error.path, "args[0]");
 * assert.ok(error instanceof TypeError);
 * ```
 */
export class SerializationError extends TypeError {
  static {
    nameClass(this, "SerializationError");
  }
  /** Where the offending value sits, e.g. `"args[1].onDone"`, `"result.items[3]"`, `"fn"`. */
  readonly path: string;
  /**
   * Creates the error.
   *
   * @param message What cannot be sent and why.
   * @param options `path` of the offending value, and an optional `cause`.
   */
  constructor(message: string, options: { path: string; cause?: unknown }) {
    super(message, "cause" in options ? { cause: options.cause } : undefined);
    this.path = options.path;
    brand(this, "SerializationError");
  }
  /** True for instances of this class, also from another copy of the package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isInstance(this, SerializationError, "SerializationError", value);
  }
}

/**
 * Thrown at once by `submit()` on a pool whose queue already holds `maxQueue` tasks: nothing was
 * queued, and nothing else is lost. `await pool.room()` waits until the queue has room again.
 *
 * @example Refused at once, accepted once there is room
 * ```ts
 * import { QueueFullError, ThreadPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * await using pool = new ThreadPoolExecutor({ maxWorkers: 1, maxQueue: 1 });
 * const first = pool.submit(() => 1); // waits in the queue while the worker starts
 * assert.throws(() => pool.submit(() => 2), QueueFullError);
 * await pool.room();
 * assert.equal(await pool.submit(() => 3), 3);
 * assert.equal(await first, 1);
 * ```
 */
export class QueueFullError extends Error {
  static {
    nameClass(this, "QueueFullError");
  }
  /** The pool's `maxQueue`. */
  readonly maxQueue: number;
  /**
   * Creates the error.
   *
   * @param maxQueue The pool's `maxQueue`, named in the message.
   * @param options `cause`, as for `Error`.
   */
  constructor(maxQueue: number, options?: ErrorOptions) {
    super(
      `the pool's queue is full (maxQueue: ${maxQueue}); await pool.room() before submitting more`,
      options,
    );
    this.maxQueue = maxQueue;
    brand(this, "QueueFullError");
  }
  /** True for instances of this class, also from another copy of the package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isInstance(this, QueueFullError, "QueueFullError", value);
  }
}
