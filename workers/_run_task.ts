// Copyright 2026 the concurrent-futures authors. MIT license.
// The worker loop, shared by thread and process workers: compile or import the function, call it,
// send back the result or the encoded error. Runtime-neutral: it only sees a HostPort.

import type { FunctionSpec } from "../lib/_function_source.ts";
import {
  type ChunkMessage,
  type ForgetMessage,
  type HostMessage,
  type InitMessage,
  PROTOCOL_VERSION,
  type TaskMessage,
  type WorkerMessage,
} from "../lib/_protocol.ts";
import {
  describeCloneFailure,
  encodeThrown,
  findUncloneable,
  type Transport,
} from "../lib/_serialize.ts";
import { CLAIM_STARTED, claimTag } from "../lib/_sent_ahead.ts";
import { SerializationError } from "../lib/errors.ts";
import { pack } from "../lib/_packed.ts";
import type { HostPort } from "../lib/runtime/types.ts";

type Callable = (...args: unknown[]) => unknown;

/** Serve tasks from the host on `port` until told to exit. */
export function serve(port: HostPort): void {
  const functions = new Map<string, Callable | Promise<Callable>>();
  let transport: Transport = "structured";
  // Tasks run one at a time, in arrival order (a process worker may be sent one ahead). A task that
  // finishes synchronously (the common case) is answered at once, with no promise in between; one
  // that has to wait (an async function, a module still loading) holds later tasks in `backlog`.
  const backlog: (TaskMessage | ChunkMessage | ForgetMessage)[] = [];
  let busy = false;
  // Thread pools: work sent ahead runs only if this worker claims it before the host takes it
  // back for an idle worker; taken back, it is dropped without a reply.
  let claims: Int32Array | undefined;
  const claim = (message: TaskMessage | ChunkMessage): boolean => {
    if (message.c === undefined || claims === undefined) return true;
    const tag = claimTag(message.id);
    return Atomics.compareExchange(claims, message.c, tag, CLAIM_STARTED) === tag;
  };

  // Functions whose spec came with work the host took back before it started: the host counts
  // them as sent, so later work names them by key only.
  const unclaimed = new Map<string, FunctionSpec>();
  const resolve = (key: string, spec: FunctionSpec | undefined): Callable | Promise<Callable> => {
    let fn = functions.get(key);
    if (fn === undefined) {
      spec ??= unclaimed.get(key);
      unclaimed.delete(key);
      if (spec === undefined) throw new Error(`protocol error: unknown function ${key}`);
      const loading = fn = load(spec);
      functions.set(key, fn);
      if (loading instanceof Promise) {
        // Unless forgotten meanwhile.
        const settle = (loaded?: Callable) => {
          if (functions.get(key) !== loading) return;
          if (loaded) functions.set(key, loaded);
          else functions.delete(key);
        };
        loading.then(settle, () => settle());
      }
    }
    return fn;
  };

  // Every reply leaves at once: a task's result must not wait for the next task to finish.
  const send = (message: WorkerMessage, onError?: (error: unknown) => void) => {
    if (onError === undefined) {
      port.post(message);
      return;
    }
    try {
      port.post(message);
    } catch (error) {
      onError(error);
    }
  };

  const sendResult = (id: number, value: unknown) => {
    const bad = findUncloneable(value, transport, "result");
    if (bad) {
      return sendError(id, new SerializationError(`${bad.path} ${bad.reason}`, { path: bad.path }));
    }
    send(
      { t: "ok", id, value },
      (error) => sendError(id, describeCloneFailure(value, transport, "result", error)),
    );
  };
  const sendError = (id: number, error: unknown) => {
    send({ t: "err", id, error: encodeThrown(error, transport) });
  };

  // Run a task; a promise is returned only when it could not finish synchronously.
  const runTask = (message: TaskMessage): Promise<void> | undefined => {
    try {
      const fn = resolve(message.key, message.spec);
      if (fn instanceof Promise) return finishTask(message.id, fn.then((f) => f(...message.args)));
      const value = fn(...message.args);
      if (isThenable(value)) return finishTask(message.id, value);
      sendResult(message.id, value);
    } catch (error) {
      sendError(message.id, error);
    }
    return undefined;
  };
  const finishTask = async (id: number, pending: PromiseLike<unknown>): Promise<void> => {
    try {
      sendResult(id, await pending);
    } catch (error) {
      sendError(id, error);
    }
  };

  const checkResult = (value: unknown) => {
    const bad = findUncloneable(value, transport, "result");
    if (bad) throw new SerializationError(`${bad.path} ${bad.reason}`, { path: bad.path });
  };

  // Run a chunk's items in order, stopping at the first failure; as runTask, synchronously until
  // an item has to be awaited.
  const runChunk = (message: ChunkMessage): Promise<void> | undefined => {
    const values: unknown[] = [];
    let fn: Callable | Promise<Callable>;
    try {
      fn = resolve(message.key, message.spec);
    } catch (error) {
      replyChunk(message, values, { index: 0, error });
      return undefined;
    }
    if (fn instanceof Promise) return finishChunk(message, values, fn, 0, undefined);
    const { argLists, items } = message;
    const length = items === undefined ? argLists.length : items.length;
    for (let i = 0; i < length; i++) {
      try {
        const value = items === undefined ? fn(...argLists[i]!) : fn(items[i]);
        if (isThenable(value)) return finishChunk(message, values, fn, i, value);
        checkResult(value);
        values.push(value);
      } catch (error) {
        replyChunk(message, values, { index: values.length, error });
        return undefined;
      }
    }
    replyChunk(message, values, undefined);
    return undefined;
  };
  // The rest of a chunk from item `start`, whose value (if it was already called) is `first`.
  const finishChunk = async (
    message: ChunkMessage,
    values: unknown[],
    fn: Callable | Promise<Callable>,
    start: number,
    first: PromiseLike<unknown> | undefined,
  ): Promise<void> => {
    let failed: { index: number; error: unknown } | undefined;
    try {
      const callable = fn instanceof Promise ? await fn : fn;
      const { argLists, items } = message;
      const length = items === undefined ? argLists.length : items.length;
      for (let i = start; i < length; i++) {
        try {
          let value = i === start && first !== undefined
            ? first
            : items === undefined
            ? callable(...argLists[i]!)
            : callable(items[i]);
          if (isThenable(value)) value = await value;
          checkResult(value);
          values.push(value);
        } catch (error) {
          failed = { index: values.length, error };
          break;
        }
      }
    } catch (error) {
      failed = { index: 0, error };
    }
    replyChunk(message, values, failed);
  };
  const replyChunk = (
    message: ChunkMessage,
    values: unknown[],
    failed: { index: number; error: unknown } | undefined,
  ) => {
    const packed = pack(values);
    const reply: WorkerMessage = failed === undefined
      ? { t: "chunk-done", id: message.id, values: packed }
      : {
        t: "chunk-done",
        id: message.id,
        values: packed,
        failed: { index: failed.index, error: encodeThrown(failed.error, transport) },
      };
    send(
      reply,
      (error) => sendError(message.id, describeCloneFailure(values, transport, "result", error)),
    );
  };

  const forget = (keys: string[]): void => {
    for (const key of keys) {
      functions.delete(key);
      unclaimed.delete(key);
    }
  };

  const run = (message: TaskMessage | ChunkMessage | ForgetMessage): void => {
    if (message.t === "forget") return forget(message.keys);
    if (!claim(message)) {
      if (message.spec && !functions.has(message.key)) unclaimed.set(message.key, message.spec);
      return;
    }
    const pending = message.t === "task" ? runTask(message) : runChunk(message);
    if (pending === undefined) return;
    busy = true;
    void pending.then(next);
  };
  const next = (): void => {
    busy = false;
    while (!busy && backlog.length > 0) run(backlog.shift()!);
  };

  const init = async (message: InitMessage) => {
    transport = message.transport;
    claims = message.claims;
    if (message.v !== PROTOCOL_VERSION) {
      const error = new Error(`protocol version ${message.v} is not ${PROTOCOL_VERSION}`);
      port.post({ t: "init-error", error: encodeThrown(error, transport) });
      return;
    }
    try {
      if (message.initializer) {
        const initializer = await load(message.initializer);
        await initializer(...message.initargs);
      }
      port.post({ t: "ready" });
    } catch (error) {
      port.post({ t: "init-error", error: encodeThrown(error, transport) });
    }
  };

  const receive = (message: HostMessage): void => {
    switch (message.t) {
      case "task":
      case "chunk":
      case "forget": // in order: work before it may still need what it names
        if (busy) backlog.push(message);
        else run(message);
        break;
      case "batch":
        for (const inner of message.messages) receive(inner);
        break;
      case "init":
        void init(message);
        break;
      case "exit":
        port.exit(0);
        break;
    }
  };
  port.listen((raw) => receive(raw as HostMessage));
  port.post({ t: "hello", v: PROTOCOL_VERSION });
}

// Compile a function shipped by source, or import one shipped by reference.
function load(spec: FunctionSpec): Callable | Promise<Callable> {
  if (spec.kind === "source") {
    const fn = (0, eval)(`(${spec.source})`);
    if (typeof fn !== "function") throw new TypeError("the shipped source is not a function");
    return fn as Callable;
  }
  return import(spec.url).then((module) => {
    const fn = module[spec.name];
    if (typeof fn !== "function") {
      throw new TypeError(`${spec.url} has no exported function \`${spec.name}\``);
    }
    return fn as Callable;
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function";
}
