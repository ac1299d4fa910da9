// Copyright 2026 the concurrent-futures authors. MIT license.
// The interface every runtime adapter implements; types only.

/** The JavaScript runtimes this package supports. */
export type RuntimeName = "deno" | "bun" | "node";

/** How a worker ended. `code` and `signal` are `null` when the runtime does not say. */
export interface ExitInfo {
  code: number | null;
  signal: string | null;
  /** The last error the runtime reported for the worker, if any. */
  error?: unknown;
}

/**
 * A value that {@linkcode SubmitOptions.transfer} moves to a worker thread instead of copying: an
 * `ArrayBuffer`, or a `MessagePort` (the web's or `node:worker_threads`'), described by the part of
 * its shape a transfer needs. Declared here rather than taken from the DOM library, so that the
 * package's types need no `lib: ["dom"]`.
 *
 * @example Moving a buffer to a thread
 * ```ts
 * import { ThreadPoolExecutor, type Transferable } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const pool = new ThreadPoolExecutor(1);
 * try {
 *   const buffer = new ArrayBuffer(8);
 *   const transfer: Transferable[] = [buffer];
 *   const size = await pool.submitWith((b: ArrayBuffer) => b.byteLength, [buffer], { transfer });
 *   assert.equal(size, 8);
 *   assert.equal(buffer.byteLength, 0); // moved: detached here
 * } finally {
 *   await pool.shutdown();
 * }
 * ```
 */
export type Transferable = ArrayBuffer | {
  // deno-lint-ignore no-explicit-any
  postMessage(message: any, ...rest: any[]): void;
  close(): void;
};

/**
 * What a worker is started on. `module`: this package's own worker module (an installed package).
 * `self`: the module that holds this package's code (a bundle), started with the worker marker.
 * `executable`: the single-file executable itself (a process pool's children), with the marker.
 */
export interface WorkerEntry {
  readonly url: URL;
  readonly kind: "module" | "self" | "executable";
}

/**
 * Memory limits for each worker thread of a {@linkcode ThreadPoolExecutor}, as
 * `node:worker_threads`' `resourceLimits` (and piscina's). A thread that exceeds them ends: the
 * task it was running fails with an `ERR_WORKER_OUT_OF_MEMORY` error as `cause`, and the program
 * goes on. Node and Deno enforce them (on Deno, such a thread checks every 100 ms whether it
 * reached them, as Deno would not report it). The pool refuses them, with a `TypeError` that points
 * to the process pool, where they cannot be enforced: on Bun, whose threads ignore them, and on
 * Deno when the package is loaded from a remote URL (its threads are then web Workers).
 *
 * @example At most 256 MB of heap per thread, on Node and Deno
 * ```ts
 * import { ThreadPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const options = { maxWorkers: 2, resourceLimits: { maxOldGenerationSizeMb: 256 } };
 * if ("Bun" in globalThis) {
 *   assert.throws(() => new ThreadPoolExecutor(options), TypeError); // a process pool, there
 * } else {
 *   await using pool = new ThreadPoolExecutor(options);
 *   assert.equal(await pool.submit(() => 6 * 7), 42);
 * }
 * ```
 */
export interface ResourceLimits {
  /** The most memory of the main heap, in MB. */
  maxOldGenerationSizeMb?: number;
  /** The most memory of the heap space for recently created objects, in MB. */
  maxYoungGenerationSizeMb?: number;
  /** The size of the memory range reserved for generated code, in MB. */
  codeRangeSizeMb?: number;
  /** The thread's stack size, in MB. @default {4} */
  stackSizeMb?: number;
}

/** Options shared by both kinds of spawn. */
export interface SpawnOptions {
  /** Called for every message from the worker, from the first one on. */
  onMessage: (message: unknown) => void;
  /** Called exactly once when the worker has ended, whatever the reason. */
  onExit: (info: ExitInfo) => void;
  /** A name for debugging (thread name, process title). */
  name?: string;
  /** Threads: memory limits, for runtimes that can enforce them (see `threadLimitsRefusal`). */
  resourceLimits?: ResourceLimits;
}

/** Options for spawning a child process. */
export interface ProcessSpawnOptions extends SpawnOptions {
  /** Extra flags for the child runtime (e.g. Deno permission flags). */
  runtimeArgs: readonly string[];
}

/** A uniform handle on a worker thread or a child process. */
export interface WorkerHandle {
  /** The child's process id; `undefined` for threads. */
  readonly pid: number | undefined;
  /** Whether unref() works; a pool retires idle workers that it cannot unref. */
  readonly unrefable: boolean;
  /**
   * Send a message. Throws synchronously when the message cannot be cloned; after the worker has
   * ended, the message is dropped silently.
   */
  postMessage(message: unknown, transfer?: readonly Transferable[]): void;
  /** Stop the worker at once (SIGTERM for processes unless `signal` says otherwise). */
  terminate(signal?: "SIGTERM" | "SIGKILL"): void;
  /** Let the worker keep the program alive. */
  ref(): void;
  /** Let the program exit while the worker is alive and idle. */
  unref(): void;
}

/**
 * What the pool needs from a runtime. A spawn may first load the module that knows how (a thread
 * pool never loads `node:child_process`, nor a process pool `node:worker_threads`).
 */
export interface RuntimeAdapter {
  readonly name: RuntimeName;
  /**
   * Why this runtime's threads cannot be held to `resourceLimits` (the message of the thread
   * pool's TypeError), or `undefined` when they can.
   */
  threadLimitsRefusal(): string | undefined;
  /** Start a worker thread on `entry`. */
  spawnThread(entry: WorkerEntry, options: SpawnOptions): WorkerHandle | Promise<WorkerHandle>;
  /** Start a child process of the same runtime (or the same executable) on `entry`. */
  spawnProcess(
    entry: WorkerEntry,
    options: ProcessSpawnOptions,
  ): WorkerHandle | Promise<WorkerHandle>;
}

/** The worker-side end of the channel to the host. */
export interface HostPort {
  /**
   * The host reads several of the worker's messages sent as one `batch` (a child process, for which
   * each write costs a system call and a wake-up of the host; a worker_threads thread, whose each
   * message wakes the host's event loop).
   */
  readonly batches?: boolean;
  /** Send a message to the host; throws synchronously when it cannot be cloned. */
  post(message: unknown, transfer?: readonly Transferable[]): void;
  /** Register the message handler (call once). */
  listen(onMessage: (message: unknown) => void): void;
  /** End this worker. */
  exit(code: number): void;
}
