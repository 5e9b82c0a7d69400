"""Delivery under faults, with real processes and a private Redis keeping an AOF:
nothing accepted is lost or counted twice."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from tests.e2e.helpers import leader, task_body
from tests.support.redis_server import PrivateRedis
from tests.support.services import ServiceProcess, start_system


class Faulty:
    def __init__(self, server: PrivateRedis, services: dict[str, ServiceProcess], prefix: str):
        self.server = server
        self.services = services
        self.prefix = prefix

    def url(self, name: str) -> str:
        return self.services[name].url

    def redis(self) -> redis.Redis:
        return redis.Redis.from_url(self.server.url)


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Faulty]:
    folder: Path = tmp_path_factory.mktemp("faults")
    server = PrivateRedis(folder / "redis", aof=True).start()
    prefix = f"faults{uuid.uuid4().hex[:6]}"
    services = start_system(server.url, prefix, folder, PENDING_IDLE_MS="1000")
    yield Faulty(server, services, prefix)
    for service in services.values():
        service.stop()
    server.stop()


def eventually(check: Callable[[], Any], within: float = 20.0, every: float = 0.1) -> Any:
    deadline = time.monotonic() + within
    while True:
        try:
            result = check()
            if result:
                return result
        except (httpx.HTTPError, AssertionError, KeyError):
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {within}s: {check}")
        time.sleep(every)


def post(url: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(url, json=body, timeout=10)


def pending_ids(faulty: Faulty, unit: str) -> set[str]:
    listed = httpx.get(f"{faulty.url('approval')}/approvals/pending", params={"year": 2024}).json()
    return {t["task_id"] for t in listed if t["unit"]["code"] == unit}


def report(faulty: Faulty, unit: str, after: str | None = None) -> dict[str, Any]:
    params = {"unit": unit, **({"after": after} if after else {})}
    answer = httpx.get(f"{faulty.url('reporting')}/reports/2024", params=params, timeout=10)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def test_kill_9_reporting_and_approval_in_the_middle_of_writes(
    faulty: Faulty, unit_code: str
) -> None:
    registration = f"{faulty.url('registration')}/tasks"

    def register(_: int) -> str:
        answer = post(registration, task_body(leader(), unit_code))
        assert answer.status_code == 201, answer.text
        task_id: str = answer.json()["task_id"]
        return task_id

    with ThreadPoolExecutor(4) as pool:
        first = list(pool.map(register, range(30)))
        faulty.services["approval"].kill()
        faulty.services["reporting"].kill()
        second = list(pool.map(register, range(30)))
        faulty.services["approval"].start()
        faulty.services["reporting"].start()
        third = list(pool.map(register, range(20)))
    tasks = first + second + third
    faulty.services["approval"].wait_ready()
    faulty.services["reporting"].wait_ready()
    eventually(lambda: pending_ids(faulty, unit_code) == set(tasks))

    decision = f"{faulty.url('approval')}/tasks/{{}}/decision"
    approve = set(tasks[:50])
    positions = []
    for index, task_id in enumerate(tasks):
        if index == 40:
            faulty.services["reporting"].kill()
            faulty.services["reporting"].start()
        body = (
            {"decision": "approve", "decided_by": "BTV"}
            if task_id in approve
            else {"decision": "reject", "decided_by": "BTV", "reason": "không đạt"}
        )
        answer = post(decision.format(task_id), body)
        assert answer.status_code == 200, answer.text
        positions.append(answer.json()["position"])
    faulty.services["reporting"].wait_ready()

    totals = report(
        faulty, unit_code, after=max(positions, key=lambda p: tuple(map(int, p.split("-"))))
    )
    assert totals["tasks"] == {"registered": 80, "pending": 0, "approved": 50, "rejected": 30}
    assert totals["registrants"] == {"registered": 80, "approved": 50}
    assert pending_ids(faulty, unit_code) == set()


def test_redis_going_away_refuses_writes_and_everything_resumes(
    faulty: Faulty, unit_code: str
) -> None:
    before = post(f"{faulty.url('registration')}/tasks", task_body(leader(), unit_code))
    assert before.status_code == 201
    faulty.server.stop()
    late_replica = faulty.services["approval"].replica("approval-late").start()
    try:
        during = post(f"{faulty.url('registration')}/tasks", task_body(leader(), unit_code))
        assert during.status_code == 503, during.text
        assert "unavailable" in during.json()["detail"]
        for name in ("registration", "approval", "reporting"):
            ready = httpx.get(f"{faulty.url(name)}/readyz", timeout=10)
            assert ready.status_code == 503
            assert "reason" in ready.json()

        def says_it_waits_for_redis() -> bool:  # its first attempt may still be under way
            starting = httpx.get(f"{late_replica.url}/readyz", timeout=2)
            assert starting.status_code == 503
            return "waiting for Redis" in starting.json()["reason"]

        eventually(says_it_waits_for_redis)
        time.sleep(1.5)
        assert all(s.alive for s in faulty.services.values()), "no service exits"
        assert late_replica.alive
    finally:
        faulty.server.start()
    for service in (*faulty.services.values(), late_replica):
        service.wait_ready(timeout=30)
    late_replica.stop()

    after = post(f"{faulty.url('registration')}/tasks", task_body(leader(), unit_code))
    assert after.status_code == 201, after.text
    eventually(
        lambda: (
            pending_ids(faulty, unit_code) == {before.json()["task_id"], after.json()["task_id"]}
        )
    )
    totals = report(faulty, unit_code, after=after.json()["position"])
    assert totals["tasks"]["registered"] == 2, "the refused write was not recorded"


def test_poison_entries_are_dead_lettered_and_do_not_block(faulty: Faulty, unit_code: str) -> None:
    client = faulty.redis()
    streams = {
        "registered": "TaskRegistered",
        "approved": "TaskApproved",
        "rejected": "TaskRejected",
        "progress": "ProgressLogged",
    }
    poison: dict[str, list[str]] = {}
    for name, event_type in streams.items():
        key = f"{faulty.prefix}:tasks:{name}"
        poison[key] = [
            client.xadd(key, {"type": event_type, "event": "{not json"}).decode(),
            client.xadd(key, {"note": "no type, no event"}).decode(),
        ]

    created = post(f"{faulty.url('registration')}/tasks", task_body(leader(), unit_code)).json()
    eventually(lambda: created["task_id"] in pending_ids(faulty, unit_code))
    decided = post(
        f"{faulty.url('approval')}/tasks/{created['task_id']}/decision",
        {"decision": "approve", "decided_by": "BTV"},
    )
    assert decided.status_code == 200
    eventually(
        lambda: (
            httpx.get(f"{faulty.url('registration')}/tasks/{created['task_id']}").json()["status"]
            == "approved"
        )
    )
    logged = post(
        f"{faulty.url('registration')}/tasks/{created['task_id']}/progress",
        {"reported_at": "2024-05-01", "actuals": [], "status": "in_progress"},
    )
    assert logged.status_code == 201
    totals = report(faulty, unit_code, after=logged.json()["position"])
    assert totals["progress"]["in_progress"] == 1

    consumers = {
        "registered": {"approval", "reporting"},
        "approved": {"registration", "reporting"},
        "rejected": {"registration", "reporting"},
        "progress": {"reporting"},
    }
    expected = {
        (f"{faulty.prefix}:tasks:{name}", entry, f"{faulty.prefix}.{service}")
        for name, services in consumers.items()
        for entry in poison[f"{faulty.prefix}:tasks:{name}"]
        for service in services
    }

    def parked() -> set[tuple[str, str, str]]:
        found = set()
        for _, fields in client.xrange(f"{faulty.prefix}:dead-letter"):
            data = json.loads(fields[b"event"])["data"]
            found.add((data["stream"], data["entry_id"], data["group"]))
        return found

    eventually(lambda: expected <= parked())
    client.close()


def test_two_registration_replicas_never_exceed_the_quota(faulty: Faulty, unit_code: str) -> None:
    second = faulty.services["registration"].replica("registration-2").start()
    try:
        second.wait_ready()
        someone = leader()
        urls = [faulty.url("registration"), second.url] * 12

        def attempt(index: int) -> int:
            body = task_body(someone, unit_code, title=f"Nhiệm vụ {index}")
            return post(f"{urls[index]}/tasks", body).status_code

        with ThreadPoolExecutor(24) as pool:
            statuses = list(pool.map(attempt, range(24)))
    finally:
        second.stop()
    assert statuses.count(201) == 2
    assert statuses.count(409) == 22


def test_two_approval_replicas_never_both_decide_a_task(faulty: Faulty, unit_code: str) -> None:
    second = faulty.services["approval"].replica("approval-2").start()
    try:
        second.wait_ready()
        task_id = post(
            f"{faulty.url('registration')}/tasks", task_body(leader(), unit_code)
        ).json()["task_id"]
        eventually(lambda: task_id in pending_ids(faulty, unit_code))
        urls = [faulty.url("approval"), second.url] * 5

        def attempt(index: int) -> int:
            body = (
                {"decision": "approve", "decided_by": "BTV"}
                if index % 3
                else {"decision": "reject", "decided_by": "BTV", "reason": "r"}
            )
            return post(f"{urls[index]}/tasks/{task_id}/decision", body).status_code

        with ThreadPoolExecutor(10) as pool:
            statuses = list(pool.map(attempt, range(10)))
    finally:
        second.stop()
    assert statuses.count(200) == 1
    assert statuses.count(409) == 9
    client = faulty.redis()
    decisions = [
        fields
        for name in ("approved", "rejected")
        for _, fields in client.xrange(f"{faulty.prefix}:tasks:{name}")
        if task_id.encode() in fields.get(b"event", b"")  # poison entries of another test too
    ]
    client.close()
    assert len(decisions) == 1


def test_sigterm_finishes_and_exits_within_a_few_seconds(faulty: Faulty, unit_code: str) -> None:
    approval = faulty.services["approval"]
    with ThreadPoolExecutor(4) as pool:
        created = list(
            pool.map(
                lambda _: post(
                    f"{faulty.url('registration')}/tasks", task_body(leader(), unit_code)
                ),
                range(40),
            )
        )
        started = time.monotonic()
        code = approval.stop()
        elapsed = time.monotonic() - started
    assert code in (0, -15)
    assert elapsed < 6, f"took {elapsed:.1f}s to stop"
    assert '"message": "stopped"' in approval.logs()
    approval.start().wait_ready()
    ids = {answer.json()["task_id"] for answer in created}
    eventually(lambda: ids <= pending_ids(faulty, unit_code))
