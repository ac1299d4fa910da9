// Copyright 2026 the concurrent-futures authors. MIT license.
// One worker of a pool, as the host sees it: its handle, the work it holds, what it has been sent
// and whether it keeps the program alive. Runtime-neutral.

import { locateClasses } from "./_classes.ts";
import { functionKey } from "./_function_source.ts";
import { HostFunctionTable } from "./_function_table.ts";
import { type ChunkMessage, type HostMessage, type TaskMessage, workMessage } from "./_protocol.ts";
import type { ClaimCells } from "./_sent_ahead.ts";
import type { WorkItem } from "./_work_item.ts";
import { clearUnrefTimeout, unrefTimeout, type UnrefTimer } from "./runtime/timer.ts";
import type { WorkerHandle } from "./runtime/types.ts";

/** A failure to send a unit of work: the worker never got it. */
export interface Unsent {
  item: WorkItem;
  error: unknown;
}

/** One worker thread or child process of a pool. */
export class PoolWorker {
  /** Set once the runtime has started it. */
  handle: WorkerHandle | undefined = undefined;
  /** Its initializer ran: it takes work. */
  ready = false;
  /** The work it holds, running or sent ahead, by id. */
  readonly inflight: Map<number, WorkItem> = new Map();
  /** Thread pools: the claim cells of the work it holds ahead (see `_sent_ahead.ts`). */
  readonly claims: ClaimCells<WorkItem> | undefined;
  /** The functions it has compiled. */
  readonly functions: HostFunctionTable = new HostFunctionTable();
  /** It takes no more work, and exits once it has finished what it holds. */
  retiring = false;
  /** Its exit is the pool's doing (retire, abort, shutdown, break), not a crash. */
  exitExpected = false;
  /** When it was spawned (`performance.now()`), for its start-up time. */
  readonly spawnedAt: number = performance.now();
  /**
   * When it could start the next unit it holds (`performance.now()`): when its last reply came
   * in, or when work was handed to it while it held nothing.
   */
  freeAt = 0;
  #maxUnits: number | undefined;
  /** Units assigned over its life, against `maxUnits`. */
  #assigned = 0;
  /** Work assigned while the pool gathers what to send (see PoolCore's flush). */
  #outbox: WorkItem[] = [];
  #referenced = true;
  #idleTimer: UnrefTimer | undefined;

  /**
   * @param claims Its claim cells, in the pool's table; `undefined` for none.
   * @param maxUnits Retire it after this many units of work (`maxTasksPerChild`).
   */
  constructor(claims: ClaimCells<WorkItem> | undefined, maxUnits: number | undefined) {
    this.claims = claims;
    this.#maxUnits = maxUnits;
  }

  /** Whether it can take work now with nothing else to do. */
  get isIdle(): boolean {
    return this.ready && !this.retiring && !this.exitExpected && this.inflight.size === 0;
  }

  /** Whether it holds work that an AbortSignal may stop (which kills the worker). */
  holdsAbortable(): boolean {
    for (const item of this.inflight.values()) if (item.signal) return true;
    return false;
  }

  // ── holding work ──────────────────────────────────────────────────────────────────────────────

  /** It now holds `item`; it retires once it has been given `maxUnits` units. */
  assign(item: WorkItem): void {
    this.inflight.set(item.id, item);
    this.#assigned++;
    if (this.#maxUnits !== undefined && this.#assigned >= this.#maxUnits) this.retiring = true;
    this.keepAlive(true);
  }

  /** `item` did not reach it after all (it could not be sent, or was taken back). */
  unassign(item: WorkItem): void {
    this.claims?.release(item);
    this.inflight.delete(item.id);
    this.#assigned--;
    // Only the count retires a worker that is not yet stopping.
    if (this.#maxUnits !== undefined && this.#assigned < this.#maxUnits && !this.exitExpected) {
      this.retiring = false;
    }
  }

  /** `item` is done here: it leaves the worker and frees its claim cell. */
  finish(item: WorkItem): void {
    this.inflight.delete(item.id);
    this.claims?.release(item);
  }

  // ── sending ───────────────────────────────────────────────────────────────────────────────────

  /** Sends `item` now; throws what postMessage threw (nothing was sent then). */
  send(item: WorkItem): void {
    const message = this.#message(item, undefined);
    this.handle!.postMessage(message, item.transfer);
    this.#remember(message.key);
  }

  /** Keeps `item` for the next {@linkcode PoolWorker.flush}. */
  defer(item: WorkItem): void {
    this.#outbox.push(item);
  }

  /** Drops what was deferred: it fails with the rest of what the worker holds. */
  dropDeferred(): void {
    this.#outbox = [];
  }

  /** Whether work waits for the next flush. */
  get hasDeferred(): boolean {
    return this.#outbox.length > 0;
  }

  /** Takes `item` out of what waits for the flush; false when it is not there. */
  undefer(item: WorkItem): boolean {
    const index = this.#outbox.indexOf(item);
    if (index >= 0) this.#outbox.splice(index, 1);
    return index >= 0;
  }

  /**
   * Sends what was deferred: one message for all of it, or, should some of it not be sendable,
   * one message each. Returns what could not be sent (still assigned: the caller unassigns it).
   */
  flush(): Unsent[] {
    const items = this.#outbox;
    this.#outbox = [];
    // A worker being stopped: what it holds fails as broken once it has exited.
    if (this.exitExpected || !this.handle) return [];
    if (items.length > 1) {
      const sent = new Set<string>();
      const messages = items.map((item) => this.#message(item, sent));
      try {
        this.handle.postMessage({ t: "batch", messages } satisfies HostMessage);
        for (const key of sent) this.#remember(key);
        return [];
      } catch {
        // one by one below
      }
    }
    const unsent: Unsent[] = [];
    for (const item of items) {
      try {
        this.send(item);
      } catch (error) {
        unsent.push({ item, error });
      }
    }
    return unsent;
  }

  /** Posts a message that carries no work (a `resume`). */
  post(message: HostMessage): void {
    this.handle!.postMessage(message);
  }

  /** Asks the worker to exit once it has run what it was sent. */
  requestExit(): void {
    this.exitExpected = true;
    if (!this.handle) return; // terminated as soon as it exists
    this.keepAlive(true);
    this.handle.postMessage({ t: "exit" } satisfies HostMessage);
  }

  // The message for `item`, with the function's spec if the worker has not seen its key (neither
  // before nor, when `sent` is given, earlier in the same batch). `sent` collects the keys whose
  // spec the batch carries: only those are remembered after it. (A key the worker already had can
  // be among the oldest that remembering the batch's new keys tells it to forget, after the batch;
  // remembered again, it would count as known once the worker has forgotten it.)
  #message(
    item: WorkItem,
    sent: Set<string> | undefined,
  ): TaskMessage | ChunkMessage {
    const spec = item.spec!;
    const key = functionKey(spec);
    const message = workMessage(item.id, item.kind, key, item.payload, item);
    if (!this.functions.has(key) && !sent?.has(key)) {
      message.spec = spec;
      sent?.add(key);
    }
    if (item.bound !== undefined) message.b = item.bound;
    if (item.classes !== undefined) message.classes = locateClasses(message, item.classes, []);
    return message;
  }

  // The worker has been sent `key` with its spec, or already had it. Past the cache size, it is
  // told to forget the oldest keys, after the work already sent (which may still use them).
  #remember(key: string): void {
    const keys = this.functions.remember(key);
    if (keys === undefined) return;
    try {
      this.handle!.postMessage({ t: "forget", keys } satisfies HostMessage);
    } catch {
      // The worker is gone: nothing left to forget.
    }
  }

  // ── keeping the program alive ─────────────────────────────────────────────────────────────────

  /**
   * Whether the worker keeps the program alive: it does while it holds work or is on its way out
   * (so that whoever awaits its exit is not cut short); an idle worker does not.
   */
  keepAlive(alive: boolean): void {
    if (alive) this.#clearIdleTimer();
    if (alive === this.#referenced || !this.handle) return;
    this.#referenced = alive;
    if (alive) this.handle.ref();
    else this.handle.unref();
  }

  /**
   * Lets the idle worker stop keeping the program alive, and calls `expire` after `ms` more
   * without work (never when `ms` is `undefined`). The timer itself keeps nothing alive.
   */
  goIdle(ms: number | undefined, expire: () => void): void {
    this.keepAlive(false);
    if (ms === undefined || this.#idleTimer !== undefined) return;
    this.#idleTimer = unrefTimeout(() => {
      this.#idleTimer = undefined;
      if (this.inflight.size === 0) expire();
    }, ms);
  }

  /** It has exited: nothing of it may keep the program alive. */
  exited(): void {
    this.#clearIdleTimer();
  }

  #clearIdleTimer(): void {
    if (this.#idleTimer === undefined) return;
    clearUnrefTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }
}
