// Copyright 2026 the concurrent-futures authors. MIT license.
// workerpool's worker script (thread and process mode): the same task bodies, registered by name.

import workerpool from "workerpool";
import { byteLength, fib, inc } from "./_common.mjs";

workerpool.worker({ inc, fib, byteLength });
