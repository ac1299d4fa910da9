# Copyright 2026 the concurrent-futures authors. MIT license.
# Python's side of the event-loop benchmark: HTTP GETs to the local server with
# ThreadPoolExecutor(30) and urllib, the way the Python docs fetch pages. Stdlib only.
#
#   python3 bench/python/event_loop.py '{"url":"http://…","requests":1000,"workers":30,"bodyBytes":2048}'

import json
import re
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def get(url):
    with urllib.request.urlopen(url, timeout=60) as response:
        return len(response.read())


def peak_rss_mb():
    with open("/proc/self/status") as status:
        kb = int(re.search(r"VmHWM:\s+(\d+) kB", status.read()).group(1))
    return round(kb / 1024, 1)


def main():
    p = json.loads(sys.argv[1])
    urls = [f"{p['url']}/page/{i}" for i in range(p["requests"])]
    start = time.perf_counter()
    with ThreadPoolExecutor(p["workers"]) as executor:
        sizes = list(executor.map(get, urls))
    ms = (time.perf_counter() - start) * 1000
    if len(sizes) != p["requests"] or sum(sizes) != p["requests"] * p["bodyBytes"]:
        raise SystemExit(f"wrong results: {len(sizes)} responses, {sum(sizes)} bytes")
    result = {"runtime": "python", "library": "python-thread", "value": ms, "ms": ms,
              "peakRssMb": peak_rss_mb()}
    print("BENCH_RESULT " + json.dumps(result), flush=True)


main()
