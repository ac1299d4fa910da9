// Imports the package from a URL (so Deno runs its threads as web Workers, which cannot be
// unref'd), makes a warm pool and never shuts it down: the program must still exit, the idle
// workers retiring after 200 ms even though they are the pool's minWorkers.
// deno-lint-ignore no-explicit-any
const url = (globalThis as any).Deno.args[0] as string;
const { ThreadPoolExecutor } = await import(url);
const pool = new ThreadPoolExecutor({ maxWorkers: 2, minWorkers: 2 });
await new Promise<void>((resolve) => {
  let started = 0;
  pool.on("workerStart", () => ++started === 2 && resolve());
});
const exits = new Promise<void>((resolve) => {
  let exited = 0;
  pool.on("workerExit", () => ++exited === 2 && resolve());
});
console.log(`warm ${pool.stats().idle} ${await pool.submit((x: number) => x * 2, 21)}`);
await exits;
console.log(`retired, workers ${pool.stats().workers}`);
