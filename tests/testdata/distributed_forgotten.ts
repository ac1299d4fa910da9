// A program that never shuts its DistributedExecutor down: it must still exit, soon after its last
// future settles. Between its two tasks the executor sits idle long enough to close its
// connection, so the second submit reconnects. Usage: distributed_forgotten.ts nats://HOST:PORT

import process from "node:process";
import { DistributedExecutor } from "../../distributed.ts";

const executor = new DistributedExecutor({ servers: process.argv[2]! });
console.log(await executor.submit((x: number) => x + 1, 1));
await new Promise((resolve) => setTimeout(resolve, 1500)); // idle: the connection closes
console.log(await executor.submit((x: number) => x + 1, 2));
