"""examples/faststream_subscriber.py, run as other teams would run it, against a real Redis:
its consumer group sees what was written before it first ran, each event is handled once
(a duplicate entry, a kill -9 and a start again), and an entry a crash left pending after
its effect is taken up again and acknowledged without a second effect."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "faststream_subscriber.py"
STREAMS = ("tasks:approved", "tasks:rejected", "tasks:returned")


def document(event_type: str) -> dict[str, Any]:
    task_id = f"t-{uuid.uuid4().hex[:8]}"
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "/breakthrough/approval",
        "type": event_type,
        "subject": task_id,
        "time": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "datacontenttype": "application/json",
        "schemaversion": 1,
        "correlationid": str(uuid.uuid4()),
        "data": {"task_id": task_id, "year": 2024, "decided_by": "tt-tinh-uy"},
    }


class Example:
    def __init__(self, redis_url: str, prefix: str, folder: Path) -> None:
        self.redis_url, self.prefix, self.folder = redis_url, prefix, folder
        self.out = folder / "decisions.jsonl"
        self.process: subprocess.Popen[bytes] | None = None
        self.runs = 0

    def start(self, reclaim_ms: int = 60_000) -> None:
        self.runs += 1
        options = {
            "--redis-url": self.redis_url,
            "--prefix": self.prefix,
            "--group": "decisions-log",
            "--consumer": "c1",
            "--out": str(self.out),
            "--reclaim-ms": str(reclaim_ms),
        }
        with (self.folder / f"example-{self.runs}.log").open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    str(EXAMPLE),
                    *(part for pair in options.items() for part in pair),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def lines(self) -> list[dict[str, Any]]:
        if not self.out.exists():
            return []
        return [json.loads(line) for line in self.out.read_text().splitlines()]

    def said(self, word: str) -> list[str]:
        return [
            line
            for path in sorted(self.folder.glob("example-*.log"))
            for line in path.read_text(errors="replace").splitlines()
            if line.startswith(word + " ")
        ]


def eventually(check: Callable[[], Any], timeout: float = 30.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout}s: {what}")


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    connection = redis.Redis.from_url(redis_url)
    yield connection
    connection.close()


@pytest.fixture
def example(redis_url: str, prefix: str, tmp_path: Path) -> Iterator[Example]:
    running = Example(redis_url, prefix, tmp_path)
    yield running
    running.kill()


def append(client: redis.Redis, prefix: str, stream: str, doc: dict[str, Any]) -> str:
    position = client.xadd(f"{prefix}:{stream}", {"type": doc["type"], "event": json.dumps(doc)})
    return position.decode()


def pending(client: redis.Redis, prefix: str, streams: tuple[str, ...] = STREAMS) -> int:
    group = "decisions-log"
    return sum(int(client.xpending(f"{prefix}:{s}", group)["pending"]) for s in streams)


def test_each_event_once_across_duplicates_and_kill_9(
    example: Example, client: redis.Redis, prefix: str
) -> None:
    before = document("TaskApproved")
    append(client, prefix, "tasks:approved", before)  # written before the group existed
    example.start()
    returned = document("TaskReturned")
    append(client, prefix, "tasks:returned", returned)
    eventually(lambda: len(example.lines()) == 2, what="both handled")
    append(client, prefix, "tasks:approved", before)  # the same event, delivered again
    eventually(lambda: example.said("duplicate"), what="the duplicate seen")
    example.kill()
    rejected = document("TaskRejected")
    append(client, prefix, "tasks:rejected", rejected)
    example.start()
    eventually(lambda: len(example.lines()) == 3, what="the third handled")
    assert sorted(line["id"] for line in example.lines()) == sorted(
        doc["id"] for doc in (before, returned, rejected)
    )
    assert {line["type"] for line in example.lines()} == {
        "TaskApproved",
        "TaskReturned",
        "TaskRejected",
    }
    eventually(lambda: pending(client, prefix) == 0, what="everything acknowledged")


def test_an_entry_left_pending_after_its_effect_is_acknowledged_without_a_second(
    example: Example, client: redis.Redis, prefix: str
) -> None:
    """The crash window of 'effect, then ack': the line was written, the ack never sent."""
    doc = document("TaskApproved")
    position = append(client, prefix, "tasks:approved", doc)
    stream = f"{prefix}:tasks:approved"
    client.xgroup_create(stream, "decisions-log", id="0")
    client.xreadgroup("decisions-log", "c1", {stream: ">"})  # delivered to c1, never acked
    effect = {"id": doc["id"], "type": doc["type"], "task_id": doc["subject"]}
    example.out.write_text(json.dumps(effect) + "\n")  # ... after its effect
    assert pending(client, prefix, ("tasks:approved",)) == 1
    example.start(reclaim_ms=500)
    approved = ("tasks:approved",)
    eventually(lambda: pending(client, prefix, approved) == 0, what="reclaimed and acked")
    assert [line["id"] for line in example.lines()] == [doc["id"]]
    assert any(doc["id"] in line and position in line for line in example.said("duplicate"))
