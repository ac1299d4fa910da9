// Copyright 2026 the concurrent-futures authors. MIT license.
// This module is runtime-neutral: what travels between a submitter and the workers, in the bodies
// of NATS messages (encoded by _codec.ts).

import type { FunctionSpec } from "../_function_source.ts";
import type { EncodedThrown } from "../_serialize.ts";

/** The version of these messages; a worker refuses others. */
export const MESSAGE_VERSION = 1;

/** What a unit of work is: one call, or a chunk of map's items or starmap's argument lists. */
export type UnitKind = "task" | "items" | "argLists";

/** A task, published on the task subject. */
export interface TaskBody {
  v: number;
  /** The submitter's id: the results go to `<resultSubject>.<s>.<id>`. */
  s: string;
  /** The task's id, unique for its submitter. */
  id: number;
  k: UnitKind;
  f: FunctionSpec;
  /** The arguments (a task), or the items or argument lists (a chunk). */
  a: unknown[];
}

/** A chunk's outcome: the values up to the first failing item. */
export interface ChunkBody {
  values: unknown[];
  failed?: { index: number; error: EncodedThrown };
}

/** What a worker publishes for a task. */
export type ResultBody =
  /** The task has started (published without waiting for an acknowledgement). */
  | { t: "start" }
  | { t: "ok"; value: unknown }
  | { t: "err"; error: EncodedThrown }
  | { t: "chunk"; outcome: ChunkBody };

/** A submitter id: letters and digits, a valid NATS subject token. */
export const SUBMITTER_ID = /^[A-Za-z0-9]{8,64}$/;
