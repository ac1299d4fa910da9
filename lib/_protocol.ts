// Copyright 2026 the concurrent-futures authors. MIT license.
// Every message between a host and its workers; imported by both sides. Runtime-neutral.

import type { FunctionSpec } from "./_function_source.ts";
import type { Packed } from "./_packed.ts";
import type { EncodedThrown, Transport } from "./_serialize.ts";

/** Bumped whenever a message changes shape; host and worker must agree. */
export const PROTOCOL_VERSION = 4;

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
}

/** Any message a worker sends. */
export type WorkerMessage =
  | HelloMessage
  | ReadyMessage
  | InitErrorMessage
  | OkMessage
  | ErrMessage
  | ChunkDoneMessage;

/**
 * Several messages in one, to be handled in order. A process pool's host sends each child what
 * the replies it read at one time freed up as one message: one write, one wake-up of the child.
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
  /**
   * Thread pools: the claim cells of work sent ahead (see {@linkcode claimTag}), shared with the
   * host, which takes back work a worker has not started when another worker is idle.
   */
  claims?: Int32Array;
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
  /** Sent ahead to a busy worker: its claim cell, which the worker must win before it starts. */
  c?: number;
}
/**
 * Run one function over several argument lists, in order, stopping at the first failure. When
 * every list has one argument (map), `items` holds the arguments themselves, which is cheaper to
 * send than as many one-element arrays (and packed, when they are all numbers).
 */
export type ChunkMessage =
  & { t: "chunk"; id: number; key: string; spec?: FunctionSpec; c?: number }
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

/** Any message a host sends. */
export type HostMessage =
  | InitMessage
  | TaskMessage
  | ChunkMessage
  | ForgetMessage
  | ExitMessage
  | BatchMessage<HostMessage>;

/**
 * The value a claim cell holds while the work `id` sent ahead is neither started nor taken back.
 * The worker starts it only if it swaps this for {@linkcode CLAIM_STARTED}; the host takes it back
 * only if it swaps this for 0. Exactly one of the two wins.
 */
export function claimTag(id: number): number {
  return (id % 0x3fffffff) + 1;
}

/** A claim cell's value once its worker has started the work. */
export const CLAIM_STARTED = -1;
