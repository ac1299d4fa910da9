// Copyright 2026 the concurrent-futures authors. MIT license.
// A worker's start: check the host's protocol version, run the pool's initializer, say ready.
// Runtime-neutral.

import { type ClassRef, indexClasses } from "../lib/_classes.ts";
import { compileFunction } from "../lib/_function_table.ts";
import { type InitMessage, PROTOCOL_VERSION } from "../lib/_protocol.ts";
import type { Replies } from "./_replies.ts";

/**
 * Answer the host's `init`: `ready` once the pool's modules are imported (to know their classes,
 * which cross by reference) and the initializer (if any) has run, else `init-error` with what it
 * threw, which breaks the pool. A module that cannot be imported is skipped here: a function sent
 * by reference from it fails its task with the import error, as it would without classes.
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
    if (message.modules !== undefined) replies.classes = await importClasses(message.modules);
    if (message.initializer) {
      const initializer = await compileFunction(message.initializer);
      await initializer(...message.initargs);
    }
    replies.ready();
  } catch (error) {
    replies.initError(error);
  }
}

async function importClasses(urls: string[]): Promise<Map<object, ClassRef> | undefined> {
  const classes = new Map<object, ClassRef>();
  const namespaces = await Promise.allSettled(urls.map((url) => import(url)));
  namespaces.forEach((namespace, i) => {
    if (namespace.status === "fulfilled") indexClasses(urls[i]!, namespace.value, classes);
  });
  return classes.size > 0 ? classes : undefined;
}
