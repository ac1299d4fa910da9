// Copyright 2026 the concurrent-futures authors. MIT license.
// The machinery both pools share: a FIFO queue, lazy start, idle reuse, at most maxWorkers,
// replace-on-retire, broken-pool marking, abort, and shutdown. Runtime-neutral: workers are reached
// only through the WorkerHandle that `spawn` returns.

import type { ChunkOutcome } from "./executor.ts";
import { Future } from "./future.ts";
import {
  functionKey,
  type FunctionSpec,
  functionSpec,
  type ModuleRegistry,
} from "./_function_source.ts";
import {
  type ChunkMessage,
  CLAIM_STARTED,
  claimTag,
  type HostMessage,
  PROTOCOL_VERSION,
  type TaskMessage,
  type WorkerMessage,
} from "./_protocol.ts";
import {
  assertChunkCloneable,
  assertCloneable,
  decodeThrown,
  describeCloneFailure,
  type Transport,
} from "./_serialize.ts";
import { type BrokenExecutor, InvalidStateError } from "./errors.ts";
import type { ExitInfo, WorkerHandle } from "./runtime/types.ts";
import { kOnDone, kSentAhead } from "./_symbols.ts";
import { pack, type Packed } from "./_packed.ts";

/** What differs between the thread pool and the process pool. */
export interface PoolPolicy {
  transport: Transport;
  maxWorkers: number;
  /**
   * Tasks sent to a busy worker ahead of time (like the process pool's call queue). With
   * `takeBack`, each worker gets a claim cell per task it may hold: `prefetch + 1`.
   */
  prefetch: number;
  /**
   * Work sent ahead can be taken back, unstarted, for a worker that fell idle (threads: the claim
   * cells are shared memory). Without it, work sent ahead waits for its worker (processes, as in
   * Python's call queue).
   */
  takeBack: boolean;
  maxTasksPerChild: number | undefined;
  initializer: ((...args: never[]) => unknown) | undefined;
  initargs: unknown[];
  /** Loads the modules whose exports go by reference; `undefined` when there are none. */
  registry: Promise<ModuleRegistry> | undefined;
  /** Start one worker (a thread synchronously, so that it starts booting at once). */
  spawn(
    onMessage: (message: unknown) => void,
    onExit: (info: ExitInfo) => void,
  ): WorkerHandle | Promise<WorkerHandle>;
  /** A fresh Broken* error for the pool's kind. */
  broken(message: string, cause?: unknown): BrokenExecutor;
  messages: {
    /** For the futures that were running or queued when the pool broke. */
    crashed: string;
    /** For submit() on a broken pool. */
    unusable: string;
    /** For an initializer that threw. */
    initializerFailed: string;
  };
}

/**
 * Per-call options of `submitWith()`, beyond Python's `submit`: an `AbortSignal` and a transfer
 * list.
 *
 * @example Moving a buffer to a worker thread instead of copying it
 * ```ts
 * import { ThreadPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * await using pool = new ThreadPoolExecutor(1);
 * const buffer = new Uint8Array(1024).fill(1).buffer;
 * const sum = pool.submitWith(
 *   (b: ArrayBuffer) => new Uint8Array(b).reduce((a, x) => a + x, 0),
 *   [buffer],
 *   { transfer: [buffer] },
 * );
 * assert.equal(await sum, 1024);
 * assert.equal(buffer.byteLength, 0); // moved at submitWith(): detached here already
 * ```
 *
 * @example Giving up on a task
 * ```ts
 * import { ThreadPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * await using pool = new ThreadPoolExecutor(1);
 * const future = pool.submitWith(() => new Promise(() => {}), [], {
 *   signal: AbortSignal.timeout(50),
 * });
 * await assert.rejects(future.result(), { name: "TimeoutError" }); // the signal's reason
 * ```
 */
export interface SubmitOptions {
  /**
   * Abort the task: a queued task is dropped; a running one has its worker terminated and
   * replaced. Either way the future fails with `signal.reason`.
   */
  signal?: AbortSignal;
  /**
   * Values to move to the worker instead of copying (thread pool only): `ArrayBuffer`s and
   * `MessagePort`s that occur in the arguments. They move when `submitWith()` is called: the
   * caller's copies are detached from then on, even while the task waits in the queue.
   */
  transfer?: readonly Transferable[];
}

/** A task, or a chunk of map's items (one argument per call), or of starmap's argument lists. */
export type UnitKind = "task" | "items" | "argLists";

interface WorkItem {
  id: number;
  future: Future<unknown>;
  fn: (...args: never[]) => unknown;
  spec: FunctionSpec | undefined;
  /** The arguments; for a chunk, its items (map's) or argument lists (starmap's). */
  payload: unknown[];
  kind: UnitKind;
  transfer: readonly Transferable[] | undefined;
  signal: AbortSignal | undefined;
  slot: Slot | undefined;
  release: (() => void) | undefined;
  /** Sent ahead: its claim cell in its worker's `claims`. */
  cell: number | undefined;
  /** Sent ahead and seen started by its worker: it stays there. */
  started: boolean;
}

interface Slot {
  handle: WorkerHandle | undefined;
  ready: boolean;
  inflight: Map<number, WorkItem>;
  /** Claim cells shared with the worker (`takeBack` pools), and the work holding each. */
  claims: Int32Array | undefined;
  cellHolders: (WorkItem | undefined)[];
  /** Work assigned while a flush is queued (process pools), sent by the flush. */
  outbox: WorkItem[];
  /** Function keys this worker has compiled. */
  known: Set<string>;
  started: number;
  retiring: boolean;
  /** Its exit is ours (retire, abort, shutdown), not a crash. */
  expected: boolean;
  referenced: boolean;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
}

let nextId = 1;

/**
 * How many functions a worker keeps compiled, and how many of the oldest it is told to forget when
 * it would hold more: a pool fed ever new function sources must not grow without end. Read when a
 * pool is created (tests make it small).
 */
export const functionCache = { size: 1000, forget: 100 };

// A worker that cannot be unref'd (a web Worker on Deno) would keep the program alive while idle,
// so it is retired after this long without work and started again when work comes.
const IDLE_RETIRE_MS = 200;

/** A pool of workers behind an Executor. */
export class PoolCore {
  #policy: PoolPolicy;
  #queue: WorkItem[] = [];
  #head = 0;
  #slots = new Set<Slot>();
  #registry: ModuleRegistry | undefined;
  #setup: Promise<void> | undefined;
  #initializerSpec: FunctionSpec | undefined;
  #ready = false;
  #broken: BrokenExecutor | undefined;
  /** What later submit() calls are told once the pool is broken. */
  #brokenMessage = "";
  #shutdown = false;
  #closed: Promise<void> | undefined;
  #resolveClosed: (() => void) | undefined;
  /**
   * Process pools: a flush of the workers' outboxes is queued. Replies read at one time are handled
   * one after the other before any microtask runs, so what they free up for each child leaves in
   * one message when the flush runs, which is before any code awaiting those replies resumes.
   */
  #flushQueued = false;
  #cacheSize = functionCache.size;
  #cacheForget = Math.min(Math.max(functionCache.forget, 1), functionCache.size);

  constructor(policy: PoolPolicy) {
    assertCloneable(policy.initargs, policy.transport, "initargs");
    this.#policy = policy;
    if (policy.registry === undefined) this.#prepare(undefined);
  }

  /** Whether shutdown() was called. */
  get isShutdown(): boolean {
    return this.#shutdown;
  }

  /** Queue `fn(...args)` (or a chunk) and return its future. */
  submit(
    fn: (...args: never[]) => unknown,
    payload: unknown[],
    kind: UnitKind,
    options: SubmitOptions | undefined,
  ): Future<unknown> {
    if (this.#broken) throw this.#policy.broken(this.#brokenMessage, this.#broken.cause);
    if (this.#shutdown) {
      throw new InvalidStateError("cannot schedule new futures after shutdown");
    }
    const future = new Future<unknown>();
    const signal = options?.signal;
    if (signal?.aborted) {
      future.setException(signal.reason);
      return future;
    }
    const item: WorkItem = {
      id: nextId++,
      future,
      fn,
      spec: undefined,
      payload,
      kind,
      transfer: options?.transfer,
      signal,
      slot: undefined,
      release: undefined,
      cell: undefined,
      started: false,
    };
    // The first worker starts booting now, before the function is analysed (acorn): a cold start
    // is mostly the worker's own start-up, which runs on its own thread meanwhile.
    if (this.#ready && this.#slots.size === 0) this.#spawn();
    if (this.#ready && !this.#check(item)) return future;
    if (item.transfer && item.transfer.length > 0 && !this.#moveTransfers(item)) return future;
    if (signal) this.#watchAbort(item, signal);
    this.#queue.push(item);
    this.#dispatch();
    return future;
  }

  /** Stop accepting work; resolve when all of it is done and every worker has exited. */
  shutdown(wait: boolean, cancelFutures: boolean): Promise<void> {
    if (!this.#shutdown) {
      this.#shutdown = true;
      this.#closed = new Promise((resolve) => this.#resolveClosed = resolve);
      if (cancelFutures) {
        for (let i = this.#head; i < this.#queue.length; i++) this.#queue[i]!.future.cancel();
        // And what waits, sent ahead, in a worker's queue, if its worker has not started it.
        for (const slot of this.#slots) {
          for (const item of slot.cellHolders) item?.future.cancel();
        }
        this.#compact(true);
      }
      this.#maybeClose();
    }
    return wait ? this.#closed! : Promise.resolve();
  }

  /**
   * Stop every worker now with `signal`: running futures fail as broken, queued ones are
   * cancelled, and the pool accepts no more work.
   */
  async stopWorkers(signal: "SIGTERM" | "SIGKILL"): Promise<void> {
    void this.shutdown(false, true);
    for (const slot of this.#slots) {
      slot.outbox = []; // held, not sent: it breaks with the rest of what the worker held
      // Ref'd until its exit is seen (an idle worker is not), or the program could end first,
      // with this promise pending.
      this.#setBusy(slot, true);
      slot.handle?.terminate(signal);
    }
    await this.shutdown(true, false); // the same close, now awaited
  }

  // ── admission ───────────────────────────────────────────────────────────────────────────────

  // Resolve the function and check the arguments; a failure settles only this future.
  #check(item: WorkItem): boolean {
    try {
      item.spec = functionSpec(item.fn, "fn", this.#registry);
      if (item.transfer) this.#checkTransfer(item.transfer);
      if (item.kind === "task") {
        assertCloneable(item.payload, this.#policy.transport, "args", item.transfer);
      } else {
        assertChunkCloneable(item.payload, item.kind, this.#policy.transport);
      }
      return true;
    } catch (error) {
      item.future.setException(error);
      return false;
    }
  }

  // Move the transfer list's buffers and ports now, into a private copy of the arguments that
  // the worker will get: the caller's buffers are detached when submitWith() returns, not later
  // when a worker takes the task, so nothing written to them afterwards can reach the task.
  #moveTransfers(item: WorkItem): boolean {
    if (this.#policy.transport !== "structured") return true; // refused by #check
    try {
      const transfer = item.transfer as Transferable[];
      const moved = structuredClone({ payload: item.payload, transfer }, { transfer });
      item.payload = moved.payload;
      item.transfer = moved.transfer;
      return true;
    } catch (error) {
      item.future.setException(
        describeCloneFailure(item.payload, this.#policy.transport, "args", error),
      );
      return false;
    }
  }

  #checkTransfer(transfer: readonly Transferable[]): void {
    if (this.#policy.transport === "v8" && transfer.length > 0) {
      assertCloneable(transfer, "v8", "transfer");
      throw new TypeError("transfer lists are not supported by the process pool");
    }
  }

  // Load modules and check the initializer once, then admit what was queued meanwhile.
  #prepare(registry: ModuleRegistry | undefined): void {
    this.#registry = registry;
    if (this.#policy.initializer) {
      this.#initializerSpec = functionSpec(this.#policy.initializer, "initializer", registry);
    }
    this.#ready = true;
  }

  #startSetup(): void {
    if (this.#setup || this.#ready) return;
    this.#setup = this.#policy.registry!.then(
      (registry) => {
        try {
          this.#prepare(registry);
        } catch (error) {
          this.#break(this.#policy.messages.initializerFailed, error);
          return;
        }
        const waiting = this.#queue.splice(this.#head);
        this.#queue = [];
        this.#head = 0;
        for (const item of waiting) {
          if (item.future.done()) continue;
          if (this.#check(item)) this.#queue.push(item);
        }
        this.#dispatch();
      },
      (error) =>
        this.#break(
          "A module listed in `modules` could not be imported, the pool is not usable anymore",
          error,
        ),
    );
  }

  #watchAbort(item: WorkItem, signal: AbortSignal): void {
    const onAbort = () => this.#abort(item, signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    const stop = item.future[kOnDone](() => release());
    const release = () => {
      signal.removeEventListener("abort", onAbort);
      stop();
    };
    item.release = release;
  }

  #abort(item: WorkItem, reason: unknown): void {
    if (item.future.done()) return;
    const slot = item.slot;
    item.future.setException(reason);
    if (slot && slot.handle) {
      slot.inflight.delete(item.id);
      slot.expected = true;
      slot.retiring = true;
      slot.handle.terminate("SIGKILL");
    } else {
      this.#dispatch();
    }
  }

  // ── dispatch ────────────────────────────────────────────────────────────────────────────────

  #dispatch(): void {
    if (this.#broken) {
      this.#maybeClose();
      return;
    }
    if (!this.#ready) {
      this.#startSetup();
      return;
    }
    while (this.#head < this.#queue.length) {
      const item = this.#queue[this.#head]!;
      if (item.future.done()) {
        // Cancelled or aborted while queued.
        this.#queue[this.#head++] = undefined as never;
        continue;
      }
      const slot = this.#pickSlot(item);
      if (!slot) break;
      this.#queue[this.#head++] = undefined as never;
      // Sent ahead to a busy worker that can be asked for it back, it stays PENDING until started.
      const ahead = slot.claims !== undefined && slot.inflight.size > 0 &&
        this.#holdCell(slot, item);
      if (!ahead && !item.future.setRunningOrNotifyCancel()) continue;
      this.#send(slot, item);
    }
    if (this.#head >= this.#queue.length && this.#policy.takeBack) this.#takeBackForIdle();
    this.#compact(false);
    this.#spawnIfNeeded();
    this.#maybeClose();
  }

  // An idle worker first; else a busy one that may take work ahead, if the item allows it, the
  // pool cannot grow and no worker is about to start (a new or starting worker takes it sooner).
  #pickSlot(item: WorkItem): Slot | undefined {
    let best: Slot | undefined;
    let starting = false;
    for (const slot of this.#slots) {
      if (!slot.ready) starting = true;
      if (!slot.ready || slot.retiring) continue;
      const load = slot.inflight.size;
      if (load === 0) return slot;
      if (load > this.#policy.prefetch || item.signal) continue;
      if (this.#hasAbortable(slot)) continue;
      if (!best || load < best.inflight.size) best = slot;
    }
    return starting || this.#slots.size < this.#policy.maxWorkers ? undefined : best;
  }

  // Nothing is queued and a worker is idle: give it work sent ahead to a busy worker that has not
  // started it yet, so a long task cannot hold up the one queued behind it.
  #takeBackForIdle(): void {
    for (const idle of this.#slots) {
      if (!idle.ready || idle.retiring || idle.expected || idle.inflight.size > 0) continue;
      const taken = this.#takeBack();
      if (!taken) return;
      taken.future.setRunningOrNotifyCancel();
      this.#send(idle, taken);
    }
  }

  // Takes back one piece of work sent ahead and not started, if there is one.
  #takeBack(): WorkItem | undefined {
    for (const slot of this.#slots) {
      if (!slot.claims || slot.expected) continue;
      for (const item of slot.cellHolders) {
        if (item && !item.started && this.#withdraw(slot, item)) return item;
      }
    }
    return undefined;
  }

  // Takes `item`, sent ahead to `slot`, back from it, unless the worker has started it.
  #withdraw(slot: Slot, item: WorkItem): boolean {
    const tag = claimTag(item.id);
    if (Atomics.compareExchange(slot.claims!, item.cell!, tag, 0) !== tag) {
      item.started = true; // its worker won: it stays there
      return false;
    }
    slot.cellHolders[item.cell!] = undefined;
    item.cell = undefined;
    const unsent = slot.outbox.indexOf(item);
    if (unsent >= 0) slot.outbox.splice(unsent, 1);
    this.#unassign(slot, item);
    // The worker may have nothing left; settled once the caller (cancel(), a dispatch) is done.
    queueMicrotask(() => {
      this.#settleIdle(slot);
      this.#dispatch();
    });
    return true;
  }

  // Work sent ahead gets a claim cell, if one is free (else it is sent as started, RUNNING), and
  // stays PENDING while the cell says it is not started.
  #holdCell(slot: Slot, item: WorkItem): boolean {
    for (let cell = 0; cell < slot.claims!.length; cell++) {
      if (slot.cellHolders[cell] !== undefined) continue;
      if (item.future.cancelled()) return false; // skipped by the caller
      const claims = slot.claims!;
      slot.cellHolders[cell] = item;
      item.cell = cell;
      Atomics.store(claims, cell, claimTag(item.id));
      item.future[kSentAhead]({
        started: () => item.cell === cell && Atomics.load(claims, cell) === CLAIM_STARTED,
        withdraw: () => item.cell === cell && this.#withdraw(slot, item),
      });
      return true;
    }
    return false;
  }

  #releaseCell(slot: Slot, item: WorkItem): void {
    if (item.cell === undefined) return;
    Atomics.store(slot.claims!, item.cell, 0);
    slot.cellHolders[item.cell] = undefined;
    item.cell = undefined;
  }

  #hasAbortable(slot: Slot): boolean {
    for (const item of slot.inflight.values()) if (item.signal) return true;
    return false;
  }

  #send(slot: Slot, item: WorkItem): void {
    if (this.#flushQueued) {
      // Sent with the rest of this worker's work at the flush, in order.
      this.#assign(slot, item);
      slot.outbox.push(item);
      return;
    }
    const { message, key } = this.#message(slot, item, undefined);
    try {
      slot.handle!.postMessage(message, item.transfer);
    } catch (error) {
      this.#releaseCell(slot, item);
      item.future.setException(
        describeCloneFailure(item.payload, this.#policy.transport, "args", error),
      );
      return;
    }
    this.#remember(slot, key);
    this.#assign(slot, item);
  }

  // `slot`'s worker has been sent `key` with its spec, or already had it. Past the cache size, it
  // is told to forget the oldest keys, after the work already sent (which may still use them).
  #remember(slot: Slot, key: string): void {
    const known = slot.known;
    if (known.has(key)) return;
    known.add(key);
    if (known.size <= this.#cacheSize) return;
    const keys: string[] = [];
    for (const old of known) {
      if (keys.length === this.#cacheForget) break;
      keys.push(old);
    }
    for (const old of keys) known.delete(old);
    try {
      slot.handle!.postMessage({ t: "forget", keys } satisfies HostMessage);
    } catch {
      // The worker is gone: nothing left to forget.
    }
  }

  // The message for `item`, with the function's spec if the worker has not seen its key (neither
  // before nor, when `sent` is given, earlier in the same batch).
  #message(
    slot: Slot,
    item: WorkItem,
    sent: Set<string> | undefined,
  ): { message: TaskMessage | ChunkMessage; key: string } {
    const spec = item.spec!;
    const key = functionKey(spec);
    const message: TaskMessage | ChunkMessage = item.kind === "task"
      ? { t: "task", id: item.id, key, args: item.payload }
      : item.kind === "items"
      ? { t: "chunk", id: item.id, key, items: pack(item.payload as unknown[]) }
      : chunkMessage(item.id, key, item.payload as unknown[][]);
    if (!slot.known.has(key) && !sent?.has(key)) message.spec = spec;
    if (item.cell !== undefined) message.c = item.cell;
    sent?.add(key);
    return { message, key };
  }

  // The worker now holds `item`.
  #assign(slot: Slot, item: WorkItem): void {
    item.slot = slot;
    slot.inflight.set(item.id, item);
    slot.started++;
    const max = this.#policy.maxTasksPerChild;
    if (max !== undefined && slot.started >= max) slot.retiring = true;
    this.#setBusy(slot, true);
  }

  // `item` could not be sent after all.
  #unassign(slot: Slot, item: WorkItem): void {
    this.#releaseCell(slot, item);
    slot.inflight.delete(item.id);
    item.slot = undefined;
    slot.started--;
    const max = this.#policy.maxTasksPerChild;
    // Only the count retires a worker that is not yet stopping.
    if (max !== undefined && slot.started < max && !slot.expected) slot.retiring = false;
  }

  #flushAll = (): void => {
    this.#flushQueued = false;
    for (const slot of this.#slots) if (slot.outbox.length > 0) this.#flush(slot);
  };

  // Send a worker the work gathered for it: one message for all of it, or, should some of it not
  // be sendable, one message each, failing only what cannot go.
  #flush(slot: Slot): void {
    const items = slot.outbox;
    slot.outbox = [];
    // A worker being stopped: what it holds fails as broken once it has exited.
    if (slot.expected || !slot.handle) return;
    if (items.length > 1) {
      const sent = new Set<string>();
      const messages = items.map((item) => this.#message(slot, item, sent).message);
      let posted = false;
      try {
        slot.handle.postMessage({ t: "batch", messages } satisfies HostMessage);
        posted = true;
      } catch {
        // one by one below
      }
      if (posted) {
        for (const key of sent) this.#remember(slot, key);
        return;
      }
    }
    let failed = false;
    for (const item of items) {
      const { message, key } = this.#message(slot, item, undefined);
      try {
        slot.handle.postMessage(message);
      } catch (error) {
        failed = true;
        this.#unassign(slot, item);
        item.future.setException(
          describeCloneFailure(item.payload, this.#policy.transport, "args", error),
        );
        continue;
      }
      this.#remember(slot, key);
    }
    if (failed) {
      this.#settleIdle(slot);
      this.#dispatch();
    }
  }

  #spawnIfNeeded(): void {
    if (this.#shutdown && this.#head >= this.#queue.length) return;
    let starting = 0;
    let live = 0;
    for (const slot of this.#slots) {
      live++;
      if (!slot.ready) starting++;
    }
    let waiting = this.#queue.length - this.#head;
    while (waiting > starting && live < this.#policy.maxWorkers) {
      this.#spawn();
      starting++;
      live++;
      waiting--;
    }
  }

  #spawn(): void {
    const slot: Slot = {
      handle: undefined,
      ready: false,
      inflight: new Map(),
      claims: this.#policy.takeBack
        ? new Int32Array(
          new SharedArrayBuffer((this.#policy.prefetch + 1) * Int32Array.BYTES_PER_ELEMENT),
        )
        : undefined,
      cellHolders: [],
      outbox: [],
      known: new Set(),
      started: 0,
      retiring: false,
      expected: false,
      referenced: true,
      idleTimer: undefined,
    };
    this.#slots.add(slot);
    // A spawn that throws fails the same way as one that rejects.
    new Promise<WorkerHandle>((resolve) =>
      resolve(this.#policy.spawn(
        (message) => this.#onMessage(slot, message as WorkerMessage),
        (info) => this.#onExit(slot, info),
      ))
    ).then(
      (handle) => {
        slot.handle = handle;
        if (slot.expected) handle.terminate();
      },
      (error) => {
        this.#slots.delete(slot);
        this.#break("A worker could not be started, the pool is not usable anymore", error);
        this.#maybeClose(); // already broken by an earlier failed spawn, shutdown() awaits this one
      },
    );
  }

  // ── worker events ───────────────────────────────────────────────────────────────────────────

  #onMessage(slot: Slot, message: WorkerMessage): void {
    switch (message.t) {
      case "hello": {
        const init: Record<string, unknown> = {
          t: "init",
          v: PROTOCOL_VERSION,
          transport: this.#policy.transport,
          initargs: this.#policy.initargs,
        };
        if (this.#initializerSpec) init.initializer = this.#initializerSpec;
        if (slot.claims) init.claims = slot.claims;
        try {
          slot.handle!.postMessage(init);
        } catch (error) {
          const cause = describeCloneFailure(
            init.initargs,
            this.#policy.transport,
            "initargs",
            error,
          );
          this.#break(this.#policy.messages.initializerFailed, cause);
        }
        return;
      }
      case "ready":
        slot.ready = true;
        this.#dispatch();
        this.#settleIdle(slot);
        return;
      case "init-error":
        this.#break(this.#policy.messages.initializerFailed, decodeThrown(message.error));
        return;
      case "ok":
      case "err":
      case "chunk-done": {
        const item = slot.inflight.get(message.id);
        if (!item) return; // aborted meanwhile
        slot.inflight.delete(message.id);
        if (item.cell !== undefined) this.#releaseCell(slot, item);
        // Queued before the future settles, so the flush runs before its awaiters resume.
        if (this.#policy.prefetch > 0 && !this.#flushQueued) {
          this.#flushQueued = true;
          queueMicrotask(this.#flushAll);
        }
        if (!item.future.done()) {
          if (message.t === "ok") item.future.setResult(message.value);
          else if (message.t === "err") item.future.setException(decodeThrown(message.error));
          else item.future.setResult(chunkOutcome(message.values, message.failed));
        }
        this.#settleIdle(slot);
        this.#dispatch();
        return;
      }
    }
  }

  // After a worker finished something: retire it, or let it idle unref'd.
  #settleIdle(slot: Slot): void {
    // A worker on its way out stays ref'd until its exit is seen.
    if (slot.inflight.size > 0 || !slot.handle || slot.expected) return;
    if (slot.retiring) {
      this.#retire(slot);
      return;
    }
    if (this.#head >= this.#queue.length) {
      this.#setBusy(slot, false);
      if (!slot.handle.unrefable && slot.idleTimer === undefined) {
        slot.idleTimer = setTimeout(() => {
          slot.idleTimer = undefined;
          if (slot.inflight.size === 0) this.#retire(slot);
        }, IDLE_RETIRE_MS);
      }
    }
  }

  #retire(slot: Slot): void {
    slot.retiring = true;
    this.#stop(slot);
  }

  // Ask a worker to exit. It is ref'd until it has, so whoever awaits its exit (shutdown) keeps
  // the program alive that long.
  #stop(slot: Slot): void {
    if (slot.outbox.length > 0) this.#flush(slot); // in order, before the exit
    slot.expected = true;
    if (!slot.handle) return; // terminated as soon as it exists
    this.#setBusy(slot, true);
    slot.handle.postMessage({ t: "exit" });
  }

  #onExit(slot: Slot, info: ExitInfo): void {
    this.#slots.delete(slot);
    if (slot.idleTimer !== undefined) clearTimeout(slot.idleTimer);
    if (!slot.expected && !this.#broken) {
      const detail = info.signal ? `signal ${info.signal}` : `exit code ${info.code}`;
      const cause = info.error ?? new Error(`the worker ended with ${detail}`);
      this.#break(this.#policy.messages.crashed, cause);
    }
    // Work a stopped worker held: broken (it was running), as the pool could not finish it.
    for (const item of slot.inflight.values()) {
      if (!item.future.done()) {
        item.future.setException(this.#policy.broken(this.#policy.messages.crashed, info.error));
      }
    }
    slot.inflight.clear();
    this.#dispatch();
  }

  // ── breaking and closing ────────────────────────────────────────────────────────────────────

  // Every running and queued future fails with its own Broken* error carrying `message`; later
  // submit() calls throw one too (saying the pool is unusable, unless the initializer failed).
  #break(message: string, cause: unknown): void {
    if (this.#broken) return;
    this.#broken = this.#policy.broken(message, cause);
    const { crashed, unusable } = this.#policy.messages;
    this.#brokenMessage = message === crashed ? unusable : message;
    const fail = (item: WorkItem) => {
      if (!item.future.done()) item.future.setException(this.#policy.broken(message, cause));
    };
    for (let i = this.#head; i < this.#queue.length; i++) fail(this.#queue[i]!);
    this.#queue = [];
    this.#head = 0;
    for (const slot of this.#slots) {
      for (const item of slot.inflight.values()) fail(item);
      slot.inflight.clear();
      slot.expected = true;
      slot.handle?.terminate("SIGKILL");
    }
    this.#maybeClose();
  }

  #maybeClose(): void {
    if (!this.#shutdown || this.#head < this.#queue.length) return;
    for (const slot of this.#slots) {
      if (slot.inflight.size > 0) return;
    }
    for (const slot of this.#slots) if (!slot.expected) this.#stop(slot);
    if (this.#slots.size === 0) this.#resolveClosed?.();
  }

  #setBusy(slot: Slot, busy: boolean): void {
    if (busy && slot.idleTimer !== undefined) {
      clearTimeout(slot.idleTimer);
      slot.idleTimer = undefined;
    }
    if (busy === slot.referenced || !slot.handle) return;
    slot.referenced = busy;
    if (busy) slot.handle.ref();
    else slot.handle.unref();
  }

  // Drop consumed or settled entries at the head; with `all`, empty the queue.
  #compact(all: boolean): void {
    if (all) {
      this.#queue = [];
      this.#head = 0;
      return;
    }
    while (this.#head < this.#queue.length && this.#queue[this.#head]?.future.done() !== false) {
      this.#head++;
    }
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }
}

// A chunk whose argument lists all have one argument travels as the arguments themselves.
function chunkMessage(id: number, key: string, argLists: unknown[][]): ChunkMessage {
  const items = new Array(argLists.length);
  for (let i = 0; i < argLists.length; i++) {
    const args = argLists[i]!;
    if (args.length !== 1) return { t: "chunk", id, key, argLists };
    items[i] = args[0];
  }
  return { t: "chunk", id, key, items: pack(items) };
}

function chunkOutcome(
  values: Packed,
  failed: { index: number; error: import("./_serialize.ts").EncodedThrown } | undefined,
): ChunkOutcome {
  return failed === undefined
    ? { values }
    : { values, error: { index: failed.index, error: decodeThrown(failed.error) } };
}
