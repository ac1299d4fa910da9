// The examples run as a user runs them: each in a child process of the runtime running the tests
// (for Node, the compiled copy in .npm_test/), checked on the lines that matter.

import { test } from "node:test";
import assert from "node:assert/strict";
import { PRIMES_OUTPUT, runScript } from "./_child.ts";

/** An example's URL, with the extension this copy of the suite runs on (.ts or .js). */
function example(name: string): URL {
  const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  return new URL(`../examples/${name}${ext}`, import.meta.url);
}

/** Asserts that `patterns` match lines of `text` in this order. */
function assertInOrder(text: string, patterns: (string | RegExp)[]): void {
  let at = 0;
  for (const pattern of patterns) {
    const rest = text.slice(at);
    const index = typeof pattern === "string" ? rest.indexOf(pattern) : rest.search(pattern);
    assert.ok(index >= 0, `expected ${pattern} after offset ${at} in:\n${text}`);
    at += index + 1;
  }
}

test("examples/walkthrough runs every step, shuts its pools down and exits 0", async () => {
  const run = await runScript(example("walkthrough"), [], { timeoutMs: 60_000 });
  assert.equal(run.code, 0, `exit ${run.code} ${run.signal}\n${run.stdout}\n${run.stderr}`);
  assert.equal(run.stderr, "");
  const step4 = run.stdout.slice(
    run.stdout.indexOf("4. asCompleted()"),
    run.stdout.indexOf("5. wait()"),
  );
  for (
    const line of [
      "→ fast finished after 0.1 s",
      "→ 'broken' generated an exception: Error: broken gave up after 0.25 s",
      "→ slow finished after 0.4 s",
    ]
  ) {
    assert.equal(step4.split(line).length - 1, 1, `step 4 reports ${line} once:\n${step4}`);
  }
  assertInOrder(run.stdout, [
    "1. ThreadPoolExecutor",
    'pool.submit(returnAfter, "hello", 0.2)',
    "future.done() → false",
    "future.done() → true",
    'await future.result() → "hello"',
    "await using loop = new EventLoopExecutor(3);",
    "future.done() → false",
    "(waited 0.",
    'await future.result() → "hello"',
    "2. ProcessPoolExecutor",
    "future.done() → false",
    "future.done() → true",
    'await future.result() → "hello"',
    "ran in another process → true",
    "3. map()",
    /→ 0\.3 /,
    /→ 0\.1 .*finished first/,
    /→ 0\.2 /,
    "for await (const seconds of loop.map(",
    /→ 0\.3 /,
    /→ 0\.1 /,
    /→ 0\.2 /,
    "primes below 40: 2 3 5 7 11 13 17 19 23 29 31 37",
    "→ 4\n",
    "→ rejected with RangeError: division by zero",
    "4. asCompleted()",
    "await using pool = new EventLoopExecutor(3);  // --threads: new ThreadPoolExecutor(3)",
    // Completion order is the point of step 4, but it is timing: on a loaded machine two tasks
    // 150 ms apart can swap. Each line must appear once, in this section (checked below).
    "5. wait()",
    /→ done \{[a-z, ]+\} {3}notDone \{/, // FIRST_COMPLETED: something is done
    /→ done \{[^}]*broken[^}]*\} {3}notDone \{/, // FIRST_EXCEPTION: the failure is done
    /→ done \{[a-z, ]*\} {3}notDone \{/, // a timeout: whatever finished in time
    "→ done {broken, fast, slow}   notDone {}", // ALL_COMPLETED
    "6. Sending functions",
    'SerializationError, path "fn"',
    "fn uses `greeting` from an enclosing scope",
    'SerializationError, path "args[0].onDone"',
    "args[0].onDone is a function, which cannot be cloned",
    '→ "Hello, world!"',
    '→ "Hello, world!"',
    '→ "Hello, world!"',
    "7. functools.partial",
    '→ "2 4"',
    '→ "6"',
    "e instanceof HttpError → true",
    "e.status → 400",
    "Every pool is shut down.",
  ]);
});

test("examples/walkthrough --threads runs steps 4 and 5 on a ThreadPoolExecutor", async () => {
  const run = await runScript(example("walkthrough"), ["--threads"], { timeoutMs: 60_000 });
  assert.equal(run.code, 0, `exit ${run.code} ${run.signal}\n${run.stdout}\n${run.stderr}`);
  assertInOrder(run.stdout, [
    "4. asCompleted()",
    "await using pool = new ThreadPoolExecutor(3);",
    "→ 'broken' generated an exception: Error: broken gave up after 0.25 s",
    "5. wait()",
    "→ done {broken, fast, slow}   notDone {}",
    "Every pool is shut down.",
  ]);
});

test("examples/walkthrough refuses a bad --seconds with exit code 2", async () => {
  const run = await runScript(example("walkthrough"), ["--seconds", "soon"]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /usage: walkthrough\.ts \[--seconds N\]/);
});

test("examples/primes prints exactly the Python docs' output", async () => {
  const run = await runScript(example("primes"), [], { timeoutMs: 60_000 });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, PRIMES_OUTPUT);
});

for (const args of [[], ["--threads"]]) {
  test(`examples/fetch_pages${args.map((a) => ` ${a}`).join("")} fetches four local pages and reports the failing one`, async () => {
    const run = await runScript(example("fetch_pages"), args, { timeoutMs: 60_000 });
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split("\n").sort();
    assert.equal(lines.length, 5, run.stdout);
    const url = String.raw`'http://127\.0\.0\.1:\d+/`;
    const expected = [
      `${url}europe\\.wsj\\.com/' page is 6144 bytes$`,
      `${url}nonexistent-subdomain\\.python\\.org/' generated an exception: ` +
      "Error: HTTP Error 404: Not Found$",
      `${url}www\\.bbc\\.co\\.uk/' page is 4096 bytes$`,
      `${url}www\\.cnn\\.com/' page is 8192 bytes$`,
      `${url}www\\.foxnews\\.com/' page is 12288 bytes$`,
    ];
    expected.forEach((pattern, i) => assert.match(lines[i]!, new RegExp(`^${pattern}`)));
  });
}
