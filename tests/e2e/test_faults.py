"""The services under faults, as real processes against a private Redis keeping an AOF:
Redis going away (503, then recovery), replicas racing the quota and the decisions, SIGTERM
and kill -9 under load, a reply lost between a service and Redis; and reporting, the one
consumer, meeting poison in every stream and killed with -9 in the middle of a stream of
writes. Nothing accepted is lost, nothing is written or counted twice.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from shared.domain.events import STREAMS as STREAM_TYPES_BY_TYPE
from tests.e2e.conftest import System, secured_system
from tests.e2e.helpers import (
    DECIDED_BY,
    YEAR,
    decide_many,
    documents,
    eventually,
    leader,
    of_task,
    refused,
    register,
    task,
    task_body,
)
from tests.support.people import ADMIN, APPROVER, OTHER_APPROVER, VIEWER, Caller
from tests.support.proxy import LossyProxy
from tests.support.redis_server import PrivateRedis
from tests.support.services import SERVICES, ServiceProcess

STREAM_TYPES = {
    suffix: kind for kind, suffix in STREAM_TYPES_BY_TYPE.items() if suffix != "notifications"
}
"""A type of each stream reporting follows (not notifications': the mail service's own)."""


class Faulty:
    def __init__(self, server: PrivateRedis, system: System) -> None:
        self.server = server
        self.system = system

    def service(self, name: str) -> ServiceProcess:
        return self.system.services[name]

    def url(self, name: str) -> str:
        return self.system.services[name].url


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Faulty]:
    folder: Path = tmp_path_factory.mktemp("faults")
    server = PrivateRedis(folder / "redis", aof=True).start()
    system = secured_system(server.url, folder, f"faults{uuid.uuid4().hex[:6]}", services=SERVICES)
    yield Faulty(server, system)
    system.close()
    server.stop()


def post(url: str, body: dict[str, Any], caller: Caller = ADMIN) -> httpx.Response:
    return httpx.post(url, json=body, headers=caller.headers, timeout=15)


def registered_in(system: System, unit_code: str) -> list[dict[str, Any]]:
    """The registrations of a unit in the log (plain XRANGE)."""
    return [
        d
        for _, d in documents(system.redis, system.prefix, "tasks:registered")
        if d["data"]["unit"]["code"] == unit_code
    ]


def decisions_of(system: System, task_id: str) -> list[dict[str, Any]]:
    return [
        d
        for key in ("tasks:approved", "tasks:rejected", "tasks:returned")
        for d in of_task(system.redis, system.prefix, key, task_id)
    ]


def redis_up(service: ServiceProcess) -> float:
    text = httpx.get(f"{service.url}/metrics", timeout=15).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "redis_up":
                return sample.value
    raise AssertionError("no redis_up")


# --- Redis goes away ------------------------------------------------------------------------


def during_the_outage(faulty: Faulty, unit_code: str, task_id: str, late: ServiceProcess) -> None:
    """What registration, approval and a replica started meanwhile answer while Redis is
    away: a registration in ``unit_code``, a decision on ``task_id``."""
    during = post(f"{faulty.url('registration')}/tasks", task_body(leader(), unit_code))
    refused(during, 503, "unavailable", "log_unavailable")
    assert int(during.headers["retry-after"]) >= 1, "when to try again"
    decision = post(
        f"{faulty.url('approval')}/tasks/{task_id}/decision",
        {"decision": "approve", "decided_by": DECIDED_BY},
    )
    refused(decision, 503, "log_unavailable")
    for name in ("registration", "approval"):
        ready = httpx.get(f"{faulty.url(name)}/readyz", timeout=15)
        assert ready.status_code == 503
        assert "redis" in ready.json()["reason"].lower()
        assert redis_up(faulty.service(name)) == 0

    def not_ready_for_want_of_redis() -> bool:  # its first attempt may still be under way
        starting = httpx.get(f"{late.url}/readyz", timeout=15)
        assert starting.status_code == 503
        return "redis" in starting.json()["reason"].lower()

    eventually(not_ready_for_want_of_redis)
    refused(
        httpx.get(f"{late.url}/approvals/pending?year=2024", headers=APPROVER.headers, timeout=15),
        503,
    )
    time.sleep(1.5)
    assert all(s.alive for s in faulty.system.services.values()), "no service exits"
    assert late.alive


def test_redis_going_away_refuses_writes_with_503_and_everything_resumes(
    faulty: Faulty, unit_code: str
) -> None:
    system = faulty.system
    before = post(f"{faulty.url('registration')}/tasks", task_body(leader(), unit_code))
    assert before.status_code == 201, before.text
    faulty.server.stop()
    late = faulty.service("approval").replica("approval-late").start()
    try:
        during_the_outage(faulty, unit_code, before.json()["task_id"], late)
    finally:
        faulty.server.start()
        for service in system.services.values():
            service.wait_ready(timeout=30)
        late.stop()

    after = post(f"{faulty.url('registration')}/tasks", task_body(leader(), unit_code))
    assert after.status_code == 201, after.text
    kept = {d["id"] for d in registered_in(system, unit_code)}
    assert kept == {before.json()["event_id"], after.json()["event_id"]}, (
        "the refused write was not recorded, the accepted ones kept"
    )
    assert redis_up(faulty.service("registration")) == 1
    decided = post(
        f"{faulty.url('approval')}/tasks/{before.json()['task_id']}/decision",
        {"decision": "approve", "decided_by": DECIDED_BY},
    )
    assert decided.status_code == 200, decided.text


# --- replicas racing --------------------------------------------------------------------------


def test_two_registration_replicas_race_the_quota_exactly(
    faulty: Faulty, registrant: Caller, unit_code: str
) -> None:
    second = faulty.service("registration").replica("registration-2").start()
    try:
        second.wait_ready()
        urls = [faulty.url("registration"), second.url] * 12
        spellings = [registrant.id, registrant.id.upper(), registrant.id.capitalize()]

        def attempt(index: int) -> int:
            body = task_body(spellings[index % 3], unit_code, title=f"Nhiệm vụ {index}")
            return post(f"{urls[index]}/tasks", body, registrant).status_code

        with ThreadPoolExecutor(24) as pool:
            statuses = list(pool.map(attempt, range(24)))
    finally:
        second.stop()
    assert sorted(statuses) == [201] * 2 + [409] * 22
    assert len(registered_in(faulty.system, unit_code)) == 2


def test_two_approval_replicas_never_both_decide_a_task(faulty: Faulty, unit_code: str) -> None:
    second = faulty.service("approval").replica("approval-2").start()
    try:
        second.wait_ready()
        created = post(f"{faulty.url('registration')}/tasks", task_body(leader(), unit_code))
        task_id = created.json()["task_id"]
        urls = [faulty.url("approval"), second.url] * 5

        def attempt(index: int) -> int:
            body = (
                {"decision": "approve", "decided_by": DECIDED_BY}
                if index % 3
                else {"decision": "reject", "decided_by": DECIDED_BY, "reason": "r"}
            )
            return post(f"{urls[index]}/tasks/{task_id}/decision", body, APPROVER).status_code

        with ThreadPoolExecutor(10) as pool:
            statuses = list(pool.map(attempt, range(10)))
    finally:
        second.stop()
    assert sorted(statuses) == [200] + [409] * 9
    assert len(decisions_of(faulty.system, task_id)) == 1


def test_two_approval_replicas_racing_overlapping_batches_decide_each_task_once(
    faulty: Faulty, unit_code: str
) -> None:
    second = faulty.service("approval").replica("approval-batch").start()
    try:
        second.wait_ready()
        for _ in range(5):
            tasks = [
                post(f"{faulty.url('registration')}/tasks", task_body(leader(), unit_code)).json()[
                    "task_id"
                ]
                for _ in range(10)
            ]
            approving = {"task_ids": tasks[:6], "decision": "approve", "decided_by": DECIDED_BY}
            rejecting = {
                "task_ids": tasks[4:],
                "decision": "reject",
                "decided_by": DECIDED_BY,
                "reason": "Không đạt",
            }
            with ThreadPoolExecutor(2) as pool:
                first = pool.submit(
                    post, f"{faulty.url('approval')}/decisions", approving, APPROVER
                )
                other = pool.submit(post, f"{second.url}/decisions", rejecting, OTHER_APPROVER)
                answers = [first.result(), other.result()]
            assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
            won = next(a for a in answers if a.status_code == 200).json()
            decided = {d["task_id"] for d in won}
            for task_id in tasks:
                count = len(decisions_of(faulty.system, task_id))
                assert count == (1 if task_id in decided else 0), task_id
    finally:
        second.stop()


# --- stopping under load ----------------------------------------------------------------------


def load(faulty: Faulty, name: str, unit_code: str) -> tuple[Callable[[], httpx.Response], str]:
    """A request to keep sending to ``name``, and the stream its writes go to."""
    if name == "registration":
        return (
            lambda: post(f"{faulty.url(name)}/tasks", task_body(leader(), unit_code)),
            "tasks:registered",
        )
    waiting = [
        post(f"{faulty.url('registration')}/tasks", task_body(leader(), unit_code)).json()[
            "task_id"
        ]
        for _ in range(300)
    ]
    lock = threading.Lock()

    def decide() -> httpx.Response:
        with lock:
            task_id = waiting.pop()
        body = {"decision": "approve", "decided_by": DECIDED_BY}
        return post(f"{faulty.url(name)}/tasks/{task_id}/decision", body, APPROVER)

    return decide, "tasks:approved"


@pytest.mark.parametrize("name", ["registration", "approval"])
def test_sigterm_under_load_exits_within_seconds_and_loses_no_accepted_write(
    faulty: Faulty, unit_code: str, name: str
) -> None:
    service = faulty.service(name)
    request, stream = load(faulty, name, unit_code)
    accepted: list[dict[str, Any]] = []
    stop = threading.Event()

    def keep_writing() -> None:
        while not stop.is_set():
            try:
                answer = request()
            except httpx.HTTPError:
                continue
            if answer.status_code in (200, 201):
                accepted.append(answer.json())

    workers = [threading.Thread(target=keep_writing) for _ in range(4)]
    for worker in workers:
        worker.start()
    try:
        eventually(lambda: len(accepted) >= 20, within=15, every=0.05)
        started = time.monotonic()
        code = service.stop()
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        for worker in workers:
            worker.join()
    assert code in (0, -15)
    assert elapsed < 7, f"took {elapsed:.1f}s to stop"
    assert '"message": "stopped"' in service.logs()
    written = {d["id"] for _, d in documents(faulty.system.redis, faulty.system.prefix, stream)}
    assert {a["event_id"] for a in accepted} <= written, "an accepted write was lost"
    service.start().wait_ready()


def test_kill_9_in_the_middle_of_decisions_loses_and_doubles_nothing(
    faulty: Faulty, unit_code: str
) -> None:
    approval = faulty.service("approval")
    tasks = [
        post(f"{faulty.url('registration')}/tasks", task_body(leader(), unit_code)).json()[
            "task_id"
        ]
        for _ in range(60)
    ]
    answered: dict[str, str] = {}

    def decide(task_id: str) -> None:
        if len(answered) == 20:
            approval.kill()
        try:
            answer = post(
                f"{faulty.url('approval')}/tasks/{task_id}/decision",
                {"decision": "approve", "decided_by": DECIDED_BY},
                APPROVER,
            )
        except httpx.HTTPError:
            return
        if answer.status_code == 200:
            answered[task_id] = answer.json()["event_id"]

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(decide, tasks))
    assert not approval.alive
    approval.start().wait_ready()
    for task_id in tasks:
        if task_id not in answered:
            retried = post(
                f"{faulty.url('approval')}/tasks/{task_id}/decision",
                {"decision": "approve", "decided_by": DECIDED_BY},
                APPROVER,
            )
            assert retried.status_code in (200, 409), retried.text  # 409: it had landed
    for task_id in tasks:
        [decision] = decisions_of(faulty.system, task_id)
        if task_id in answered:
            assert decision["id"] == answered[task_id]
        assert task(faulty.system.registration, task_id, ADMIN)["status"] == "approved"


# --- reporting, the one consumer ------------------------------------------------------------


def unit_report(faulty: Faulty, unit_code: str, after: str | None = None) -> dict[str, Any]:
    query = {"unit": unit_code} | ({"after": after} if after else {})
    answer = faulty.system.reporting.get(f"/reports/{YEAR}", params=query, headers=VIEWER.headers)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def test_poison_in_every_stream_is_parked_with_its_reason_and_the_report_goes_on(
    faulty: Faulty, unit_code: str
) -> None:
    redis_client, prefix = faulty.system.redis, faulty.system.prefix
    streams = [key.decode() for key in redis_client.keys(f"{prefix}:*")]
    poison = {
        f"{prefix}:{suffix}": {"type": kind, "event": '{"id": "not an event"}'}
        for suffix, kind in STREAM_TYPES.items()
    }
    poison[f"{prefix}:tasks:progress"] = {"odd": "\xff fields"}
    positions = {
        stream: redis_client.xadd(stream, fields).decode() for stream, fields in poison.items()
    }
    created = post(f"{faulty.url('registration')}/tasks", task_body(leader(), unit_code)).json()
    report = unit_report(faulty, unit_code, after=created["position"])
    assert report["tasks"]["registered"] == 1, "the report goes on past the poison"

    def parked() -> dict[str, str]:
        letters = documents(redis_client, prefix, "dead-letter")
        return {
            d["data"]["stream"]: d["data"]["error"]
            for _, d in letters
            if d["data"]["entry_id"] == positions.get(d["data"]["stream"])
        }

    found = eventually(lambda: (p := parked()) and len(p) == len(poison) and p)
    assert set(found) == set(poison), f"parked: {sorted(found)}; streams: {sorted(streams)}"
    assert all(found.values()), "each with its reason"
    assert "expected type" in found[f"{prefix}:tasks:progress"]


def test_reporting_killed_in_the_middle_of_writes_comes_back_with_exact_totals(
    faulty: Faulty, unit_code: str
) -> None:
    reporting = faulty.service("reporting")
    registered: list[dict[str, Any]] = []
    for number in range(40):
        if number == 15:
            reporting.kill()
        registered.append(
            post(f"{faulty.url('registration')}/tasks", task_body(leader(), unit_code)).json()
        )
    answer = decide_many(
        faulty.system.approval,
        [r["task_id"] for r in registered[:25]],
        caller=APPROVER,
        decision="approve",
    )
    assert answer.status_code == 200, answer.text
    approved = answer.json()
    assert not reporting.alive
    reporting.start().wait_ready()
    last = max((a["position"] for a in approved), key=lambda p: tuple(map(int, p.split("-"))))
    report = unit_report(faulty, unit_code, after=last)
    assert report["tasks"]["registered"] == 40
    assert report["tasks"]["approved"] == 25
    assert report["tasks"]["pending"] == 15
    assert report["registrants"]["registered"] == 40


# --- a reply lost between a service and Redis ---------------------------------------------------


@pytest.fixture(scope="module")
def lossy(
    redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LossyProxy, System]]:
    """Registration and approval reaching Redis through a proxy that can lose a reply."""
    host, port = redis_url.split("//")[1].split("/")[0].rsplit(":", 1)
    proxy = LossyProxy((host, int(port)))
    folder = tmp_path_factory.mktemp("lossy")
    system = secured_system(proxy.url(), folder, f"lossy{uuid.uuid4().hex[:6]}")
    system.redis.close()
    system.redis = type(system.redis).from_url(redis_url)  # the tests read Redis directly
    yield proxy, system
    system.close()
    proxy.close()


def test_a_registration_whose_reply_was_lost_is_written_once(
    lossy: tuple[LossyProxy, System], unit_code: str
) -> None:
    """Issue 11: a write retried after a lost reply could append a second entry with the same
    event id (the path without an Idempotency-Key)."""
    proxy, system = lossy
    register(system.registration, ADMIN, task_body(leader(), unit_code))  # scripts loaded
    marker = f"lose-the-reply-{uuid.uuid4().hex}"
    proxy.lose_the_reply_to(marker.encode())
    created = register(system.registration, ADMIN, task_body(leader(), unit_code, title=marker))
    assert proxy.lost.is_set(), "the reply to the commit was lost, and the service retried"
    entries = [d for d in registered_in(system, unit_code) if d["data"]["title"] == marker]
    assert [d["id"] for d in entries] == [created["event_id"]]
    [(position, _)] = [
        (p, d)
        for p, d in documents(system.redis, system.prefix, "tasks:registered")
        if d["id"] == created["event_id"]
    ]
    assert position == created["position"]
    assert task(system.registration, created["task_id"], ADMIN)["status"] == "pending"


def test_a_decision_whose_reply_was_lost_is_written_once(
    lossy: tuple[LossyProxy, System], unit_code: str
) -> None:
    proxy, system = lossy
    created = register(system.registration, ADMIN, task_body(leader(), unit_code))
    marker = f"lose-the-reply-{uuid.uuid4().hex}"
    proxy.lose_the_reply_to(marker.encode())
    answer = system.approval.post(
        f"/tasks/{created['task_id']}/decision",
        json={"decision": "approve", "decided_by": DECIDED_BY, "note": marker},
        headers=APPROVER.headers,
    )
    assert answer.status_code == 200, answer.text
    assert proxy.lost.is_set()
    [decision] = decisions_of(system, created["task_id"])
    assert decision["id"] == answer.json()["event_id"]
