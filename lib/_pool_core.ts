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
// that falls idle, until its worker wins its claim cell (_sent_ahead.ts); then it is RUNNING.
// Process pool: one task goes ahead per child and waits there RUNNING (Python's call queue); what
// the replies read at one time free up leaves for each child in one "batch" message (the flush).
//
// The states of a pool: setting up (modules loading; work queued unchecked) → running → shut down
// (no new work; closes once the queue and every worker are done) or broken (a worker died, an
// initializer failed: every unfinished future fails, workers are killed) → closed.

import type { ModuleRegistry } from "./_function_source.ts";
import { Admission } from "./_admission.ts";
import { CrashPolicy, type OnWorkerCrash } from "./_crash_policy.ts";
import { PoolWorker } from "./_pool_worker.ts";
import { chunkOutcome, PROTOCOL_VERSION, type WorkerMessage } from "./_protocol.ts";
import { Queue } from "./_queue.ts";
import { decodeThrown, describeCloneFailure, type Transport } from "./_serialize.ts";
import { kStartGate } from "./_symbols.ts";
import { type UnitKind, WorkItem } from "./_work_item.ts";
import { type BrokenExecutor, InvalidStateError } from "./errors.ts";
import type { SubmitOptions } from "./executor.ts";
import type { Future } from "./future.ts";
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
// so it is retired after this long without work and started again when work comes.
const IDLE_RETIRE_MS = 200;

const MODULES_FAILED =
  "A module listed in `modules` could not be imported, the pool is not usable anymore";

/** A pool of workers behind an Executor: scheduling, worker lifecycle and shutdown. */
export class PoolCore {
  #policy: PoolPolicy;
  #admission: Admission;
  #queue = new Queue<WorkItem>();
  #workers = new Set<PoolWorker>();
  #broken: BrokenExecutor | undefined;
  /** What later submit() calls are told once the pool is broken. */
  #brokenMessage = "";
  #shutdown = false;
  #closed: Promise<void> | undefined;
  #resolveClosed: (() => void) | undefined;
  /**
   * Process pools: a flush of the workers' deferred work is queued. Replies read at one time are
   * handled one after the other before any microtask runs, so what they free up for each child
   * leaves in one message when the flush runs, which is before any code awaiting those replies
   * resumes.
   */
  #flushQueued = false;
  #crashes: CrashPolicy;

  constructor(policy: PoolPolicy) {
    this.#policy = policy;
    this.#admission = new Admission(policy);
    this.#crashes = new CrashPolicy(policy.onWorkerCrash, policy.maxWorkers);
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
    const item = new WorkItem(fn, payload, kind, options);
    const { signal } = item;
    if (signal?.aborted) {
      item.future.setException(signal.reason);
      return item.future;
    }
    const admission = this.#admission;
    // The first worker starts booting now, before the function is analysed (acorn): a cold start
    // is mostly the worker's own start-up, which runs on its own thread meanwhile.
    if (admission.ready && this.#workers.size === 0) this.#spawn();
    if (admission.ready && !admission.admit(item)) return item.future;
    if (!admission.moveTransfers(item)) return item.future;
    if (signal) item.watchAbort((reason) => this.#abort(item, reason));
    this.#queue.push(item);
    this.#dispatch();
    return item.future;
  }

  /** Stop accepting work; resolve when all of it is done and every worker has exited. */
  shutdown(wait: boolean, cancelFutures: boolean): Promise<void> {
    if (!this.#shutdown) {
      this.#shutdown = true;
      this.#closed = new Promise((resolve) => this.#resolveClosed = resolve);
      if (cancelFutures) {
        for (const item of this.#queue.drain()) item.future.cancel();
        // And what waits, sent ahead, in a worker's queue, if its worker has not started it.
        for (const worker of this.#workers) {
          if (worker.claims) { for (const item of worker.claims.held()) item.future.cancel(); }
        }
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
    queue.dropWhile((item) => item.future.done());
    this.#spawnIfNeeded();
    this.#maybeClose();
  }

  // The modules are loaded: check what was queued meanwhile, in order.
  #onAdmissionReady = (): void => {
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
    const ahead = this.#mayGoAhead(item);
    for (const worker of this.#workers) {
      if (!worker.ready) starting = true;
      if (!worker.ready || worker.retiring) continue;
      const load = worker.inflight.size;
      if (load === 0) return worker;
      if (!ahead || load > this.#policy.prefetch || worker.holdsAbortable()) continue;
      if (!best || load < best.inflight.size) best = worker;
    }
    return starting || this.#workers.size < this.#policy.maxWorkers ? undefined : best;
  }

  // Whether `item` (at the head of the queue) may wait, sent ahead, in a busy worker's queue. Not
  // with a signal (aborting it would stop the worker). A thread pool can take it back for a worker
  // that falls idle. A process pool cannot, so a child busy with a long task would hold it while
  // another child idles; it goes ahead only while the queue behind it holds at least as many tasks
  // as the pool has workers, so a child that frees up meanwhile finds work there (unless the other
  // children drain all of it before the busy one is done: a long task among many short ones).
  #mayGoAhead(item: WorkItem): boolean {
    if (item.signal) return false;
    return this.#policy.takeBack || this.#queue.length > this.#policy.maxWorkers;
  }

  // `item` goes ahead to busy `worker` in a claim cell, if one is free (else it is sent as
  // started, RUNNING), and stays PENDING while the cell says it is not started.
  #holdAhead(worker: PoolWorker, item: WorkItem): boolean {
    const claims = worker.claims!;
    if (item.future.cancelled() || !claims.hold(item)) return false;
    const cell = item.cell!;
    item.future[kStartGate]({
      started: () => claims.started(item, cell),
      withdraw: () => item.cell === cell && this.#withdraw(worker, item),
    });
    return true;
  }

  // Nothing is queued and a worker is idle: give it work sent ahead to a busy worker that has not
  // started it yet, so a long task cannot hold up the one queued behind it.
  #takeBackForIdle(): void {
    for (const idle of this.#workers) {
      if (!idle.isIdle) continue;
      const taken = this.#takeBackOne();
      if (!taken) return;
      taken.future.setRunningOrNotifyCancel();
      this.#send(idle, taken);
    }
  }

  // Takes back one unit of work sent ahead and not started, if there is one.
  #takeBackOne(): WorkItem | undefined {
    for (const worker of this.#workers) {
      if (!worker.claims || worker.exitExpected) continue;
      for (const item of worker.claims.held()) {
        if (!item.startedAhead && this.#withdraw(worker, item)) return item;
      }
    }
    return undefined;
  }

  // Takes `item`, sent ahead to `worker`, back from it, unless the worker has started it.
  #withdraw(worker: PoolWorker, item: WorkItem): boolean {
    if (!worker.claims!.withdraw(item)) return false;
    worker.undefer(item);
    worker.unassign(item);
    // The worker may have nothing left; settled once the caller (cancel(), a dispatch) is done.
    queueMicrotask(() => {
      this.#settleIdle(worker);
      this.#dispatch();
    });
    return true;
  }

  #send(worker: PoolWorker, item: WorkItem): void {
    if (this.#flushQueued) {
      // Sent with the rest of this worker's work at the flush, in order.
      worker.assign(item);
      worker.defer(item);
      return;
    }
    try {
      worker.send(item);
    } catch (error) {
      worker.claims?.release(item);
      this.#failUnsent(item, error);
      return;
    }
    worker.assign(item);
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
    let waiting = this.#queue.length;
    if (this.#shutdown && waiting === 0) return;
    let starting = 0;
    for (const worker of this.#workers) if (!worker.ready) starting++;
    let live = this.#workers.size;
    while (waiting > starting && live < this.#policy.maxWorkers) {
      this.#spawn();
      starting++;
      live++;
      waiting--;
    }
  }

  #spawn(): void {
    const policy = this.#policy;
    const worker = new PoolWorker(
      policy.takeBack ? policy.prefetch + 1 : undefined,
      policy.maxTasksPerChild,
    );
    this.#workers.add(worker);
    // A spawn that throws fails the same way as one that rejects.
    new Promise<WorkerHandle>((resolve) =>
      resolve(policy.spawn(
        (message) => this.#onMessage(worker, message as WorkerMessage),
        (info) => this.#onExit(worker, info),
      ))
    ).then(
      (handle) => {
        worker.handle = handle;
        if (worker.exitExpected) handle.terminate();
      },
      (error) => {
        this.#workers.delete(worker);
        this.#break("A worker could not be started, the pool is not usable anymore", error);
        this.#maybeClose(); // already broken by an earlier failed spawn, shutdown() awaits this one
      },
    );
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
        if (worker.claims) init.claims = worker.claims.cells;
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
        }
        return;
      }
      case "ready":
        worker.ready = true;
        this.#dispatch();
        this.#settleIdle(worker);
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
        this.#crashes.finished();
        // Queued before the future settles, so the flush runs before its awaiters resume.
        if (this.#policy.prefetch > 0 && !this.#flushQueued) {
          this.#flushQueued = true;
          queueMicrotask(this.#flushAll);
        }
        if (!item.future.done()) {
          if (message.t === "ok") item.future.setResult(message.value);
          else if (message.t === "err") item.future.setException(decodeThrown(message.error));
          else item.future.setResult(chunkOutcome(message));
        }
        this.#settleIdle(worker);
        this.#dispatch();
        return;
      }
    }
  }

  // After a worker finished something: retire it, or let it idle.
  #settleIdle(worker: PoolWorker): void {
    // A worker on its way out stays ref'd until its exit is seen.
    if (worker.inflight.size > 0 || !worker.handle || worker.exitExpected) return;
    if (worker.retiring) {
      this.#retire(worker);
      return;
    }
    if (this.#queue.length === 0) worker.goIdle(IDLE_RETIRE_MS, () => this.#retire(worker));
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
    this.#workers.delete(worker);
    worker.exited();
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
    for (const item of [...claims.held()].sort((a, b) => a.id - b.id)) {
      if (item.startedAhead || item.future.done() || !claims.withdraw(item)) continue;
      item.future[kStartGate](undefined);
      worker.undefer(item);
      worker.inflight.delete(item.id);
      unstarted.push(item);
    }
    if (unstarted.length === 0) return;
    const behind = this.#queue.drain();
    for (const item of [...unstarted, ...behind]) this.#queue.push(item);
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

  #maybeClose(): void {
    if (!this.#shutdown || this.#queue.length > 0) return;
    for (const worker of this.#workers) {
      if (worker.inflight.size > 0) return;
    }
    for (const worker of this.#workers) if (!worker.exitExpected) this.#stop(worker);
    if (this.#workers.size === 0) this.#resolveClosed?.();
  }
}
