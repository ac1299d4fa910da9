// Copyright 2026 the concurrent-futures authors. MIT license.
// The `@concurrent/futures/distributed` entry point: the executor whose tasks run on other
// machines through NATS JetStream, and the worker that runs them. The main entry never loads it
// (nor the NATS client).

/**
 * {@linkcode DistributedExecutor}: Python's `concurrent.futures` across machines, through a NATS
 * JetStream work queue, with the same futures, `wait()` and `asCompleted()` as the local pools.
 * Workers run `concurrent-futures-worker --servers nats://HOST:4222` (or
 * `deno run -A jsr:@concurrent/futures/worker …`), or {@linkcode startWorker} in a program.
 *
 * ```ts ignore
 * import { DistributedExecutor } from "@concurrent/futures/distributed";
 * import { asCompleted } from "@concurrent/futures";
 *
 * await using executor = new DistributedExecutor({ servers: "nats://127.0.0.1:4222" });
 * const futures = [1, 2, 3].map((n) => executor.submit((x: number) => x * x, n));
 * for await (const future of asCompleted(futures)) console.log(await future);
 * ```
 *
 * @module
 */

export { DistributedExecutor } from "./lib/distributed/distributed_executor.ts";
export type {
  DistributedExecutorOptions,
  DistributedSubmitOptions,
} from "./lib/distributed/distributed_executor.ts";
export type { ConnectionOptions, DistributedTlsOptions } from "./lib/distributed/connection.ts";
export { startWorker } from "./lib/distributed/worker.ts";
export type { DistributedWorker, WorkerOptions } from "./lib/distributed/worker.ts";
