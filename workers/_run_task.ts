// Copyright 2026 the concurrent-futures authors. MIT license.
// Running one task in a worker: call its function, reply with the result or what it threw.
// Runtime-neutral.

import { reviveClasses } from "../lib/_classes.ts";
import type { WorkerFunctionTable } from "../lib/_function_table.ts";
import type { TaskMessage } from "../lib/_protocol.ts";
import type { Replies } from "./_replies.ts";

/**
 * Run a task and reply. A task that finishes synchronously (the common case) is answered at once,
 * with no promise in between; a promise is returned only when it could not (an async function, a
 * module still loading), settling once the reply is sent.
 *
 * @param message The task.
 * @param functions The worker's functions; the message's spec, if any, is defined there first.
 * @param replies Where the result or the error goes.
 * @returns `undefined` if the reply was sent, else a promise of it.
 */
export function runTask(
  message: TaskMessage,
  functions: WorkerFunctionTable,
  replies: Replies,
): Promise<void> | undefined {
  try {
    if (message.spec !== undefined) functions.define(message.key, message.spec);
    if (message.classes !== undefined) reviveClasses(message, message.classes);
    const fn = functions.get(message.key);
    const args = message.b === undefined ? message.args : [...message.b, ...message.args];
    if (fn instanceof Promise) {
      return finishTask(message.id, fn.then((f) => f(...args)), replies);
    }
    const value = fn(...args);
    if (isThenable(value)) return finishTask(message.id, value, replies);
    replies.result(message.id, value);
  } catch (error) {
    replies.error(message.id, error);
  }
  return undefined;
}

async function finishTask(
  id: number,
  pending: PromiseLike<unknown>,
  replies: Replies,
): Promise<void> {
  try {
    replies.result(id, await pending);
  } catch (error) {
    replies.error(id, error);
  }
}

/**
 * Whether `value` is to be awaited (has a `then` method), as `await` would.
 *
 * @param value A function's return value.
 * @returns Whether it is a thenable.
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function";
}
