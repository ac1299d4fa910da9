// Run by Deno with limited permissions. Default mode, WITHOUT --allow-net: a child's attempt to
// open a connection must fail there too. Mode "no-env", WITHOUT --allow-env: no child can start,
// every task fails with BrokenProcessPool, and leaving the `await using` block still ends.
import process from "node:process";
import { ProcessPoolExecutor } from "../../mod.ts";

const mode = process.argv[2] ?? "net";
if (mode === "net") {
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
} else {
  {
    await using ex = new ProcessPoolExecutor(2);
    const fs = [1, 2].map((i) => ex.submit((n: number) => n, i));
    for (const f of fs) {
      const error = await f.exception() as Error;
      console.log(`task failed: ${error.name}, cause ${(error.cause as Error).name}`);
    }
  }
  console.log("left the block");
}
