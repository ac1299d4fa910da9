// Copyright 2026 the concurrent-futures authors. MIT license.
// The workloads on the Node peers, each through its own idiom: piscina and tinypool run a named
// export of a worker file, workerpool a method its worker script registered. Every pool is fixed
// at 2 workers (min = max) with no idle shrinking, as ours is.
//
//   node bench/workloads/node_peers.mjs '{"workload":"threads-tiny","library":"piscina",...}'

import {
  cpuRounds,
  cpuTime,
  expect,
  inc as inline,
  now,
  params,
  payloadRounds,
  runWorkload,
} from "./_common.mjs";

const p = params();
const TASKS = new URL("./peer_tasks.mjs", import.meta.url);
const WORKERPOOL_SCRIPT = new URL("./workerpool_worker.mjs", import.meta.url);

/**
 * A uniform face on each peer: run(name, arg, transfer?) and close().
 *
 * @typedef {{ run(name: string, arg: unknown, transfer?: ArrayBuffer[]): Promise<any>,
 *   close(): Promise<unknown> }} Peer
 */

/**
 * Import the library (timed) and return a constructor of a started pool.
 *
 * @param {string} library
 * @returns {Promise<{ importMs: number, make: () => Peer }>}
 */
async function load(library) {
  const t = now();
  if (library === "piscina") {
    const { Piscina } = await import("piscina");
    return {
      importMs: now() - t,
      make() {
        const pool = new Piscina({
          filename: TASKS.href,
          minThreads: 2,
          maxThreads: 2,
          idleTimeout: 60_000,
        });
        return {
          run: (name, arg, transfer) =>
            pool.run(arg, transfer ? { name, transferList: transfer } : { name }),
          close: () => pool.destroy(),
        };
      },
    };
  }
  if (library === "tinypool" || library === "tinypool-process") {
    const { Tinypool } = await import("tinypool");
    return {
      importMs: now() - t,
      make() {
        const pool = new Tinypool({
          filename: TASKS.href,
          minThreads: 2,
          maxThreads: 2,
          idleTimeout: 60_000,
          runtime: library === "tinypool" ? "worker_threads" : "child_process",
        });
        return {
          run: (name, arg, transfer) =>
            pool.run(arg, transfer ? { name, transferList: transfer } : { name }),
          close: () => pool.destroy(),
        };
      },
    };
  }
  if (library === "workerpool-thread" || library === "workerpool-process") {
    const { default: workerpool } = await import("workerpool");
    return {
      importMs: now() - t,
      make() {
        const pool = workerpool.pool(WORKERPOOL_SCRIPT.pathname, {
          minWorkers: 2,
          maxWorkers: 2,
          workerType: library === "workerpool-thread" ? "thread" : "process",
        });
        return {
          run: (name, arg, transfer) => pool.exec(name, [arg], transfer ? { transfer } : undefined),
          close: () => pool.terminate(),
        };
      },
    };
  }
  throw new Error(`unknown library ${library}`);
}

const { importMs, make } = await load(p.library);

/** @param {Peer} pool @param {number} count @param {number} offset */
async function burst(pool, count, offset) {
  const promises = new Array(count);
  for (let i = 0; i < count; i++) promises[i] = pool.run("inc", offset + i);
  const values = await Promise.all(promises);
  expect(values[count - 1], offset + count, "last result");
}

const workloads = {
  async tiny() {
    const pool = make();
    await burst(pool, p.warmup, 0);
    const t = now();
    const cpu = cpuTime();
    await burst(pool, p.tasks, p.warmup);
    const ms = now() - t;
    const cpuMs = cpuTime() - cpu;
    await pool.close();
    return { value: p.tasks / (ms / 1000), ms, cpuMs };
  },

  async cpu() {
    const pool = make();
    const result = await cpuRounds(p, (n) => pool.run("fib", n));
    await pool.close();
    return result;
  },

  async "cold-start"() {
    const t = now();
    const pool = make();
    expect(await pool.run("inc", 1), inline(1), "first result");
    const ms = now() - t;
    await pool.close();
    return { value: ms, importMs };
  },

  async "payload-copy"() {
    const pool = make();
    const result = await payloadRounds(p, (view) => pool.run("byteLength", view));
    await pool.close();
    return result;
  },

  async "payload-transfer"() {
    const pool = make();
    const result = await payloadRounds(p, (view) => pool.run("byteLength", view, [view.buffer]));
    await pool.close();
    return result;
  },
};
await runWorkload(workloads, p);
