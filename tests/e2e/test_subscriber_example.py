"""examples/subscriber.py (plain redis-py) follows the four streams of the running system with
a group of its own: every event exactly once, everything acked, nothing acked delivered again
after a restart, and what a crash left pending handled once."""

from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis

from tests.e2e.conftest import System
from tests.e2e.helpers import decide, leader, register, task_body, wait_status

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "subscriber.py"
STREAMS = ("tasks:registered", "tasks:approved", "tasks:rejected", "tasks:progress")


class Example:
    """The example subscriber as a process, with the file it writes and what it says."""

    def __init__(self, system: System, folder: Path) -> None:
        self.out = folder / "events.jsonl"
        self.log = folder / "subscriber.log"
        self.group = f"example-{uuid.uuid4().hex[:8]}"
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "REDIS_URL": system.redis_url,
            "STREAM_PREFIX": system.prefix,
            "GROUP": self.group,
            "CONSUMER": "example-1",
            "OUT": str(self.out),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log.write_text("")
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(EXAMPLE)], env=self.env, stdout=log, stderr=log
            )
        wait_for(lambda: "following" in self.log.read_text(), what="the subscriber to start")

    def stop(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        assert self.process.wait(timeout=10) == 0, self.log.read_text()

    def handled(self) -> list[dict[str, Any]]:
        if not self.out.exists():
            return []
        return [json.loads(line) for line in self.out.read_text().splitlines()]


def wait_for(condition: Callable[[], bool], what: str, within: float = 10) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {within}s for {what}")
        time.sleep(0.05)


def log_ids(client: redis.Redis, prefix: str) -> list[str]:
    """Every event id in the four streams, read back with XRANGE."""
    return [
        json.loads(fields[b"event"])["id"]
        for suffix in STREAMS
        for _, fields in client.xrange(f"{prefix}:{suffix}")
    ]


def test_the_example_imports_only_the_standard_library_and_redis() -> None:
    imported = set()
    for node in ast.walk(ast.parse(EXAMPLE.read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or ".").split(".")[0])
    assert imported - set(sys.stdlib_module_names) == {"redis"}


def test_example_subscriber_sees_every_event_once_and_acks(
    system: System, unit_code: str, tmp_path: Path
) -> None:
    client = redis.Redis.from_url(system.redis_url)
    example = Example(system, tmp_path)
    example.start()
    kept = register(system.registration, task_body(leader(), unit_code))
    dropped = register(system.registration, task_body(leader(), unit_code))
    assert decide(system.approval, kept["task_id"], decision="approve").status_code == 200
    assert decide(system.approval, dropped["task_id"], decision="reject", reason="dup").status_code
    wait_status(system.registration, kept["task_id"], "approved")
    progress = {
        "reported_at": "2024-06-30",
        "actuals": [{"metric": "projects cleared", "value": 3}],
        "status": "in_progress",
    }
    logged = system.registration.post(f"/tasks/{kept['task_id']}/progress", json=progress)
    assert logged.status_code == 201, logged.text

    everything = log_ids(client, system.prefix)
    wait_for(lambda: len(example.handled()) >= len(everything), what="every event")
    ids = [event["id"] for event in example.handled()]
    assert sorted(ids) == sorted(everything), "each event of the log exactly once"
    for created in (kept, dropped):
        assert created["event_id"] in ids
    assert logged.json()["event_id"] in ids

    def nothing_pending() -> bool:
        group = example.group
        return all(
            client.xpending(f"{system.prefix}:{suffix}", group)["pending"] == 0
            for suffix in STREAMS
        )

    wait_for(nothing_pending, what="every entry acked")
    example.stop()

    # A crash after delivery, before the ack: the entry waits in the consumer's pending list.
    again = system.registration.post(
        f"/tasks/{kept['task_id']}/progress", json={**progress, "reported_at": "2024-07-31"}
    )
    assert again.status_code == 201, again.text
    stream = f"{system.prefix}:tasks:progress"
    [(_, delivered)] = client.xreadgroup(example.group, "example-1", {stream: ">"})
    assert [entry_id.decode() for entry_id, _ in delivered] == [again.json()["position"]]

    example.start()
    wait_for(lambda: len(example.handled()) == len(everything) + 1, what="the pending entry")
    wait_for(nothing_pending, what="the pending entry acked")
    time.sleep(1.2)  # one more blocking read: nothing already acked comes back
    example.stop()
    said = example.log.read_text()
    assert said.count("handled ") == 1, said
    assert "duplicate" not in said
    ids = [event["id"] for event in example.handled()]
    assert len(ids) == len(set(ids)) == len(everything) + 1
    client.close()
