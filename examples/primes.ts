// Copyright 2026 the concurrent-futures authors. MIT license.
// The Python docs' "ProcessPoolExecutor Example", line for line: check six large numbers for
// primality in child processes and print the results in input order. Its output is exactly
// Python's.
//
//   deno run -A examples/primes.ts      bun examples/primes.ts
//   node .npm_test/examples/primes.js   (the compiled copy; `npm test` builds it)

import { ProcessPoolExecutor } from "../mod.ts";

const PRIMES = [
  112272535095293,
  112582705942171,
  112272535095293,
  115280095190773,
  115797848077099,
  1099726899285419,
];

// Self-contained (it uses only its parameter and `Math`), so it crosses to the children by its
// source text. Python needs it at module level so that the children can import it by name.
function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n === 2) return true;
  if (n % 2 === 0) return false;
  const sqrtN = Math.floor(Math.sqrt(n));
  for (let i = 3; i <= sqrtN; i += 2) {
    if (n % i === 0) return false;
  }
  return true;
}

// No `if __name__ == "__main__":` guard: the children never import this file.
async function main(): Promise<void> {
  await using executor = new ProcessPoolExecutor();
  let i = 0;
  for await (const prime of executor.map(isPrime, PRIMES)) {
    // Python prints booleans as True and False.
    console.log(`${PRIMES[i++]} is prime: ${prime ? "True" : "False"}`);
  }
}

await main();
