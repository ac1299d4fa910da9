// Copyright 2026 the concurrent-futures authors. MIT license.
// DistributedExecutor: tasks go to a NATS JetStream work queue; worker programs on other machines
// run them and publish the results to a result stream, which this executor reads. Runtime-neutral:
// the NATS client is pure JavaScript.

import type { NatsConnection } from "@nats-io/transport-node";
import {
  type ConsumerMessages,
  jetstream,
  type JetStreamClient,
  type JetStreamManager,
} from "@nats-io/jetstream";
import { Executor } from "../executor.ts";
import type { ChunkOutcome } from "../_map.ts";
import { Future } from "../future.ts";
import { type FunctionSpec, functionSpec, ModuleRegistry } from "../_function_source.ts";
import {
  assertChunkCloneable,
  assertCloneable,
  decodeThrown,
  describeCloneFailure,
} from "../_serialize.ts";
import { checkFunction, checkModules, checkSubmitWith } from "../_pool_options.ts";
import { BrokenExecutor, InvalidStateError } from "../errors.ts";
import { kOnDone, kSubmitChunk } from "../_symbols.ts";
import {
  connect,
  CONNECTION_OPTIONS,
  type ConnectionOptions,
  ensureQueue,
  isTransient,
  type Resolved,
  resolveOptions,
} from "./connection.ts";
import { decodeValue, encodeValue } from "./_codec.ts";
import { MESSAGE_VERSION, type ResultBody, type TaskBody, type UnitKind } from "./_messages.ts";

/**
 * Options for {@linkcode DistributedExecutor}: where NATS is and how to log in to it, the names
 * of the work queue (their defaults match the worker's), and `modules` whose exports go by
 * reference.
 *
 * @example Credentials and a shorter redelivery window
 * ```ts ignore
 * import { DistributedExecutor } from "@concurrent/futures/distributed";
 *
 * await using executor = new DistributedExecutor({
 *   servers: "tls://nats.example.com:4222",
 *   user: "submitter",
 *   pass: "s3cret",
 *   tls: { caFile: "/etc/nats/ca.pem" },
 *   ackWait: 10_000,
 * });
 * console.log(await executor.submit((a: number, b: number) => a + b, 1, 2));
 * ```
 */
export interface DistributedExecutorOptions extends ConnectionOptions {
  /**
   * Modules whose exported functions are sent by reference (module URL and export name) rather
   * than by source. Each URL must be importable on the workers too: `https:`, `jsr:`, `npm:`, or
   * a path that exists there.
   */
  modules?: (string | URL)[];
}

/** Per-call options of {@linkcode DistributedExecutor.submitWith}. */
export interface DistributedSubmitOptions {
  /**
   * Abort the task: the future fails with `signal.reason` at once; a queued task is removed from
   * the queue, a running one is stopped on its worker.
   */
  signal?: AbortSignal;
}

const KNOWN = [...CONNECTION_OPTIONS, "modules"];

// How long the connection stays open without unsettled futures (shutdown() closes it at once).
const IDLE_MS = 1000;

interface Link {
  /** Set when this executor closes the connection itself (shutdown, or idle). */
  closing: boolean;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  messages: ConsumerMessages;
}

interface Task {
  id: number;
  future: Future<unknown>;
  fn: (...args: never[]) => unknown;
  payload: unknown[];
  kind: UnitKind;
  bytes: Uint8Array | undefined;
  /** The task's sequence number in the stream, once the server has acknowledged it. */
  published: Promise<number | undefined> | undefined;
  started: boolean;
  aborted: boolean;
  unwatch: (() => void) | undefined;
}

/**
 * An executor whose tasks run on worker programs on other machines, through a NATS JetStream work
 * queue, like Dask's `distributed.Client` in Python. Functions and values cross as to a
 * {@linkcode ProcessPoolExecutor} (the same checks and `SerializationError` paths), and the
 * futures are the same {@linkcode Future}s, for `wait()` and `asCompleted()`.
 *
 * A task runs at least once (a worker that dies mid-task has it redelivered to another after
 * `ackWait`) and its future settles exactly once. A future is PENDING while its task waits in the
 * queue (`cancel()` removes it) and RUNNING once a worker has said that it started it. The first
 * `submit()` connects; if no server can be reached, that future fails with a
 * {@linkcode BrokenExecutor} naming the servers, and later calls throw it.
 *
 * Start workers with `deno run -A jsr:@concurrent/futures/worker --servers nats://HOST:4222`,
 * `npx concurrent-futures-worker --servers …` or `bunx concurrent-futures-worker --servers …`.
 *
 * @example Spread work over the workers of a NATS server
 * ```ts ignore
 * import { DistributedExecutor } from "@concurrent/futures/distributed";
 *
 * await using executor = new DistributedExecutor({ servers: "nats://127.0.0.1:4222" });
 * const squares: number[] = [];
 * for await (const square of executor.map((x: number) => x * x, [1, 2, 3])) squares.push(square);
 * console.log(squares); // [1, 4, 9]
 * ```
 */
export class DistributedExecutor extends Executor {
  #resolved: Resolved;
  #modules: (string | URL)[] | undefined;
  /** This submitter's id: its results arrive on `<resultSubject>.<id>.<task id>`. */
  #id = randomId();
  #registry: ModuleRegistry | undefined;
  /** Whether `#registry` is what it will be (no modules, or loaded). */
  #prepared: boolean;
  #link: Promise<Link> | undefined;
  #tasks = new Map<number, Task>();
  #nextId = 0;
  #shutdown = false;
  #closing: Promise<void> | undefined;
  /** Closes the connection after IDLE_MS without unsettled futures; the next submit reconnects. */
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #suspended: Promise<void> = Promise.resolve();
  #broken: BrokenExecutor | undefined;
  #idle: (() => void)[] = [];
  #withdrawals = new Set<Promise<void>>();

  /**
   * Create the executor; it connects at the first submit.
   *
   * @param options `servers` and the other {@linkcode DistributedExecutorOptions}.
   * @throws {TypeError} For an unknown option, a missing `servers`, or an option of the wrong
   * type; the message names it.
   */
  constructor(options: DistributedExecutorOptions) {
    super();
    this.#resolved = resolveOptions(options, KNOWN, "DistributedExecutor");
    const modules = (options as { modules?: (string | URL)[] }).modules;
    checkModules(modules, "DistributedExecutor: ");
    this.#modules = modules && modules.length > 0 ? modules : undefined;
    this.#prepared = this.#modules === undefined;
  }

  /**
   * Schedule `fn(...args)` on a worker and return its future.
   *
   * @param fn The function: self-contained (sent by source) or an export of a module in
   * `modules` (sent by reference).
   * @param args Its arguments, checked as for a process pool.
   * @returns A future for the result.
   * @throws {TypeError} If `fn` is not a function.
   * @throws {InvalidStateError} After `shutdown()`.
   * @throws {BrokenExecutor} After the connection failed or was lost for good.
   *
   * @example A task's error arrives with its class and message
   * ```ts ignore
   * import { DistributedExecutor } from "@concurrent/futures/distributed";
   * import assert from "node:assert/strict";
   *
   * await using executor = new DistributedExecutor({ servers: "nats://127.0.0.1:4222" });
   * await assert.rejects(executor.submit((text: string) => JSON.parse(text), "{oops").result(), SyntaxError);
   * ```
   */
  submit<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Future<Awaited<R>> {
    checkFunction(fn);
    return this.#submit(fn, args, "task", undefined) as Future<Awaited<R>>;
  }

  /**
   * `submit()` with per-call options: a `signal` that aborts the task.
   *
   * @param fn The function.
   * @param args Its arguments, as an array.
   * @param options `signal`.
   * @returns A future for the result.
   *
   * @example A deadline for one task
   * ```ts ignore
   * import { DistributedExecutor } from "@concurrent/futures/distributed";
   * import assert from "node:assert/strict";
   *
   * await using executor = new DistributedExecutor({ servers: "nats://127.0.0.1:4222" });
   * const stuck = executor.submitWith(() => new Promise(() => {}), [], {
   *   signal: AbortSignal.timeout(500),
   * });
   * await assert.rejects(stuck.result(), { name: "TimeoutError" });
   * ```
   */
  submitWith<A extends unknown[], R>(
    fn: (...args: A) => R,
    args: A,
    options?: DistributedSubmitOptions,
  ): Future<Awaited<R>> {
    checkSubmitWith(fn, args, options);
    if (options && "transfer" in options && options.transfer !== undefined) {
      throw new TypeError("transfer lists are not supported by the distributed executor");
    }
    return this.#submit(fn, args, "task", options?.signal) as Future<Awaited<R>>;
  }

  /**
   * Stop accepting work. With `wait` (the default) resolve once every submitted task is done and
   * the connection is closed; `cancelFutures` cancels (and removes from the queue) the tasks that
   * no worker has started.
   *
   * @param options `wait` (default true) and `cancelFutures` (default false).
   * @returns A promise that resolves when the executor has shut down.
   */
  override shutdown(options: { wait?: boolean; cancelFutures?: boolean } = {}): Promise<void> {
    if (!this.#shutdown) {
      this.#shutdown = true;
      if (options.cancelFutures) {
        for (const task of [...this.#tasks.values()]) {
          if (task.future.state === "PENDING") task.future.cancel();
        }
      }
      this.#closing = this.#whenIdle().then(() => this.#close());
    }
    return options.wait ?? true ? this.#closing! : Promise.resolve();
  }

  /** @internal Chunked map: one message for a whole chunk, each way. */
  override [kSubmitChunk](
    fn: (...args: never[]) => unknown,
    args: unknown[],
    spread: boolean,
  ): Future<ChunkOutcome> {
    return this.#submit(fn, args, spread ? "argLists" : "items", undefined) as Future<
      ChunkOutcome
    >;
  }

  // ── submitting ──────────────────────────────────────────────────────────────────────────────

  #submit(
    fn: (...args: never[]) => unknown,
    payload: unknown[],
    kind: UnitKind,
    signal: AbortSignal | undefined,
  ): Future<unknown> {
    if (this.#broken) throw this.#broken;
    if (this.#shutdown) throw new InvalidStateError("cannot schedule new futures after shutdown");
    const future = new Future<unknown>();
    if (signal?.aborted) {
      future.setException(signal.reason);
      return future;
    }
    const task: Task = {
      id: this.#nextId++,
      future,
      fn,
      payload,
      kind,
      bytes: undefined,
      published: undefined,
      started: false,
      aborted: false,
      unwatch: undefined,
    };
    if (this.#prepared && !this.#encode(task)) return future;
    this.#tasks.set(task.id, task);
    future[kOnDone](() => this.#done(task));
    if (signal) {
      const onAbort = () => {
        if (task.future.done()) return;
        task.aborted = true;
        task.future.setException(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      task.unwatch = () => signal.removeEventListener("abort", onAbort);
    }
    clearTimeout(this.#idleTimer);
    const link = this.#link ??= this.#start();
    link.then((link) => this.#publish(task, link), () => {});
    return future;
  }

  // Check and encode the task now (its arguments as they are at the call); a failure settles it.
  #encode(task: Task): boolean {
    try {
      const spec: FunctionSpec = functionSpec(task.fn, "fn", this.#registry);
      if (task.kind === "task") assertCloneable(task.payload, "v8", "args");
      else assertChunkCloneable(task.payload, task.kind, "v8");
      const body: TaskBody = {
        v: MESSAGE_VERSION,
        s: this.#id,
        id: task.id,
        k: task.kind,
        f: spec,
        a: task.payload,
      };
      try {
        task.bytes = encodeValue(body);
      } catch (error) {
        throw describeCloneFailure(task.payload, "v8", "args", error);
      }
      task.payload = [];
      return true;
    } catch (error) {
      task.future.setException(error);
      return false;
    }
  }

  async #start(): Promise<Link> {
    try {
      if (this.#modules && !this.#prepared) {
        this.#registry = await ModuleRegistry.load(this.#modules);
        this.#prepared = true;
      }
      await this.#suspended; // an idle connection still closing
      const nc = await connect(this.#resolved);
      try {
        const jsm = await ensureQueue(nc, this.#resolved, "create");
        const js = jetstream(nc);
        const consumer = await js.consumers.get(this.#resolved.resultStream, {
          filter_subjects: `${this.#resolved.resultSubject}.${this.#id}.>`,
        });
        const messages = await consumer.consume();
        const link: Link = { closing: false, nc, js, jsm, messages };
        void this.#receive(link);
        void nc.closed().then((error) => this.#onClosed(link, error));
        return link;
      } catch (error) {
        await nc.close();
        throw error;
      }
    } catch (cause) {
      const why = cause instanceof Error ? cause.message : String(cause);
      this.#break(new BrokenExecutor(`DistributedExecutor could not start: ${why}`, { cause }));
      throw cause;
    }
  }

  #publish(task: Task, link: Link): void {
    if (task.future.done()) return;
    if (task.bytes === undefined && !this.#encode(task)) return;
    const bytes = task.bytes!;
    task.bytes = undefined;
    const msgID = `${this.#id}-${task.id}`;
    task.published = (async () => {
      for (let attempt = 1;; attempt++) {
        try {
          const ack = await link.js.publish(this.#resolved.subject, bytes, { msgID });
          return ack.seq;
        } catch (cause) {
          // While the connection is being re-established, try again (msgID makes it idempotent).
          if (isTransient(cause) && !link.nc.isClosed() && attempt < 20 && !task.future.done()) {
            await new Promise((resolve) => setTimeout(resolve, 500));
            continue;
          }
          const why = cause instanceof Error ? cause.message : String(cause);
          if (!task.future.done()) {
            task.future.setException(
              new BrokenExecutor(`the task could not be queued: ${why}`, { cause }),
            );
          }
          return undefined;
        }
      }
    })();
  }

  // ── results ─────────────────────────────────────────────────────────────────────────────────

  async #receive(link: Link): Promise<void> {
    const prefix = `${this.#resolved.resultSubject}.${this.#id}.`;
    try {
      for await (const message of link.messages) {
        const id = Number(message.subject.slice(prefix.length));
        const task = this.#tasks.get(id);
        if (task === undefined) continue; // settled already: a redelivered task's second result
        let body: ResultBody;
        try {
          body = decodeValue(message.data) as ResultBody;
        } catch (cause) {
          settle(
            task,
            (f) => f.setException(new Error("a result could not be decoded", { cause })),
          );
          continue;
        }
        switch (body.t) {
          case "start":
            task.started = true;
            if (task.future.state === "PENDING") task.future.setRunningOrNotifyCancel();
            break;
          case "ok":
            settle(task, (f) => f.setResult(body.value));
            break;
          case "err":
            settle(task, (f) => f.setException(decodeThrown(body.error)));
            break;
          case "chunk": {
            const { values, failed } = body.outcome;
            const outcome: ChunkOutcome = failed
              ? { values, error: { index: failed.index, error: decodeThrown(failed.error) } }
              : { values };
            settle(task, (f) => f.setResult(outcome));
            break;
          }
        }
      }
    } catch {
      // The connection closed: #onClosed reports it.
    }
  }

  #done(task: Task): void {
    this.#tasks.delete(task.id);
    task.unwatch?.();
    if (task.future.cancelled() || task.aborted) this.#withdraw(task);
    if (this.#tasks.size === 0) {
      for (const resolve of this.#idle.splice(0)) resolve();
      // A program that never calls shutdown() still exits, soon after its last future settles.
      if (!this.#shutdown && this.#link) {
        clearTimeout(this.#idleTimer);
        this.#idleTimer = setTimeout(() => this.#suspend(), IDLE_MS);
      }
    }
  }

  #suspend(): void {
    const link = this.#link;
    if (this.#tasks.size > 0 || this.#shutdown || link === undefined) return;
    this.#link = undefined;
    this.#suspended = this.#closeLink(link);
  }

  // Remove a cancelled or aborted task from the queue, and tell the workers to stop it should one
  // have started it already.
  #withdraw(task: Task): void {
    const link = this.#link;
    if (link === undefined) return;
    const work = (async () => {
      const { nc, jsm } = await link;
      const seq = await task.published;
      if (seq !== undefined) {
        try {
          await jsm.streams.deleteMessage(this.#resolved.stream, seq, false);
        } catch {
          // Taken and acknowledged already, or the stream is gone.
        }
      }
      if (task.started || seq !== undefined) {
        try {
          nc.publish(`${this.#resolved.subject}.abort.${this.#id}.${task.id}`);
        } catch {
          // closed
        }
      }
    })().catch(() => {});
    this.#withdrawals.add(work);
    void work.then(() => this.#withdrawals.delete(work));
  }

  #whenIdle(): Promise<void> {
    if (this.#tasks.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async #close(): Promise<void> {
    clearTimeout(this.#idleTimer);
    await this.#suspended;
    if (this.#link) await this.#closeLink(this.#link);
  }

  async #closeLink(pending: Promise<Link>): Promise<void> {
    const link = await pending.catch(() => undefined);
    if (link === undefined) return;
    await Promise.all(this.#withdrawals);
    link.closing = true;
    await link.messages.close().catch(() => {});
    await link.nc.close().catch(() => {});
  }

  #onClosed(link: Link, error: void | Error): void {
    if (link.closing) return;
    const why = error instanceof Error ? `: ${error.message}` : "";
    this.#break(
      new BrokenExecutor(`the connection to NATS was closed${why}`, { cause: error ?? undefined }),
    );
  }

  #break(error: BrokenExecutor): void {
    this.#broken ??= error;
    for (const task of [...this.#tasks.values()]) {
      if (!task.future.done()) task.future.setException(this.#broken);
    }
  }
}

function settle(task: Task, apply: (future: Future<unknown>) => void): void {
  const future = task.future;
  if (future.done()) return;
  if (future.state === "PENDING" && !future.setRunningOrNotifyCancel()) return;
  apply(future);
}

function randomId(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(22));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}
