// Copyright 2026 the concurrent-futures authors. MIT license.
// Every message between a host and its workers; imported by both sides. Runtime-neutral.

import { type ClassEntry, reviveClasses } from "./_classes.ts";
import type { FunctionSpec } from "./_function_source.ts";
import type { SentAhead, SharedClaims } from "./_sent_ahead.ts";
import { addCallerFrames, type SubmitSite } from "./_submit_site.ts";
import type { Future } from "./future.ts";
import type { ChunkOutcome } from "./_map.ts";
import { pack, type Packed } from "./_packed.ts";
import { decodeThrown, type EncodedThrown, type Transport } from "./_serialize.ts";
import type { UnitKind } from "./_work_item.ts";

/** Bumped whenever a message changes shape; host and worker must agree. */
export const PROTOCOL_VERSION = 9;

// Any message with values may carry `classes`: the instances of classes sent by reference in it, by their
// paths from the message itself (`["args", 0]`), which the receiver gives their prototype back
// (lib/_classes.ts). A message without such instances has no `classes`.

// ── worker → host ───────────────────────────────────────────────────────────────────────────────

/** The worker is listening; the host may send `init`. */
export interface HelloMessage {
  t: "hello";
  v: number;
}
/** The initializer ran (or there was none): tasks may follow. */
export interface ReadyMessage {
  t: "ready";
}
/** The initializer failed; the pool is broken. */
export interface InitErrorMessage {
  t: "init-error";
  error: EncodedThrown;
}
/** A task returned `value`. */
export interface OkMessage {
  t: "ok";
  id: number;
  value: unknown;
  classes?: ClassEntry[];
}
/** A task threw. */
export interface ErrMessage {
  t: "err";
  id: number;
  error: EncodedThrown;
}
/**
 * A chunk ran: the values of the items before the first failure (packed when they are all
 * numbers), and that failure if any.
 */
export interface ChunkDoneMessage {
  t: "chunk-done";
  id: number;
  values: Packed;
  failed?: { index: number; error: EncodedThrown };
  classes?: ClassEntry[];
}

/**
 * Thread pools: the worker holds work `id` ahead but leaves it unstarted, since an older task waits
 * behind a slow one in another worker (see `_sent_ahead.ts`). The host answers with that older task,
 * taken back and sent to this worker, or with `resume`.
 */
export interface YieldMessage {
  t: "yield";
  id: number;
}

/** Any message a worker sends. */
export type WorkerMessage =
  | HelloMessage
  | ReadyMessage
  | InitErrorMessage
  | OkMessage
  | ErrMessage
  | ChunkDoneMessage
  | YieldMessage;

/** A worker's replies to the quick tasks of one batch, in one message (see `BatchMessage`). */
export type ReplyBatchMessage = BatchMessage<OkMessage | ErrMessage | ChunkDoneMessage>;

/**
 * Several messages in one, to be handled in order. A pool's host sends each worker what the
 * replies it read at one time freed up as one message (a thread pool: all it sends in one run of
 * its code): one write, one wake-up of the worker; and a worker answers the quick tasks of such a
 * batch in one message too (workers/_worker_loop.ts).
 */
export interface BatchMessage<M> {
  t: "batch";
  messages: M[];
}

// ── host → worker ───────────────────────────────────────────────────────────────────────────────

/** Sent once, after `hello`. */
export interface InitMessage {
  t: "init";
  v: number;
  transport: Transport;
  initializer?: FunctionSpec;
  initargs: unknown[];
  /** The pool's `modules`: the worker imports them, to know the classes sent by reference. */
  modules?: string[];
  /**
   * Thread pools: the claim cells of work sent ahead (see `_sent_ahead.ts`), shared with the
   * host, which takes back work a worker has not started when another worker is idle.
   */
  claims?: SharedClaims;
}
/**
 * Run one function. `key` names the function; `spec` is sent only the first time a worker sees
 * `key`, after which the worker uses its compiled copy.
 */
export interface TaskMessage {
  t: "task";
  id: number;
  key: string;
  spec?: FunctionSpec;
  args: unknown[];
  /** A `partial()`'s bound values: the function is called with them before `args`. */
  b?: unknown[];
  classes?: ClassEntry[];
  /** Sent ahead to a busy worker: its claim cell, which the worker must win before it starts. */
  c?: number;
  /** With `c`: the tag the worker must find in that cell. */
  g?: number;
  /** With `c`: its ticket, its place in submission order (see `_sent_ahead.ts`). */
  k?: number;
}
/**
 * Run one function over several argument lists, in order, stopping at the first failure. When
 * every list has one argument (map), `items` holds the arguments themselves, which is cheaper to
 * send than as many one-element arrays (and packed, when they are all numbers). `b`, as in a task:
 * a `partial()`'s bound values, passed before each call's arguments.
 */
export type ChunkMessage =
  & {
    t: "chunk";
    id: number;
    key: string;
    spec?: FunctionSpec;
    b?: unknown[];
    classes?: ClassEntry[];
    c?: number;
    g?: number;
    k?: number;
  }
  & ({ argLists: unknown[][]; items?: undefined } | { items: Packed; argLists?: undefined });
/**
 * Drop the compiled copies of these functions (the oldest a worker was sent), so that a pool fed
 * ever new function sources does not grow without end; the host sends a key's `spec` again if it
 * needs it later. Handled in order with tasks: work sent before it still finds its function.
 */
export interface ForgetMessage {
  t: "forget";
  keys: string[];
}
/** Finish and exit. */
export interface ExitMessage {
  t: "exit";
}
/** The answer to a `yield` when no older task could be taken back: start the held work now. */
export interface ResumeMessage {
  t: "resume";
}

/** Any message a host sends. */
export type HostMessage =
  | InitMessage
  | TaskMessage
  | ChunkMessage
  | ForgetMessage
  | ExitMessage
  | ResumeMessage
  | BatchMessage<HostMessage>;

// ── encoding ────────────────────────────────────────────────────────────────────────────────────

/**
 * The message that sends unit `id` to a worker under function `key` (without the spec, which the
 * caller adds when the worker lacks it): a task's arguments, or a chunk's items or argument lists,
 * and, for work held ahead in a claim cell (`unit.cell`), what the worker needs to claim it. Each shape is one object literal, so that building a
 * message adds no property to it in the common cases (each added one costs the engine a step).
 */
export function workMessage(
  id: number,
  kind: UnitKind,
  key: string,
  payload: unknown[],
  unit: SentAhead,
): TaskMessage | ChunkMessage {
  const cell = unit.cell;
  if (kind === "task") {
    if (cell === undefined) return { t: "task", id, key, args: payload };
    return { t: "task", id, key, args: payload, c: cell, g: unit.tag, k: unit.ticket! };
  }
  let message: ChunkMessage;
  if (kind === "items") message = { t: "chunk", id, key, items: pack(payload) };
  else message = chunkOfArgLists(id, key, payload as unknown[][]);
  if (cell !== undefined) {
    message.c = cell;
    message.g = unit.tag;
    message.k = unit.ticket!;
  }
  return message;
}

// A chunk whose argument lists all have one argument travels as the arguments themselves.
function chunkOfArgLists(id: number, key: string, argLists: unknown[][]): ChunkMessage {
  const items = new Array(argLists.length);
  for (let i = 0; i < argLists.length; i++) {
    const args = argLists[i]!;
    if (args.length !== 1) return { t: "chunk", id, key, argLists };
    items[i] = args[0];
  }
  return { t: "chunk", id, key, items: pack(items) };
}

/**
 * Settle a unit's future from its worker's reply: with the task's value, what it threw, or the
 * chunk's outcome. Instances of classes sent by reference get their prototypes back first; a
 * class that cannot be found fails the future with a `TypeError` naming it. An error's stack gets
 * the caller's frames appended (`_submit_site.ts`).
 *
 * @param item The unit: its future (not done yet) and its function's submit site.
 * @param message The worker's reply.
 */
export function settleFromReply(
  item: { readonly future: Future<unknown>; readonly site: SubmitSite | undefined },
  message: OkMessage | ErrMessage | ChunkDoneMessage,
): void {
  const { future } = item;
  if (message.t === "err") {
    const error = decodeThrown(message.error);
    addCallerFrames(item.site, error);
    return future.setException(error);
  }
  if (message.classes !== undefined) {
    try {
      reviveClasses(message, message.classes);
    } catch (error) {
      return future.setException(error);
    }
  }
  if (message.t === "ok") return future.setResult(message.value);
  const outcome = chunkOutcome(message);
  if (outcome.error !== undefined) addCallerFrames(item.site, outcome.error.error);
  future.setResult(outcome);
}

/** What a `chunk-done` message reports, as map() reads it. */
export function chunkOutcome(message: ChunkDoneMessage): ChunkOutcome {
  const { values, failed } = message;
  return failed === undefined
    ? { values }
    : { values, error: { index: failed.index, error: decodeThrown(failed.error) } };
}
