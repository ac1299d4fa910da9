// Copyright 2026 the concurrent-futures authors. MIT license.
// Entry of a ProcessPoolExecutor child process.

import { processHostPort } from "../lib/runtime/host_port.ts";
import { serve } from "./_worker_loop.ts";

serve(processHostPort());
