// Run by Deno WITHOUT --allow-net: a child's attempt to open a connection must fail there too.
import { ProcessPoolExecutor } from "../../mod.ts";

await using pool = new ProcessPoolExecutor(1);
const outcome = await pool.submit(async () => {
  try {
    // deno-lint-ignore no-explicit-any
    const conn = await (globalThis as any).Deno.connect({ hostname: "127.0.0.1", port: 9 });
    conn.close();
    return "connected";
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
});
console.log(`child says ${outcome}`);
