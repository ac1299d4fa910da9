// Copyright 2026 the concurrent-futures authors. MIT license.
// Executor.map() and starmap(): submission, ordering, chunks, timeout and abort. Runtime-neutral.

import { deferred } from "./_deferred.ts";
import { kOnDone, kRoom, kSubmitChunk } from "./_symbols.ts";
import { deadlineOf, onDeadline, remaining } from "./_timer.ts";
import { CancelledError, QueueFullError, TimeoutError } from "./errors.ts";
import type { Future } from "./future.ts";
import { Queue } from "./_queue.ts";

/**
 * What a chunk submitted through `executor[kSubmitChunk]` finishes with: the results of its items
 * in order, up to the first failing item, whose position inside the chunk and error are in `error`.
 * A failure of the worker itself (a broken pool) makes the chunk's future fail instead.
 */
export interface ChunkOutcome {
  /**
   * The results of the items before the failing one (all of them when none failed); a pool
   * delivers a chunk of numbers packed in an `Int32Array` or a `Float64Array`.
   */
  values: ArrayLike<unknown>;
  /** The first failing item: its index inside the chunk and what it threw. */
  error?: { index: number; error: unknown };
}

/** What map() submits to: an Executor, seen only through the two ways it submits work. */
export interface MapTarget {
  submit(fn: AnyFunction, ...args: unknown[]): Future<unknown>;
  [kSubmitChunk]?(
    fn: (...args: never[]) => unknown,
    args: unknown[],
    spread: boolean,
  ): Future<ChunkOutcome>;
  /** Resolves once a bounded queue has room again (see `kRoom`). */
  [kRoom]?(): Promise<void>;
}

/** Any function, as map() calls it. */
export type AnyFunction = (...args: unknown[]) => unknown;

// One unit of work in input order: a single item, a chunk, or an error met while reading the input
// or submitting (reported at this position).
interface Unit {
  future?: Future<unknown>;
  chunk?: boolean;
  error?: { value: unknown };
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

// What a read of the input returns at its end.
const END: unique symbol = Symbol("end of input");
type Read = () => unknown;

// An array whose iteration is the built-in one is read by index: the same steps (length and
// element read at each step, holes read as undefined) without an iterator result per item.
const arrayValues = Array.prototype[Symbol.iterator];
const arrayIteratorPrototype = Object.getPrototypeOf([][Symbol.iterator]());
const arrayIteratorNext = arrayIteratorPrototype.next;
function isPlainArray(source: object): source is unknown[] {
  return Array.isArray(source) && (source as unknown[])[Symbol.iterator] === arrayValues &&
    arrayIteratorPrototype.next === arrayIteratorNext;
}

/** How a map runs; validated by `Executor.map()`. */
export interface MapSettings {
  name: string;
  spread: boolean;
  timeout: number | undefined;
  chunked: boolean;
  chunksize: number;
  buffersize: number | undefined;
  signal: AbortSignal | undefined;
}

/** The iterator returned by `Executor.map()` and `starmap()`. */
export class MapIterator implements AsyncIterableIterator<unknown> {
  #executor: MapTarget;
  #fn: AnyFunction;
  #s: MapSettings;
  #deadline: number;
  #sync: Iterator<unknown> | undefined;
  #read: Read | undefined; // reads the sync input
  #array: unknown[] | undefined; // the sync input, when it is a plain array (see isPlainArray)
  #arrayNext = 0;
  #async: AsyncIterator<unknown> | undefined;
  #sourceDone = false;
  #index = 0; // position of the next input item
  #units = new Queue<Unit>(); // submitted units not yet read, oldest first
  #values: ArrayLike<unknown> = []; // results of the current chunk not yet yielded
  #valueHead = 0;
  #chunkError: { value: unknown } | undefined; // the current chunk's failing item, after #values
  #unfinished = 0; // submitted futures not yet done
  #finished = false;
  #listening = false; // an abort listener is installed
  #wake: (() => void) | undefined; // wakes the waiting step
  #space: (() => void) | undefined; // wakes the async reader waiting for buffer space
  #queue: Promise<unknown> = Promise.resolve(); // next() calls run one after the other
  #queued = 0; // next() calls not yet settled
  // A unit the executor refused for want of room in its queue: submitted again once there is.
  #stalled: { batch: unknown[]; failure: { value: unknown } | undefined } | undefined;
  #owed = 0; // units of the sync input to read once the stalled one is submitted
  #resumed: Promise<void> | undefined; // settles once the stalled unit is submitted (or dropped)

  constructor(executor: MapTarget, fn: AnyFunction, source: object, settings: MapSettings) {
    this.#executor = executor;
    this.#fn = fn;
    this.#s = settings;
    this.#deadline = deadlineOf(settings.timeout);
    const { signal } = settings;
    if (signal?.aborted) {
      this.#sourceDone = true; // nothing is read or submitted; the first step rejects
      return;
    }
    if (typeof (source as Partial<Iterable<unknown>>)[Symbol.iterator] === "function") {
      if (isPlainArray(source)) {
        this.#array = source;
        this.#read = () => this.#arrayNext < source.length ? source[this.#arrayNext++] : END;
      } else {
        const iterator = this.#sync = (source as Iterable<unknown>)[Symbol.iterator]();
        this.#read = () => {
          const result = iterator.next();
          return result.done ? END : result.value;
        };
      }
      try {
        this.#readSync(settings.buffersize ?? Infinity);
      } catch (error) {
        this.#finish(); // a submit error at the call: cancel what was submitted, then throw
        throw error;
      }
    } else {
      this.#async = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
      void this.#pump();
    }
    if (signal && !(this.#sourceDone && this.#unfinished === 0)) {
      signal.addEventListener("abort", this.#onAbort);
      this.#listening = true;
    }
  }

  next(): Promise<IteratorResult<unknown>> {
    // The common step, a result of the current chunk, with no step before it: what #step() would
    // answer, without the queue.
    if (
      this.#queued === 0 && !this.#finished && this.#valueHead < this.#values.length &&
      !this.#s.signal?.aborted
    ) {
      return Promise.resolve({ value: this.#values[this.#valueHead++], done: false });
    }
    this.#queued++;
    const step = this.#queue.then(() => this.#step());
    this.#queue = step.then(this.#dequeue, this.#dequeue);
    return step;
  }

  #dequeue = (): void => {
    this.#queued--;
  };

  return(): Promise<IteratorResult<unknown>> {
    this.#finish();
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<unknown> {
    return this;
  }

  async #step(): Promise<IteratorResult<unknown>> {
    let toppedUp = false;
    for (;;) {
      if (this.#finished) return DONE;
      if (this.#s.signal?.aborted) return this.#fail(this.#s.signal.reason);
      if (this.#valueHead < this.#values.length) {
        return { value: this.#values[this.#valueHead++], done: false };
      }
      if (this.#chunkError) return this.#fail(this.#chunkError.value);
      if (!toppedUp && this.#read && this.#s.buffersize !== undefined) {
        toppedUp = true; // Python's rule: each step submits one more unit, then waits for the oldest
        this.#readSyncLater();
      }
      const unit = this.#units.peek();
      if (unit?.error) return this.#fail(unit.error.value);
      if (unit === undefined && this.#sourceDone && !this.#stalled) {
        this.#finish();
        return DONE;
      }
      const future = unit?.future;
      if (future === undefined || !future.done()) {
        if (remaining(this.#deadline) <= 0) {
          return this.#fail(
            new TimeoutError(`${this.#s.name} timed out after ${this.#s.timeout} ms`),
          );
        }
        await this.#block(future); // for the oldest unit, or for the reader to submit one
        continue;
      }
      this.#shift();
      if (future.cancelled()) return this.#fail(new CancelledError());
      let value: unknown;
      try {
        value = await future.result();
      } catch (error) {
        return this.#fail(error);
      }
      if (this.#finished) return DONE;
      if (!unit!.chunk) return { value, done: false };
      const outcome = value as ChunkOutcome;
      this.#values = outcome.values;
      this.#valueHead = 0;
      if (outcome.error) this.#chunkError = { value: outcome.error.error };
    }
  }

  // Waits until woken: by the future, the reader, an abort, return() or the deadline.
  async #block(future: Future<unknown> | undefined): Promise<void> {
    const { promise, resolve } = deferred<void>();
    this.#wake = resolve;
    const remove = future?.[kOnDone](() => resolve());
    const clear = onDeadline(this.#deadline, resolve);
    try {
      await promise;
    } finally {
      clear();
      remove?.();
      this.#wake = undefined;
    }
  }

  #fail(error: unknown): never {
    this.#finish();
    throw error;
  }

  // Reads up to `limit` units from the sync source and submits them; a submit error is thrown.
  #readSync(limit: number): void {
    if (this.#stalled) {
      this.#owed += limit; // read once the executor has room
      return;
    }
    const read = this.#read!;
    for (let n = 0; n < limit && !this.#sourceDone; n++) {
      if (this.#stalled) {
        this.#owed = limit - n;
        break;
      }
      if (this.#array && !this.#s.spread) {
        this.#sliceArray(this.#array);
        continue;
      }
      const batch: unknown[] = [];
      let failure: { value: unknown } | undefined;
      const size = this.#unitSize;
      while (!failure && batch.length < size && !this.#sourceDone) {
        failure = this.#take(batch, read);
      }
      this.#submitUnit(batch, failure);
    }
    this.#maybeUnlisten();
  }

  // Submits the next unit of a plain array, read as #take would read it item by item (holes read
  // as undefined; a throwing index getter fails at its position).
  #sliceArray(array: unknown[]): void {
    const batch: unknown[] = [];
    const size = this.#unitSize;
    let failure: { value: unknown } | undefined;
    try {
      while (batch.length < size && this.#arrayNext < array.length) {
        batch.push(array[this.#arrayNext++]);
      }
    } catch (error) {
      failure = { value: error };
    }
    this.#index += batch.length;
    if (failure || batch.length < size) this.#sourceDone = true;
    this.#submitUnit(batch, failure);
  }

  // A later sync read (buffersize mode): a submit error is reported at its position.
  #readSyncLater(): void {
    try {
      this.#readSync(1);
    } catch (error) {
      this.#units.push({ error: { value: error } });
      this.#closeSource();
    }
  }

  // Reads the async source in the background, at most `buffersize` unread units ahead.
  async #pump(): Promise<void> {
    try {
      while (!this.#finished && !this.#sourceDone) {
        const { buffersize } = this.#s;
        if (buffersize !== undefined && this.#units.length >= buffersize) {
          const { promise, resolve } = deferred<void>();
          this.#space = resolve;
          await promise;
          this.#space = undefined;
          continue;
        }
        const batch: unknown[] = [];
        let failure: { value: unknown } | undefined;
        while (!failure && batch.length < this.#unitSize && !this.#sourceDone) {
          const read = await Promise.resolve(this.#async!.next()).then(
            (result) => () => result.done ? END : result.value,
            (error) => (): never => {
              throw error;
            },
          );
          if (this.#finished || this.#s.signal?.aborted) return;
          failure = this.#take(batch, read);
        }
        try {
          this.#submitUnit(batch, failure);
        } catch (error) {
          this.#units.push({ error: { value: error } });
          this.#closeSource();
        }
        this.#wake?.();
        while (this.#resumed) await this.#resumed; // room for the stalled unit first
      }
    } catch (error) {
      if (!this.#finished) this.#units.push({ error: { value: error } });
      this.#sourceDone = true;
      this.#wake?.();
    }
    this.#maybeUnlisten();
  }

  get #unitSize(): number {
    return this.#s.chunked ? this.#s.chunksize : 1;
  }

  // Adds one item read from the input to `batch` (starmap: as an argument list); returns the error
  // to report there, if any.
  #take(batch: unknown[], read: Read): { value: unknown } | undefined {
    let item: unknown;
    try {
      item = read();
    } catch (error) {
      this.#sourceDone = true; // a throwing iterator is not closed
      return { value: error };
    }
    if (item === END) {
      this.#sourceDone = true;
      return undefined;
    }
    const index = this.#index++;
    if (!this.#s.spread) batch.push(item);
    else if (Array.isArray(item)) batch.push(item);
    else {
      try {
        if (typeof (item as Partial<Iterable<unknown>>)?.[Symbol.iterator] !== "function") {
          throw new TypeError(`starmap() expects argument lists: item ${index} is not iterable`);
        }
        batch.push([...(item as Iterable<unknown>)]);
      } catch (error) {
        this.#closeSource();
        return { value: error };
      }
    }
    return undefined;
  }

  // Submits the unit for `batch` (if any), then records `failure` (if any) after it. An executor
  // whose queue is full stalls it: it is submitted again once there is room (#resume).
  #submitUnit(batch: unknown[], failure: { value: unknown } | undefined): void {
    if (batch.length > 0) {
      const { chunked, spread } = this.#s;
      let future: Future<unknown>;
      try {
        future = chunked
          ? this.#executor[kSubmitChunk]!(this.#fn, batch, spread) as Future<unknown>
          : spread
          ? this.#executor.submit(this.#fn, ...batch[0] as unknown[]) as Future<unknown>
          : this.#executor.submit(this.#fn, batch[0]) as Future<unknown>;
      } catch (error) {
        if (!(error instanceof QueueFullError) || !this.#executor[kRoom]) throw error;
        this.#stalled = { batch, failure };
        this.#unfinished++; // an abort still has it to cancel
        this.#resumed = this.#resume();
        return;
      }
      this.#units.push({ future, chunk: this.#s.chunked });
      this.#unfinished++;
      future[kOnDone](() => {
        this.#unfinished--;
        this.#maybeUnlisten();
      });
    }
    if (failure) this.#units.push({ error: failure });
  }

  // Waits for room in the executor's queue, then submits the stalled unit and reads what is owed.
  async #resume(): Promise<void> {
    await this.#executor[kRoom]!();
    const stalled = this.#stalled;
    this.#stalled = undefined;
    this.#resumed = undefined;
    if (!stalled) return; // dropped meanwhile (#finish, an abort)
    this.#unfinished--;
    try {
      this.#submitUnit(stalled.batch, stalled.failure);
      if (this.#read && !this.#stalled && !this.#finished) {
        const owed = this.#owed;
        this.#owed = 0;
        this.#readSync(owed);
      }
    } catch (error) {
      this.#units.push({ error: { value: error } });
      this.#closeSource();
    }
    this.#maybeUnlisten();
    this.#wake?.();
  }

  // Forgets a stalled unit: the map is ending.
  #dropStalled(): void {
    if (!this.#stalled) return;
    this.#stalled = undefined;
    this.#owed = 0;
    this.#unfinished--;
  }

  #shift(): void {
    this.#units.shift();
    this.#space?.();
  }

  #onAbort = (): void => {
    for (const unit of this.#units) unit.future?.cancel();
    this.#dropStalled();
    this.#closeSource();
    this.#unlisten();
    this.#wake?.();
  };

  // With the input read and every unit done, an abort has nothing left to cancel.
  #maybeUnlisten(): void {
    if (this.#sourceDone && this.#unfinished === 0) this.#unlisten();
  }

  #unlisten(): void {
    if (!this.#listening) return;
    this.#listening = false;
    this.#s.signal!.removeEventListener("abort", this.#onAbort);
  }

  #closeSource(): void {
    if (this.#sourceDone) return;
    this.#sourceDone = true;
    try {
      const closing = (this.#sync ?? this.#async)?.return?.();
      if (this.#async) Promise.resolve(closing).then(noop, noop);
    } catch {
      // a source that cannot be closed is left as it is
    }
    this.#space?.();
  }

  // Ends the iteration: cancels every unfinished unit, closes the input, removes listeners.
  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    for (const unit of this.#units.drain()) unit.future?.cancel();
    this.#dropStalled();
    this.#values = [];
    this.#valueHead = 0;
    this.#chunkError = undefined;
    this.#closeSource();
    this.#unlisten();
    this.#wake?.();
    this.#space?.();
  }
}

function noop(): void {}
