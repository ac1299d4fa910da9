// Copyright 2026 the concurrent-futures authors. MIT license.
// Which module a pool's workers run, and, for bundles and single-file executables, how that module
// becomes a worker: Python's multiprocessing.freeze_support(), done for the user.
//
// Installed as a package, a worker runs this package's own worker module (workers/*_worker.ts).
// Bundled, that file is not there; the bundle itself is started instead, with a marker, and this
// module, at its top level, recognises the marker, serves the pool and never lets evaluation go on
// into the user's modules (a top-level await that never settles blocks every importer). Compiled
// into a single-file executable, a child process is the executable itself, with the marker.

import { existsSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { isMainThread, workerData } from "node:worker_threads";
import { serve } from "../../workers/_worker_loop.ts";
import { processHostPort, threadHostPort } from "./host_port.ts";
import type { WorkerEntry } from "./types.ts";

/** `workerData` of a worker thread started on a bundle: "be a worker, not the program". */
export const THREAD_MARKER = "@concurrent/futures:thread-worker";
/** The argument after the parent's pid of a child started on a bundle or executable. */
export const PROCESS_MARKER = "--concurrent-futures-worker";

// Shared by every copy of this package in the process (a bundle may hold two): the first one
// evaluated serves, the others do nothing.
const CLAIMED = Symbol.for("@concurrent/futures/worker-claimed");
const HERE = import.meta.url;
// This module's path in an installed (unbundled) package, whose workers/ sits beside lib/.
const INSTALLED = /\/lib\/runtime\/worker_entry\.(m?[jt]s)$/;

let threadEntry: WorkerEntry | undefined;
let processEntry: WorkerEntry | undefined;

/**
 * The entry of a thread pool's workers: the package's worker module when it is there (an installed
 * package), else the module holding this code (a bundle, or a single-file executable), which
 * serves as a worker when started with {@linkcode THREAD_MARKER}.
 */
export function threadWorkerEntry(): WorkerEntry {
  return threadEntry ??= ownModule("thread_worker") ?? { url: new URL(HERE), kind: "self" };
}

/**
 * The entry of a process pool's children: in a single-file executable (`bun build --compile`,
 * `deno compile`), the executable itself, even when the package's files are embedded in it (it can
 * only run its own program); else the package's worker module when it is there; else the module
 * holding this code (a bundle). The executable and the bundle serve when given
 * {@linkcode PROCESS_MARKER}.
 */
export function processWorkerEntry(): WorkerEntry {
  if (processEntry !== undefined) return processEntry;
  if (standalone()) return processEntry = { url: new URL(HERE), kind: "executable" };
  return processEntry = ownModule("process_worker") ?? { url: new URL(HERE), kind: "self" };
}

/**
 * Why a worker that exited before it said hello never became one, for the pool's error.
 *
 * @param entry What the worker was started on.
 * @param what "thread" or "process".
 * @returns The sentence to put in the cause.
 */
export function neverServedReason(entry: WorkerEntry, what: "thread" | "process"): string {
  const where = entry.kind === "executable" ? `the executable ${process.execPath}` : entry.url.href;
  if (entry.kind === "module") {
    return `the worker ${what} (${where}) exited before it became a worker`;
  }
  return `the worker ${what} (${where}) exited before it became a worker: started as a worker of ` +
    `this pool, it did not load @concurrent/futures before the rest of the program; see the ` +
    `README, "Bundling and single-file executables"`;
}

/**
 * The runtime flags of a child that is a single-file executable: none can be given, as the
 * executable takes every argument as its program's own.
 *
 * @throws {TypeError} If `runtimeArgs` is not empty.
 */
export function executableArgs(runtimeArgs: readonly string[]): string[] {
  if (runtimeArgs.length > 0) {
    throw new TypeError(
      `runtimeArgs ${JSON.stringify(runtimeArgs)} cannot be given to the children of a ` +
        `single-file executable (${process.execPath}): bake runtime flags in when compiling it`,
    );
  }
  return [];
}

function ownModule(name: string): WorkerEntry | undefined {
  const match = INSTALLED.exec(HERE);
  if (match === null) return undefined;
  const url = new URL(`../../workers/${name}.${match[1]}`, HERE);
  // Remote code (Deno from JSR) is never bundled; a local file must really be there.
  if (url.protocol === "file:" && !existsSync(fileURLToPath(url))) return undefined;
  return { url, kind: "module" };
}

function standalone(): boolean {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  return g.Deno?.build?.standalone === true || g.Bun?.isStandaloneExecutable === true ||
    HERE.startsWith("file:///$bunfs/") || HERE.includes("/~BUN/");
}

function markedRole(): "thread" | "process" | undefined {
  if (!isMainThread) return workerData === THREAD_MARKER ? "thread" : undefined;
  return process.argv.includes(PROCESS_MARKER) ? "process" : undefined;
}

// Serve the pool that started this thread or process; never returns. A process that cannot serve
// (it was started by hand, with no pool at the other end) exits at once, before any of the
// program's own code can run.
async function becomeWorker(role: "thread" | "process"): Promise<never> {
  try {
    serve(role === "thread" ? await threadHostPort() : await processHostPort());
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(
      `@concurrent/futures: this ${role} was started as a pool worker (${
        role === "thread" ? THREAD_MARKER : PROCESS_MARKER
      }) but cannot serve: ${reason}; it exits instead of running the program`,
    );
    process.exit(1);
  }
  return await new Promise<never>(() => {});
}

// deno-lint-ignore no-explicit-any
const shared = globalThis as any;
const role = markedRole();
if (role !== undefined && shared[CLAIMED] !== true) {
  shared[CLAIMED] = true;
  await becomeWorker(role); // bundles must be ES modules (esbuild --format=esm): see the README
}
