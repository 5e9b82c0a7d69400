"""Rebuild speed: reporting's start on a realistic log against the raw floor, in one run.

``python -m bench.rebuild [--tasks 40000]`` fills a private redis-server with the synthetic
log (``bench.synthetic``: 40,000 tasks are about 190,000 events), then measures

- the raw floor: paged ``XRANGE`` (10,000 entries a page) with redis-py plus ``json.loads``
  of every event document, in this process;
- reporting's rebuild: ``python -m services.reporting`` from process start to its first
  complete ``GET /reports/2024`` (no snapshot yet), and its peak resident memory;
- the rebuild itself: the events and seconds of ``LiveProjection.start`` as the service's
  "projection ready" log line gives them (the service runs at ``LOG_LEVEL=info`` for it);
- a restart of the service that loads the snapshot the first run wrote;

and prints the rates and two ratios to the floor: from process start (the issue's figure;
the target is at least 0.8) and of the rebuild itself. With other work on the machine the
wall-clock ratios swing (the floor and the rebuild run at different moments); the CPU time
each used (the floor's process, the service's from start to first report) is steadier.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from typing import IO

import redis

from bench.harness import cpu_seconds, fill, peak_memory_mb, private_redis, reporting, say
from shared.keys import Keys

PAGE = 10_000


def floor_rate(url: str, prefix: str = "bench") -> tuple[int, float, float]:
    """(events, seconds, CPU seconds) to read every stream in pages and parse every event's
    JSON."""
    client = redis.Redis.from_url(url)
    started, cpu, count = time.perf_counter(), time.process_time(), 0
    for stream in Keys(prefix).event_streams.values():
        last = "0-0"
        while page := client.xrange(stream, min=f"({last}", count=PAGE):
            for _, fields in page:
                json.loads(fields[b"event"])
            count += len(page)
            last = page[-1][0].decode()
    client.close()
    return count, time.perf_counter() - started, time.process_time() - cpu


def wait_for_snapshot(url: str, prefix: str = "bench", within: float = 120) -> None:
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + within
    while not client.exists(f"{prefix}:reporting:snapshot"):
        if time.monotonic() > deadline:
            raise TimeoutError("no snapshot was written")
        time.sleep(0.2)
    client.close()


def projection_ready(log: IO[bytes]) -> tuple[int, float]:
    """(events, seconds) of the service's "projection ready" line in its JSON ``log``."""
    log.seek(0)
    for record in (json.loads(line) for line in log if line.startswith(b"{")):
        if record.get("message") == "projection ready":
            return record["events"], record["seconds"]
    raise RuntimeError("the service logged no 'projection ready' line")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.rebuild")
    parser.add_argument("--tasks", type=int, default=40_000)
    args = parser.parse_args()
    with private_redis() as url:
        started = time.perf_counter()
        events = fill(url, args.tasks)
        say(f"log: {args.tasks:,} tasks, {events:,} events ({time.perf_counter() - started:.0f} s)")
        count, seconds, floor_cpu = floor_rate(url)
        floor = count / seconds
        say(
            f"raw floor (XRANGE + json.loads): {count:,} events, {seconds:.2f} s = {floor:,.0f}/s"
            f" (CPU {floor_cpu:.2f} s)"
        )
        with (
            tempfile.TemporaryFile() as log,
            reporting(url, log=log, LOG_LEVEL="info") as (_, seconds, pid),
        ):
            memory, cpu = peak_memory_mb(pid), cpu_seconds(pid)
            rate = events / seconds
            say(
                f"reporting rebuild, process start to first report: {seconds:.2f} s ="
                f" {rate:,.0f} events/s (CPU {cpu:.2f} s), peak memory {memory:.0f} MB"
            )
            folded, rebuild = projection_ready(log)
            itself = folded / rebuild
            say(f"the rebuild itself: {folded:,} events, {rebuild:.2f} s = {itself:,.0f}/s")
            wait_for_snapshot(url)
        with reporting(url) as (_, restart, pid):
            say(
                f"restart from the snapshot: {restart:.2f} s to first report,"
                f" peak memory {peak_memory_mb(pid):.0f} MB"
            )
        say(f"ratio rebuild from process start / floor: {rate / floor:.2f} (target >= 0.8)")
        say(f"ratio of the rebuild itself / floor: {itself / floor:.2f}")
        say(f"CPU of the floor / CPU from process start to first report: {floor_cpu / cpu:.2f}")


if __name__ == "__main__":
    main()
