#!/usr/bin/env node
// Copyright 2026 the concurrent-futures authors. MIT license.
// The worker program of DistributedExecutor:
//
//   deno run -A jsr:@concurrent/futures/worker --servers nats://HOST:4222
//   npx concurrent-futures-worker --servers nats://HOST:4222      (bunx: the same)
//   deno run -A workers/distributed_worker.ts --servers …         (from a checkout)
//
// Run with --help for the options. SIGTERM or SIGINT: stop taking tasks and let the running ones
// finish (a second signal gives them back to the queue at once).

import { startWorker, type WorkerOptions } from "../lib/distributed/worker.ts";
import { exitProgram, onTerminate, programArgs, programEnv } from "../lib/runtime/program.ts";

const HELP = `concurrent-futures-worker: runs the tasks of @concurrent/futures DistributedExecutors

  --servers URL[,URL]     NATS server(s) (env NATS_URL), e.g. nats://10.0.0.5:4222
  --user NAME             user name (env NATS_USER); the password from env NATS_PASS or --pass
  --pass PASSWORD         password (prefer env NATS_PASS: arguments are visible to other users)
  --token TOKEN           token (env NATS_TOKEN)
  --nkey-seed SEED        nkey seed SU… (env NATS_NKEY_SEED)
  --tls-ca FILE           CA certificate of the server
  --tls-cert FILE         client certificate     --tls-key FILE   its private key
  --concurrency N         tasks at once, the size of the local pool (default: the CPU count)
  --modules A[,B]         modules to preload; with --no-source the only functions run
  --threads               run tasks in a thread pool instead of a process pool
  --no-source             refuse functions sent by source
  --ack-wait MS           redelivery window of the workers' consumer (default 30000)
  --grace MS              on SIGTERM, give running tasks this long, then return them to the queue
  --stream, --subject, --result-stream, --result-subject, --consumer NAME   queue names
  --reconnect-wait MS     between reconnection attempts (default 2000)
  --max-reconnect N       reconnection attempts before giving up, -1 forever (default 10)
  --name NAME             connection name
  --runtime-arg FLAG      a flag for the local process pool's children (repeatable)
`;

function parse(args: string[]): { options: WorkerOptions; grace: number | undefined } {
  const options: Record<string, unknown> = {};
  let grace: number | undefined;
  const list = (value: string) => value.split(",").filter((s) => s !== "");
  const integer = (flag: string, value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new TypeError(`${flag} must be an integer, got ${value}`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    let flag = args[i]!;
    let value: string | undefined;
    const eq = flag.indexOf("=");
    if (flag.startsWith("--") && eq > 0) {
      value = flag.slice(eq + 1);
      flag = flag.slice(0, eq);
    }
    const take = () => {
      if (value !== undefined) return value;
      const next = args[++i];
      if (next === undefined) throw new TypeError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case "--help":
      case "-h":
        console.log(HELP);
        exitProgram(0);
        break;
      case "--servers":
        options.servers = [...(options.servers as string[] ?? []), ...list(take())];
        break;
      case "--modules":
        options.modules = [...(options.modules as string[] ?? []), ...list(take())];
        break;
      case "--runtime-arg":
        options.runtimeArgs = [...(options.runtimeArgs as string[] ?? []), take()];
        break;
      case "--threads":
        options.threads = true;
        break;
      case "--no-source":
        options.noSource = true;
        break;
      case "--concurrency":
        options.concurrency = integer(flag, take());
        break;
      case "--ack-wait":
        options.ackWait = integer(flag, take());
        break;
      case "--reconnect-wait":
        options.reconnectTimeWait = integer(flag, take());
        break;
      case "--max-reconnect":
        options.maxReconnectAttempts = integer(flag, take());
        break;
      case "--grace":
        grace = integer(flag, take());
        break;
      case "--tls-ca":
      case "--tls-cert":
      case "--tls-key": {
        const key =
          { "--tls-ca": "caFile", "--tls-cert": "certFile", "--tls-key": "keyFile" }[flag];
        options.tls = { ...(options.tls as object ?? {}), [key]: take() };
        break;
      }
      default: {
        const names: Record<string, string> = {
          "--user": "user",
          "--pass": "pass",
          "--token": "token",
          "--nkey-seed": "nkeySeed",
          "--stream": "stream",
          "--subject": "subject",
          "--result-stream": "resultStream",
          "--result-subject": "resultSubject",
          "--consumer": "consumer",
          "--name": "name",
        };
        const name = names[flag];
        if (name === undefined) throw new TypeError(`unknown option ${flag}; see --help`);
        options[name] = take();
      }
    }
  }
  const env = (name: string, key: string) => {
    const value = programEnv(name);
    if (options[key] === undefined && value) options[key] = key === "servers" ? list(value) : value;
  };
  env("NATS_URL", "servers");
  env("NATS_USER", "user");
  env("NATS_PASS", "pass");
  env("NATS_TOKEN", "token");
  env("NATS_NKEY_SEED", "nkeySeed");
  if (options.servers === undefined) throw new TypeError("--servers is required; see --help");
  return { options: options as unknown as WorkerOptions, grace };
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parse(programArgs());
  } catch (error) {
    console.error(`concurrent-futures-worker: ${(error as Error).message}`);
    exitProgram(2);
  }
  const { options, grace } = parsed;
  let worker;
  try {
    worker = await startWorker(options);
  } catch (error) {
    console.error(`concurrent-futures-worker: ${(error as Error).message}`);
    exitProgram(1);
  }
  let signals = 0;
  onTerminate((signal) => {
    signals++;
    console.error(`concurrent-futures-worker: ${signal}, stopping`);
    // A second signal: the running tasks go back to the queue now.
    void worker.stop(signals > 1 ? { grace: 0 } : grace === undefined ? {} : { grace });
  });
  const kind = options.threads ? "threads" : "processes";
  console.log(
    `concurrent-futures-worker ready: ${options.concurrency ?? "cpu-count"} ${kind}, ` +
      `servers ${[options.servers].flat().join(",")}`,
  );
  await worker.finished;
  exitProgram(0);
}

await main();
