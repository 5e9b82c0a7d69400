"""Rebuild speed and memory: reporting's start against the floor, on logs of three shapes.

``python -m bench.rebuild [--tasks 60000] [--runs 2] [--shape ours|v1|v1-same-time]`` fills a
private redis-server with each shape of the synthetic log in turn (``bench.synthetic``: 60,000
tasks are about 330,000 events; every shape unless ``--shape``), then, ``--runs`` times:

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
from bench.synthetic import SHAPES, Synthetic
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
def log(tasks: int, shape: str) -> Iterator[str]:
    with private_redis() as private:
        started = time.perf_counter()
        events = fill(private, Synthetic(tasks, keys=Keys(PREFIX), shape=shape))
        seconds = time.perf_counter() - started
        say(f"log {shape}: {tasks:,} tasks, {events:,} events ({seconds:.0f} s)")
        yield private


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.rebuild")
    parser.add_argument("--tasks", type=int, default=60_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--shape", choices=SHAPES, action="append")
    args = parser.parse_args()
    for shape in args.shape or SHAPES:
        with log(args.tasks, shape) as url:
            runs(url, args.runs, shape)


def runs(url: str, times: int, shape: str) -> None:
    """The floor and reporting back to back, ``times`` times, on one log."""
    for run in range(1, times + 1):
        count, seconds, floor_cpu = floor(url)
        with reporting(url, PREFIX) as (_, start, process):
            memory, cpu = peak_memory_mb(process.pid), cpu_seconds(process.pid)
        say(
            f"{shape} run {run}: floor (XRANGE + json.loads) {count:,} events {seconds:.2f} s,"
            f" CPU {floor_cpu:.2f} s; reporting from process start to its first report"
            f" {start:.2f} s, CPU {cpu:.2f} s, peak memory {memory:.0f} MB; ratio"
            f" {seconds / start:.2f} (target >= 1.0), CPU ratio {floor_cpu / cpu:.2f}"
        )


if __name__ == "__main__":
    main()
