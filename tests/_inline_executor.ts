// Copyright 2026 the concurrent-futures authors. MIT license.
// A tiny in-process Executor for the core tests. This module is runtime-neutral.

import { Executor, Future, InvalidStateError } from "../mod.ts";
import type { ShutdownOptions } from "../mod.ts";
import type { ChunkOutcome } from "../lib/_map.ts";
import { kSubmitChunk } from "../lib/_symbols.ts";

/** Options for {@linkcode InlineExecutor}. */
export interface InlineExecutorOptions {
  /** Tasks stay PENDING until {@linkcode InlineExecutor.open} is called (or shutdown). */
  gated?: boolean;
  /** Implement `[kSubmitChunk]`, so `map()` sends chunks. */
  chunks?: boolean;
  /** With `chunks`: a chunk for which this returns `{ error }` fails with it (a "broken worker"). */
  failChunk?: (argLists: unknown[][]) => { error: unknown } | undefined;
  /** Run one task at a time, in submission order (later ones stay PENDING meanwhile). */
  serial?: boolean;
}

/**
 * Runs each submitted call on the main thread, one macrotask after submission (after the gate
 * opens, if gated). Records what ran, for assertions.
 */
export class InlineExecutor extends Executor {
  /** Argument lists of the calls submitted through `submit()`, in order. */
  readonly submitted: unknown[][] = [];
  /** Argument lists of the calls that actually ran, in order. */
  readonly ran: unknown[][] = [];
  /** The chunks passed to `[kSubmitChunk]`, in order. */
  readonly chunks: unknown[][][] = [];
  #open: () => void = () => {};
  #gate: Promise<void> | undefined;
  #closed = false;
  #tasks = new Set<Promise<void>>();
  #futures = new Set<Future<unknown>>();
  #failChunk: InlineExecutorOptions["failChunk"];
  #serial: Promise<unknown> | undefined;

  constructor(options: InlineExecutorOptions = {}) {
    super();
    if (options.gated) this.#gate = new Promise((resolve) => (this.#open = resolve));
    this.#failChunk = options.failChunk;
    if (options.serial) this.#serial = Promise.resolve();
    if (options.chunks) {
      Object.defineProperty(this, kSubmitChunk, { value: this.#submitChunk.bind(this) });
    }
  }

  /** Lets gated tasks run. */
  open(): void {
    this.#open();
  }

  submit<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Future<Awaited<R>> {
    if (typeof fn !== "function") throw new TypeError("fn must be a function");
    if (this.#closed) throw new InvalidStateError("cannot schedule new futures after shutdown");
    this.submitted.push(args);
    return this.#start(async (): Promise<Awaited<R>> => {
      this.ran.push(args);
      return await fn(...args);
    });
  }

  override async shutdown(options: ShutdownOptions = {}): Promise<void> {
    const { wait = true, cancelFutures = false } = options;
    this.#closed = true;
    if (cancelFutures) { for (const future of this.#futures) future.cancel(); }
    this.#open();
    if (wait) { while (this.#tasks.size > 0) await Promise.all(this.#tasks); }
  }

  #submitChunk(
    fn: (...args: unknown[]) => unknown,
    args: unknown[],
    spread: boolean,
  ): Future<ChunkOutcome> {
    if (this.#closed) throw new InvalidStateError("cannot schedule new futures after shutdown");
    const argLists = spread ? args as unknown[][] : args.map((item) => [item]);
    this.chunks.push(argLists);
    const failure = this.#failChunk?.(argLists);
    return this.#start<ChunkOutcome>(async () => {
      if (failure) throw failure.error;
      const values: unknown[] = [];
      for (const [index, args] of argLists.entries()) {
        this.ran.push(args);
        try {
          values.push(await fn(...args));
        } catch (error) {
          return { values, error: { index, error } };
        }
      }
      return { values };
    });
  }

  #start<T>(call: () => Promise<T>): Future<T> {
    const future = new Future<T>();
    this.#futures.add(future as Future<unknown>);
    const previous = this.#serial;
    const task = (async () => {
      await previous;
      await this.#gate;
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (!future.setRunningOrNotifyCancel()) return;
      try {
        future.setResult(await call());
      } catch (error) {
        future.setException(error);
      }
    })().finally(() => {
      this.#tasks.delete(task);
      this.#futures.delete(future as Future<unknown>);
    });
    this.#tasks.add(task);
    if (this.#serial) this.#serial = task;
    return future;
  }
}
