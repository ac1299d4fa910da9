// Copyright 2026 the concurrent-futures authors. MIT license.
// The ceiling for bench/distributed/bench.ts: a bare JetStream worker with no library around it.
// It pulls jobs from the BARE work queue, answers each on the reply subject in its header (core
// NATS, at most once) and acknowledges it. Usage: bare_worker.ts nats://HOST:PORT

import process from "node:process";
import { connect } from "@nats-io/transport-node";
import { jetstream } from "@nats-io/jetstream";

const nc = await connect({ servers: process.argv[2]! });
const consumer = await jetstream(nc).consumers.get("BARE", "bare-workers");
const messages = await consumer.consume({ max_messages: 16 });
process.on("SIGTERM", () => void messages.close().then(() => nc.close()));
console.log("bare worker ready:");
for await (const message of messages) {
  const reply = message.headers?.get("reply");
  if (reply) nc.publish(reply, message.data);
  message.ack();
}
