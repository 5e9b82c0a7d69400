"""A consumer with a backlog: reporting following 100,000 new events against the floor.

``python -m bench.consumers [--events 100000] [--runs 2] [--shape ours|v1|v1-same-time]``,
for each shape of the synthetic log (every shape unless ``--shape``), on a private
redis-server each time, in turn:

- the floor: a plain reader following the backlog (the first ``--events`` entries of the
  log, every stream) with ``XREAD`` in pages of 500 per stream from where it stood, and
  ``json.loads`` of every document: what a subscriber written from docs/subscribing.md does;
- reporting (the only consumer since the rework; it follows without a group): the service
  is started on an empty log, stopped with ``SIGSTOP``, the backlog is appended, it is
  resumed with ``SIGCONT``, and timed until ``GET /reports/2024?after=<the last entry>``
  answers (it waits up to 5 s a call for the position, then 504).

Prints both rates and their ratio (the target: at least 0.75). Reporting logs at ``info``
(one JSON line per event applied) to /dev/null, as in production.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import signal
import time

import httpx
import redis

from bench.harness import PIPELINE, cpu_seconds, private_redis, reporting, say, streams
from bench.synthetic import SHAPES, Synthetic
from shared.log.keys import Keys, position_key

PREFIX = "consume"


def backlog(url: str, events: int, shape: str) -> str:
    """Append the first ``events`` entries of the synthetic log; the newest entry's id."""
    client = redis.Redis.from_url(url)
    pipe, last = client.pipeline(transaction=False), "0-0"
    entries = itertools.islice(Synthetic(keys=Keys(PREFIX), shape=shape).entries(), events)
    for number, (stream, kind, document) in enumerate(entries, start=1):
        pipe.xadd(stream, {"type": kind, "event": document})
        if number % PIPELINE == 0 or number == events:
            last = max([last, *(entry.decode() for entry in pipe.execute())], key=position_key)
    client.close()
    return last


def floor(url: str) -> tuple[int, float]:
    """(events, seconds) for a plain XREAD reader to read and parse the backlog."""
    client = redis.Redis.from_url(url)
    stood: dict[str, str] = dict.fromkeys(streams(PREFIX), "0-0")
    started, count = time.perf_counter(), 0
    while reply := client.xread(stood, count=500):
        for stream, entries in reply:
            for _, fields in entries:
                json.loads(fields[b"event"])
            stood[stream.decode()] = entries[-1][0].decode()
            count += len(entries)
    seconds = time.perf_counter() - started
    client.close()
    return count, seconds


def follow(url: str, events: int, shape: str, env: dict[str, str]) -> tuple[float, float]:
    """Seconds from SIGCONT until reporting's report includes the whole backlog, and the
    CPU seconds the service used meanwhile."""
    with (
        reporting(url, PREFIX, **({"LOG_LEVEL": "info"} | env)) as (base, _, process),
        httpx.Client(base_url=base, timeout=60) as http,
    ):
        os.kill(process.pid, signal.SIGSTOP)
        try:
            last = backlog(url, events, shape)
        finally:
            cpu = cpu_seconds(process.pid)
            os.kill(process.pid, signal.SIGCONT)
        started = time.perf_counter()
        answer = http.get("/reports/2024", params={"after": last})
        while answer.status_code == 504:
            answer = http.get("/reports/2024", params={"after": last})
        seconds = time.perf_counter() - started
        answer.raise_for_status()
        cpu = cpu_seconds(process.pid) - cpu
    return seconds, cpu


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.consumers")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument(
        "--env", action="append", default=[], help="KEY=VALUE for the service (A/B runs)"
    )
    parser.add_argument("--shape", choices=SHAPES, action="append")
    args = parser.parse_args()
    env = dict(pair.split("=", 1) for pair in args.env)
    for shape, run in itertools.product(args.shape or SHAPES, range(1, args.runs + 1)):
        with private_redis() as url:
            backlog(url, args.events, shape)
            count, seconds = floor(url)
        say(f"{shape} run {run}: floor (XREAD 500 + json.loads): {count / seconds:,.0f}/s")
        with private_redis() as url:
            followed, cpu = follow(url, args.events, shape, env)
        rate = args.events / followed
        say(
            f"{shape} run {run}: reporting following {args.events:,}: {rate:,.0f}/s"
            f" ({followed:.2f} s, CPU {cpu:.2f} s); ratio to the floor"
            f" {rate / (count / seconds):.2f} (target >= 0.75)"
        )


if __name__ == "__main__":
    main()
