// Copyright 2026 the concurrent-futures authors. MIT license.
// A task module that imports the package itself: in a worker it loads a copy of the library apart
// from the worker's own (in the npm package, the worker is one bundled file).

import { InvalidStateError, TimeoutError } from "../../mod.ts";

export function throwLibraryError(kind: "timeout" | "state"): never {
  throw kind === "timeout"
    ? new TimeoutError("took too long", { cause: "the clock" })
    : new InvalidStateError("bad state");
}
