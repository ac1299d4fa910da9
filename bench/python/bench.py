# Copyright 2026 the concurrent-futures authors. MIT license.
"""The workloads on Python's own concurrent.futures (stdlib only).

    python3 bench/python/bench.py '{"workload": "processes-tiny", "library": "python-fork", ...}'

Libraries: python-thread (ThreadPoolExecutor), python-fork and python-forkserver
(ProcessPoolExecutor with that start method). Prints one line, BENCH_RESULT {json}, as the
JavaScript programs do.
"""

import json
import platform
import statistics
import sys
import time

_IMPORT_START = time.perf_counter()
import multiprocessing  # noqa: E402 (timed: the library's import cost)
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor  # noqa: E402

IMPORT_MS = (time.perf_counter() - _IMPORT_START) * 1000


def inc(x):
    return x + 1


def fib(n):
    def f(k):
        return k if k < 2 else f(k - 1) + f(k - 2)

    return f(n)


def now():
    """Milliseconds from an arbitrary origin."""
    return time.perf_counter() * 1000


def expect(actual, expected, what):
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected}, got {actual}")


def make_pool(library):
    if library == "python-thread":
        return ThreadPoolExecutor(max_workers=2)
    if library in ("python-fork", "python-forkserver", "python-spawn"):
        method = library.split("-", 1)[1]
        return ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context(method))
    raise ValueError(f"unknown library {library}")


def burst(pool, count, offset):
    futures = [pool.submit(inc, offset + i) for i in range(count)]
    values = [f.result() for f in futures]
    expect(values[-1], offset + count, "last result")


def tiny(p):
    with make_pool(p["library"]) as pool:
        burst(pool, p["warmup"], 0)
        t = now()
        burst(pool, p["tasks"], p["warmup"])
        ms = now() - t
    return {"value": p["tasks"] / (ms / 1000), "ms": ms}


def chunked_map(p):
    items = list(range(p["items"]))
    chunksize = p["chunksize"]
    times = []
    with make_pool(p["library"]) as pool:
        # Warm-up: one whole untimed map, then the timed ones (median).
        for _ in pool.map(inc, items, chunksize=chunksize):
            pass
        for _ in range(p["rounds"]):
            t = now()
            count = 0
            last = -1
            for value in pool.map(inc, items, chunksize=chunksize):
                count += 1
                last = value
            times.append(now() - t)
            expect(count, p["items"], "results")
            expect(last, p["items"], "last result")
    ms = sorted(times)[len(times) // 2]
    return {"value": p["items"] / (ms / 1000), "ms": ms}


def cpu(p):
    n, tasks = p["n"], p["tasks"]
    expected = fib(n)
    inline, pooled = [], []
    with make_pool(p["library"]) as pool:
        list(pool.map(fib, [n] * 4))  # warm-up: every worker has started
        for _ in range(p["rounds"]):
            t = now()
            total = sum(fib(n) for _ in range(tasks))
            inline.append(now() - t)
            expect(total, expected * tasks, "inline fib")
            t = now()
            total = sum(f.result() for f in [pool.submit(fib, n) for _ in range(tasks)])
            pooled.append(now() - t)
            expect(total, expected * tasks, "pool fib")
    inline_ms = statistics.median(inline)
    pool_ms = statistics.median(pooled)
    return {"value": inline_ms / pool_ms, "inlineMs": inline_ms, "poolMs": pool_ms}


def cold_start(p):
    t = now()
    pool = make_pool(p["library"])
    expect(pool.submit(inc, 1).result(), 2, "first result")
    ms = now() - t
    pool.shutdown()
    return {"value": ms, "importMs": IMPORT_MS}


WORKLOADS = {
    "threads-tiny": tiny,
    "processes-tiny": tiny,
    "chunked-map": chunked_map,
    "cpu": cpu,
    "cpu-equal": cpu,
    "cold-start": cold_start,
}


def main():
    p = json.loads(sys.argv[1])
    result = WORKLOADS[p["workload"]](p)
    line = {
        "runtime": "python",
        "version": platform.python_version(),
        "defaultStartMethod": multiprocessing.get_start_method(),
        **result,
    }
    print("BENCH_RESULT " + json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
