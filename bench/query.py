"""Query speed: ``GET /reports/{year}`` with 1,000,000 events in the log.

``python -m bench.query [--events 1000000] [--requests 2000]`` fills a private redis-server
with the synthetic log, starts the reporting service, asks once for each scope (the first
report of a year counts that year's tasks, bucket by bucket)
and then times ``--requests`` reports of one year, whole and by unit and category, over one
keep-alive HTTP connection. Prints the 50th and 99th percentiles and the maximum (the
target: the 99th under 20 ms). Nothing is written meanwhile: a report kept is answered as is
(``bench.load`` measures reports recounted after writes).
"""

from __future__ import annotations

import argparse
import time

import httpx

from bench.harness import fill, peak_memory_mb, private_redis, reporting, say
from bench.synthetic import Synthetic
from shared.log.keys import Keys

EVENTS_PER_TASK = 5.52


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.query")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=2_000)
    args = parser.parse_args()
    with private_redis() as url:
        started = time.perf_counter()
        log = Synthetic(round(args.events / EVENTS_PER_TASK), keys=Keys("bench"))
        events = fill(url, log)
        say(f"log: {events:,} events ({time.perf_counter() - started:.0f} s)")
        with reporting(url) as (base, seconds, process):
            say(f"service ready with its first report after {seconds:.1f} s")
            scopes = [{}, {"unit": "unit-007"}, {"category": "party_building"}]
            with httpx.Client(base_url=base, timeout=30) as client:
                for scope in scopes:
                    client.get("/reports/2024", params=scope).raise_for_status()
                for scope in scopes:
                    times = []
                    for _ in range(args.requests):
                        asked = time.perf_counter()
                        client.get("/reports/2024", params=scope).raise_for_status()
                        times.append(time.perf_counter() - asked)
                    say(
                        f"GET /reports/2024 {scope or '(whole year)'}: p50"
                        f" {percentile(times, 0.5):.1f} ms, p99 {percentile(times, 0.99):.1f} ms,"
                        f" max {max(times) * 1000:.1f} ms over {len(times):,} requests"
                    )
            say(f"service peak memory {peak_memory_mb(process.pid):.0f} MB")


if __name__ == "__main__":
    main()
