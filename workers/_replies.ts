// Copyright 2026 the concurrent-futures authors. MIT license.
// What a worker sends its host, encoded for the pool's transport. Runtime-neutral.

import { pack } from "../lib/_packed.ts";
import { type ClassLookup, classLookup, type ClassRef, locateClasses } from "../lib/_classes.ts";
import {
  type ChunkDoneMessage,
  type ErrMessage,
  type OkMessage,
  PROTOCOL_VERSION,
  type ReplyBatchMessage,
  type WorkerMessage,
} from "../lib/_protocol.ts";
import {
  describeCloneFailure,
  encodeThrown,
  findUncloneable,
  type Transport,
  type Uncloneable,
} from "../lib/_serialize.ts";
import { SerializationError } from "../lib/errors.ts";
import type { HostPort } from "../lib/runtime/types.ts";

/** How a chunk failed: the item's place and what it threw. */
export interface ChunkFailure {
  index: number;
  error: unknown;
}

type Reply = OkMessage | ErrMessage | ChunkDoneMessage;

/**
 * A worker's messages to its host. Every reply leaves at once: a task's result must not wait for
 * the next task to finish; except, while {@linkcode Replies.gather} is on, the replies to tasks
 * the worker loop knows to be quick, which leave together at {@linkcode Replies.flush}. A result
 * the transport cannot carry is answered as that task's {@linkcode SerializationError}, naming
 * the offending part (`result.x is a function…`).
 */
export class Replies {
  /** The pool's transport, which decides what a result may hold; set by `init`. */
  transport: Transport = "structured";
  /** The classes sent by reference (the pool's modules' exports), by prototype; set by `init`. */
  classes: Map<object, ClassRef> | undefined;
  /** The instances of those classes in the results of the chunk being run. */
  #chunkClasses: ClassLookup | undefined;
  #port: HostPort;
  /** While gathering: the replies held for the next flush. */
  #gathered: Reply[] | undefined;
  /** When the first of them was held (`performance.now()`). */
  #gatheredSince = 0;

  /**
   * Reply through `port`.
   *
   * @param port The worker's end of its channel to the host.
   */
  constructor(port: HostPort) {
    this.#port = port;
  }

  /** Holds replies from now on, until {@linkcode Replies.stopGathering}. */
  gather(): void {
    this.#gathered = [];
  }

  /** Whether replies are held, and since when: `-1` when none is. */
  get heldSince(): number {
    return this.#gathered === undefined || this.#gathered.length === 0 ? -1 : this.#gatheredSince;
  }

  /** Sends the held replies, in one message when there are several. */
  flush(): void {
    const gathered = this.#gathered;
    if (gathered === undefined || gathered.length === 0) return;
    this.#gathered = [];
    if (gathered.length === 1) return this.#sendOne(gathered[0]!);
    try {
      this.#port.post({ t: "batch", messages: gathered } satisfies ReplyBatchMessage);
    } catch {
      // What cannot be sent fails alone.
      for (const reply of gathered) this.#sendOne(reply);
    }
  }

  /** Sends what is held and stops holding replies. */
  stopGathering(): void {
    this.flush();
    this.#gathered = undefined;
  }

  /** The worker is listening, speaking this protocol version. */
  hello(): void {
    this.#port.post({ t: "hello", v: PROTOCOL_VERSION } satisfies WorkerMessage);
  }

  /** The initializer ran (or there was none). */
  ready(): void {
    this.#port.post({ t: "ready" } satisfies WorkerMessage);
  }

  /**
   * The worker cannot start: the pool is broken with `error`.
   *
   * @param error What the initializer (or the version check) threw.
   */
  initError(error: unknown): void {
    this.#port.post({
      t: "init-error",
      error: encodeThrown(error, this.transport, this.classes),
    });
  }

  /**
   * Task `id` returned `value`.
   *
   * @param id The task's id.
   * @param value Its result.
   */
  result(id: number, value: unknown): void {
    const classes = classLookup(this.classes);
    const bad = findUncloneable(value, this.transport, "result", undefined, classes);
    if (bad) {
      return this.error(
        id,
        new SerializationError(`${bad.path} ${bad.reason}`, { path: bad.path }),
      );
    }
    const reply: OkMessage = { t: "ok", id, value };
    if (classes !== undefined && classes.found.size > 0) {
      reply.classes = locateClasses(reply, classes.found, []);
    }
    this.#send(reply);
  }

  /**
   * Task (or chunk) `id` threw `error`.
   *
   * @param id The task's id.
   * @param error What it threw (any value).
   */
  error(id: number, error: unknown): void {
    this.#send(this.#errReply(id, error));
  }

  #errReply(id: number, error: unknown): ErrMessage {
    return { t: "err", id, error: encodeThrown(error, this.transport, this.classes) };
  }

  /**
   * Throw if a chunk item's result cannot travel, so that the chunk stops there.
   *
   * @param value The item's result.
   * @throws {SerializationError} Naming the offending part.
   */
  checkResult(value: unknown): void {
    if (this.classes !== undefined) this.#chunkClasses ??= classLookup(this.classes);
    const bad = findUncloneable(value, this.transport, "result", undefined, this.#chunkClasses);
    if (bad) throw unsendable(bad);
  }

  /**
   * Chunk `id` ran: the results of the items before the first failure (packed when they are all
   * numbers), and that failure if any.
   *
   * @param id The chunk's id.
   * @param values The items' results, each already passed {@linkcode Replies.checkResult}.
   * @param failed The first failure.
   */
  chunk(id: number, values: unknown[], failed: ChunkFailure | undefined): void {
    const packed = pack(values);
    const reply: ChunkDoneMessage = failed === undefined
      ? { t: "chunk-done", id, values: packed }
      : {
        t: "chunk-done",
        id,
        values: packed,
        failed: {
          index: failed.index,
          error: encodeThrown(failed.error, this.transport, this.classes),
        },
      };
    const found = this.#chunkClasses?.found;
    this.#chunkClasses = undefined;
    if (found !== undefined && found.size > 0) reply.classes = locateClasses(reply, found, []);
    this.#send(reply, values);
  }

  // Held while gathering, else sent now. `values`: a chunk's results, unpacked.
  #send(reply: Reply, values?: unknown[]): void {
    const gathered = this.#gathered;
    if (gathered === undefined) return this.#sendOne(reply, values);
    if (gathered.length === 0) this.#gatheredSince = performance.now();
    gathered.push(reply);
  }

  // A result the transport refused is answered as the task's error.
  #sendOne(reply: Reply, values?: unknown[]): void {
    if (reply.t === "err") return this.#port.post(reply);
    try {
      this.#port.post(reply);
    } catch (error) {
      const value = reply.t === "ok" ? reply.value : values ?? reply.values;
      const refused = describeCloneFailure(value, this.transport, "result", error);
      this.#port.post(this.#errReply(reply.id, refused));
    }
  }
}

// Kept out of the methods that check every result, which stay small enough to inline.
function unsendable(bad: Uncloneable): SerializationError {
  return new SerializationError(`${bad.path} ${bad.reason}`, { path: bad.path });
}
