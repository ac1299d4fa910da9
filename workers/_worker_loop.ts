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
//     args, c?, k? }           ◀──  ok { id, value } | err { id, error }     ./_replies.ts
//   chunk { id, key, spec?,    ──▶  call it on each item in turn             ./_run_chunk.ts
//     argLists | items, c?, k? }◀── chunk-done { id, values, failed? }
//                              ◀──  yield { id }: held ahead, left unstarted  lib/_sent_ahead.ts
//   task | chunk (older) | resume ──▶ run that first | start the held work
//   forget { keys }            ──▶  drop those functions                     lib/_function_table.ts
//   batch { messages }         ──▶  each message, in order
//   exit                       ──▶  the worker ends
//
// `spec` comes with a key's first use (lib/_function_table.ts). `c` marks work sent ahead to a
// busy thread worker: its claim cell, which the worker must win before it starts the work; lost,
// the work was taken back, and is dropped without a reply. `k` is its ticket (submission order):
// work held ahead does not start while an older task waits behind a slow one in another worker;
// the worker yields, and the host sends it that older task (or says resume).
//
// Tasks, chunks and forgets are handled one at a time, in arrival order (a worker may be sent
// work ahead of the one it runs): one that finishes synchronously (the common case) is answered at
// once, with no promise in between; one that has to wait (an async function, a module still
// loading) holds the later ones in a backlog until it is answered.

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
import { WorkerClaims } from "../lib/_sent_ahead.ts";
import type { HostPort } from "../lib/runtime/types.ts";
import { initialize } from "./_initialize.ts";
import { Replies } from "./_replies.ts";
import { runChunk } from "./_run_chunk.ts";
import { runTask } from "./_run_task.ts";

type Work = TaskMessage | ChunkMessage | ForgetMessage;

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
  #busy = false;
  /** Work held ahead, left unstarted after a `yield`, until the host answers. */
  #held: TaskMessage | ChunkMessage | undefined;

  constructor(port: HostPort, replies: Replies) {
    this.#port = port;
    this.#replies = replies;
  }

  receive(message: HostMessage): void {
    switch (message.t) {
      case "task":
      case "chunk":
        // The host's answer to a yield: older work, taken back from another worker, runs first.
        if (this.#held !== undefined && message.c === undefined) this.#answer(message);
        else if (this.#busy) this.#backlog.push(message);
        else this.#run(message, true);
        break;
      case "forget": // in order: work before it may still need what it names
        if (this.#busy) this.#backlog.push(message);
        else this.#run(message, true);
        break;
      case "resume": // no older work could be taken back: start what was held
        this.#release(false);
        break;
      case "batch":
        for (const inner of message.messages) this.receive(inner);
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
  // with `inOrder`, to be left for an older task that waits behind a slow one elsewhere (held, and
  // the host asked for it).
  #run(message: Work, inOrder: boolean): void {
    if (message.t === "forget") return this.#functions.forget(message.keys);
    const claims = this.#claims;
    if (claims !== undefined && message.k !== undefined) {
      if (message.c !== undefined) {
        if (inOrder && claims.shouldYield(message.k)) {
          this.#held = message;
          this.#busy = true;
          this.#port.post({ t: "yield", id: message.id } satisfies WorkerMessage);
          return;
        }
        if (!claims.claim(message.c, message.id)) {
          // Taken back by the host: dropped without a reply. The host counts its spec as sent,
          // so later work names the function by key only.
          if (message.spec !== undefined) this.#functions.define(message.key, message.spec);
          return;
        }
      }
      claims.running(message.k);
    }
    const pending = message.t === "task"
      ? runTask(message, this.#functions, this.#replies)
      : runChunk(message, this.#functions, this.#replies);
    if (pending === undefined) return;
    this.#busy = true;
    void pending.then(this.#next);
  }

  // Runs the host's answer to a yield; then the held work gets another look.
  #answer(message: TaskMessage | ChunkMessage): void {
    if (message.k !== undefined) this.#claims?.running(message.k);
    const pending = message.t === "task"
      ? runTask(message, this.#functions, this.#replies)
      : runChunk(message, this.#functions, this.#replies);
    if (pending === undefined) this.#release(true);
    else void pending.then(() => this.#release(true));
  }

  // The held work runs now (or, with `inOrder`, is looked at again), then what came meanwhile.
  #release(inOrder: boolean): void {
    const held = this.#held;
    if (held === undefined) return;
    this.#held = undefined;
    this.#busy = false;
    this.#run(held, inOrder);
    if (!this.#busy) this.#next();
  }

  // The work that had to wait is answered: run what came meanwhile.
  #next = (): void => {
    this.#busy = false;
    while (!this.#busy && this.#backlog.length > 0) this.#run(this.#backlog.shift()!, true);
  };
}
