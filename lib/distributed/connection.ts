// Copyright 2026 the concurrent-futures authors. MIT license.
// The NATS side shared by DistributedExecutor and the worker: the options both take (servers,
// credentials, TLS, stream and subject names), their validation, the connection, and the
// JetStream streams and consumer that both sides make sure exist. The NATS client packages are
// pure JavaScript and run unchanged on Deno, Bun and Node.

import {
  connect as natsConnect,
  type NatsConnection,
  nkeyAuthenticator,
  type NodeConnectionOptions,
} from "@nats-io/transport-node";
import {
  AckPolicy,
  JetStreamApiError,
  type JetStreamManager,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from "@nats-io/jetstream";
import { checkOptions, suggest } from "../_options.ts";
import { describe } from "../_pool_options.ts";

/** TLS settings for the connection to NATS (PEM text or file paths). */
export interface DistributedTlsOptions {
  /** The CA certificate that signed the server's certificate, as a file path. */
  caFile?: string;
  /** The CA certificate, as PEM text. */
  ca?: string;
  /** The client certificate, for servers that verify clients, as a file path. */
  certFile?: string;
  /** The client certificate, as PEM text. */
  cert?: string;
  /** The client certificate's private key, as a file path. */
  keyFile?: string;
  /** The client certificate's private key, as PEM text. */
  key?: string;
  /** Start TLS before the NATS handshake (servers with `handshake_first`). @default {false} */
  handshakeFirst?: boolean;
}

/**
 * How to reach NATS and where the work queue lives; {@linkcode DistributedExecutor} and the
 * worker take the same ones. Stream, subject and consumer names must match between submitters and
 * workers; their defaults do.
 */
export interface ConnectionOptions {
  /** NATS server URL(s), e.g. `"nats://10.0.0.5:4222"` or `["nats://a:4222", "nats://b:4222"]`. */
  servers: string | string[];
  /** User name, with `pass`. */
  user?: string;
  /** Password, with `user`. */
  pass?: string;
  /** An authentication token. */
  token?: string;
  /** An nkey seed (`"SU…"`): the client signs the server's nonce with it. */
  nkeySeed?: string;
  /** TLS: server verification and client certificates. */
  tls?: DistributedTlsOptions;
  /** The connection's name, as the server shows it. */
  name?: string;
  /** Milliseconds to wait for the first connection. @default {5000} */
  connectTimeout?: number;
  /**
   * Reconnection attempts after a lost connection (`-1`: forever); when they run out, the
   * executor is broken and its unfinished futures fail. @default {10}
   */
  maxReconnectAttempts?: number;
  /** Milliseconds between reconnection attempts. @default {2000} */
  reconnectTimeWait?: number;
  /** The JetStream stream that holds the tasks (a work queue). @default {"CF_TASKS"} */
  stream?: string;
  /** The subject tasks are published on. @default {"cf.tasks"} */
  subject?: string;
  /** The stream that holds the results. @default {"CF_RESULTS"} */
  resultStream?: string;
  /**
   * The subject prefix of results: a result is published on `<prefix>.<submitter>.<task>`.
   * @default {"cf.results"}
   */
  resultSubject?: string;
  /** The durable consumer that workers share. @default {"cf-workers"} */
  consumer?: string;
  /**
   * Milliseconds a worker may hold a task without a sign of life before JetStream gives it to
   * another worker (workers send one every third of it while a task runs). Used when the consumer
   * is created, and to update it when set explicitly. @default {30000}
   */
  ackWait?: number;
  /** Milliseconds the result stream keeps a result. @default {3600000} (one hour) */
  resultTtl?: number;
}

/** The validated options with the names filled in. */
export interface Resolved {
  servers: string[];
  nats: NodeConnectionOptions;
  stream: string;
  subject: string;
  resultStream: string;
  resultSubject: string;
  consumer: string;
  ackWait: number | undefined;
  resultTtl: number;
}

/** The option names of {@linkcode ConnectionOptions}. */
export const CONNECTION_OPTIONS: readonly string[] = [
  "servers",
  "user",
  "pass",
  "token",
  "nkeySeed",
  "tls",
  "name",
  "connectTimeout",
  "maxReconnectAttempts",
  "reconnectTimeWait",
  "stream",
  "subject",
  "resultStream",
  "resultSubject",
  "consumer",
  "ackWait",
  "resultTtl",
];

const TLS_OPTIONS = ["caFile", "ca", "certFile", "cert", "keyFile", "key", "handshakeFirst"];

/**
 * Validate `options` (refusing names not in `known`) and resolve the connection settings.
 *
 * @param options What the caller passed.
 * @param known Every option name the caller accepts.
 * @param what The receiver, for messages: `"DistributedExecutor"`.
 * @returns The resolved settings.
 * @throws {TypeError} Naming the option that is unknown, missing or of the wrong type.
 */
export function resolveOptions(
  options: unknown,
  known: readonly string[],
  what: string,
): Resolved {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`${what} options must be an object with at least \`servers\``);
  }
  const opts = options as Record<string, unknown>;
  checkOptions(opts, known, what);
  const servers = typeof opts.servers === "string" ? [opts.servers] : opts.servers;
  if (
    !Array.isArray(servers) || servers.length === 0 ||
    servers.some((s) => typeof s !== "string" || s === "")
  ) {
    throw new TypeError(
      `${what}: servers must be a URL or a non-empty array of URLs, got ${describe(opts.servers)}`,
    );
  }
  const string = (key: string, pattern?: RegExp): string | undefined => {
    const value = opts[key];
    if (value === undefined) return undefined;
    if (typeof value !== "string" || value === "") {
      throw new TypeError(`${what}: ${key} must be a non-empty string, got ${describe(value)}`);
    }
    if (pattern && !pattern.test(value)) {
      throw new TypeError(`${what}: ${key} ${JSON.stringify(value)} must match ${pattern}`);
    }
    return value;
  };
  const number = (key: string, min: number): number | undefined => {
    const value = opts[key];
    if (value === undefined) return undefined;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
      throw new TypeError(`${what}: ${key} must be an integer >= ${min}, got ${describe(value)}`);
    }
    return value;
  };
  const nats: NodeConnectionOptions = { servers: servers as string[] };
  const user = string("user");
  const pass = string("pass");
  if ((user === undefined) !== (pass === undefined)) {
    throw new TypeError(`${what}: user and pass go together`);
  }
  if (user !== undefined) nats.user = user;
  if (pass !== undefined) nats.pass = pass;
  const token = string("token");
  if (token !== undefined) nats.token = token;
  const seed = string("nkeySeed", /^S[A-Z2-7]+$/);
  if (seed !== undefined) nats.authenticator = nkeyAuthenticator(new TextEncoder().encode(seed));
  const name = string("name");
  if (name !== undefined) nats.name = name;
  nats.timeout = number("connectTimeout", 1) ?? 5000;
  const attempts = number("maxReconnectAttempts", -1);
  if (attempts !== undefined) nats.maxReconnectAttempts = attempts;
  const wait = number("reconnectTimeWait", 0);
  if (wait !== undefined) nats.reconnectTimeWait = wait;
  if (opts.tls !== undefined) nats.tls = resolveTls(opts.tls, what);
  const TOKEN = /^[A-Za-z0-9_-]+$/;
  const SUBJECT = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
  return {
    servers: servers as string[],
    nats,
    stream: string("stream", TOKEN) ?? "CF_TASKS",
    subject: string("subject", SUBJECT) ?? "cf.tasks",
    resultStream: string("resultStream", TOKEN) ?? "CF_RESULTS",
    resultSubject: string("resultSubject", SUBJECT) ?? "cf.results",
    consumer: string("consumer", TOKEN) ?? "cf-workers",
    ackWait: number("ackWait", 1000),
    resultTtl: number("resultTtl", 1000) ?? 3_600_000,
  };
}

function resolveTls(tls: unknown, what: string): NonNullable<NodeConnectionOptions["tls"]> {
  if (typeof tls !== "object" || tls === null || Array.isArray(tls)) {
    throw new TypeError(`${what}: tls must be an object, got ${describe(tls)}`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(tls)) {
    if (!TLS_OPTIONS.includes(key)) {
      const guess = suggest(key, TLS_OPTIONS);
      const hint = guess === undefined ? "" : ` (did you mean tls.${guess}?)`;
      throw new TypeError(
        `${what}: unknown option "tls.${key}"${hint}; known tls options: ${TLS_OPTIONS.join(", ")}`,
      );
    }
    if (key === "handshakeFirst" ? typeof value !== "boolean" : typeof value !== "string") {
      throw new TypeError(`${what}: tls.${key} has the wrong type: ${describe(value)}`);
    }
    out[key] = value;
  }
  return out as NonNullable<NodeConnectionOptions["tls"]>;
}

/**
 * Connect, failing with a message that names the servers.
 *
 * @param resolved The settings.
 * @returns The connection.
 */
export async function connect(resolved: Resolved): Promise<NatsConnection> {
  try {
    return await natsConnect(resolved.nats);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new Error(`could not connect to NATS at ${resolved.servers.join(", ")}: ${why}`, {
      cause,
    });
  }
}

/**
 * Make sure the task stream, the result stream and (for workers) the shared consumer exist. A
 * client without the rights to look them up (a least-privilege account) assumes an administrator
 * created them.
 *
 * @param nc The connection.
 * @param resolved The settings.
 * @param consumer The workers' consumer: created if missing (`"create"`, submitters), and also
 * updated to an explicit `ackWait` (`"update"`, workers, whose heartbeats follow it).
 * @returns The JetStream manager.
 */
export async function ensureQueue(
  nc: NatsConnection,
  resolved: Resolved,
  consumer: "create" | "update",
): Promise<JetStreamManager> {
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  await ensureStream(jsm, resolved.stream, {
    name: resolved.stream,
    subjects: [resolved.subject],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
  });
  await ensureStream(jsm, resolved.resultStream, {
    name: resolved.resultStream,
    subjects: [`${resolved.resultSubject}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: resolved.resultTtl * 1_000_000,
  });
  {
    const ackWait = (resolved.ackWait ?? 30_000) * 1_000_000;
    try {
      const info = await jsm.consumers.info(resolved.stream, resolved.consumer);
      if (
        consumer === "update" && resolved.ackWait !== undefined && info.config.ack_wait !== ackWait
      ) {
        await jsm.consumers.update(resolved.stream, resolved.consumer, { ack_wait: ackWait });
      }
    } catch (error) {
      if (!isNotFound(error)) {
        if (isPermission(error)) return jsm;
        throw error;
      }
      await jsm.consumers.add(resolved.stream, {
        durable_name: resolved.consumer,
        ack_policy: AckPolicy.Explicit,
        ack_wait: ackWait,
        max_ack_pending: -1,
      });
    }
  }
  return jsm;
}

async function ensureStream(
  jsm: JetStreamManager,
  name: string,
  config: Parameters<JetStreamManager["streams"]["add"]>[0],
): Promise<void> {
  try {
    await jsm.streams.info(name);
  } catch (error) {
    if (isNotFound(error)) {
      try {
        await jsm.streams.add(config);
      } catch (added) {
        // Another client created it meanwhile: the server then answers "stream name already in
        // use" (10058) or, while that creation is still under way, "subjects overlap with an
        // existing stream" (10065). Either way the stream is there now; if it is not, the error
        // stands (a stream of another name holds these subjects).
        if (!(added instanceof JetStreamApiError) || !await streamExists(jsm, name)) throw added;
      }
      return;
    }
    if (isPermission(error)) return;
    throw error;
  }
}

async function streamExists(jsm: JetStreamManager, name: string): Promise<boolean> {
  try {
    await jsm.streams.info(name);
    return true;
  } catch {
    return false;
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && (error.code === 10059 || error.code === 10014);
}

function isPermission(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  return /permission|authorization/i.test(text);
}

/**
 * Whether a failed publish may succeed if tried again: the connection is being re-established,
 * or the server did not answer in time. Not so for a refused or oversized message.
 *
 * @param error What the publish threw.
 * @returns True if it is worth another try.
 */
export function isTransient(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  if (/permission|authorization|max_payload|maximum payload/i.test(text)) return false;
  return /timeout|timed out|disconnect|reconnect|no responders|503|connection/i.test(text);
}
