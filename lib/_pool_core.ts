// Copyright 2026 the concurrent-futures authors. MIT license.
// The engine both pools share: scheduling, worker lifecycle and shutdown. Runtime-neutral: workers
// are reached only through the WorkerHandle that `policy.spawn` returns.
//
// A work item's life, from submit() to a settled future (CPython's process.py is the model):
//
//   submit(fn, args) ─► WorkItem ─► Admission.admit ──(refused)──► future fails, nothing queued
//                                         │ (function spec resolved, values checked)
//                                         ▼
//                                   queue (FIFO) ◄──── taken back, unstarted (threads only)
//                                         │ #dispatch: an idle worker first, else a busy one
//                                         │ may hold it ahead (pool at full size, no signal)
//                                         ▼
//       PoolWorker.send / defer+flush ── "task" | "chunk" | "batch" ──►  worker (workers/)
//            (spec sent with a key's      message, via the runtime's      runs fn, replies
//             first use: _function_table)  WorkerHandle                   "ok" | "err" | "chunk-done"
//                                                                               │
//   future settles ◄──── #onMessage ◄──────────────────────────────────────────┘
//   (a worker's exit while it holds work: its futures fail; the pool breaks unless it was ours,
//    or, with onWorkerCrash "replace", the worker is replaced: see _crash_policy.ts)
//
// Thread pool: a task held ahead stays PENDING, cancellable, and can be taken back for a worker
// that falls idle, until its worker wins its claim cell (_sent_ahead.ts); then it is RUNNING. A
// worker that would start it while an older task waits behind a slow one elsewhere yields instead;
// that work goes back to the queue in order and the worker gets the oldest (#onYield), so tasks
// start in submission order. A busy thread is topped up only once it holds at most half of the
// `prefetch + 1` units it may (#pickWorker), so its work travels in a few large messages.
// Process pool: a busy child gets up to `prefetch` tasks ahead, the n-th only while at least
// n × maxWorkers tasks are queued behind it, and they wait there RUNNING (Python's call queue).
// Both: what the replies read at one time free up leaves for each worker in one "batch" message
// (the flush); a thread pool sends all work ahead that way, one run of the host's code at a time
// (work for an idle thread leaves at once).
// Every future's settling is counted (stats(), events: #settled); maxQueue bounds the queue.
//
// The states of a pool: setting up (modules loading; work queued unchecked) → running → shut down
// (no new work; closes once the queue and every worker are done) or broken (a worker died, an
// initializer failed: every unfinished future fails, workers are killed) → closed.

import type { ModuleRegistry } from "./_function_source.ts";
import { Admission } from "./_admission.ts";
import { Events } from "./_events.ts";
import { PoolCounters } from "./_pool_stats.ts";
import { CrashPolicy, type OnWorkerCrash } from "./_crash_policy.ts";
import { PoolWorker } from "./_pool_worker.ts";
import {
  PROTOCOL_VERSION,
  type ReplyBatchMessage,
  settleFromReply,
  type WorkerMessage,
} from "./_protocol.ts";
import { Queue } from "./_queue.ts";
import { ClaimCells, ClaimTable } from "./_sent_ahead.ts";
import { decodeThrown, describeCloneFailure, type Transport } from "./_serialize.ts";
import { kStartGate } from "./_symbols.ts";
import { type UnitKind, WorkItem, type WorkOwner } from "./_work_item.ts";
import { type BrokenExecutor, InvalidStateError, QueueFullError } from "./errors.ts";
import type { SubmitOptions } from "./executor.ts";
import type { ExecutorEvents, ExecutorStats } from "./executor_stats.ts";
import { type Future, hasException } from "./future.ts";
import type { ExitInfo, WorkerHandle } from "./runtime/types.ts";

/** What differs between the thread pool and the process pool. */
export interface PoolPolicy {
  transport: Transport;
  maxWorkers: number;
  /**
   * Units of work sent to a busy worker ahead of time (like the process pool's call queue). With
   * `takeBack`, each worker gets a claim cell per unit it may hold: `prefetch + 1`.
   */
  prefetch: number;
  /**
   * Work sent ahead can be taken back, unstarted, for a worker that fell idle (threads: the claim
   * cells are shared memory). Without it, work sent ahead waits for its worker (processes, as in
   * Python's call queue).
   */
  takeBack: boolean;
  maxTasksPerChild: number | undefined;
  /** Workers started at construction and kept. */
  minWorkers: number;
  /** Milliseconds an idle worker beyond `minWorkers` is kept; `undefined` for ever. */
  idleTimeout: number | undefined;
  /** The most work items the queue may hold; `undefined` for no limit. */
  maxQueue: number | undefined;
  /** A worker died unexpectedly: break the pool, or replace the worker (see `CrashPolicy`). */
  onWorkerCrash: OnWorkerCrash;
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

// A worker that cannot be unref'd (a web Worker on Deno) would keep the program alive while idle,
// so it is retired after this long without work (or idleTimeout, if shorter) and started again
// when work comes, minWorkers or not.
const IDLE_RETIRE_MS = 200;

/** Every event name of {@linkcode ExecutorEvents}. */
export const EVENT_NAMES: readonly (keyof ExecutorEvents)[] = [
  "taskStart",
  "taskDone",
  "workerStart",
  "workerExit",
  "drain",
  "idle",
];

const MODULES_FAILED =
  "A module listed in `modules` could not be imported, the pool is not usable anymore";

/** A pool of workers behind an Executor: scheduling, worker lifecycle and shutdown. */
export class PoolCore {
  #policy: PoolPolicy;
  #admission: Admission;
  #queue = new Queue<WorkItem>();
  /** Its live workers (a few: an array is cheaper to walk than a Set). */
  #workers: PoolWorker[] = [];
  #broken: BrokenExecutor | undefined;
  /** What later submit() calls are told once the pool is broken. */
  #brokenMessage = "";
  #shutdown = false;
  #closed: Promise<void> | undefined;
  #resolveClosed: (() => void) | undefined;
  /**
   * A flush of the workers' deferred work is queued. Replies read at one time (a worker's `batch`)
   * are handled one after the other before any microtask runs, so what they free up for each
   * worker leaves in one message when the flush runs, which is before any code awaiting those
   * replies resumes. A thread pool defers all it sends ahead to a busy thread (#send): a message
   * to a thread and its wake-up cost more than a microtask's wait (on Deno, waking a waiting thread
   * costs a write(2)).
   */
  #flushQueued = false;
  /** Thread pools: the claim cells of work sent ahead, one slot per live worker. */
  #claims: ClaimTable | undefined;
  #freeSlots: number[] = [];
  /** The last ticket given: work is numbered in the order it is first sent. */
  #tickets = 0;
  /** Counts and timings for stats(). */
  #counters = new PoolCounters();
  /** The listeners of on()/off(). */
  readonly events: Events<ExecutorEvents> = new Events(EVENT_NAMES);
  /**
   * Whether to keep minWorkers: off once a worker that cannot be unref'd retired idle (a warm
   * pool of those would keep the program alive), on again at the next submit().
   */
  #keepWarm: boolean;
  /** What room() returned while the queue was full, resolved once it is not. */
  #roomWaiters: (() => void)[] = [];
  #crashes: CrashPolicy;
  /** Work with an AbortSignal not done yet: while there is none, no worker holds any. */
  #abortable = 0;
  /** What every work item of this pool tells it (see `WorkItem`). */
  #owner: WorkOwner = {
    settled: (item) => this.#settled(item),
    withdraw: (item) =>
      item.cell === item.aheadCell && this.#withdraw(item.aheadOf as PoolWorker, item),
  };

  constructor(policy: PoolPolicy) {
    this.#policy = policy;
    this.#admission = new Admission(policy);
    this.#crashes = new CrashPolicy(policy.onWorkerCrash, policy.maxWorkers);
    if (policy.takeBack) {
      this.#claims = new ClaimTable(policy.maxWorkers, policy.prefetch + 1);
      for (let slot = policy.maxWorkers - 1; slot >= 0; slot--) this.#freeSlots.push(slot);
    }
    this.#keepWarm = policy.minWorkers > 0;
    if (!this.#keepWarm) return;
    // A warm pool: its workers start now, once the initializer can go with them.
    if (this.#admission.ready) this.#spawnIfNeeded();
    else this.#admission.start(this.#onAdmissionReady, this.#onAdmissionFailed);
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
    const counters = this.#counters;
    const { maxQueue } = this.#policy;
    if (maxQueue !== undefined && counters.queued >= maxQueue) throw new QueueFullError(maxQueue);
    const item = new WorkItem(this.#owner, fn, payload, kind, options);
    if (item.signal) this.#abortable++;
    item.submitted = counters.submitStamp();
    this.#keepWarm = this.#policy.minWorkers > 0;
    const { signal } = item;
    if (signal?.aborted) {
      item.future.setException(signal.reason);
      return item.future;
    }
    const admission = this.#admission;
    // The first worker starts booting now, before the function is analysed (acorn): a cold start
    // is mostly the worker's own start-up, which runs on its own thread meanwhile.
    if (admission.ready && this.#workers.length === 0) this.#spawn();
    if (admission.ready && !admission.admit(item)) return item.future;
    if (!admission.ready) admission.hold(item); // its submit site, for its errors' stacks
    if (!admission.moveTransfers(item)) return item.future;
    if (signal) item.watchAbort((reason) => this.#abort(item, reason));
    const waiting = counters.queued;
    item.queued = true;
    counters.queued++;
    this.#queue.push(item);
    // Work queued before it still waits for a worker, and a task behind it changes nothing for
    // that work (unless the queue now grows long enough for a child to take more ahead: the n-th
    // unit only while more than n × maxWorkers wait, see #pickWorker); only the pool's size may.
    // A loop of submits then costs no dispatch each. (Until the modules are loaded, dispatch
    // starts that, and no worker may start: its init would lack them.)
    if (
      waiting > 0 && admission.ready &&
      (this.#policy.takeBack ||
        this.#queue.length > this.#policy.prefetch * this.#policy.maxWorkers + 1)
    ) {
      this.#spawnIfNeeded();
    } else {
      this.#dispatch();
    }
    return item.future;
  }

  /** Stop accepting work; resolve when all of it is done and every worker has exited. */
  shutdown(wait: boolean, cancelFutures: boolean): Promise<void> {
    if (!this.#shutdown) {
      this.#shutdown = true;
      this.#closed = new Promise((resolve) => this.#resolveClosed = resolve);
    }
    // As in Python, a later call with cancelFutures still cancels what has not started.
    if (cancelFutures) {
      for (const item of this.#queue.drain()) item.future.cancel();
      // And what waits, sent ahead, in a worker's queue, if its worker has not started it.
      for (const worker of this.#workers) {
        if (worker.claims) { for (const item of worker.claims.held()) item.future.cancel(); }
      }
    }
    this.#maybeClose();
    return wait ? this.#closed! : Promise.resolve();
  }

  /**
   * Stop every worker now with `signal`: running futures fail as broken, queued ones are
   * cancelled, and the pool accepts no more work.
   */
  async stopWorkers(signal: "SIGTERM" | "SIGKILL"): Promise<void> {
    this.#crashes.stopReplacing(); // these exits are ours: the pool breaks as it always did
    void this.shutdown(false, true);
    for (const worker of this.#workers) {
      worker.dropDeferred(); // held, not sent: it breaks with the rest of what the worker held
      // Ref'd until its exit is seen (an idle worker is not), or the program could end first,
      // with this promise pending.
      worker.keepAlive(true);
      worker.handle?.terminate(signal);
    }
    await this.shutdown(true, false); // the same close, now awaited
  }

  // ── watching ──────────────────────────────────────────────────────────────────────────────────

  /** A snapshot of the pool. */
  stats(): ExecutorStats {
    let starting = 0, idle = 0, busy = 0, running = 0;
    for (const worker of this.#workers) {
      if (!worker.ready) starting++;
      else if (worker.inflight.size > 0) busy++;
      else if (worker.isIdle) idle++;
      running += worker.inflight.size;
    }
    const counters = this.#counters;
    return {
      state: this.#broken ? "broken" : this.#shutdown ? "shutdown" : "running",
      maxWorkers: this.#policy.maxWorkers,
      workers: this.#workers.length,
      starting,
      idle,
      busy,
      queued: counters.queued,
      running,
      completed: counters.completed,
      failed: counters.failed,
      cancelled: counters.cancelled,
      runTime: counters.runTime.summary(),
      waitTime: counters.waitTime.summary(),
    };
  }

  /** Resolves once the queue holds fewer than `maxQueue` items (at once if it does now). */
  room(): Promise<void> {
    const { maxQueue } = this.#policy;
    if (maxQueue === undefined || this.#counters.queued < maxQueue) return Promise.resolve();
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  // `item` is done, however: counted, and out of the queue if it was waiting there.
  #settled(item: WorkItem): void {
    if (item.signal) this.#abortable--;
    const counters = this.#counters;
    if (item.queued) this.#unqueue(item);
    const { future } = item;
    let outcome: "completed" | "failed" | "cancelled";
    if (future.cancelled()) {
      outcome = "cancelled";
      counters.cancelled++;
    } else if (hasException(future)) {
      outcome = "failed";
      counters.failed++;
    } else {
      outcome = "completed";
      counters.completed++;
    }
    const events = this.events;
    if (events.has("taskDone")) {
      const now = performance.now();
      const started = item.startedAt;
      events.emit("taskDone", {
        future,
        outcome,
        runTime: started > 0 ? now - started : 0,
        waitTime: (started > 0 ? started : now) - item.submitted.at,
      });
    }
    if (events.has("idle") && counters.queued === 0 && !this.#holdsUnfinished()) {
      events.emit("idle", undefined);
    }
  }

  // `item` leaves the queue (for a worker, or done).
  #unqueue(item: WorkItem): void {
    item.queued = false;
    const counters = this.#counters;
    const queued = --counters.queued;
    if (queued === 0 && this.events.has("drain")) this.events.emit("drain", undefined);
    const waiters = this.#roomWaiters;
    if (waiters.length === 0 || queued >= this.#policy.maxQueue!) return;
    this.#roomWaiters = [];
    for (const resolve of waiters) resolve();
  }

  // Whether someone listens for a task's start or end (and so for its start time).
  #timesTasks(): boolean {
    return this.events.has("taskStart") || this.events.has("taskDone");
  }

  // `item`'s worker can start it now: it has reached the worker, which has nothing before it.
  // Called only for listeners (#timesTasks).
  #begin(item: WorkItem, now: number): void {
    item.startedAt = now;
    if (this.events.has("taskStart")) {
      this.events.emit("taskStart", { future: item.future, waitTime: now - item.submitted.at });
    }
  }

  // The reply for `item` has come in from `worker`: its times are recorded. Returns the time. A
  // worker runs what it holds one unit after the other, so `item` started when the worker became
  // free for it (`freeAt`): at its previous reply, or when it was handed work while it held none.
  #replied(worker: PoolWorker, item: WorkItem): number {
    const counters = this.#counters;
    const now = counters.tick();
    const started = worker.freeAt;
    worker.freeAt = now;
    counters.runTime.add(now - started);
    counters.waitTime.add(started - item.submitted.at);
    if (item.startedAt === 0 && this.#timesTasks()) item.startedAt = started;
    return now;
  }

  // `worker` is free for the next unit it holds (sent ahead) at `now`: for listeners, it starts.
  #beginNext(worker: PoolWorker, now: number): void {
    if (worker.inflight.size === 0) return;
    for (const next of worker.inflight.values()) {
      if (next.startedAt === 0) this.#begin(next, now);
      return;
    }
  }

  // Whether a worker holds work that is not done (a settled future may not have left it yet).
  #holdsUnfinished(): boolean {
    for (const worker of this.#workers) {
      for (const item of worker.inflight.values()) if (!item.future.done()) return true;
    }
    return false;
  }

  // ── scheduling ────────────────────────────────────────────────────────────────────────────────

  #dispatch(): void {
    if (this.#broken) {
      this.#maybeClose();
      return;
    }
    if (!this.#admission.ready) {
      this.#admission.start(this.#onAdmissionReady, this.#onAdmissionFailed);
      return;
    }
    const queue = this.#queue;
    for (let item = queue.peek(); item !== undefined; item = queue.peek()) {
      if (item.future.done()) { // cancelled or aborted while queued
        queue.shift();
        continue;
      }
      const worker = this.#pickWorker(item);
      if (!worker) break;
      queue.shift();
      // Sent ahead to a busy worker that can be asked for it back, it stays PENDING until started.
      const ahead = worker.claims !== undefined && worker.inflight.size > 0 &&
        this.#holdAhead(worker, item);
      if (!ahead && !item.future.setRunningOrNotifyCancel()) continue;
      this.#send(worker, item);
    }
    if (queue.length === 0 && this.#policy.takeBack) this.#takeBackForIdle();
    queue.dropWhile(isDone);
    this.#spawnIfNeeded();
    this.#maybeClose();
  }

  // The modules are loaded: check what was queued meanwhile, in order.
  #onAdmissionReady = (): void => {
    this.#counters.tick();
    for (const item of this.#queue.drain()) {
      if (!item.future.done() && this.#admission.admit(item)) this.#queue.push(item);
    }
    this.#dispatch();
  };

  #onAdmissionFailed = (what: "modules" | "initializer", cause: unknown): void => {
    this.#break(
      what === "modules" ? MODULES_FAILED : this.#policy.messages.initializerFailed,
      cause,
    );
  };

  // An idle worker first; else a busy one that may take work ahead, if the item allows it, the
  // pool cannot grow and no worker is about to start (a new or starting worker takes it sooner).
  #pickWorker(item: WorkItem): PoolWorker | undefined {
    let best: PoolWorker | undefined;
    let starting = false;
    // Work with a signal never waits, sent ahead, in a busy worker (aborting it would stop the
    // worker).
    const ahead = !item.signal;
    for (const worker of this.#workers) {
      if (!worker.ready) starting = true;
      if (!worker.ready || worker.retiring) continue;
      const load = worker.inflight.size;
      if (load === 0) return worker;
      if (!ahead || load > this.#policy.prefetch) continue;
      // Threads: a busy worker is topped up once it holds at most half of what it may, all at
      // once (what it is sent in this run leaves in one message, see #send), so that its work
      // keeps travelling in a few large messages instead of splitting into ever smaller ones.
      if (this.#policy.takeBack && load * 2 > this.#policy.prefetch && !worker.hasDeferred) {
        continue;
      }
      if (this.#abortable > 0 && worker.holdsAbortable()) continue;
      // A thread pool can take work ahead back for a worker that falls idle. A process pool
      // cannot, so a child busy with a long task would hold it while another child idles: a child
      // gets its n-th unit ahead only while more than n × maxWorkers wait in the queue, so a child
      // that frees up meanwhile finds work there (unless the other children drain all of it before
      // the busy one is done: a long task among many short ones).
      if (!this.#policy.takeBack && this.#queue.length <= load * this.#policy.maxWorkers) continue;
      if (!best || load < best.inflight.size) best = worker;
    }
    return starting || this.#workers.length < this.#policy.maxWorkers ? undefined : best;
  }

  // `item` goes ahead to busy `worker` in a claim cell, if one is free (else it is sent as
  // started, RUNNING), and stays PENDING while the cell says it is not started.
  #holdAhead(worker: PoolWorker, item: WorkItem): boolean {
    const claims = worker.claims!;
    item.ticket ??= ++this.#tickets;
    if (item.future.cancelled() || !claims.hold(item)) return false;
    item.aheadOf = worker;
    item.aheadCell = item.cell;
    item.future[kStartGate](item);
    return true;
  }

  // Nothing is queued and a worker is idle: give it work sent ahead to a busy worker that has not
  // started it yet, so a long task cannot hold up the one queued behind it.
  #takeBackForIdle(): void {
    for (const idle of this.#workers) {
      if (!idle.isIdle) continue;
      if (!this.#takeBackFor(idle)) return;
    }
  }

  // `worker` left its work `id`, held ahead, unstarted: older work waits, unstarted, behind a slow
  // task elsewhere. That older work and every unstarted task `worker` holds go back to the head of
  // the queue in submission order, and `worker`, idle now, is sent the oldest first. It learns that
  // it may go on from `resume`, which goes before anything else.
  #onYield(worker: PoolWorker, id: number): void {
    const held = worker.inflight.get(id);
    const taken: WorkItem[] = [];
    if (held !== undefined) {
      for (const other of this.#workers) {
        if (other === worker || !other.claims || other.exitExpected) continue;
        for (const item of [...other.claims.held()]) {
          if (item.startedAhead || !(item.ticket! < held.ticket!)) continue;
          if (this.#withdraw(other, item)) taken.push(item);
        }
      }
      if (taken.length > 0) {
        for (const item of [...worker.claims!.held()]) {
          if (!item.startedAhead && this.#withdraw(worker, item)) taken.push(item);
        }
      }
    }
    worker.post({ t: "resume" });
    if (taken.length === 0) return;
    this.#requeue(taken);
    this.#dispatch();
  }

  // Work taken back unstarted goes back to the head of the queue, in submission order: its futures
  // are PENDING still, and it counts as queued until a worker takes it.
  #requeue(items: WorkItem[]): void {
    items.sort((a, b) => a.id - b.id);
    for (const item of items) {
      item.future[kStartGate](undefined);
      item.aheadOf = undefined;
      item.queued = true;
      this.#counters.queued++;
    }
    this.#queue.unshiftAll(items);
  }

  // Takes back the oldest work sent ahead to another worker and not started, and sends it to
  // `worker`; false when there is none.
  #takeBackFor(worker: PoolWorker): boolean {
    for (;;) {
      let oldest: WorkItem | undefined;
      let holder: PoolWorker | undefined;
      for (const other of this.#workers) {
        if (other === worker || !other.claims || other.exitExpected) continue;
        for (const item of other.claims.held()) {
          if (item.startedAhead || (oldest && oldest.ticket! < item.ticket!)) continue;
          oldest = item;
          holder = other;
        }
      }
      if (!oldest) return false;
      if (!this.#withdraw(holder!, oldest)) continue; // started meanwhile: the next oldest
      oldest.future.setRunningOrNotifyCancel();
      this.#send(worker, oldest);
      return true;
    }
  }

  // Takes `item`, sent ahead to `worker`, back from it, unless the worker has started it.
  #withdraw(worker: PoolWorker, item: WorkItem): boolean {
    if (!worker.claims!.withdraw(item)) return false;
    // Held ahead, it was next (what it followed is done): the worker is free for what follows it.
    const wasNext = worker.inflight.values().next().value === item;
    worker.undefer(item);
    worker.unassign(item);
    // The worker may have nothing left; settled once the caller (cancel(), a dispatch) is done.
    queueMicrotask(() => {
      const now = this.#counters.tick();
      if (wasNext) {
        worker.freeAt = now;
        if (this.#timesTasks()) this.#beginNext(worker, now);
      }
      this.#settleIdle(worker);
      this.#dispatch();
    });
    return true;
  }

  #send(worker: PoolWorker, item: WorkItem): void {
    item.ticket ??= ++this.#tickets;
    const idle = worker.inflight.size === 0;
    this.#handOver(worker, item);
    if (this.#policy.takeBack) {
      // Threads: work for an idle thread leaves at once, inside submit(), so that it runs even
      // while the caller then blocks (Atomics.wait on what the task will store: sync-over-async).
      // What one run of the host sends ahead to a busy thread leaves in one message (#flushAll).
      if (idle) return this.#sendNow(worker, item);
      if (!this.#flushQueued) {
        this.#flushQueued = true;
        queueMicrotask(this.#flushAll);
      }
    }
    if (this.#flushQueued) {
      // Sent with the rest of this worker's work at the flush, in order.
      worker.assign(item);
      worker.defer(item);
      return;
    }
    this.#sendNow(worker, item);
  }

  #sendNow(worker: PoolWorker, item: WorkItem): void {
    try {
      worker.send(item);
    } catch (error) {
      worker.claims?.release(item);
      this.#failUnsent(item, error);
      return;
    }
    worker.assign(item);
  }

  // `item` goes to `worker`: out of the queue, and started if the worker holds nothing else.
  #handOver(worker: PoolWorker, item: WorkItem): void {
    if (item.queued) this.#unqueue(item);
    if (worker.inflight.size > 0) return;
    const now = this.#counters.clock;
    worker.freeAt = now;
    if (item.startedAt === 0 && this.#timesTasks()) this.#begin(item, now);
  }

  #flushAll = (): void => {
    this.#flushQueued = false;
    for (const worker of this.#workers) if (worker.hasDeferred) this.#flush(worker);
  };

  // Sends a worker its deferred work; what cannot be sent fails alone.
  #flush(worker: PoolWorker): void {
    const unsent = worker.flush();
    if (unsent.length === 0) return;
    for (const { item, error } of unsent) {
      worker.unassign(item);
      this.#failUnsent(item, error);
    }
    this.#settleIdle(worker);
    this.#dispatch();
  }

  #failUnsent(item: WorkItem, error: unknown): void {
    item.future.setException(
      describeCloneFailure(item.payload, this.#policy.transport, "args", error),
    );
  }

  #abort(item: WorkItem, reason: unknown): void {
    if (item.future.done()) return;
    this.#counters.tick();
    item.future.setException(reason);
    for (const worker of this.#workers) {
      if (worker.inflight.get(item.id) !== item || !worker.handle) continue;
      // Running (abortable work never goes ahead): its worker is stopped and replaced.
      worker.inflight.delete(item.id);
      worker.exitExpected = true;
      worker.retiring = true;
      worker.handle.terminate("SIGKILL");
      return;
    }
    this.#dispatch();
  }

  // ── worker lifecycle ──────────────────────────────────────────────────────────────────────────

  // Starts workers for queued work, up to maxWorkers: for every two units waiting beyond the
  // workers already starting, one more (a worker that is up soon takes the next unit too).
  #spawnIfNeeded(): void {
    if (this.#workers.length >= this.#policy.maxWorkers) return; // (minWorkers <= maxWorkers)
    let waiting = this.#queue.length;
    if (this.#shutdown && waiting === 0) return;
    let starting = 0;
    for (const worker of this.#workers) if (!worker.ready) starting++;
    let live = this.#workers.length;
    while (waiting > starting && live < this.#policy.maxWorkers) {
      this.#spawn();
      starting++;
      live++;
      waiting--;
    }
    // A warm pool keeps minWorkers (one on its way out is replaced once it has exited).
    if (!this.#keepWarm || this.#shutdown) return;
    for (; live < this.#policy.minWorkers; live++) this.#spawn();
  }

  #spawn(): void {
    const policy = this.#policy;
    const claims = this.#claims && new ClaimCells<WorkItem>(this.#claims, this.#freeSlots.pop()!);
    const worker = new PoolWorker(claims, policy.maxTasksPerChild);
    this.#workers.push(worker);
    // A spawn that throws fails the same way as one that rejects.
    new Promise<WorkerHandle>((resolve) =>
      resolve(policy.spawn(
        (message) => this.#receive(worker, message as WorkerMessage | ReplyBatchMessage),
        (info) => this.#onExit(worker, info),
      ))
    ).then(
      (handle) => {
        worker.handle = handle;
        if (worker.exitExpected) handle.terminate();
      },
      (error) => {
        this.#removeWorker(worker);
        if (claims) this.#freeSlots.push(claims.slot);
        this.#break("A worker could not be started, the pool is not usable anymore", error);
        this.#maybeClose(); // already broken by an earlier failed spawn, shutdown() awaits this one
      },
    );
  }

  // What `worker` sent: one message, or several of its replies in one (a `batch`, see
  // workers/_worker_loop.ts), handled in order as if read at one time.
  #receive(worker: PoolWorker, message: WorkerMessage | ReplyBatchMessage): void {
    if (message.t !== "batch") return this.#onMessage(worker, message);
    for (const inner of message.messages) this.#onMessage(worker, inner);
  }

  #onMessage(worker: PoolWorker, message: WorkerMessage): void {
    switch (message.t) {
      case "hello": {
        const init: Record<string, unknown> = {
          t: "init",
          v: PROTOCOL_VERSION,
          transport: this.#policy.transport,
          initargs: this.#policy.initargs,
        };
        const initializer = this.#admission.initializerSpec;
        if (initializer) init.initializer = initializer;
        if (this.#admission.modules) init.modules = this.#admission.modules;
        if (worker.claims) init.claims = this.#claims!.shared(worker.claims.slot);
        try {
          worker.handle!.postMessage(init);
        } catch (error) {
          const cause = describeCloneFailure(
            init.initargs,
            this.#policy.transport,
            "initargs",
            error,
          );
          this.#break(this.#policy.messages.initializerFailed, cause);
          return;
        }
        // Nothing to run or import first: the worker takes work now, behind `init`, and its
        // `ready` (which it still sends) changes nothing. A cold start saves a round trip.
        if (!initializer && !init.modules) this.#onReady(worker);
        return;
      }
      case "ready":
        if (!worker.ready) this.#onReady(worker);
        return;
      case "yield":
        this.#onYield(worker, message.id);
        return;
      case "init-error":
        this.#break(this.#policy.messages.initializerFailed, decodeThrown(message.error));
        return;
      case "ok":
      case "err":
      case "chunk-done": {
        const item = worker.inflight.get(message.id);
        if (!item) return; // aborted meanwhile
        worker.finish(item);
        const now = this.#replied(worker, item);
        this.#crashes.finished();
        // Queued before the future settles, so the flush runs before its awaiters resume.
        if (this.#policy.prefetch > 0 && !this.#flushQueued) {
          this.#flushQueued = true;
          queueMicrotask(this.#flushAll);
        }
        if (!item.future.done()) {
          settleFromReply(item, message);
        }
        if (this.#timesTasks()) this.#beginNext(worker, now);
        this.#settleIdle(worker);
        this.#dispatch();
        return;
      }
    }
  }

  // `worker` takes work from now on.
  #onReady(worker: PoolWorker): void {
    worker.ready = true;
    this.#workerReady(worker);
    this.#dispatch();
    this.#settleIdle(worker);
  }

  // After a worker finished something: retire it, or let it idle.
  #settleIdle(worker: PoolWorker): void {
    // A worker on its way out stays ref'd until its exit is seen.
    if (worker.inflight.size > 0 || !worker.handle || worker.exitExpected) return;
    if (worker.retiring) {
      this.#retire(worker);
      return;
    }
    if (this.#queue.length === 0) {
      worker.goIdle(this.#idleDelay(worker), () => this.#expire(worker));
    }
  }

  // How long `worker` may idle before #expire is asked about it; `undefined` for ever.
  #idleDelay(worker: PoolWorker): number | undefined {
    const { idleTimeout } = this.#policy;
    if (worker.handle!.unrefable) return idleTimeout;
    return idleTimeout === undefined ? IDLE_RETIRE_MS : Math.min(idleTimeout, IDLE_RETIRE_MS);
  }

  // `worker` has been idle for its idle delay: it retires, unless it is one of the minWorkers.
  // One that cannot be unref'd always does, and the pool stops keeping minWorkers until the next
  // submit(): idle, such workers would keep the program alive.
  #expire(worker: PoolWorker): void {
    if (worker.handle!.unrefable) {
      let live = 0;
      for (const other of this.#workers) if (!other.exitExpected && !other.retiring) live++;
      if (live <= this.#policy.minWorkers) return;
    } else {
      this.#keepWarm = false;
    }
    this.#retire(worker);
  }

  #workerReady(worker: PoolWorker): void {
    const now = this.#counters.tick();
    if (this.events.has("workerStart")) {
      this.events.emit("workerStart", {
        startupTime: now - worker.spawnedAt,
        workers: this.#workers.length,
      });
    }
  }

  #workerExited(worker: PoolWorker, info: ExitInfo): void {
    this.#counters.tick();
    if (this.events.has("workerExit")) {
      this.events.emit("workerExit", {
        expected: worker.exitExpected || this.#broken !== undefined,
        code: info.code,
        signal: info.signal,
        workers: this.#workers.length,
      });
    }
  }

  #retire(worker: PoolWorker): void {
    worker.retiring = true;
    this.#stop(worker);
  }

  // Asks a worker to exit, after what was deferred for it (in order). It is ref'd until it has,
  // so whoever awaits its exit (shutdown) keeps the program alive that long.
  #stop(worker: PoolWorker): void {
    if (worker.hasDeferred) this.#flush(worker);
    worker.requestExit();
  }

  #onExit(worker: PoolWorker, info: ExitInfo): void {
    this.#removeWorker(worker);
    worker.exited();
    this.#workerExited(worker, info);
    if (worker.claims) this.#freeSlots.push(worker.claims.slot);
    const detail = info.signal ? `signal ${info.signal}` : `exit code ${info.code}`;
    const cause = info.error ?? new Error(`the worker ended with ${detail}`);
    if (!worker.exitExpected && !this.#broken) {
      if (this.#crashes.replaces(worker.ready)) this.#requeueUnstarted(worker);
      else this.#break(this.#policy.messages.crashed, cause);
    }
    // Work a stopped or crashed worker held: broken (it was running), as the pool could not
    // finish it. The pool may live on (a worker it stopped, or one replaced after a crash).
    for (const item of worker.inflight.values()) {
      if (!item.future.done()) {
        item.future.setException(this.#policy.broken(this.#policy.messages.crashed, cause));
      }
    }
    worker.inflight.clear();
    this.#dispatch();
  }

  // A crashed thread's work sent ahead that it never started goes back to the head of the queue,
  // in order: its futures are still PENDING. (A process pool's, RUNNING, fails with the rest.)
  #requeueUnstarted(worker: PoolWorker): void {
    const claims = worker.claims;
    if (!claims) return;
    const unstarted: WorkItem[] = [];
    for (const item of [...claims.held()]) {
      if (item.startedAhead || item.future.done() || !claims.withdraw(item)) continue;
      worker.undefer(item);
      worker.inflight.delete(item.id);
      unstarted.push(item);
    }
    if (unstarted.length > 0) this.#requeue(unstarted);
  }

  // ── breaking and closing ──────────────────────────────────────────────────────────────────────

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
    for (const item of this.#queue.drain()) fail(item);
    for (const worker of this.#workers) {
      for (const item of worker.inflight.values()) fail(item);
      worker.inflight.clear();
      worker.exitExpected = true;
      worker.handle?.terminate("SIGKILL");
    }
    this.#maybeClose();
  }

  #removeWorker(worker: PoolWorker): void {
    const index = this.#workers.indexOf(worker);
    if (index >= 0) this.#workers.splice(index, 1);
  }

  #maybeClose(): void {
    if (!this.#shutdown || this.#queue.length > 0) return;
    for (const worker of this.#workers) {
      if (worker.inflight.size > 0) return;
    }
    for (const worker of this.#workers) if (!worker.exitExpected) this.#stop(worker);
    if (this.#workers.length === 0) this.#resolveClosed?.();
  }
}

function isDone(item: WorkItem): boolean {
  return item.future.done();
}
