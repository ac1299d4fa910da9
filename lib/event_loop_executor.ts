// Copyright 2026 the concurrent-futures authors. MIT license.
// EventLoopExecutor: runs calls on the calling thread's event loop, at most maxWorkers in flight.
// Runtime-neutral.
//
// A task's life: submit() ─► Task (PENDING, queued) ─► #pump (a microtask after submit, or at once
// when a slot frees up) ─► RUNNING: fn(...args) called here ─► a plain value or a throw settles the
// future at once; a thenable settles it when it settles ─► the slot is free, the next task starts.
// An abort while queued fails the future and leaves the task to be skipped; an abort while running
// fails the future and frees the slot at once (the call itself cannot be stopped, and its outcome
// is ignored). Every count a `stats()` needs changes in one place: queued in #enqueue/#pump,
// running in #start/#settle/#abandon, completed/failed in #settle, cancelled where #pump skips a
// done task.

import { Events } from "./_events.ts";
import type { ChunkOutcome } from "./_map.ts";
import { checkOptions } from "./_options.ts";
import { checkFunction, checkSubmitWith, describe } from "./_pool_options.ts";
import { PoolCounters } from "./_pool_stats.ts";
import { Queue } from "./_queue.ts";
import { kOnSettle, kRoom, kSubmitChunk } from "./_symbols.ts";
import { InvalidStateError, QueueFullError } from "./errors.ts";
import {
  checkShutdownOptions,
  Executor,
  type ShutdownOptions,
  type SubmitOptions,
} from "./executor.ts";
import type { ExecutorEvents, ExecutorStats } from "./executor_stats.ts";
import { Future, hasException } from "./future.ts";

/**
 * Options for {@linkcode EventLoopExecutor}.
 *
 * @example At most 10 requests in flight
 * ```ts
 * import { EventLoopExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * await using executor = new EventLoopExecutor({ maxWorkers: 10 });
 * const lengths = executor.map(async (word: string) => word.length, ["event", "loop"]);
 * const result: number[] = [];
 * for await (const length of lengths) result.push(length);
 * assert.deepEqual(result, [5, 4]);
 * ```
 */
export interface EventLoopExecutorOptions {
  /**
   * The most calls in flight at once: started and not yet settled. `Infinity` sets no limit
   * (calls still start in submission order, a microtask after `submit()`).
   * @default {32}
   */
  maxWorkers?: number;
  /**
   * The most calls that may wait, not yet started; past it `submit()` throws `QueueFullError`
   * (await `room()` first). `undefined`: no limit.
   * @default {undefined}
   */
  maxQueue?: number;
}

/**
 * The default `maxWorkers`: Python's `ThreadPoolExecutor` takes `min(32, os.cpu_count() + 4)`
 * for I/O; the `cpu + 4` part is there because threads cost cores, which calls on one event loop
 * do not, so only the cap is kept. It is far below the usual limit of open files (1024).
 */
const DEFAULT_MAX_WORKERS = 32;

const KNOWN_OPTIONS = ["maxWorkers", "maxQueue"];

// The events an EventLoopExecutor sends (it has no workers to start or exit).
const EVENT_NAMES: readonly (keyof ExecutorEvents)[] = ["taskStart", "taskDone", "drain", "idle"];

// A task's own state, beside its future's: the future alone cannot tell an abandoned call (its
// signal aborted while running) from a running one.
const QUEUED = 0;
const RUNNING = 1;
const DONE = 2;

/**
 * One submitted call. It is also its signal's abort listener (`handleEvent`), so that a task with
 * a signal costs no closure.
 */
class Task {
  readonly future: Future<unknown> = new Future<unknown>();
  readonly fn: (...args: never[]) => unknown;
  readonly args: unknown[];
  readonly signal: AbortSignal | undefined;
  readonly onAbort: ((task: Task) => void) | undefined;
  readonly onSettled: (task: Task) => void;
  state: number = QUEUED;
  /** When it was submitted and started (performance.now(); 0: not started). */
  queuedAt = 0;
  startedAt = 0;

  constructor(
    fn: (...args: never[]) => unknown,
    args: unknown[],
    signal: AbortSignal | undefined,
    onAbort: ((task: Task) => void) | undefined,
    onSettled: (task: Task) => void,
  ) {
    this.fn = fn;
    this.args = args;
    this.signal = signal;
    this.onAbort = onAbort;
    this.onSettled = onSettled;
  }

  handleEvent(): void {
    this.onAbort!(this);
  }

  /** Its future is done (see `kOnSettle`). */
  settled(): void {
    this.onSettled(this);
  }
}

/**
 * An executor that runs sync or async functions on the calling thread, with at most `maxWorkers`
 * calls in flight, started in submission order: for I/O (`fetch`, files, databases), where the
 * event loop already runs calls concurrently and threads only add start-up time and memory. It
 * has the API of the pools and the same {@linkcode Future}, {@linkcode wait} and
 * {@linkcode asCompleted}, but nothing crosses a boundary: a task may be a closure and take and
 * return any value, by reference.
 *
 * A task starts in a microtask after `submit()` (so a future can still be cancelled right after
 * it), or as soon as a running call settles. A sync function runs to its end there, holding up the
 * thread meanwhile: CPU-bound work belongs in a {@linkcode ThreadPoolExecutor}. A failing task,
 * whether it throws or rejects, fails only its own future. The executor holds no timer or handle,
 * so it never keeps a program alive.
 *
 * @example Fetch pages, 30 at a time
 * ```ts
 * import { EventLoopExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * // A stand-in for `fetch`, so the example runs offline.
 * const fetchText = async (url: string) => {
 *   await new Promise((resolve) => setTimeout(resolve, 5));
 *   return `<html>${url}</html>`;
 * };
 * await using executor = new EventLoopExecutor(30);
 * const urls = Array.from({ length: 100 }, (_, i) => `https://example.com/${i}`);
 * const pages: string[] = [];
 * for await (const page of executor.map(fetchText, urls)) pages.push(page); // in input order
 * assert.equal(pages.length, 100);
 * assert.equal(pages[7], "<html>https://example.com/7</html>");
 * ```
 *
 * @example Closures and any value are fine: nothing is copied
 * ```ts
 * import { EventLoopExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * await using executor = new EventLoopExecutor(2);
 * const cache = new Map<string, number>();
 * const remember = async (key: string) => {
 *   cache.set(key, key.length);
 *   return cache; // the same object, not a copy
 * };
 * const result = await executor.submit(remember, "hello");
 * assert.equal(result, cache);
 * assert.equal(cache.get("hello"), 5);
 * ```
 */
export class EventLoopExecutor extends Executor {
  #maxWorkers: number;
  #maxQueue: number | undefined;
  #queue = new Queue<Task>();
  /** Queued and not yet started nor done; counts and timings for stats(). */
  #counters = new PoolCounters();
  #events: Events<ExecutorEvents> = new Events(EVENT_NAMES);
  #roomWaiters: (() => void)[] = [];
  #running = 0;
  #pumpQueued = false;
  #pumping = false;
  #shutdown = false;
  #closed: Promise<void> | undefined;
  #resolveClosed: (() => void) | undefined;

  /**
   * Creates the executor; it starts nothing until work is submitted.
   *
   * @param options `maxWorkers` as a number, or {@linkcode EventLoopExecutorOptions}.
   * @throws {TypeError} For an unknown option (naming the known ones) or a `maxWorkers` that is
   * neither an integer nor `Infinity`.
   * @throws {RangeError} If `maxWorkers` is not greater than 0.
   *
   * @example Python's `ThreadPoolExecutor(max_workers=8)`, for I/O
   * ```ts
   * import { EventLoopExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using executor = new EventLoopExecutor(8);
   * assert.equal(await executor.submit(async () => "ok"), "ok");
   * assert.throws(() => new EventLoopExecutor({ max_workers: 8 } as never), {
   *   name: "TypeError",
   *   message: 'EventLoopExecutor: unknown option "max_workers" (did you mean maxWorkers?); ' +
   *     "known options: maxWorkers, maxQueue",
   * });
   * ```
   */
  constructor(options?: number | EventLoopExecutorOptions) {
    super();
    const opts = typeof options === "number" ? { maxWorkers: options } : options ?? {};
    checkOptions(opts, KNOWN_OPTIONS, "EventLoopExecutor", "{ maxWorkers: 8 } or a number");
    const maxWorkers = opts.maxWorkers ?? DEFAULT_MAX_WORKERS;
    if (
      typeof maxWorkers !== "number" ||
      !(Number.isInteger(maxWorkers) || maxWorkers === Infinity)
    ) {
      throw new TypeError(`maxWorkers must be an integer or Infinity, got ${describe(maxWorkers)}`);
    }
    if (maxWorkers <= 0) throw new RangeError("maxWorkers must be greater than 0");
    this.#maxWorkers = maxWorkers;
    const { maxQueue } = opts as EventLoopExecutorOptions;
    if (maxQueue !== undefined) {
      if (typeof maxQueue !== "number" || !Number.isInteger(maxQueue)) {
        throw new TypeError(`maxQueue must be an integer, got ${describe(maxQueue)}`);
      }
      if (maxQueue < 1) {
        throw new RangeError(
          `maxQueue must be at least 1, got ${maxQueue}; leave it out for no limit`,
        );
      }
    }
    this.#maxQueue = maxQueue;
  }

  /** The most calls in flight at once. */
  get maxWorkers(): number {
    return this.#maxWorkers;
  }

  /**
   * Schedules `fn(...args)` on this thread and returns its future. `fn` may be any function,
   * closures included; `args` are passed as they are.
   *
   * @typeParam A The argument types.
   * @typeParam R The return type; an async function's future settles with the awaited value.
   * @param fn The function to call.
   * @param args Its arguments.
   * @returns A future for the result: it fails with what `fn` throws or its promise rejects with.
   * @throws {TypeError} If `fn` is not a function.
   * @throws {InvalidStateError} After `shutdown()`.
   *
   * @example At most two in flight, started in submission order
   * ```ts
   * import { EventLoopExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using executor = new EventLoopExecutor(2);
   * const started: number[] = [];
   * let inFlight = 0;
   * let most = 0;
   * const job = async (n: number) => {
   *   started.push(n);
   *   most = Math.max(most, ++inFlight);
   *   await new Promise((resolve) => setTimeout(resolve, 5));
   *   inFlight--;
   *   return n * 10;
   * };
   * const futures = [1, 2, 3, 4, 5].map((n) => executor.submit(job, n));
   * assert.deepEqual(await Promise.all(futures), [10, 20, 30, 40, 50]);
   * assert.deepEqual(started, [1, 2, 3, 4, 5]);
   * assert.equal(most, 2);
   * ```
   *
   * @example A task that throws fails only its own future
   * ```ts
   * import { EventLoopExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using executor = new EventLoopExecutor(1);
   * const bad = executor.submit(() => JSON.parse("{oops"));
   * const good = executor.submit(() => JSON.parse('{"ok":true}'));
   * assert.ok(await bad.exception() instanceof SyntaxError);
   * assert.deepEqual(await good, { ok: true });
   * ```
   */
  submit<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Future<Awaited<R>> {
    checkFunction(fn);
    return this.#enqueue(fn as (...args: never[]) => unknown, args, undefined) as Future<
      Awaited<R>
    >;
  }

  /**
   * `submit()` with per-call options. `signal` aborts the task: a queued task is dropped; a
   * running one cannot be stopped from outside, so its future fails at once, its slot is freed
   * for the next task, and its eventual outcome is ignored. Either way the future fails with
   * `signal.reason`. To stop the work itself, let the task use the same signal (a closure may):
   * `fetch(url, { signal })`. `transfer` is accepted and ignored, so code written for the thread
   * pool runs unchanged: the arguments are the caller's own objects, never copied, so nothing
   * needs to move.
   *
   * @typeParam A The argument types.
   * @typeParam R The return type.
   * @param fn The function to call.
   * @param args Its arguments, as an array.
   * @param options `signal`, and `transfer` (ignored).
   * @returns A future for the result.
   * @throws {TypeError} If `fn` is not a function, `args` not an array or an option is wrong.
   * @throws {InvalidStateError} After `shutdown()`.
   *
   * @example A deadline for one request, passed on to the request itself
   * ```ts
   * import { EventLoopExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using executor = new EventLoopExecutor(4);
   * const signal = AbortSignal.timeout(50);
   * // A stand-in for `fetch(url, { signal })`: it never answers, but it stops when aborted.
   * const slowFetch = (url: string) =>
   *   new Promise<string>((resolve, reject) => {
   *     const timer = setTimeout(resolve, 60_000, url);
   *     signal.addEventListener("abort", () => {
   *       clearTimeout(timer);
   *       reject(signal.reason);
   *     });
   *   });
   * const page = executor.submitWith(slowFetch, ["https://example.com"], { signal });
   * await assert.rejects(page.result(), { name: "TimeoutError" });
   * ```
   */
  submitWith<A extends unknown[], R>(
    fn: (...args: A) => R,
    args: A,
    options?: SubmitOptions,
  ): Future<Awaited<R>> {
    checkSubmitWith(fn, args, options);
    return this.#enqueue(fn as (...args: never[]) => unknown, args, options?.signal) as Future<
      Awaited<R>
    >;
  }

  /**
   * Stops accepting work. With `wait` (the default) resolves once every submitted task has
   * settled (a task whose signal aborted while it ran is not waited for); `cancelFutures` cancels
   * the tasks that have not started, also on a later call, as in Python. There is nothing to release: the executor owns no thread,
   * timer or handle.
   *
   * @param options Python's `wait` and `cancel_futures`.
   * @returns A promise that resolves when the executor has shut down (at once without `wait`).
   *
   * @example Dropping the work that has not started
   * ```ts
   * import { EventLoopExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const executor = new EventLoopExecutor(1);
   * const running = executor.submit(() => new Promise((r) => setTimeout(r, 20, "finished")));
   * const queued = executor.submit(() => "never runs");
   * await new Promise((resolve) => setTimeout(resolve, 0)); // the first one has started
   * await executor.shutdown({ cancelFutures: true });
   * assert.equal(await running, "finished");
   * assert.equal(queued.cancelled(), true);
   * ```
   */
  override shutdown(options: ShutdownOptions = {}): Promise<void> {
    checkShutdownOptions(options);
    if (!this.#shutdown) {
      this.#shutdown = true;
      this.#closed = new Promise((resolve) => this.#resolveClosed = resolve);
    }
    if (options.cancelFutures ?? false) { // on every call, as in Python
      for (const task of this.#queue.drain()) this.#drop(task);
    }
    this.#maybeClose();
    return (options.wait ?? true) ? this.#closed! : Promise.resolve();
  }

  /**
   * A snapshot of the executor: the calls queued and in flight, how many finished each way, and
   * the run and wait times of the recent ones (see `docs/pools_in_services.md`). An
   * EventLoopExecutor has no workers to start or keep: `workers` and `busy` count the calls in
   * flight, `idle` and `starting` are 0.
   *
   * @returns The counts now, and percentiles in milliseconds over the last 1,024 calls.
   *
   * @example Watching an executor
   * ```ts
   * import { EventLoopExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using executor = new EventLoopExecutor(2);
   * await Promise.all([1, 2, 3].map((n) => executor.submit(async () => n)));
   * const { completed, queued, running, runTime } = executor.stats();
   * assert.deepEqual([completed, queued, running, runTime.samples], [3, 0, 0, 3]);
   * ```
   */
  stats(): ExecutorStats {
    const counters = this.#counters;
    return {
      state: this.#shutdown ? "shutdown" : "running",
      maxWorkers: this.#maxWorkers,
      workers: this.#running,
      starting: 0,
      idle: 0,
      busy: this.#running,
      queued: counters.queued,
      running: this.#running,
      completed: counters.completed,
      failed: counters.failed,
      cancelled: counters.cancelled,
      runTime: counters.runTime.summary(),
      waitTime: counters.waitTime.summary(),
    };
  }

  /**
   * Calls `listener` on each `name` event, in a microtask after it happens: `taskStart`,
   * `taskDone`, `drain` (nothing queued: everything submitted has started) and `idle` (nothing
   * queued or in flight). Without listeners no event is built.
   *
   * @typeParam K The event's name.
   * @param name The event.
   * @param listener Called with the event's details.
   * @returns This executor.
   *
   * @example Logging failed calls
   * ```ts
   * import { EventLoopExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using executor = new EventLoopExecutor(4);
   * const outcomes: string[] = [];
   * executor.on("taskDone", ({ outcome }) => outcomes.push(outcome));
   * await executor.submit(() => 1);
   * await executor.submit(() => { throw new Error("no"); }).exception();
   * await new Promise((resolve) => setTimeout(resolve, 0)); // events arrive in a microtask
   * assert.deepEqual(outcomes, ["completed", "failed"]);
   * ```
   */
  on<K extends keyof ExecutorEvents>(name: K, listener: (event: ExecutorEvents[K]) => void): this {
    this.#events.on(name, listener);
    return this;
  }

  /**
   * Stops calling `listener` on `name` events.
   *
   * @typeParam K The event's name.
   * @param name The event.
   * @param listener The listener given to {@linkcode EventLoopExecutor.on}.
   * @returns This executor.
   *
   * @example Listening for a while
   * ```ts
   * import { EventLoopExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using executor = new EventLoopExecutor();
   * let seen = 0;
   * const count = () => seen++;
   * executor.on("taskStart", count).off("taskStart", count);
   * await executor.submit(() => 1);
   * assert.equal(seen, 0);
   * ```
   */
  off<K extends keyof ExecutorEvents>(name: K, listener: (event: ExecutorEvents[K]) => void): this {
    this.#events.off(name, listener);
    return this;
  }

  /**
   * Resolves once fewer than `maxQueue` calls wait (at once without `maxQueue`, or when there is
   * room now): await it before `submit()` to throttle a producer.
   *
   * @returns A promise that resolves when there is room in the queue.
   *
   * @example A producer that never overfills the queue
   * ```ts
   * import { EventLoopExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using executor = new EventLoopExecutor({ maxWorkers: 2, maxQueue: 3 });
   * const futures = [];
   * for (let n = 0; n < 20; n++) {
   *   await executor.room();
   *   futures.push(executor.submit(async () => n));
   *   assert.ok(executor.stats().queued <= 3);
   * }
   * assert.equal((await Promise.all(futures)).length, 20);
   * ```
   */
  room(): Promise<void> {
    const maxQueue = this.#maxQueue;
    if (maxQueue === undefined || this.#counters.queued < maxQueue) return Promise.resolve();
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  /**
   * Describes the executor on one line.
   *
   * @returns A description such as `EventLoopExecutor { state: "running", maxWorkers: 32, … }`.
   */
  override toString(): string {
    const s = this.stats();
    return `EventLoopExecutor { state: "${s.state}", maxWorkers: ${s.maxWorkers}, ` +
      `queued: ${s.queued}, running: ${s.running}, completed: ${s.completed}, ` +
      `failed: ${s.failed}, cancelled: ${s.cancelled} }`;
  }

  /** Node's and Bun's `util.inspect` (and Deno's console) show {@linkcode EventLoopExecutor.toString}. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** @internal map() waits here for room in a bounded queue. */
  [kRoom](): Promise<void> {
    return this.room();
  }

  /** @internal Chunked map: the items of a chunk run one after the other in one slot. */
  override [kSubmitChunk](
    fn: (...args: never[]) => unknown,
    args: unknown[],
    spread: boolean,
  ): Future<ChunkOutcome> {
    return this.#enqueue(runChunk, [fn, args, spread], undefined) as Future<ChunkOutcome>;
  }

  // ── scheduling ──────────────────────────────────────────────────────────────────────────────

  #enqueue(
    fn: (...args: never[]) => unknown,
    args: unknown[],
    signal: AbortSignal | undefined,
  ): Future<unknown> {
    if (this.#shutdown) throw new InvalidStateError("cannot schedule new futures after shutdown");
    const counters = this.#counters;
    const maxQueue = this.#maxQueue;
    if (maxQueue !== undefined && counters.queued >= maxQueue) throw new QueueFullError(maxQueue);
    const task = new Task(fn, args, signal, signal && this.#onAbort, this.#onSettled);
    // One clock read per burst of submits (they are queued within the same microtask).
    task.queuedAt = this.#pumpQueued ? counters.clock : counters.tick();
    counters.queued++;
    task.future[kOnSettle](task);
    if (signal !== undefined) {
      if (signal.aborted) {
        task.state = DONE;
        task.future.setException(signal.reason);
        return task.future;
      }
      signal.addEventListener("abort", task, { once: true });
    }
    this.#queue.push(task);
    if (!this.#pumpQueued) {
      this.#pumpQueued = true;
      queueMicrotask(this.#pumpLater);
    }
    return task.future;
  }

  #pumpLater = (): void => {
    this.#pumpQueued = false;
    this.#pump();
  };

  // Starts queued tasks, oldest first, while a slot is free. Not re-entered: a slot freed by a task
  // that settles during the loop is seen by the loop itself.
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      const queue = this.#queue;
      while (this.#running < this.#maxWorkers) {
        const task = queue.shift();
        if (task === undefined) break;
        if (task.future.done()) { // cancelled, or its signal aborted, while queued
          this.#drop(task);
          continue;
        }
        this.#start(task);
      }
    } finally {
      this.#pumping = false;
    }
    this.#maybeClose();
  }

  #start(task: Task): void {
    task.future.setRunningOrNotifyCancel();
    task.state = RUNNING;
    this.#running++;
    this.#unqueue();
    const now = task.startedAt = this.#counters.tick();
    if (this.#events.has("taskStart")) {
      this.#events.emit("taskStart", { future: task.future, waitTime: now - task.queuedAt });
    }
    let value: unknown;
    let thenable: boolean;
    try {
      value = task.fn(...task.args as never[]);
      thenable = value !== null && (typeof value === "object" || typeof value === "function") &&
        typeof (value as PromiseLike<unknown>).then === "function";
    } catch (error) {
      this.#settle(task, false, error);
      return;
    }
    if (!thenable) {
      this.#settle(task, true, value);
      return;
    }
    Promise.resolve(value).then(
      (result) => this.#settle(task, true, result),
      (error) => this.#settle(task, false, error),
    );
  }

  #settle(task: Task, ok: boolean, value: unknown): void {
    if (task.state !== RUNNING) return; // abandoned: its signal aborted while it ran
    task.state = DONE;
    this.#running--;
    if (task.signal !== undefined) task.signal.removeEventListener("abort", task);
    const future = task.future;
    if (!future.done()) { // (only someone else's setResult() could have settled it)
      if (ok) future.setResult(value);
      else future.setException(value);
    }
    this.#pump();
  }

  #onAbort = (task: Task): void => {
    const future = task.future;
    if (task.state === DONE || future.done()) return;
    const reason = task.signal!.reason;
    if (task.state === RUNNING) {
      // The call goes on, out of our hands: its slot is free from now on.
      task.state = DONE;
      this.#running--;
      future.setException(reason);
      this.#pump();
      return;
    }
    future.setException(reason); // queued: #pump skips it
  };

  #drop(task: Task): void {
    task.state = DONE;
    if (task.signal !== undefined) task.signal.removeEventListener("abort", task);
    task.future.cancel();
  }

  // `task`'s future settled, however: counted (and out of the queue if it had not started).
  #onSettled = (task: Task): void => this.#settled(task);

  #settled(task: Task): void {
    const counters = this.#counters;
    if (task.startedAt === 0) this.#unqueue();
    const future = task.future;
    const outcome = future.cancelled()
      ? "cancelled"
      : hasException(future)
      ? "failed"
      : "completed";
    counters[outcome]++;
    let runTime = 0;
    if (task.startedAt > 0) {
      runTime = counters.tick() - task.startedAt;
      counters.runTime.add(runTime);
      counters.waitTime.add(task.startedAt - task.queuedAt);
    }
    const events = this.#events;
    if (events.has("taskDone")) {
      const waitTime = (task.startedAt > 0 ? task.startedAt : counters.clock) - task.queuedAt;
      events.emit("taskDone", { future, outcome, runTime, waitTime });
    }
    if (events.has("idle") && counters.queued === 0 && this.#running === 0) {
      events.emit("idle", undefined);
    }
  }

  // A call leaves the queue: it starts, or it is done before it could.
  #unqueue(): void {
    const queued = --this.#counters.queued;
    if (queued === 0 && this.#events.has("drain")) this.#events.emit("drain", undefined);
    const waiters = this.#roomWaiters;
    if (waiters.length === 0 || queued >= this.#maxQueue!) return;
    this.#roomWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #maybeClose(): void {
    if (
      this.#resolveClosed !== undefined && this.#running === 0 && this.#queue.length === 0
    ) {
      this.#resolveClosed();
      this.#resolveClosed = undefined;
    }
  }
}

// A chunk of map()'s items (or starmap()'s argument lists), run one after the other; it goes
// async only when an item returns a thenable.
function runChunk(
  fn: (...args: unknown[]) => unknown,
  items: unknown[],
  spread: boolean,
): ChunkOutcome | Promise<ChunkOutcome> {
  const values: unknown[] = [];
  for (let index = 0; index < items.length; index++) {
    let value: unknown;
    try {
      value = spread ? fn(...items[index] as unknown[]) : fn(items[index]);
      if (
        value !== null && (typeof value === "object" || typeof value === "function") &&
        typeof (value as PromiseLike<unknown>).then === "function"
      ) {
        return finishChunk(fn, items, spread, values, index, value as PromiseLike<unknown>);
      }
    } catch (error) {
      return { values, error: { index, error } };
    }
    values.push(value);
  }
  return { values };
}

async function finishChunk(
  fn: (...args: unknown[]) => unknown,
  items: unknown[],
  spread: boolean,
  values: unknown[],
  first: number,
  pending: PromiseLike<unknown>,
): Promise<ChunkOutcome> {
  for (let index = first; index < items.length; index++) {
    try {
      values.push(
        await (index === first
          ? pending
          : spread
          ? fn(...items[index] as unknown[])
          : fn(items[index])),
      );
    } catch (error) {
      return { values, error: { index, error } };
    }
  }
  return { values };
}
