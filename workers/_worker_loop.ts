// Copyright 2026 the concurrent-futures authors. MIT license.
// The worker loop, shared by thread and process workers (./thread_worker.ts, ./process_worker.ts).
// Runtime-neutral: it only sees a HostPort.
//
//   host                            worker
//   ────                            ──────
//                              ◀──  hello { v }                              serve()
//   init { v, transport,       ──▶  check the version, run the initializer   ./_initialize.ts
//     initializer, initargs,   ◀──  ready | init-error { error }
//     claims }
//   task { id, key, spec?,     ──▶  call the function                        ./_run_task.ts
//     args, b?, c?, k? }       ◀──  ok { id, value } | err { id, error }     ./_replies.ts
//   chunk { id, key, spec?,    ──▶  call it on each item in turn             ./_run_chunk.ts
//     argLists | items,        ◀──  chunk-done { id, values, failed? }
//     b?, c?, k? }
//                              ◀──  yield { id }: held ahead, left unstarted  lib/_sent_ahead.ts
//   resume                     ──▶  start the held work, unless taken back
//   forget { keys }            ──▶  drop those functions                     lib/_function_table.ts
//   batch { messages }         ──▶  each message, in order
//                              ◀──  batch { messages }: the replies to its quick tasks
//   exit                       ──▶  the worker ends
//
// `spec` comes with a key's first use (lib/_function_table.ts). `b` holds a `partial()`'s bound
// values, passed before the call's own arguments. `c` marks work sent ahead to a
// busy thread worker: its claim cell, which the worker must win before it starts the work; lost,
// the work was taken back, and is dropped without a reply. `k` is its ticket (submission order):
// work held ahead does not start while an older task waits behind a slow one in another worker;
// the worker yields; the host takes the older work back (and this worker's), says `resume`, and
// sends this worker the oldest.
//
// Tasks, chunks and forgets are handled one at a time, in arrival order (a worker may be sent
// work ahead of the one it runs): one that finishes synchronously (the common case) is answered at
// once, with no promise in between; one that has to wait (an async function, a module still
// loading) holds the later ones in a backlog until it is answered.
//
// A worker (a child process, or a node:worker_threads thread) answers the tasks of a batch that it
// knows to be quick (their function's last run here took under QUICK_MS) in one message, sent when
// the batch is done: each message costs both sides a wake-up, and a child's a system call. A reply
// is held at most until the next task that is not known to be quick, or that starts more than
// HOLD_MS after the first reply held. A chunk's reply is not held.

import { WorkerFunctionTable } from "../lib/_function_table.ts";
import type {
  ChunkMessage,
  ForgetMessage,
  HostMessage,
  InitMessage,
  TaskMessage,
  WorkerMessage,
} from "../lib/_protocol.ts";
import { Queue } from "../lib/_queue.ts";
import { clock, WorkerClaims } from "../lib/_sent_ahead.ts";
import type { HostPort } from "../lib/runtime/types.ts";
import { initialize } from "./_initialize.ts";
import { Replies } from "./_replies.ts";
import { runChunk } from "./_run_chunk.ts";
import { runTask } from "./_run_task.ts";

type Work = TaskMessage | ChunkMessage | ForgetMessage;

/** A function whose last run took less than this (ms) is quick: its reply may wait for others. */
const QUICK_MS = 0.5;
/** The longest a reply is held, barring a task known to be quick that runs long (ms). */
const HOLD_MS = 1;

/**
 * Serve tasks from the host on `port` until told to exit.
 *
 * @param port The worker's end of its channel to the host.
 */
export function serve(port: HostPort): void {
  const replies = new Replies(port);
  const loop = new WorkerLoop(port, replies);
  port.listen((raw) => loop.receive(raw as HostMessage));
  replies.hello();
}

/** Message intake and ordering: what the worker does with each host message, and when. */
class WorkerLoop {
  #port: HostPort;
  #replies: Replies;
  #functions = new WorkerFunctionTable();
  /** Thread pools: the claim cells of work sent ahead, shared with the host and the others. */
  #claims: WorkerClaims | undefined;
  /** Work that arrived while earlier work was still to be answered, in order. */
  #backlog = new Queue<Work>();
  /** Work that had to wait (async) is not answered yet. */
  #busy = false;
  /** Work held ahead and left unstarted after a `yield`, until the host's `resume`. */
  #held: TaskMessage | ChunkMessage | undefined;
  /** Whether the host takes replies in batches (a child process, a worker_threads thread). */
  #batches: boolean;
  /** Those: the keys of the functions whose last run here was quick. */
  #quick = new Set<string>();

  constructor(port: HostPort, replies: Replies) {
    this.#port = port;
    this.#replies = replies;
    this.#batches = port.batches === true;
  }

  receive(message: HostMessage): void {
    switch (message.t) {
      case "task":
      case "chunk":
      case "forget": // in order: work before it may still need what it names
        if (this.#busy || this.#held !== undefined) this.#backlog.push(message);
        else this.#run(message, true);
        break;
      case "resume": // the answer to a yield: the held work may start, unless it was taken back
        this.#resume();
        break;
      case "batch":
        if (!this.#batches) {
          for (const inner of message.messages) this.receive(inner);
          break;
        }
        this.#replies.gather();
        try {
          for (const inner of message.messages) this.receive(inner);
        } finally {
          this.#replies.stopGathering();
        }
        break;
      case "init":
        this.#init(message);
        break;
      case "exit":
        this.#port.exit(0);
        break;
    }
  }

  #init(message: InitMessage): void {
    this.#replies.transport = message.transport;
    if (message.claims) this.#claims = new WorkerClaims(message.claims);
    void initialize(message, this.#replies);
  }

  // Runs `message` unless it was sent ahead and must wait: taken back by the host (dropped), or,
  // with `inOrder`, to be left for older tasks held up behind a slow one elsewhere (held, and the
  // host asked for them).
  #run(message: Work, inOrder: boolean): void {
    if (message.t === "forget") {
      for (const key of message.keys) this.#quick.delete(key);
      return this.#functions.forget(message.keys);
    }
    const claims = this.#claims;
    if (claims !== undefined) {
      const now = clock();
      if (message.c !== undefined) {
        if (inOrder && claims.shouldYield(message.k!, now)) {
          this.#held = message;
          this.#replies.flush(); // what ran before it is done: the host hears that first
          this.#port.post({ t: "yield", id: message.id } satisfies WorkerMessage);
          return;
        }
        if (!claims.claim(message.c, message.g!)) {
          // Taken back by the host: dropped without a reply. The host counts its spec as sent,
          // so later work names the function by key only.
          if (message.spec !== undefined) this.#functions.define(message.key, message.spec);
          return;
        }
      }
      claims.running(now);
    }
    if (this.#batches) return this.#timed(message);
    const pending = message.t === "task"
      ? runTask(message, this.#functions, this.#replies)
      : runChunk(message, this.#functions, this.#replies);
    if (pending === undefined) return;
    this.#busy = true;
    void pending.then(this.#next);
  }

  // A port that batches: the replies held go first unless this work is known to be quick (and they
  // have not waited long); its run is timed, to know whether it is.
  #timed(message: TaskMessage | ChunkMessage): void {
    const replies = this.#replies;
    const quick = this.#quick;
    const { key } = message;
    const task = message.t === "task";
    const start = performance.now();
    const since = replies.heldSince;
    if (since >= 0 && (!task || !quick.has(key) || start - since > HOLD_MS)) replies.flush();
    const pending = task
      ? runTask(message, this.#functions, replies)
      : runChunk(message, this.#functions, replies);
    if (pending === undefined) {
      // A chunk's reply, a thousand results, say, leaves at once: map() reads them in order.
      if (!task) replies.flush();
      else if (performance.now() - start < QUICK_MS) quick.add(key);
      else quick.delete(key);
      return;
    }
    quick.delete(key);
    replies.flush(); // nothing waits for an async task's reply
    this.#busy = true;
    void pending.then(this.#next);
  }

  #resume(): void {
    const held = this.#held;
    if (held === undefined) return;
    this.#held = undefined;
    this.#run(held, false);
    if (!this.#busy) this.#next();
  }

  // The work that had to wait is answered: run what came meanwhile, until something has to wait
  // again (an async task, or work held for a yield).
  #next = (): void => {
    this.#busy = false;
    while (!this.#busy && this.#held === undefined) {
      const work = this.#backlog.shift();
      if (work === undefined) return;
      this.#run(work, true);
    }
  };
}
