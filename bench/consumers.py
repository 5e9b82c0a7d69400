"""A consumer with a backlog: reporting following 100,000 new events against the floor.

``python -m bench.consumers [--events 100000] [--runs 2]``, on a private redis-server each
time, in turn:

- the floor: a plain consumer group reading the backlog (the first ``--events`` entries of
  the synthetic log, every stream) with ``XREADGROUP`` in pages of 500 per stream, ``json.loads``
  of every document, one ``XACK`` per page;
- reporting (the only consumer since the rework; it follows without a group): the service
  is started on an empty log, stopped with ``SIGSTOP``, the backlog is appended, it is
  resumed with ``SIGCONT``, and timed until ``GET /reports/2024?after=<the last entry>``
  answers (it waits up to 5 s a call for the position, then 504).

Prints both rates and their ratio (the target: at least 0.75). Reporting logs at ``info``
(one JSON line per event applied) to /dev/null, as in production.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import signal
import time

import httpx
import redis

from bench.harness import PIPELINE, cpu_seconds, private_redis, reporting, say, streams
from bench.synthetic import Synthetic
from shared.log.keys import Keys

PREFIX = "consume"


def backlog(url: str, events: int) -> str:
    """Append the first ``events`` entries of the synthetic log; the newest entry's id."""
    client = redis.Redis.from_url(url)
    pipe, last = client.pipeline(transaction=False), "0-0"
    entries = itertools.islice(Synthetic(keys=Keys(PREFIX)).entries(), events)
    for number, (stream, kind, document) in enumerate(entries, start=1):
        pipe.xadd(stream, {"type": kind, "event": document})
        if number % PIPELINE == 0 or number == events:
            last = max([last, *(entry.decode() for entry in pipe.execute())], key=_order)
    client.close()
    return last


def _order(position: str) -> tuple[int, int]:
    ms, _, seq = position.partition("-")
    return int(ms), int(seq)


def floor(url: str) -> tuple[int, float]:
    """(events, seconds) for a consumer group to read, parse and acknowledge the backlog."""
    client = redis.Redis.from_url(url)
    names = streams(PREFIX)
    for stream in names:
        with contextlib.suppress(redis.ResponseError):
            client.xgroup_create(stream, "floor", id="0", mkstream=True)
    started, count = time.perf_counter(), 0
    while True:
        reply = client.xreadgroup("floor", "c1", dict.fromkeys(names, ">"), count=500)
        if not reply:
            break
        for stream, entries in reply:
            for _, fields in entries:
                json.loads(fields[b"event"])
            client.xack(stream, "floor", *[entry_id for entry_id, _ in entries])
            count += len(entries)
    seconds = time.perf_counter() - started
    client.close()
    return count, seconds


def follow(url: str, events: int, env: dict[str, str]) -> tuple[float, float]:
    """Seconds from SIGCONT until reporting's report includes the whole backlog, and the
    CPU seconds the service used meanwhile."""
    with (
        reporting(url, PREFIX, **({"LOG_LEVEL": "info"} | env)) as (base, _, process),
        httpx.Client(base_url=base, timeout=60) as http,
    ):
        os.kill(process.pid, signal.SIGSTOP)
        try:
            last = backlog(url, events)
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
    args = parser.parse_args()
    env = dict(pair.split("=", 1) for pair in args.env)
    for run in range(1, args.runs + 1):
        with private_redis() as url:
            backlog(url, args.events)
            count, seconds = floor(url)
        say(f"run {run}: floor (XREADGROUP 500 + json.loads + XACK): {count / seconds:,.0f}/s")
        with private_redis() as url:
            followed, cpu = follow(url, args.events, env)
        rate = args.events / followed
        say(
            f"run {run}: reporting following {args.events:,}: {rate:,.0f}/s ({followed:.2f} s,"
            f" CPU {cpu:.2f} s)"
        )
        say(f"run {run}: ratio reporting / floor {rate / (count / seconds):.2f} (target >= 0.75)")


if __name__ == "__main__":
    main()
