// Copyright 2026 the concurrent-futures authors. MIT license.
// Validation of the thread pool's `resourceLimits` option. Runtime-neutral: whether the runtime can
// enforce the limits is the adapter's to say.

import { describe } from "./_pool_options.ts";
import type { ResourceLimits } from "./runtime/types.ts";

const KEYS: readonly (keyof ResourceLimits)[] = [
  "maxOldGenerationSizeMb",
  "maxYoungGenerationSizeMb",
  "codeRangeSizeMb",
  "stackSizeMb",
];

/**
 * Checks the shape of `resourceLimits`: an object of known keys whose values are positive finite
 * numbers (of MB). Returns a copy, so that later changes to the caller's object change nothing.
 *
 * @param value The option as given.
 * @param refusal Why the runtime cannot enforce limits, if it cannot (see `threadLimitsRefusal`).
 * @returns The limits, or `undefined` when none were given.
 * @throws {TypeError} Naming the option's path, for a value of the wrong shape, an unknown key,
 * or limits this runtime cannot enforce.
 * @throws {RangeError} Naming the option's path, for a limit that is not greater than 0.
 */
export function resourceLimitsOption(
  value: unknown,
  refusal: () => string | undefined,
): ResourceLimits | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(
      `resourceLimits must be an object such as { maxOldGenerationSizeMb: 256 }, got ${
        describe(value)
      }`,
    );
  }
  const limits: ResourceLimits = {};
  for (const [key, limit] of Object.entries(value)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new TypeError(
        `unknown key "${key}" in resourceLimits; known keys: ${KEYS.join(", ")}`,
      );
    }
    if (limit === undefined) continue;
    if (typeof limit !== "number" || !Number.isFinite(limit)) {
      throw new TypeError(
        `resourceLimits.${key} must be a finite number of MB, got ${describe(limit)}`,
      );
    }
    if (limit <= 0) {
      throw new RangeError(`resourceLimits.${key} must be greater than 0, got ${limit}`);
    }
    limits[key as keyof ResourceLimits] = limit;
  }
  if (Object.keys(limits).length === 0) return undefined; // nothing to enforce
  const reason = refusal();
  if (reason !== undefined) throw new TypeError(reason);
  return limits;
}
