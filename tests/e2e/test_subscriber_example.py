"""examples/subscriber.py (plain redis-py) follows the streams of the running system with
a group of its own: every event of the whole yearly cycle exactly once, everything acked,
nothing acked delivered again after a restart, and what a crash left pending handled once.

A v1 subscriber is unaffected by versions 1.1 and 1.2: the same program following the four v1
streams (as the example did before 1.1; only its ``EVENT_TYPES`` changed since) sees the
v1 events of a whole 1.1 cycle, each a v1 document, and never touches the new streams.
Each runs as the Redis user the runbook (deploy/README.md) gives a subscriber: the example
as today's, the v1 subscriber as one made for v1 (the ``tasks:*`` streams only)."""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import redis
import yaml

from tests.e2e.conftest import System, take_spare_year
from tests.e2e.helpers import (
    STREAM_KEYS,
    YEAR,
    approve,
    close_year,
    decide,
    decide_many,
    from_roster,
    progress_body,
    publish_roster,
    register,
    task_body,
)
from tests.support.people import APPROVER, Caller, Pool
from tests.support.redis_server import PrivateRedis

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "subscriber.py"
RUNBOOK = ROOT / "deploy" / "README.md"
STREAMS = tuple(key for key in STREAM_KEYS if key != "dead-letter")
"""Every stream of the log but the dead letters."""
V1_STREAMS = ("tasks:registered", "tasks:approved", "tasks:rejected", "tasks:progress")
V1_DATA = {
    "TaskRegistered": {
        "task_id",
        "year",
        "registrant",
        "unit",
        "title",
        "description",
        "category",
        "kind",
        "targets",
        "deadline",
        "registered_at",
    },
    "TaskApproved": {"task_id", "year", "decided_by", "reference", "note", "approved_at"},
    "TaskRejected": {"task_id", "year", "decided_by", "reason", "rejected_at"},
    "ProgressLogged": {"task_id", "year", "reported_at", "actuals", "status", "note"},
}
"""The fields of ``data`` per v1 event type, as contract v1 lists them."""
FOLLOWING_ONLY = """\
import importlib.util, sys
spec = importlib.util.spec_from_file_location("subscriber", sys.argv[1])
example = importlib.util.module_from_spec(spec)
spec.loader.exec_module(example)
example.EVENT_TYPES = {s: example.EVENT_TYPES[s] for s in sys.argv[2].split(",")}
del sys.argv[1:]
example.main()
"""
"""``python -c`` this with the example's path and a comma-separated list of streams: the
example following only those."""


def the_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("subscriber_example", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Example:
    """The example subscriber as a process, with the file it writes and what it says."""

    def __init__(
        self,
        system: System,
        folder: Path,
        streams: tuple[str, ...] = STREAMS,
        redis_url: str | None = None,
        prefix: str | None = None,
    ) -> None:
        self.out = folder / "events.jsonl"
        self.log = folder / "subscriber.log"
        self.group = f"example-{uuid.uuid4().hex[:8]}"
        self.streams = streams
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "TIMEZONE": os.environ["TIMEZONE"],
            "REDIS_URL": redis_url or system.redis_url,
            "STREAM_PREFIX": prefix or system.prefix,
            "GROUP": self.group,
            "CONSUMER": "example-1",
            "OUT": str(self.out),
        }
        if streams == STREAMS:
            self.command = [sys.executable, str(EXAMPLE)]
        else:
            self.command = [sys.executable, "-c", FOLLOWING_ONLY, str(EXAMPLE), ",".join(streams)]
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log.write_text("")
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(self.command, env=self.env, stdout=log, stderr=log)

        def following() -> bool:
            assert self.process is not None
            assert self.process.poll() is None, f"the subscriber exited:\n{self.log.read_text()}"
            return "following" in self.log.read_text()

        wait_for(following, what="the subscriber to start")

    def stop(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        assert self.process.wait(timeout=10) == 0, self.log.read_text()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def handled(self) -> list[dict[str, Any]]:
        if not self.out.exists():
            return []
        # Only whole lines: the subscriber may be writing the next one as this reads.
        text = self.out.read_text(encoding="utf-8")
        # split on line feeds only: a document may hold U+2028 and its kin, which
        # splitlines() would take for line ends
        return [json.loads(line) for line in text[: text.rfind("\n")].split("\n") if line]

    def said_handled(self) -> list[tuple[str, str, str]]:
        """(type, event id, stream) of each "handled" line the subscriber wrote."""
        return re.findall(r"^handled (\S+) (\S+) from (\S+) \S+$", self.log.read_text(), re.M)

    def nothing_pending(self, client: redis.Redis, prefix: str) -> bool:
        return all(
            client.xpending(f"{prefix}:{suffix}", self.group)["pending"] == 0
            for suffix in self.streams
        )


def wait_for(condition: Callable[[], bool], what: str, within: float = 10) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {within}s for {what}")
        time.sleep(0.05)


def log_ids(client: redis.Redis, prefix: str, streams: tuple[str, ...] = STREAMS) -> list[str]:
    """Every event id in ``streams``, read back with XRANGE."""
    return [
        json.loads(fields[b"event"])["id"]
        for suffix in streams
        for _, fields in client.xrange(f"{prefix}:{suffix}")
    ]


def whole_cycle(system: System, pool: Pool, unit_code: str) -> dict[str, tuple[str, str]]:
    """A year of its own through every stream: a roster, three leaders' tasks (one returned,
    amended, approved, its progress logged, self-assessed and evaluated; one withdrawn; one
    rejected under a decision number), and the year closed. The (stream, event id) of each
    write, by what it was."""
    year = take_spare_year()
    kept_by, dropped_by, refused_by = pool.registrant(), pool.registrant(), pool.registrant()
    roster = publish_roster(
        system.registration,
        year,
        {
            "units": [{"code": unit_code, "name": "Huyện Kim Thành"}],
            "leaders": [
                {
                    "id": who.id,
                    "name": f"Lãnh đạo {who.id}",
                    "position": "Phó Chủ tịch UBND huyện",
                    "level": "district_leader",
                    "unit": unit_code,
                }
                for who in (kept_by, dropped_by, refused_by)
            ],
        },
    )

    def own(who: Caller, method: str, path: str, body: Any, status: int = 201) -> str:
        answer = system.registration.request(method, path, json=body, headers=who.headers)
        assert answer.status_code == status, answer.text
        event_id: str = answer.json()["event_id"]
        return event_id

    kept = register(system.registration, kept_by, from_roster(kept_by, year), imported=True)
    task = f"/tasks/{kept['task_id']}"
    returned = decide(system.approval, kept["task_id"], decision="return", reason="Chỉ tiêu mơ hồ")
    assert returned.status_code == 200, returned.text
    amended = own(kept_by, "PUT", task, from_roster(kept_by, year, title="Rõ chỉ tiêu"), 200)
    approved = approve(system.approval, kept["task_id"])
    progress = own(kept_by, "POST", f"{task}/progress", progress_body(reported_at=f"{year}-06-30"))
    assessed = own(
        kept_by, "POST", f"{task}/self-assessment", {"rating": "good", "summary": "Đạt 15/26"}
    )
    evaluation = system.approval.post(
        f"{task}/evaluation",
        json={"rating": "completed", "decided_by": "Ban Thường vụ Tỉnh ủy"},
        headers=APPROVER.headers,
    )
    assert evaluation.status_code == 201, evaluation.text

    dropped = register(system.registration, dropped_by, from_roster(dropped_by, year))
    withdrawn = own(
        dropped_by, "POST", f"/tasks/{dropped['task_id']}/withdrawal", {"reason": "Trùng"}
    )
    refused = register(system.registration, refused_by, from_roster(refused_by, year))
    rejected = decide_many(
        system.approval, [refused["task_id"]], decision="reject", reason="Không đo được"
    )
    assert rejected.status_code == 200, rejected.text
    closed = close_year(system.approval, year)
    return {
        "roster": ("roster", roster["event_id"]),
        "registered": ("tasks:registered", kept["event_id"]),
        "returned": ("tasks:returned", returned.json()["event_id"]),
        "amended": ("tasks:amended", amended),
        "approved": ("tasks:approved", approved["event_id"]),
        "progress": ("tasks:progress", progress),
        "self-assessed": ("tasks:self-assessed", assessed),
        "evaluated": ("tasks:evaluated", evaluation.json()["event_id"]),
        "registered to withdraw": ("tasks:registered", dropped["event_id"]),
        "withdrawn": ("tasks:withdrawn", withdrawn),
        "registered to reject": ("tasks:registered", refused["event_id"]),
        "rejected": ("tasks:rejected", rejected.json()[0]["event_id"]),
        "closed": ("years", closed["event_id"]),
    }


def test_the_example_imports_only_the_standard_library_and_redis() -> None:
    imported = set()
    for node in ast.walk(ast.parse(EXAMPLE.read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or ".").split(".")[0])
    assert imported - set(sys.stdlib_module_names) == {"redis"}


def test_the_example_follows_every_stream_but_the_dead_letters() -> None:
    followed = the_example().EVENT_TYPES
    assert set(followed) == set(STREAMS)
    assert list(followed)[:4] == list(V1_STREAMS), "the v1 streams first, as documented"


def test_example_subscriber_sees_every_event_once_and_acks(
    system: System, pool: Pool, unit_code: str, tmp_path: Path
) -> None:
    client = redis.Redis.from_url(system.redis_url)
    example = Example(system, tmp_path)
    try:
        example.start()
        written = whole_cycle(system, pool, unit_code)
        assert {stream for stream, _ in written.values()} == set(STREAMS), "every stream"

        everything = log_ids(client, system.prefix)
        wait_for(lambda: len(example.handled()) >= len(everything), what="every event")
        ids = [event["id"] for event in example.handled()]
        assert sorted(ids) == sorted(everything), "each event of the log exactly once"
        assert {event_id for _, event_id in written.values()} <= set(ids)
        types = the_example().EVENT_TYPES
        assert len(example.said_handled()) == len(everything)
        for kind, event_id, stream in example.said_handled():
            assert kind == types[stream.removeprefix(f"{system.prefix}:")], (event_id, stream)
        wait_for(lambda: example.nothing_pending(client, system.prefix), "every entry acked")
        example.stop()

        # A crash after delivery, before the ack: the entry waits in the consumer's pending
        # list (a registration of another year: the cycle's year is closed).
        late = pool.registrant()
        again = register(system.registration, late, task_body(late, unit_code, year=YEAR))
        stream = f"{system.prefix}:tasks:registered"
        [(_, delivered)] = client.xreadgroup(example.group, "example-1", {stream: ">"})
        assert [entry_id.decode() for entry_id, _ in delivered] == [again["position"]]

        example.start()
        wait_for(lambda: len(example.handled()) == len(everything) + 1, what="the pending entry")
        wait_for(lambda: example.nothing_pending(client, system.prefix), "the pending entry acked")
        time.sleep(1.2)  # one more blocking read: nothing already acked comes back
        example.stop()
        said = example.log.read_text()
        assert said.count("handled ") == 1, said
        assert "duplicate" not in said
        ids = [event["id"] for event in example.handled()]
        assert len(ids) == len(set(ids)) == len(everything) + 1
        assert again["event_id"] in ids
    finally:
        example.kill()
        client.close()


def test_a_v1_subscriber_is_unaffected_by_the_whole_cycle(
    system: System, pool: Pool, unit_code: str, tmp_path: Path
) -> None:
    client = redis.Redis.from_url(system.redis_url)
    v1 = Example(system, tmp_path, streams=V1_STREAMS)
    try:
        v1.start()
        written = whole_cycle(system, pool, unit_code)

        everything = log_ids(client, system.prefix, V1_STREAMS)
        wait_for(lambda: len(v1.handled()) >= len(everything), what="every v1 event")
        wait_for(lambda: v1.nothing_pending(client, system.prefix), "every v1 entry acked")
        v1.stop()
        handled = v1.handled()
        ids = [event["id"] for event in handled]
        assert sorted(ids) == sorted(everything), "each event of the v1 streams exactly once"
        for stream, event_id in written.values():
            assert (event_id in ids) == (stream in V1_STREAMS), (stream, event_id)
        said = v1.log.read_text()
        assert "left pending" not in said, said
        assert "skipped" not in said, said
        for event in handled:
            assert event["schemaversion"] == 1, event
            assert event["type"] in V1_DATA, event
            # every v1 field; what later versions added (1.2: whose task) is ignored by it
            assert set(event["data"]) >= V1_DATA[event["type"]], event
        for suffix in STREAMS:
            if suffix not in V1_STREAMS:
                groups = client.xinfo_groups(f"{system.prefix}:{suffix}")
                assert v1.group not in {group["name"].decode() for group in groups}, suffix
    finally:
        v1.kill()
        client.close()


def runbook_user() -> tuple[str, list[str]]:
    """The name and ACL rules deploy/README.md gives a subscriber's Redis user."""
    section = RUNBOOK.read_text().split("## A Redis user per subscriber", 1)[1]
    block = section.split("```yaml", 1)[1].split("```", 1)[0]
    arguments = yaml.safe_load(block)
    assert arguments[0] == "--user", arguments
    return arguments[1], arguments[2:]


@pytest.mark.parametrize(
    ("streams", "patterns"),
    [(STREAMS, None), (V1_STREAMS, ("~breakthrough:tasks:*",))],
    ids=["the example, as the runbook's user", "a v1 subscriber, as a user made for v1"],
)
def test_a_subscriber_follows_its_streams_as_the_redis_user_the_runbook_gives_it(
    system: System,
    pool: Pool,
    unit_code: str,
    tmp_path: Path,
    streams: tuple[str, ...],
    patterns: tuple[str, ...] | None,
) -> None:
    """The runbook's user, verbatim (for v1: with the key patterns of v1 only), on a Redis of
    this test's own holding a copy of a whole cycle's streams under the default prefix (the
    one the runbook's key patterns name)."""
    whole_cycle(system, pool, unit_code)
    server = PrivateRedis(tmp_path / "redis").start()
    source = redis.Redis.from_url(system.redis_url)
    admin = redis.Redis.from_url(server.url)
    example: Example | None = None
    try:
        for suffix in STREAMS:
            for entry_id, fields in source.xrange(f"{system.prefix}:{suffix}"):
                admin.xadd(f"breakthrough:{suffix}", fields, id=entry_id)
        copied = log_ids(admin, "breakthrough", streams)
        name, rules = runbook_user()
        password = uuid.uuid4().hex
        digest = hashlib.sha256(password.encode()).hexdigest()
        rules = [f"#{digest}" if rule.startswith("#") else rule for rule in rules]
        if patterns is not None:
            rules = [rule for rule in rules if not rule.startswith("~")] + list(patterns)
        admin.execute_command("ACL", "SETUSER", name, *rules)
        as_user = f"redis://{name}:{password}@127.0.0.1:{server.port}/0"

        following = Example(system, tmp_path, streams, redis_url=as_user, prefix="breakthrough")
        example = following
        following.start()
        wait_for(lambda: len(following.handled()) >= len(copied), what="every event")
        wait_for(lambda: following.nothing_pending(admin, "breakthrough"), "every entry acked")
        following.stop()
        assert sorted(event["id"] for event in following.handled()) == sorted(copied)
    finally:
        if example is not None:
            example.kill()
        source.close()
        admin.close()
        server.stop()
