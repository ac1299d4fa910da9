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
//     args, c? }               ◀──  ok { id, value } | err { id, error }     ./_replies.ts
//   chunk { id, key, spec?,    ──▶  call it on each item in turn             ./_run_chunk.ts
//     argLists | items, c? }   ◀──  chunk-done { id, values, failed? }
//   forget { keys }            ──▶  drop those functions                     lib/_function_table.ts
//   batch { messages }         ──▶  each message, in order
//   exit                       ──▶  the worker ends
//
// `spec` comes with a key's first use (lib/_function_table.ts). `c` marks work sent ahead to a
// busy thread worker: its claim cell, which the worker must win before it starts the work
// (`claimed` below); lost, the work was taken back, and is dropped without a reply.
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
} from "../lib/_protocol.ts";
import { claimToStart } from "../lib/_sent_ahead.ts";
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
  /** Thread pools: the claim cells of work sent ahead, shared with the host. */
  #claims: Int32Array | undefined;
  /** Work that arrived while earlier work was still to be answered, in order. */
  #backlog: Work[] = [];
  #busy = false;

  constructor(port: HostPort, replies: Replies) {
    this.#port = port;
    this.#replies = replies;
  }

  receive(message: HostMessage): void {
    switch (message.t) {
      case "task":
      case "chunk":
      case "forget": // in order: work before it may still need what it names
        if (this.#busy) this.#backlog.push(message);
        else this.#run(message);
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
    this.#claims = message.claims;
    void initialize(message, this.#replies);
  }

  #run(message: Work): void {
    if (message.t === "forget") return this.#functions.forget(message.keys);
    if (!claimToStart(this.#claims, message.c, message.id)) {
      // Taken back by the host: dropped without a reply. The host counts its spec as sent, so
      // later work names the function by key only.
      if (message.spec !== undefined) this.#functions.define(message.key, message.spec);
      return;
    }
    const pending = message.t === "task"
      ? runTask(message, this.#functions, this.#replies)
      : runChunk(message, this.#functions, this.#replies);
    if (pending === undefined) return;
    this.#busy = true;
    void pending.then(this.#next);
  }

  // The work that had to wait is answered: run what came meanwhile.
  #next = (): void => {
    this.#busy = false;
    while (!this.#busy && this.#backlog.length > 0) this.#run(this.#backlog.shift()!);
  };
}
