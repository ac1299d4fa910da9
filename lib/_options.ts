// Copyright 2026 the concurrent-futures authors. MIT license.
// The one check every options object of the public API goes through: it must be an object, and
// every key must be one the call knows, so that a Python porter's `cancel_futures` or `chunkSize`
// fails loudly instead of being ignored. Runtime-neutral.

/**
 * Checks that `options` is `undefined` or a plain options object whose keys are all in `known`.
 *
 * @param options The value passed as options.
 * @param known The option names the call accepts.
 * @param where The call, for the message: `"shutdown()"`, `"ThreadPoolExecutor"`, …
 * @param example An example of a valid options object, for the message when it is not an object.
 * @throws {TypeError} If `options` is not an object (or is an array), or has an unknown key: the
 * message names the key, suggests the intended name when it looks like one (`cancel_futures` →
 * `cancelFutures`), and lists the known ones.
 */
export function checkOptions(
  options: unknown,
  known: readonly string[],
  where: string,
  example?: string,
): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    const such = example === undefined ? "" : ` such as ${example}`;
    throw new TypeError(`${where}: options must be an object${such}, got ${kind(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const guess = suggest(key, known);
    const hint = guess === undefined ? "" : ` (did you mean ${guess}?)`;
    throw new TypeError(
      `${where}: unknown option "${key}"${hint}; known options: ${known.join(", ")}`,
    );
  }
}

/**
 * The known option a mistyped `key` most likely meant: its camelCase form (`cancel_futures`), the
 * same letters in another case or spelling (`chunkSize`, `chunk_size`, `initArgs`), the name
 * without a unit (`timeout_ms`, `timeoutSeconds`), a Python name this API spells differently
 * (`thread_name_prefix`), a name inside the key or the key inside a name (`abortSignal`,
 * `cancel`), or a close spelling (`cancelFuture`, `chunkszie`).
 *
 * @param key The unknown key.
 * @param known The option names the call accepts.
 * @returns The suggested name, or `undefined` if nothing is close.
 */
export function suggest(key: string, known: readonly string[]): string | undefined {
  const camel = key.replace(/[_-]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
  if (known.includes(camel)) return camel;
  const alias = ALIASES[key] ?? ALIASES[normalize(key)];
  if (alias !== undefined && known.includes(alias)) return alias;
  const wanted = normalize(key);
  const unitless = wanted.replace(/(ms|millis|milliseconds|s|sec|secs|seconds)$/, "");
  for (const name of known) {
    const candidate = normalize(name);
    if (candidate === wanted || (unitless.length > 2 && candidate === unitless)) return name;
  }
  // A name inside a longer or shorter one: `abortSignal` → `signal`, `cancel` → `cancelFutures`.
  for (const name of known) {
    const candidate = normalize(name);
    const [short, long] = wanted.length < candidate.length
      ? [wanted, candidate]
      : [candidate, wanted];
    if (short.length >= 4 && (long.startsWith(short) || long.endsWith(short))) return name;
  }
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const distance = editDistance(wanted, normalize(name));
    if (distance < bestDistance && distance <= Math.min(2, Math.floor(name.length / 4))) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

// Python names whose counterpart here is spelled differently (not only in case).
const ALIASES: Readonly<Record<string, string>> = {
  thread_name_prefix: "name",
  threadnameprefix: "name",
};

function normalize(name: string): string {
  return name.replace(/[_-]/g, "").toLowerCase();
}

// Edits between two names: insertions, deletions, substitutions and swaps of two neighbouring
// letters (`caFlie` → `caFile` is one), each counting one (optimal string alignment).
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, before[j - 2]! + 1);
      }
      current[j] = best;
    }
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}

function kind(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "function") return "a function";
  if (typeof value === "string") return JSON.stringify(value);
  return `${String(value)} (${typeof value})`;
}
