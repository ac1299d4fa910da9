// Copyright 2026 the concurrent-futures authors. MIT license.
// The worker side of DistributedExecutor: take tasks from the JetStream work queue, run each in a
// local process pool (or thread pool), never on this event loop, keep telling JetStream that it is
// still working on them, and publish the results to the result stream. Runtime-neutral.

import type { Subscription } from "@nats-io/transport-node";
import { type Consumer, jetstream, type JetStreamClient, type JsMsg } from "@nats-io/jetstream";
import type { Executor } from "../executor.ts";
import { ModuleRegistry } from "../_function_source.ts";
import { ProcessPoolExecutor } from "../process_pool.ts";
import { ThreadPoolExecutor } from "../thread_pool.ts";
import { encodeThrown } from "../_serialize.ts";
import { BrokenExecutor } from "../errors.ts";
import { describe } from "../_pool_options.ts";
import { cpuCount } from "../runtime/cpu.ts";
import {
  connect,
  CONNECTION_OPTIONS,
  type ConnectionOptions,
  ensureQueue,
  isTransient,
  resolveOptions,
} from "./connection.ts";
import { decodeValue, encodeValue } from "./_codec.ts";
import {
  type ChunkBody,
  MESSAGE_VERSION,
  type ResultBody,
  SUBMITTER_ID,
  type TaskBody,
} from "./_messages.ts";
import { preload, runUnit } from "./_run_unit.ts";

/**
 * Options of a distributed worker: the connection (as for {@linkcode DistributedExecutor}) and
 * how it runs tasks.
 */
export interface WorkerOptions extends ConnectionOptions {
  /** How many tasks run at once (the size of the local pool). @default {os.availableParallelism()} */
  concurrency?: number;
  /** Modules to import in every local worker up front; with `noSource`, the only functions run. */
  modules?: (string | URL)[];
  /** Run tasks in a local thread pool instead of a process pool. @default {false} */
  threads?: boolean;
  /**
   * Refuse functions sent by source; run only exports of `modules`. The refused task's future
   * fails with an error that says so.
   * @default {false}
   */
  noSource?: boolean;
  /** Extra flags for the local process pool's children (e.g. Deno permissions). */
  runtimeArgs?: string[];
}

/** A running worker, from {@linkcode startWorker}. */
export interface DistributedWorker {
  /**
   * Stop taking tasks; let the running ones finish (publishing their results), or, after `grace`
   * milliseconds, stop them and give them back to the queue. Resolves once the connection is
   * closed and the local pool has exited.
   */
  stop(options?: { grace?: number }): Promise<void>;
  /** Resolves when the worker has stopped, by `stop()` or because its connection closed for good. */
  readonly finished: Promise<void>;
  /** How many tasks are running now. */
  readonly running: number;
}

const KNOWN = [
  ...CONNECTION_OPTIONS,
  "concurrency",
  "modules",
  "threads",
  "noSource",
  "runtimeArgs",
];

const RUNNER = new URL("./_run_unit.ts", import.meta.url);

interface Running {
  controller: AbortController;
  message: JsMsg;
  /** Why it was aborted: by its submitter (dropped) or by `stop()` (back to the queue). */
  reason: "submitter" | "stop" | undefined;
}

/**
 * Connect to NATS and start serving tasks of {@linkcode DistributedExecutor}s.
 *
 * @param options The connection, and how to run tasks.
 * @returns The running worker.
 * @throws {TypeError} For an unknown option or one of the wrong type, or a module that cannot be
 * imported.
 * @throws {Error} If NATS cannot be reached.
 *
 * @example A worker inside a program
 * ```ts ignore
 * import { startWorker } from "@concurrent/futures/distributed";
 *
 * const worker = await startWorker({ servers: "nats://127.0.0.1:4222", concurrency: 2 });
 * // … later
 * await worker.stop();
 * ```
 */
export async function startWorker(options: WorkerOptions): Promise<DistributedWorker> {
  const resolved = resolveOptions(options, KNOWN, "worker");
  // A worker keeps trying to get its server back, however long it takes.
  if (options.maxReconnectAttempts === undefined) resolved.nats.maxReconnectAttempts = -1;
  const { concurrency = cpuCount(), threads = false, noSource = false, runtimeArgs = [] } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new TypeError(
      `worker: concurrency must be an integer >= 1, got ${describe(concurrency)}`,
    );
  }
  if (typeof threads !== "boolean") throw new TypeError("worker: threads must be a boolean");
  if (typeof noSource !== "boolean") throw new TypeError("worker: noSource must be a boolean");
  if (!Array.isArray(runtimeArgs) || runtimeArgs.some((a) => typeof a !== "string")) {
    throw new TypeError("worker: runtimeArgs must be an array of strings");
  }
  const modules = options.modules ?? [];
  if (!Array.isArray(modules)) throw new TypeError("worker: modules must be an array");
  // Imported here first: a module that cannot be imported stops the worker at its start.
  const registry = await ModuleRegistry.load(modules);
  const allowed = new Set(registry.urls);

  const newPool = (): Executor => {
    const poolOptions = {
      maxWorkers: concurrency,
      modules: [RUNNER],
      initializer: preload,
      initargs: [registry.urls] as [string[]],
    };
    return threads
      ? new ThreadPoolExecutor(poolOptions)
      : new ProcessPoolExecutor({ ...poolOptions, runtimeArgs });
  };
  let pool = newPool();

  const nc = await connect(resolved);
  let consumer: Consumer;
  let ackWait: number;
  let aborts: Subscription;
  try {
    const jsm = await ensureQueue(nc, resolved, "update");
    consumer = await jetstream(nc).consumers.get(resolved.stream, resolved.consumer);
    ackWait = resolved.ackWait ?? 30_000;
    try {
      const info = await jsm.consumers.info(resolved.stream, resolved.consumer);
      ackWait = (info.config.ack_wait ?? ackWait * 1_000_000) / 1_000_000;
    } catch {
      // no right to read it: the option's value
    }
    aborts = nc.subscribe(`${resolved.subject}.abort.*.*`);
  } catch (error) {
    await nc.close();
    await pool.shutdown({ wait: false, cancelFutures: true });
    throw error;
  }
  const js: JetStreamClient = jetstream(nc);

  const running = new Map<string, Running>();
  let publishing = 0; // results being stored, their tasks not yet acknowledged
  let stopping = false;
  let stopped: Promise<void> | undefined;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => finish = resolve);

  void (async () => {
    for await (const message of aborts) {
      const key = message.subject.split(".").slice(-2).join(".");
      const task = running.get(key);
      if (task && task.reason === undefined) {
        task.reason = "submitter";
        task.controller.abort(new Error("aborted by its submitter"));
      }
    }
  })();

  // Store a result; true once the server has it. One that cannot be stored (too large, say) is
  // replaced by an error that says why, so that the task does not go round the queue for ever.
  const publishResult = async (
    subject: string,
    body: ResultBody,
    msgID: string,
  ): Promise<boolean> => {
    let bytes: Uint8Array;
    try {
      bytes = encodeValue(body);
    } catch (error) {
      bytes = encodeValue({ t: "err", error: encodeThrown(error, "v8") });
    }
    for (let attempt = 1;; attempt++) {
      try {
        await js.publish(subject, bytes, { msgID });
        return true;
      } catch (error) {
        if (!isTransient(error) && body.t !== "err") {
          const why = error instanceof Error ? error.message : String(error);
          const replacement = new Error(`the task's result could not be published: ${why}`);
          return publishResult(
            subject,
            { t: "err", error: encodeThrown(replacement, "v8") },
            msgID,
          );
        }
        if (nc.isClosed() || attempt >= 20 || !isTransient(error)) {
          console.error(`worker: could not publish a result to ${subject}: ${String(error)}`);
          return false;
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };

  const handle = async (message: JsMsg): Promise<void> => {
    let task: TaskBody;
    try {
      task = decodeValue(message.data) as TaskBody;
      if (
        task.v !== MESSAGE_VERSION || typeof task.s !== "string" || !SUBMITTER_ID.test(task.s) ||
        !Number.isInteger(task.id)
      ) throw new Error(`not a task of message version ${MESSAGE_VERSION}`);
    } catch (error) {
      console.error(`worker: dropped a message that is not a task: ${String(error)}`);
      message.term();
      return;
    }
    const key = `${task.s}.${task.id}`;
    const subject = `${resolved.resultSubject}.${key}`;
    const refusal = refuse(task, noSource, allowed);
    if (refusal) {
      // Refused at once, without running anything.
      if (await publishResult(subject, { t: "err", error: encodeThrown(refusal, "v8") }, key)) {
        message.ack();
      }
      return;
    }
    const heartbeat = setInterval(() => message.working(), Math.max(200, ackWait / 3));
    const state: Running = { controller: new AbortController(), message, reason: undefined };
    running.set(key, state);
    try {
      nc.publish(subject, encodeValue({ t: "start" }));
      let body: ResultBody;
      try {
        const current = pool;
        const outcome = await (current as ProcessPoolExecutor).submitWith(
          runUnit,
          [task.f, task.k, task.a],
          { signal: state.controller.signal },
        );
        body = task.k === "task"
          ? { t: "ok", value: outcome }
          : { t: "chunk", outcome: outcome as ChunkBody };
      } catch (error) {
        if (state.reason !== undefined) {
          clearInterval(heartbeat);
          if (state.reason === "submitter") message.term();
          else message.nak();
          return;
        }
        if (error instanceof BrokenExecutor) replacePool();
        body = { t: "err", error: encodeThrown(error, "v8") };
      }
      // The slot takes its next task while the result is being stored; the heartbeat goes on
      // until the task is acknowledged.
      running.delete(key);
      publishing++;
      void publishResult(subject, body, key).then((ok) => {
        if (ok) message.ack();
        else message.nak();
      }).finally(() => {
        clearInterval(heartbeat);
        publishing--;
      });
    } catch (error) {
      clearInterval(heartbeat);
      throw error;
    } finally {
      running.delete(key);
    }
  };

  const replacePool = () => {
    const broken = pool;
    pool = newPool();
    void broken.shutdown({ wait: false });
  };

  const slot = async (): Promise<void> => {
    while (!stopping) {
      let message: JsMsg | null;
      try {
        message = await consumer.next({ expires: 5000 });
      } catch (error) {
        if (nc.isClosed() || stopping) return;
        // Lost the server for a moment: the client reconnects; try again shortly.
        await new Promise((resolve) => setTimeout(resolve, 250));
        if (!String(error).includes("timeout")) continue;
        continue;
      }
      if (message === null) continue;
      if (stopping) {
        message.nak();
        return;
      }
      await handle(message);
    }
  };
  const slots = Array.from({ length: concurrency }, () => slot());

  const stop = (stopOptions: { grace?: number } = {}): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      const grace = stopOptions.grace;
      let timer: ReturnType<typeof setTimeout> | undefined;
      if (grace !== undefined) {
        timer = setTimeout(() => {
          for (const task of running.values()) {
            if (task.reason === undefined) {
              task.reason = "stop";
              task.controller.abort(new Error("the worker is stopping"));
            }
          }
        }, grace);
      }
      // The running tasks finish; slots waiting for a message return when the connection closes.
      while (running.size > 0 || publishing > 0) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      clearTimeout(timer);
      // Results and acknowledgements are out; a pull request still open would only make a drain
      // wait for its expiry.
      await nc.flush().catch(() => {});
      await nc.close().catch(() => {});
      await Promise.allSettled(slots);
      await pool.shutdown({ wait: true, cancelFutures: true });
      finish();
    })();
    return stopped;
  };

  void nc.closed().then(() => {
    if (!stopping) void stop();
  });

  return {
    stop,
    finished,
    get running() {
      return running.size;
    },
  };
}

function refuse(task: TaskBody, noSource: boolean, allowed: Set<string>): Error | undefined {
  const spec = task.f;
  if (!noSource) return undefined;
  if (spec.kind === "source") {
    return new TypeError(
      "this worker runs only exports of its --modules (it was started with --no-source); " +
        "the function was sent by source: export it from a module listed in both the " +
        "executor's `modules` and the worker's --modules",
    );
  }
  if (!allowed.has(spec.url)) {
    return new TypeError(
      `this worker runs only exports of its --modules (it was started with --no-source), ` +
        `and ${spec.url} is not one of them`,
    );
  }
  return undefined;
}
