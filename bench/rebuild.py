"""Rebuild speed and memory: reporting's start on the log of issue 12 against the floor.

``python -m bench.rebuild [--tasks 60000] [--runs 2] [--redis-url URL]`` fills a private
redis-server with the synthetic log (``bench.synthetic``: 60,000 tasks are about 330,000
events; with ``--redis-url`` a log already there under the prefix ``bench`` is used), then,
``--runs`` times in turn:

- the floor: paged ``XRANGE`` (10,000 entries a page, redis-py with hiredis) and
  ``json.loads`` of every event document, keeping subject -> type, in this process;
- reporting: ``python -m services.reporting`` from process start to its first complete
  ``GET /reports/2024``, its CPU time to then, and its peak resident memory (``VmHWM``).

It prints each pair and their ratio (reporting's rate over the floor's, the target being
at least 1.0): the two run back to back, so a busy machine slows both.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import time
from collections.abc import Iterator

import redis

from bench.harness import cpu_seconds, fill, peak_memory_mb, private_redis, reporting, say, streams
from bench.synthetic import Synthetic
from shared.log.keys import Keys

PAGE = 10_000
PREFIX = "bench"


def floor(url: str, prefix: str = PREFIX) -> tuple[int, float, float]:
    """(events, seconds, CPU seconds) to read every stream in pages and parse every event."""
    client = redis.Redis.from_url(url)
    started, cpu, count, kinds = time.perf_counter(), time.process_time(), 0, {}
    for stream in streams(prefix):
        last = "0-0"
        while page := client.xrange(stream, min=f"({last}", count=PAGE):
            for _, fields in page:
                document = json.loads(fields[b"event"])
                kinds[document["subject"]] = document["type"]
            count += len(page)
            last = page[-1][0].decode()
    client.close()
    return count, time.perf_counter() - started, time.process_time() - cpu


@contextlib.contextmanager
def log(url: str | None, tasks: int) -> Iterator[str]:
    if url is not None:
        yield url
        return
    with private_redis() as private:
        started = time.perf_counter()
        events = fill(private, Synthetic(tasks, keys=Keys(PREFIX)))
        say(f"log: {tasks:,} tasks, {events:,} events ({time.perf_counter() - started:.0f} s)")
        yield private


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.rebuild")
    parser.add_argument("--tasks", type=int, default=60_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--redis-url", help="a Redis already holding the log under 'bench'")
    args = parser.parse_args()
    with log(args.redis_url, args.tasks) as url:
        for run in range(1, args.runs + 1):
            count, seconds, floor_cpu = floor(url)
            say(
                f"run {run}: floor (XRANGE + json.loads) {count:,} events in {seconds:.2f} s ="
                f" {count / seconds:,.0f}/s, CPU {floor_cpu:.2f} s"
            )
            with reporting(url, PREFIX) as (_, start, process):
                memory, cpu = peak_memory_mb(process.pid), cpu_seconds(process.pid)
            say(
                f"run {run}: reporting, process start to first report {start:.2f} s ="
                f" {count / start:,.0f}/s, CPU {cpu:.2f} s, peak memory {memory:.0f} MB"
            )
            say(
                f"run {run}: ratio reporting / floor {seconds / start:.2f} (target >= 1.0);"
                f" CPU ratio {floor_cpu / cpu:.2f}"
            )


if __name__ == "__main__":
    main()
