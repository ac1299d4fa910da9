# Copyright 2026 the concurrent-futures authors. MIT license.
# Ray's figures for bench/distributed/README.md: no-op tasks on a local 2-CPU Ray cluster, serial
# latency (submit, get, repeat) and throughput (everything submitted at once), like bench.ts.
#
#   python3 -m venv /tmp/venv && /tmp/venv/bin/pip install ray
#   /tmp/venv/bin/python bench/distributed/ray_bench.py [--tasks 2000] [--serial 200]

import argparse
import json
import statistics
import time

import ray


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--serial", type=int, default=200)
    args = parser.parse_args()

    started = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR")

    @ray.remote
    def noop(x):
        return x

    ray.get(noop.remote(0))
    first = time.perf_counter() - started
    for i in range(20):
        ray.get(noop.remote(i))
    latencies = []
    for i in range(args.serial):
        t0 = time.perf_counter()
        ray.get(noop.remote(i))
        latencies.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    results = ray.get([noop.remote(i) for i in range(args.tasks)])
    rate = args.tasks / (time.perf_counter() - t0)
    assert results == list(range(args.tasks))
    ray.shutdown()
    result = {
        "engine": "ray " + ray.__version__,
        "latencyMs": statistics.median(latencies),
        "tasksPerSecond": rate,
        "initToFirstResultS": first,
    }
    print(f"Ray {ray.__version__}: serial latency {result['latencyMs']:.2f} ms, "
          f"{rate:.0f} tasks/s, {first:.1f} s from ray.init to the first result")
    print("BENCH_RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
