// Copyright 2026 the concurrent-futures authors. MIT license.
// What a command-line program needs from its runtime: its arguments, environment variables,
// termination signals and exit. `node:process` provides them on Node, Deno and Bun alike.

import process from "node:process";

/** The program's command-line arguments, without the runtime and the script. */
export function programArgs(): string[] {
  return process.argv.slice(2);
}

/**
 * An environment variable, or `undefined` when it is not set or cannot be read (Deno without
 * `--allow-env`).
 *
 * @param name The variable.
 * @returns Its value.
 */
export function programEnv(name: string): string | undefined {
  try {
    return process.env[name];
  } catch {
    return undefined;
  }
}

/**
 * Call `handler` on SIGTERM and SIGINT (each time one arrives).
 *
 * @param handler Gets the signal's name.
 * @returns A function that removes the handler.
 */
export function onTerminate(handler: (signal: "SIGTERM" | "SIGINT") => void): () => void {
  const term = () => handler("SIGTERM");
  const int = () => handler("SIGINT");
  process.on("SIGTERM", term);
  process.on("SIGINT", int);
  return () => {
    process.off("SIGTERM", term);
    process.off("SIGINT", int);
  };
}

/**
 * End the program.
 *
 * @param code The exit code.
 */
export function exitProgram(code: number): never {
  process.exit(code);
}
