// Copyright 2026 the concurrent-futures authors. MIT license.
// A worker's start: check the host's protocol version, run the pool's initializer, say ready.
// Runtime-neutral.

import { compileFunction } from "../lib/_function_table.ts";
import { type InitMessage, PROTOCOL_VERSION } from "../lib/_protocol.ts";
import type { Replies } from "./_replies.ts";

/**
 * Answer the host's `init`: `ready` once the initializer (if any) has run, else `init-error` with
 * what it threw, which breaks the pool.
 *
 * @param message The host's `init`.
 * @param replies Where the answer goes (its transport already set from `message`).
 */
export async function initialize(message: InitMessage, replies: Replies): Promise<void> {
  if (message.v !== PROTOCOL_VERSION) {
    replies.initError(new Error(`protocol version ${message.v} is not ${PROTOCOL_VERSION}`));
    return;
  }
  try {
    if (message.initializer) {
      const initializer = await compileFunction(message.initializer);
      await initializer(...message.initargs);
    }
    replies.ready();
  } catch (error) {
    replies.initError(error);
  }
}
