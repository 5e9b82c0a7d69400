"""Consumers with a backlog: events/s each service's real follower applies.

``python -m bench.consumers [--events 100000]`` fills a private redis-server, then for each
consumer starts the service as a process and measures until it has applied everything:

- **approval**: ``--events`` ``TaskRegistered`` in ``tasks:registered``; done when its group
  has ``lag`` 0 and nothing pending (every task noted in its pending lists);
- **registration**: ``--events`` decisions (9 in 10 approvals, 1 in 10 rejections) of tasks
  it holds; done when both of its groups (approved, rejected) have lag and pending 0;
- **reporting** (follows without a group, after its rebuild): the service is started on the
  empty log, stopped with ``SIGSTOP``, the backlog (``--events`` registrations) is appended,
  and it is resumed with ``SIGCONT``; done when ``GET /reports/{year}?after=<last>`` answers.

Rates are counted from the group's creation (approval, registration) or from ``SIGCONT``
(reporting), so they leave out the interpreter's start; the time from process start is
printed too. Services log at ``info`` (one JSON line per event applied) to /dev/null.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import httpx
import redis

from bench.harness import PIPELINE, private_redis, say
from bench.synthetic import Synthetic
from shared.keys import Keys
from tests.support.redis_server import free_port

PREFIX = "consume"
KEYS = Keys(PREFIX)


def templates() -> dict[str, list[dict[str, object]]]:
    """Realistic event documents by type, to be varied by task id and event id."""
    found: dict[str, list[dict[str, object]]] = {}
    for _, fields in Synthetic(500, keys=KEYS).entries():
        found.setdefault(fields["type"], []).append(json.loads(fields["event"]))
    return found


def vary(document: dict[str, object], task_id: str) -> str:
    data = dict(document["data"])  # type: ignore[call-overload]
    data["task_id"] = task_id
    varied = {**document, "id": str(uuid.uuid4()), "subject": task_id, "data": data}
    return json.dumps(varied, ensure_ascii=False)


def fill_registrations(client: redis.Redis, count: int) -> tuple[list[str], str]:
    """``count`` registrations; their task ids and the last entry's id."""
    docs = templates()["TaskRegistered"]
    pipe = client.pipeline(transaction=False)
    task_ids, last = [], ""
    for number in range(count):
        task_id = str(uuid.uuid4())
        task_ids.append(task_id)
        event = vary(docs[number % len(docs)], task_id)
        pipe.xadd(KEYS.registered, {"type": "TaskRegistered", "event": event})
        if (number + 1) % PIPELINE == 0 or number + 1 == count:
            last = pipe.execute()[-1].decode()
    return task_ids, last


def fill_decisions(client: redis.Redis, count: int) -> None:
    """``count`` decisions of tasks registration holds (their hashes and live sets too)."""
    found = templates()
    registrations, approvals = found["TaskRegistered"], found["TaskApproved"]
    rejections = found["TaskRejected"]
    pipe = client.pipeline(transaction=False)
    for number in range(count):
        task_id = str(uuid.uuid4())
        registration = vary(registrations[number % len(registrations)], task_id)
        record = json.loads(registration)["data"]
        task_key = KEYS.tagged(KEYS.registered, "task", task_id)
        live_key = KEYS.tagged(KEYS.registered, "live", record["year"], record["registrant"]["id"])
        pipe.hset(task_key, mapping={"event": registration, "position": "1-0", "status": "pending"})
        pipe.sadd(live_key, task_id)
        if number % 10 == 9:
            fields = {"type": "TaskRejected", "event": vary(rejections[number % 7], task_id)}
            pipe.xadd(KEYS.rejected, fields)  # type: ignore[arg-type]
        else:
            fields = {"type": "TaskApproved", "event": vary(approvals[number % 50], task_id)}
            pipe.xadd(KEYS.approved, fields)  # type: ignore[arg-type]
        if (number + 1) % PIPELINE == 0:
            pipe.execute()
    pipe.execute()


@contextlib.contextmanager
def service(name: str, url: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    settings = {"REDIS_URL": url, "STREAM_PREFIX": PREFIX, "PORT": str(port)}
    settings |= {"LOG_FORMAT": "json", "LOG_LEVEL": "info", "ALLOW_ANONYMOUS": "true"}
    settings |= {"REPLICA_NAME": f"{name}-1"}
    process = subprocess.Popen(
        [sys.executable, "-m", f"services.{name}"],
        env={**os.environ, **settings},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process, f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def drain(client: redis.Redis, url: str, name: str, streams: list[str], events: int) -> None:
    """Start ``name`` and time it until its group on every stream has lag and pending 0."""
    group = KEYS.group(name)
    started = time.perf_counter()
    created = None
    with service(name, url):
        while True:
            done = 0
            for stream in streams:
                groups = {
                    row["name"].decode(): row
                    for row in client.xinfo_groups(stream)  # type: ignore[union-attr]
                }
                row = groups.get(group)
                if row is None:
                    continue
                created = created or time.perf_counter()
                done += bool(row["lag"] == 0 and row["pending"] == 0 and row["entries-read"])
            if done == len(streams):
                break
            time.sleep(0.01)
    ended = time.perf_counter()
    assert created is not None
    say(
        f"{name:<13} {events:,} events: {events / (ended - created):,.0f} events/s from the"
        f" group's creation ({ended - created:.2f} s; {ended - started:.2f} s from process start)"
    )


def reporting_follow(client: redis.Redis, url: str, events: int) -> None:
    with (
        service("reporting", url) as (process, base),
        httpx.Client(base_url=base, timeout=60) as http,
    ):
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if http.get("/readyz").status_code == 200:
                    break
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGSTOP)
        _, last = fill_registrations(client, events)
        year = json.loads(client.xrevrange(KEYS.registered, count=1)[0][1][b"event"])
        year = year["data"]["year"]
        started = time.perf_counter()
        os.kill(process.pid, signal.SIGCONT)
        answer = http.get(f"/reports/{year}", params={"after": last})
        while answer.status_code == 504:  # it waits 5 s at most, then says so
            answer = http.get(f"/reports/{year}", params={"after": last})
        seconds = time.perf_counter() - started
        answer.raise_for_status()
    say(
        f"{'reporting':<13} {events:,} events: {events / seconds:,.0f} events/s followed"
        f" live after SIGCONT ({seconds:.2f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.consumers")
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    for name in ("approval", "registration", "reporting"):
        with private_redis() as url:
            client = redis.Redis.from_url(url)
            if name == "approval":
                fill_registrations(client, args.events)
                drain(client, url, name, [KEYS.registered], args.events)
            elif name == "registration":
                fill_decisions(client, args.events)
                drain(client, url, name, [KEYS.approved, KEYS.rejected], args.events)
            else:
                reporting_follow(client, url, args.events)
            client.close()


if __name__ == "__main__":
    main()
