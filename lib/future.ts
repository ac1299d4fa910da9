// Copyright 2026 the concurrent-futures authors. MIT license.
// This module is runtime-neutral.

import { deferred } from "./_deferred.ts";
import { checkOptions } from "./_options.ts";
import { kOnDone, kOnSettle, kStartGate, type SettleListener, type StartGate } from "./_symbols.ts";
import { checkTimeout, deadlineOf, onDeadline } from "./_timer.ts";
import { CancelledError, InvalidStateError, TimeoutError } from "./errors.ts";

/**
 * The life cycle of a {@linkcode Future}: PENDING → RUNNING → FINISHED, or PENDING → CANCELLED.
 *
 * @example Following a future through its states
 * ```ts
 * import { Future, type FutureState } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const future = new Future<string>();
 * const states: FutureState[] = [future.state];
 * future.setRunningOrNotifyCancel();
 * states.push(future.state);
 * future.setResult("done");
 * states.push(future.state);
 * assert.deepEqual(states, ["PENDING", "RUNNING", "FINISHED"]);
 * ```
 */
export type FutureState = "PENDING" | "RUNNING" | "CANCELLED" | "FINISHED";

let failedOf: (future: Future<unknown>) => boolean;

/**
 * Whether a FINISHED future holds an exception (also a falsy one such as `0` or `undefined`).
 * Internal: used by `wait()` for FIRST_EXCEPTION; not exported from the package.
 *
 * @param future The future to inspect.
 * @returns True if the future finished with an exception.
 */
export function hasException(future: Future<unknown>): boolean {
  return failedOf(future);
}

/**
 * The eventual result of a call, like Python's `concurrent.futures.Future`. Executors create
 * futures; `new Future()` is for executor implementations and tests. Awaiting a future is the same
 * as awaiting {@linkcode Future.result}. A failed future that nobody awaits never causes an
 * unhandled rejection.
 *
 * @typeParam T The type of the result.
 *
 * @example Settling a future by hand
 * ```ts
 * import { Future } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const future = new Future<number>();
 * future.addDoneCallback((f) => assert.equal(f.state, "FINISHED"));
 * future.setResult(42);
 * assert.equal(await future, 42);
 * assert.equal(String(future), 'Future { state: "FINISHED", result: 42 }');
 * ```
 */
export class Future<T> implements PromiseLike<T> {
  static {
    failedOf = (future) => future.#hasException;
  }
  #state: FutureState = "PENDING";
  #result: T | undefined;
  // The exception is kept as a plain value and only rejected on demand, so nobody is told about an
  // unhandled rejection; #hasException tells a thrown `undefined` from success.
  #exception: unknown;
  #hasException = false;
  // Typed with `never` so that Future<T> stays covariant in T (Future<never> is a Future<number>).
  // Created on first use: most futures get one awaiter and no callback.
  #callbacks: ((future: never) => unknown)[] | undefined;
  #listeners: Set<(future: never) => void> | undefined;
  // The executor's own listener (see kOnSettle): one per future, so it needs no Set.
  #settleHook: SettleListener | undefined;
  // The outcome as a promise, shared by every wait without a timeout (every `await future`):
  // created on first use, so that a failure nobody waits for is never an unhandled rejection,
  // and settled by #complete().
  #outcome: Promise<T> | undefined;
  #resolveOutcome: ((value: never) => void) | undefined; // `never`: see #callbacks
  #rejectOutcome: ((reason: unknown) => void) | undefined;
  // Set by an executor that handed the call on before it started (see kStartGate).
  #gate: StartGate | undefined;

  /** The current state: `"PENDING"`, `"RUNNING"`, `"CANCELLED"` or `"FINISHED"`. */
  get state(): FutureState {
    if (this.#gate?.started()) this.#startedBeyondGate();
    return this.#state;
  }

  /**
   * Cancels the future if it has not started.
   *
   * @returns True if the future is now cancelled (also if it already was); false if it is running
   * or finished.
   *
   * @example Cancelling a task that has not started
   * ```ts
   * import { CancelledError, ThreadPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using pool = new ThreadPoolExecutor(1);
   * const future = pool.submit(() => "never runs"); // queued: the worker is still starting
   * assert.equal(future.cancel(), true);
   * assert.equal(future.cancelled(), true);
   * await assert.rejects(future.result(), CancelledError);
   * ```
   */
  cancel(): boolean {
    if (this.#state === "CANCELLED") return true;
    if (this.#gate && !this.#gate.withdraw()) this.#startedBeyondGate();
    this.#gate = undefined;
    if (this.#state !== "PENDING") return false;
    this.#state = "CANCELLED";
    this.#complete();
    return true;
  }

  /**
   * Whether the future was cancelled.
   *
   * @returns True in state CANCELLED.
   */
  cancelled(): boolean {
    return this.#state === "CANCELLED";
  }

  /**
   * Whether the call is running (and can no longer be cancelled).
   *
   * Like {@linkcode Future.done}, the answer only changes between turns of the event loop: a
   * synchronous polling loop never sees it change.
   *
   * @returns True in state RUNNING.
   */
  running(): boolean {
    return this.state === "RUNNING";
  }

  /**
   * Whether the future is done: cancelled or finished.
   *
   * A future settles from the event loop (a worker's message, a timer), so a synchronous loop such
   * as Python's `while not f.done(): pass` never sees the answer change and never ends; await the
   * future, {@linkcode wait} or {@linkcode asCompleted} instead.
   *
   * @returns True in state CANCELLED or FINISHED.
   *
   * @example Done only after the event loop has run
   * ```ts
   * import { ThreadPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using pool = new ThreadPoolExecutor(1);
   * const future = pool.submit(() => 42);
   * assert.equal(future.done(), false); // and it stays false until this code awaits
   * await future;
   * assert.equal(future.done(), true);
   * ```
   */
  done(): boolean {
    return this.#state === "CANCELLED" || this.#state === "FINISHED";
  }

  /**
   * Waits for the result of the call.
   *
   * @param options `timeout` in milliseconds; `undefined` waits forever, `<= 0` only checks.
   * @returns The result.
   * @throws {CancelledError} If the future was cancelled (even with a timeout).
   * @throws {TimeoutError} If the future is not done in time; the message says how long it waited,
   * in ms (`"the future was not done after 2 ms"`).
   * @throws {TypeError} If `options` is not an object or has an unknown key (`timeout_ms`), or
   * `timeout` is not a number.
   * @throws {unknown} The exception of the call: the same value every time.
   *
   * @example Waiting with a timeout, in milliseconds
   * ```ts
   * import { Future, TimeoutError } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const future = new Future<number>();
   * await assert.rejects(future.result({ timeout: 10 }), TimeoutError);
   * setTimeout(() => future.setResult(42), 1);
   * assert.equal(await future.result({ timeout: 5_000 }), 42);
   * ```
   */
  result(options?: { timeout?: number | undefined }): Promise<T> {
    // No timeout (every `await future`): the shared outcome, no timer, no async frames.
    if (options === undefined) {
      return this.done() ? settled(() => this.#readResult()) : this.#pending();
    }
    return this.#waitDone(options, "result").then(() => this.#readResult());
  }

  /**
   * Waits for the exception of the call.
   *
   * @param options `timeout` in milliseconds; `undefined` waits forever, `<= 0` only checks.
   * @returns The exception, or `undefined` if the call succeeded.
   * @throws {CancelledError} If the future was cancelled (even with a timeout).
   * @throws {TimeoutError} If the future is not done in time; the message says how long it waited,
   * in ms (`"the future was not done after 2 ms"`).
   * @throws {TypeError} If `options` is not an object or has an unknown key (`timeout_ms`), or
   * `timeout` is not a number.
   *
   * @example Inspecting a task's error without a try block
   * ```ts
   * import { ThreadPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using pool = new ThreadPoolExecutor(1);
   * const future = pool.submit((n: number) => {
   *   if (n < 0) throw new RangeError(`negative: ${n}`);
   *   return Math.sqrt(n);
   * }, -1);
   * const error = await future.exception();
   * assert.ok(error instanceof RangeError); // rebuilt as its own class
   * assert.equal(error.message, "negative: -1");
   * assert.equal(await pool.submit(() => 1).exception(), undefined);
   * ```
   */
  exception(options?: { timeout?: number | undefined }): Promise<unknown> {
    if (options === undefined) {
      return this.done()
        ? settled(() => this.#readException())
        : this.#pending().then(() => undefined, () => this.#readException());
    }
    return this.#waitDone(options, "exception").then(() => this.#readException());
  }

  /**
   * The result of a future that is done, read synchronously: asyncio's `Future.result()`, and what
   * Python's `f.result()` is inside a done callback.
   *
   * @returns The result.
   * @throws {InvalidStateError} If the future is not done yet.
   * @throws {CancelledError} If the future was cancelled.
   * @throws {unknown} The exception of the call: the same value every time.
   *
   * @example Reading the outcome in a done callback
   * ```ts
   * import { ThreadPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using pool = new ThreadPoolExecutor(1);
   * const lengths: number[] = [];
   * const future = pool.submit((text: string) => text.length, "hello");
   * future.addDoneCallback((f) => lengths.push(f.resultNow())); // runs once it is done
   * await future;
   * assert.deepEqual(lengths, [5]);
   * ```
   */
  resultNow(): T {
    this.#checkDone("resultNow");
    return this.#readResult();
  }

  /**
   * The exception of a future that is done, read synchronously (asyncio's `Future.exception()`).
   *
   * @returns The exception, or `undefined` if the call succeeded.
   * @throws {InvalidStateError} If the future is not done yet.
   * @throws {CancelledError} If the future was cancelled.
   *
   * @example Telling success from failure in a done callback
   * ```ts
   * import { ThreadPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using pool = new ThreadPoolExecutor(1);
   * const report: string[] = [];
   * const onDone = (f: { exceptionNow(): unknown; resultNow(): unknown }) => {
   *   const error = f.exceptionNow();
   *   report.push(error === undefined ? `ok: ${f.resultNow()}` : `failed: ${error}`);
   * };
   * const good = pool.submit(() => 1);
   * const bad = pool.submit(() => {
   *   throw new Error("boom");
   * });
   * good.addDoneCallback(onDone);
   * bad.addDoneCallback(onDone);
   * await Promise.allSettled([good.result(), bad.result()]);
   * assert.deepEqual(report.sort(), ["failed: Error: boom", "ok: 1"]);
   * ```
   */
  exceptionNow(): unknown {
    this.#checkDone("exceptionNow");
    return this.#readException();
  }

  /**
   * Calls `fn(future)` when the future is cancelled or finishes, or at once if it is done.
   * Callbacks run synchronously, in the order added; one that throws, or returns a promise that
   * rejects, is reported on `console.error` and does not stop the others (never an unhandled
   * rejection). Inside, {@linkcode Future.resultNow} reads the outcome synchronously, as Python's
   * `f.result()` does.
   *
   * @param fn The callback.
   *
   * @example Callbacks before and after completion
   * ```ts
   * import { Future } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const future = new Future<number>();
   * const seen: string[] = [];
   * future.addDoneCallback((f) => seen.push(`first: ${f.state}`));
   * future.setResult(1);
   * future.addDoneCallback((f) => seen.push(`late: ${f.state}`)); // already done: runs at once
   * assert.deepEqual(seen, ["first: FINISHED", "late: FINISHED"]);
   * ```
   */
  addDoneCallback(fn: (future: Future<T>) => unknown): void {
    if (typeof fn !== "function") throw new TypeError("fn must be a function");
    if (this.done()) this.#call(fn);
    else (this.#callbacks ??= []).push(fn);
  }

  /**
   * Makes the future awaitable: `await future` is `await future.result()`.
   *
   * @param onfulfilled Called with the result.
   * @param onrejected Called with the exception, a `CancelledError`.
   * @returns A promise for the callback's return value.
   */
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.result().then(onfulfilled, onrejected);
  }

  /**
   * `future.result().catch(onrejected)`, so that a future can be used like a promise.
   *
   * @typeParam R The callback's return type.
   * @param onrejected Called with the exception, or a `CancelledError`.
   * @returns A promise for the result, or for the callback's return value.
   *
   * @example Handling a failure in a chain
   * ```ts
   * import { ThreadPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using pool = new ThreadPoolExecutor(1);
   * const value = await pool.submit(() => JSON.parse("{oops")).catch(() => "fallback");
   * assert.equal(value, "fallback");
   * ```
   */
  catch<R = never>(
    onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null,
  ): Promise<T | R> {
    return this.result().catch(onrejected);
  }

  /**
   * `future.result().finally(onfinally)`: runs `onfinally` once the future is done, either way.
   *
   * @param onfinally Called with no argument when the future is done.
   * @returns A promise that settles like the future (or rejects with what `onfinally` throws).
   *
   * @example Cleaning up after a task
   * ```ts
   * import { ThreadPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using pool = new ThreadPoolExecutor(1);
   * let busy = true;
   * assert.equal(await pool.submit(() => 7).finally(() => (busy = false)), 7);
   * assert.equal(busy, false);
   * ```
   */
  finally(onfinally?: (() => void) | null): Promise<T> {
    return this.result().finally(onfinally);
  }

  /**
   * For executors: marks the future as running before the call starts.
   *
   * @returns True if the future is now RUNNING; false if it was cancelled (skip the call).
   * @throws {InvalidStateError} If the future is already running or finished.
   */
  setRunningOrNotifyCancel(): boolean {
    this.#gate = undefined;
    if (this.#state === "CANCELLED") return false;
    if (this.#state !== "PENDING") {
      throw new InvalidStateError(`Future in unexpected state: ${this.#state}`);
    }
    this.#state = "RUNNING";
    return true;
  }

  /**
   * For executors: finishes the future with a result.
   *
   * @param value The result.
   * @throws {InvalidStateError} If the future is already done; it is left unchanged.
   */
  setResult(value: T): void {
    this.#checkNotDone();
    this.#result = value;
    this.#state = "FINISHED";
    this.#complete();
  }

  /**
   * For executors: finishes the future with an exception (any value, also a falsy one).
   *
   * @param error The exception.
   * @throws {InvalidStateError} If the future is already done; it is left unchanged.
   */
  setException(error: unknown): void {
    this.#checkNotDone();
    this.#exception = error;
    this.#hasException = true;
    this.#state = "FINISHED";
    this.#complete();
  }

  /**
   * Describes the future on one line.
   *
   * @returns A description such as `Future { state: "FINISHED", result: 42 }`.
   */
  toString(): string {
    if (this.#state !== "FINISHED") return `Future { state: "${this.state}" }`;
    return this.#hasException
      ? `Future { state: "FINISHED", error: ${describe(this.#exception)} }`
      : `Future { state: "FINISHED", result: ${describe(this.#result)} }`;
  }

  /** Node's and Bun's `util.inspect` (and Deno's console) show {@linkcode Future.toString}. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /**
   * Internal: the call was handed on before it started, and `gate` tells when it starts (see
   * `kStartGate`).
   *
   * @param gate Whether the call has started, and how to take it back unstarted.
   */
  [kStartGate](gate: { started(): boolean; withdraw(): boolean } | undefined): void {
    this.#gate = gate;
  }

  #startedBeyondGate(): void {
    this.#gate = undefined;
    this.#state = "RUNNING";
  }

  /**
   * Internal: registers `listener`, called once when the future is done (at once if it is).
   *
   * @param listener Called synchronously with the future.
   * @returns A function that removes the listener.
   */
  [kOnDone](listener: (future: Future<T>) => void): () => void {
    if (this.done()) {
      listener(this);
      return () => {};
    }
    const entry = (future: Future<T>): void => listener(future);
    (this.#listeners ??= new Set()).add(entry);
    return () => {
      this.#listeners?.delete(entry);
    };
  }

  /**
   * Internal: registers `listener`, told once when the future is done (at once if it is), before
   * the {@linkcode kOnDone} listeners; it cannot be removed. The first one costs no more than the
   * field it is kept in.
   *
   * @param listener The executor's record of the work.
   */
  [kOnSettle](listener: { settled(): void }): void {
    if (this.done()) listener.settled();
    else if (this.#settleHook === undefined) this.#settleHook = listener;
    else this[kOnDone](() => listener.settled());
  }

  #checkDone(method: string): void {
    if (!this.done()) {
      throw new InvalidStateError(
        `${method}() needs a future that is done, this one is ${this.state}; await it instead`,
      );
    }
  }

  #checkNotDone(): void {
    if (this.done()) throw new InvalidStateError(`${this.#state}: ${this}`);
  }

  // What result() and exception() read once the future is done.
  #readResult(): T {
    if (this.#state === "CANCELLED") throw new CancelledError();
    if (this.#hasException) throw this.#exception;
    return this.#result as T;
  }
  #readException(): unknown {
    if (this.#state === "CANCELLED") throw new CancelledError();
    return this.#hasException ? this.#exception : undefined;
  }

  // The shared outcome of a future that is not done yet.
  #pending(): Promise<T> {
    return this.#outcome ??= new Promise<T>((resolve, reject) => {
      this.#resolveOutcome = resolve;
      this.#rejectOutcome = reject;
    });
  }

  async #waitDone(
    options: { timeout?: number | undefined } | undefined,
    method: "result" | "exception",
  ): Promise<void> {
    checkOptions(options, ["timeout"], `${method}()`, "{ timeout: 1000 }");
    const timeout = options?.timeout;
    checkTimeout(timeout);
    if (!this.done()) {
      // In ms, so that a timeout written in seconds (Python's `result(timeout=2)`) shows.
      const notDone = () =>
        new TimeoutError(`the future was not done after ${Math.max(timeout ?? 0, 0)} ms`);
      if (timeout !== undefined && timeout <= 0) throw notDone();
      const { promise, resolve, reject } = deferred<void>();
      const remove = this[kOnDone](() => resolve());
      const clear = onDeadline(deadlineOf(timeout), () => {
        remove();
        reject(notDone());
      });
      try {
        await promise;
      } finally {
        clear();
      }
    }
    if (this.#state === "CANCELLED") throw new CancelledError();
  }

  // Wakes the internal listeners, then runs the callbacks; both lists are emptied.
  #complete(): void {
    this.#gate = undefined;
    const hook = this.#settleHook;
    if (hook !== undefined) {
      this.#settleHook = undefined;
      try {
        hook.settled();
      } catch (error) {
        console.error("exception in the executor's bookkeeping for", this, error);
      }
    }
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners !== undefined) { for (const listener of listeners) this.#call(listener); }
    const resolve = this.#resolveOutcome;
    if (resolve !== undefined) {
      const reject = this.#rejectOutcome!;
      this.#resolveOutcome = this.#rejectOutcome = undefined;
      if (this.#state === "CANCELLED") reject(new CancelledError());
      else if (this.#hasException) reject(this.#exception);
      else resolve(this.#result as never);
    }
    const callbacks = this.#callbacks;
    this.#callbacks = undefined;
    if (callbacks !== undefined) { for (const fn of callbacks) this.#call(fn); }
  }

  #call(fn: (future: never) => unknown): void {
    try {
      const returned = fn(this as never);
      // An async callback: its rejection is reported like a throw, never an unhandled rejection.
      if (typeof (returned as PromiseLike<unknown> | null)?.then === "function") {
        Promise.resolve(returned).catch((error) => {
          console.error("exception calling callback for", this, error);
        });
      }
    } catch (error) {
      console.error("exception calling callback for", this, error);
    }
  }
}

// `read()` as a settled promise: its value, or what it threw.
function settled<R>(read: () => R): Promise<R> {
  try {
    return Promise.resolve(read());
  } catch (error) {
    return Promise.reject(error);
  }
}

// A short, single-line description of a result or exception for toString().
function describe(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
    case "bigint":
      return `${value}n`;
    case "function":
      return `[Function${value.name ? ` ${value.name}` : ""}]`;
    case "object":
      break;
    default:
      return String(value);
  }
  if (value === null) return "null";
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (Array.isArray(value)) return `Array(${value.length})`;
  const ctor = (value as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === "string" && ctor.name !== "" ? ctor.name : "Object";
}
