// Imports the package from a URL given on the command line (as JSR users get it: https:, not file:)
// and runs both pools from it.
// deno-lint-ignore no-explicit-any
const url = (globalThis as any).Deno.args[0] as string;
const { ThreadPoolExecutor, ProcessPoolExecutor } = await import(url);
await using threads = new ThreadPoolExecutor(1);
await using processes = new ProcessPoolExecutor(1);
const a = await threads.submit((x: number) => x * 2, 21);
const b = await processes.submit((x: number) => x + 1, 41);
const broken = await threads.submit(() => {
  // deno-lint-ignore no-explicit-any
  (globalThis as any).process.exit(1);
}).exception();
// Its threads are web Workers, which take no memory limits: refused, pointing to the process pool.
let refusal = "accepted";
try {
  new ThreadPoolExecutor({ resourceLimits: { maxOldGenerationSizeMb: 64 } }).shutdown();
} catch (error) {
  refusal = (error as Error).message;
}
console.log(`remote ok ${a} ${b} ${broken?.name}`);
console.log(`limits: ${refusal}`);
