// Copyright 2026 the concurrent-futures authors. MIT license.
// Entry of a ThreadPoolExecutor worker thread.

import { threadHostPort } from "../lib/runtime/host_port.ts";
import { serve } from "./_worker_loop.ts";

serve(await threadHostPort());
