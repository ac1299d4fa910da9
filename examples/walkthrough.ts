// Copyright 2026 the concurrent-futures authors. MIT license.
// The classic introduction to Python's concurrent.futures, step by step, in TypeScript. Each step
// prints the Python it mirrors ("py") next to the TypeScript that runs ("ts"), then what happened.
//
//   npm run demo                        (Deno; --runtime bun|node for the others)
//   deno task demo                      deno run -A examples/walkthrough.ts
//   deno run -A examples/walkthrough.ts --seconds 5     step 1 with the tutorial's 5 s wait
//   deno run -A examples/walkthrough.ts --threads       steps 4 and 5 on a ThreadPoolExecutor
//
// Everything is deterministic apart from the timings shown; every pool is shut down.

import process from "node:process";
import {
  ALL_COMPLETED,
  asCompleted,
  EventLoopExecutor,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  type Future,
  partial,
  ProcessPoolExecutor,
  SerializationError,
  ThreadPoolExecutor,
  wait,
} from "../mod.ts";
import { greet, HttpError, render } from "./tasks.ts";

const TASKS = new URL("./tasks.ts", import.meta.url);

// ── Task functions ──────────────────────────────────────────────────────────────────────────────
// Each is self-contained (it uses only its parameters and globals such as setTimeout), so it
// crosses to a worker by its source text.

/** Python's `return_after_5_secs(message)`, with the wait as a parameter. */
function returnAfter(message: string, seconds: number): Promise<string> {
  return new Promise((resolve) => setTimeout(() => resolve(message), seconds * 1000));
}

/** Sleeps `seconds`, then returns it. */
function sleepAndReturn(seconds: number): Promise<number> {
  return new Promise((resolve) => setTimeout(() => resolve(seconds), seconds * 1000));
}

/** Trial division, as in the Python docs' ProcessPoolExecutor example. */
function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let i = 3; i * i <= n; i += 2) if (n % i === 0) return false;
  return true;
}

/** 12 / x, failing on 0 as Python's division does. */
function twelveOver(x: number): number {
  if (x === 0) throw new RangeError("division by zero");
  return 12 / x;
}

/** Sleeps `seconds`, then returns a message, or throws one if `fail`. */
async function job(name: string, seconds: number, fail: boolean): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  if (fail) throw new Error(`${name} gave up after ${seconds} s`);
  return `${name} finished after ${seconds} s`;
}

// ── Output helpers ──────────────────────────────────────────────────────────────────────────────

function heading(title: string): void {
  console.log(`\n${title}\n${"─".repeat(title.length)}`);
}
function say(...lines: string[]): void {
  for (const line of lines) console.log(line ? `  ${line}` : "");
}
function py(code: string): void {
  console.log(`  py  ${code}`);
}
function ts(code: string): void {
  console.log(`  ts  ${code}`);
}
function show(label: string, value: unknown): void {
  const shown = typeof value === "string" ? JSON.stringify(value) : String(value);
  console.log(`      ${label ? `${label} ` : ""}→ ${shown}`);
}
function info(text: string, indent = 6): void {
  // Wrapped at 100 columns.
  let line = "";
  for (const word of text.split(" ")) {
    if (line && indent + line.length + 1 + word.length > 100) {
      console.log(" ".repeat(indent) + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  console.log(" ".repeat(indent) + line);
}
function since(start: number): string {
  return `${((performance.now() - start) / 1000).toFixed(2)} s`;
}
function errorLine(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

const SECONDS = parseSeconds(process.argv.slice(2));
const THREADS = process.argv.includes("--threads");
const runtime = runtimeName();

console.log(`concurrent.futures in TypeScript: a walkthrough (on ${runtime})`);
say(
  "Python's concurrent.futures, for Deno, Bun and Node. Each step shows the Python (py) it",
  "mirrors, the TypeScript (ts) that runs, and the result (→). Timeouts are in milliseconds.",
  "Waits stand in for I/O.",
);

// ── 1 ───────────────────────────────────────────────────────────────────────────────────────────
heading("1. ThreadPoolExecutor: submit() returns a Future at once");
say(
  "A worker thread runs the task while this thread carries on. The tutorial sleeps as long as",
  "the task and then polls done(), which is a race; awaiting the future itself is not. The",
  `task waits ${SECONDS} s here; --seconds 5 gives the tutorial's 5 s.`,
);
{
  py("pool = ThreadPoolExecutor(3)");
  ts("const pool = new ThreadPoolExecutor(3);");
  const pool = new ThreadPoolExecutor(3);
  py(`future = pool.submit(return_after_5_secs, "hello")`);
  ts(`const future = pool.submit(returnAfter, "hello", ${SECONDS});`);
  const started = performance.now();
  const future = pool.submit(returnAfter, "hello", SECONDS);
  show("future.done()", future.done());
  py("sleep(5)  # a race: done() may still be False after it");
  ts("await wait([future]);");
  await wait([future]);
  info(`(waited ${since(started)}, including starting a thread)`);
  show("future.done()", future.done());
  show("await future.result()", await future.result());
  py("pool.shutdown()");
  ts("await pool.shutdown();");
  await pool.shutdown();
}
say(
  "",
  "Waiting is I/O, and in JavaScript I/O is already concurrent on one thread: EventLoopExecutor",
  "runs the same calls on this thread, at most maxWorkers at a time, with no thread to start.",
);
{
  ts("await using loop = new EventLoopExecutor(3);");
  await using loop = new EventLoopExecutor(3);
  ts(`const future = loop.submit(returnAfter, "hello", ${SECONDS});`);
  const started = performance.now();
  const future = loop.submit(returnAfter, "hello", SECONDS);
  show("future.done()", future.done());
  ts("await wait([future]);");
  await wait([future]);
  info(`(waited ${since(started)}: the task's own time)`);
  show("await future.result()", await future.result());
}

// ── 2 ───────────────────────────────────────────────────────────────────────────────────────────
heading("2. ProcessPoolExecutor: the same, in child processes");
say(
  "Python pickles the function by name: it must be defined at module level, and the pool code",
  'must sit under if __name__ == "__main__":. Here returnAfter is self-contained and crosses',
  `by its source text; the children run ${runtime.split(" ")[0]}, like this process.`,
);
{
  py("pool = ProcessPoolExecutor(3)");
  ts("const pool = new ProcessPoolExecutor(3);");
  const pool = new ProcessPoolExecutor(3);
  py(`future = pool.submit(return_after_5_secs, "hello")`);
  ts(`const future = pool.submit(returnAfter, "hello", ${SECONDS});`);
  const started = performance.now();
  const future = pool.submit(returnAfter, "hello", SECONDS);
  show("future.done()", future.done());
  ts("await wait([future]);");
  await wait([future]);
  info(`(waited ${since(started)}, including starting a child process)`);
  show("future.done()", future.done());
  show("await future.result()", await future.result());
  py("os.getpid() != pool.submit(os.getpid).result()");
  ts("process.pid !== await pool.submit(() => process.pid)");
  show("ran in another process", process.pid !== await pool.submit(() => process.pid));
  ts("await pool.shutdown();");
  await pool.shutdown();
}

// ── 3 ───────────────────────────────────────────────────────────────────────────────────────────
heading("3. map(): results in input order");
say(
  "map() submits every item at once and yields the results in input order, whatever order",
  "they finish in. `with` becomes `await using`: the pool is shut down when the block ends.",
);
{
  py("with ThreadPoolExecutor(3) as pool:");
  py("    for seconds in pool.map(sleep_and_return, [0.3, 0.1, 0.2]): print(seconds)");
  ts("await using pool = new ThreadPoolExecutor(3);");
  ts("for await (const seconds of pool.map(sleepAndReturn, [0.3, 0.1, 0.2])) …");
  await using pool = new ThreadPoolExecutor(3);
  const started = performance.now();
  for await (const seconds of pool.map(sleepAndReturn, [0.3, 0.1, 0.2])) {
    const note = seconds === 0.1 ? ", finished first but held back to keep input order" : "";
    info(`→ ${seconds}   (at ${since(started)}${note})`);
  }
}
{
  say("", "The same on the event loop; its tasks may even be closures, since nothing is copied:");
  ts("await using loop = new EventLoopExecutor(3);");
  ts("for await (const seconds of loop.map((s) => sleepAndReturn(s * scale), [0.3, 0.1, 0.2])) …");
  await using loop = new EventLoopExecutor(3);
  const scale = 1;
  const started = performance.now();
  for await (const seconds of loop.map((s: number) => sleepAndReturn(s * scale), [0.3, 0.1, 0.2])) {
    info(`→ ${seconds}   (at ${since(started)})`);
  }
}
{
  say(
    "",
    "On processes, chunksize batches items: one message per chunk each way.",
  );
  py("with ProcessPoolExecutor(2) as pool:");
  py("    flags = list(pool.map(is_prime, range(2, 40), chunksize=10))");
  ts("await using pool = new ProcessPoolExecutor(2);");
  ts("for await (const flag of pool.map(isPrime, numbers, { chunksize: 10 })) flags.push(flag);");
  await using pool = new ProcessPoolExecutor(2);
  const numbers = Array.from({ length: 38 }, (_, i) => i + 2);
  const flags: boolean[] = [];
  for await (const flag of pool.map(isPrime, numbers, { chunksize: 10 })) flags.push(flag);
  info(`→ primes below 40: ${numbers.filter((_, i) => flags[i]).join(" ")}`);
  say(
    "",
    "A failing item rejects at its own position and ends the iteration. Python would raise",
    "at the start of the chunk and lose the 4; here the earlier results of the chunk arrive.",
  );
  py("list(pool.map(twelve_over, [3, 0, 4], chunksize=2))");
  ts("for await (const x of pool.map(twelveOver, [3, 0, 4], { chunksize: 2 })) …");
  try {
    for await (const x of pool.map(twelveOver, [3, 0, 4], { chunksize: 2 })) info(`→ ${x}`);
  } catch (error) {
    info(`→ rejected with ${errorLine(error)}`);
  }
}

// ── 4 and 5 share one executor ──────────────────────────────────────────────────────────────────
{
  // Tasks that wait are I/O: an EventLoopExecutor runs them (the Python is the docs', on threads).
  // With --threads, a ThreadPoolExecutor does, its three threads started first: a JS worker takes
  // tens of milliseconds to start (a Python thread, microseconds), so the timings below are then
  // the tasks' own either way.
  const pool = THREADS ? new ThreadPoolExecutor(3) : new EventLoopExecutor(3);
  await using _ = pool;
  if (THREADS) await Promise.all([1, 2, 3].map(() => pool.submit(() => {})));

  heading("4. asCompleted(): results in completion order");
  say(
    "The docs' ThreadPoolExecutor example: map each future to its input, handle each one as it",
    "completes, and report a failure for that task alone.",
  );
  ts(
    THREADS
      ? "await using pool = new ThreadPoolExecutor(3);"
      : "await using pool = new EventLoopExecutor(3);  // --threads: new ThreadPoolExecutor(3)",
  );
  const jobs: [string, number, boolean][] = [
    ["slow", 0.4, false],
    ["fast", 0.1, false],
    ["broken", 0.25, true],
  ];
  py("futures = {pool.submit(job, name, s, fail): name for name, s, fail in JOBS}");
  py("for future in as_completed(futures):");
  py("    try: print(future.result())");
  py(
    "    except Exception as exc: print('%r generated an exception: %s' % (futures[future], exc))",
  );
  ts(
    "const futures = new Map(JOBS.map(([name, s, fail]) => [pool.submit(job, name, s, fail), name]));",
  );
  ts("for await (const f of asCompleted(futures.keys())) {");
  ts("  const future = f as unknown as Future<string>;  // see the README's TypeScript note");
  ts("  try { console.log(await future); }");
  ts("  catch (exc) { console.log(`'${futures.get(future)}' generated an exception: ${exc}`); }");
  const futures = new Map(
    jobs.map(([name, seconds, fail]) => [pool.submit(job, name, seconds, fail), name]),
  );
  for await (const f of asCompleted(futures.keys())) {
    const future = f as unknown as Future<string>;
    try {
      info(`→ ${await future}`);
    } catch (exc) {
      info(`→ '${futures.get(future)}' generated an exception: ${errorLine(exc)}`);
    }
  }

  heading("5. wait(): done and notDone");
  say(
    "wait() returns two sets once a condition holds. A timeout never rejects: the stragglers",
    "are in notDone. Three tasks on the same executor: fast (0.1 s), broken (fails at 0.25 s) and",
    "slow (0.6 s).",
  );
  const names = new Map<Future<string>, string>([
    [pool.submit(job, "fast", 0.1, false), "fast"],
    [pool.submit(job, "broken", 0.25, true), "broken"],
    [pool.submit(job, "slow", 0.6, false), "slow"],
  ]);
  const fs = [...names.keys()];
  const started = performance.now();
  const label = (set: Set<Future<string>>) => [...set].map((f) => names.get(f)).sort().join(", ");
  const sets = ({ done, notDone }: { done: Set<Future<string>>; notDone: Set<Future<string>> }) =>
    `→ done {${label(done)}}   notDone {${label(notDone)}}   (at ${since(started)})`;

  py("done, not_done = wait(fs, return_when=FIRST_COMPLETED)");
  ts("const { done, notDone } = await wait(fs, { returnWhen: FIRST_COMPLETED });");
  info(sets(await wait(fs, { returnWhen: FIRST_COMPLETED })));
  py("wait(fs, return_when=FIRST_EXCEPTION)");
  ts("await wait(fs, { returnWhen: FIRST_EXCEPTION });");
  info(sets(await wait(fs, { returnWhen: FIRST_EXCEPTION })));
  py("wait(fs, timeout=0.1)");
  ts("await wait(fs, { timeout: 100 });  // milliseconds");
  info(sets(await wait(fs, { timeout: 100 })));
  py("wait(fs, return_when=ALL_COMPLETED)  # the default");
  ts("await wait(fs, { returnWhen: ALL_COMPLETED });");
  info(sets(await wait(fs, { returnWhen: ALL_COMPLETED })));
}

// ── 6 ───────────────────────────────────────────────────────────────────────────────────────────
heading("6. Sending functions: the counterpart of the pickling pitfall");
say(
  "A process pool in Python pickles the function by name, so a lambda or a local function",
  'fails ("Can\'t pickle local object"). Here a function crosses by its source, checked with a',
  "real parser: if it uses a variable from an enclosing scope, or an argument cannot be cloned,",
  "its future fails with a SerializationError naming it, before anything is sent. The pool",
  "stays usable. Thread pools follow the same rule, since JS workers share no memory. (Types",
  "are left out of the ts lines below.)",
);
{
  ts("await using pool = new ProcessPoolExecutor({ maxWorkers: 1, modules: [TASKS] });");
  info("(TASKS is the URL of examples/tasks.ts)");
  await using pool = new ProcessPoolExecutor({ maxWorkers: 1, modules: [TASKS] });
  ts('const greeting = "Hello";');
  const greeting = "Hello";

  ts('await pool.submit((name) => `${greeting}, ${name}!`, "world").exception()');
  showSerializationError(
    await pool.submit((name: string) => `${greeting}, ${name}!`, "world").exception(),
  );
  ts("await pool.submit((job) => job.n * 2, { n: 21, onDone: () => {} }).exception()");
  showSerializationError(
    await pool.submit((job: { n: number }) => job.n * 2, { n: 21, onDone: () => {} }).exception(),
  );

  say("", "Three fixes for the closure. Pass the value as an argument:");
  ts('await pool.submit((greeting, name) => `${greeting}, ${name}!`, greeting, "world")');
  show(
    "",
    await pool.submit(
      (greeting: string, name: string) => `${greeting}, ${name}!`,
      greeting,
      "world",
    ),
  );
  say("Define it inside the function:");
  ts(
    'await pool.submit((name) => { const greeting = "Hello"; return `${greeting}, ${name}!`; }, "world")',
  );
  show(
    "",
    await pool.submit((name: string) => {
      const greeting = "Hello";
      return `${greeting}, ${name}!`;
    }, "world"),
  );
  say(
    "Or export the function from a module listed in `modules`: the worker imports the module and",
    "calls the export, so it may use anything the module has (greet uses a constant and a",
    "helper). The module must have no side effects when imported: the counterpart of Python's",
    'if __name__ == "__main__": guard, which this script needs nowhere.',
  );
  ts('import { greet } from "./tasks.ts";');
  ts('await pool.submit(greet, "world")');
  show("", await pool.submit(greet, "world"));
  say("And onDone? Callbacks stay in this process: future.addDoneCallback(onDone).");
}

// ── 7 ───────────────────────────────────────────────────────────────────────────────────────────
heading("7. functools.partial, exception classes and tracebacks");
say(
  "partial() binds leading arguments; the result crosses as its function plus the bound values.",
  "JS has no keyword arguments, so render takes an options object first, and that is bound.",
  "Classes exported by a module in `modules` cross by reference, as pickle sends them: an",
  "HttpError thrown in the worker is an HttpError here.",
);
{
  await using pool = new ProcessPoolExecutor({ maxWorkers: 1, modules: [TASKS] });
  py("for line in pool.map(partial(render, scale=2), [[1, 2], [3]]): print(line)");
  ts("for await (const line of pool.map(partial(render, { scale: 2 }), [[1, 2], [3]]))");
  for await (const line of pool.map(partial(render, { scale: 2 }), [[1, 2], [3]])) show("", line);
  py("try: pool.submit(render, [1], scale=0).result()");
  py("except HTTPError as e: print(e.status)");
  ts("const e = await pool.submit(render, { scale: 0 }, [1]).exception();");
  const error = await pool.submit(render, { scale: 0 }, [1]).exception();
  show("e instanceof HttpError", error instanceof HttpError);
  show("e.status", (error as HttpError).status);
  say(
    "Its stack shows render's line in tasks.ts, then, as Python shows the caller's traceback, the",
    "frames of the code that first submitted render (captured once per function).",
  );
}

console.log("\nEvery pool is shut down. Next: examples/primes.ts and examples/fetch_pages.ts.");

function showSerializationError(error: unknown): void {
  if (!(error instanceof SerializationError)) throw new Error(`expected a SerializationError`);
  info(`→ ${error.name}, path ${JSON.stringify(error.path)}:`);
  info(error.message, 8);
}

function parseSeconds(args: string[]): number {
  const at = args.indexOf("--seconds");
  if (at < 0) return 0.2;
  const seconds = Number(args[at + 1]);
  if (!(seconds >= 0 && seconds <= 60)) {
    console.error(
      "usage: walkthrough.ts [--seconds N]   (N between 0 and 60; the tutorial uses 5)",
    );
    process.exit(2);
  }
  return seconds;
}

function runtimeName(): string {
  const g = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } };
  if (g.Deno) return `deno ${g.Deno.version.deno}`;
  if (g.Bun) return `bun ${g.Bun.version}`;
  return `node ${process.versions.node}`;
}
