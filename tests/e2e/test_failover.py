"""Losing the Redis primary, with the three services as real processes finding it through
three real Sentinels (tests/support/sentinel.py: a primary and two replicas on loopback)
and WRITE_REPLICAS=1. REDIS_URL names a port where nothing listens: it is ignored.

- The drill: a load of registrations and batch decisions, each retried with its own
  Idempotency-Key after a 503 (as the contract tells clients), ``kill -9`` of the primary
  in the middle of it: every write answered 2xx is in the new primary's log, exactly once;
  writes are answered again by themselves within 30 s; reporting (its follower on the
  shared client) counts exactly the log, as a fresh rebuild does; the writers' records
  equal the log's; the old primary comes back as a replica.
- While no primary answers: writes 503 with Retry-After, reporting's reads answer from
  its projection, /readyz says why, redis_up is 0; all of it recovers by itself.
- A write answered 503 because no replica confirmed it, retried with the same key across
  a failover: written once, whether the failover kept it or lost it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import System, secured_system
from tests.e2e.helpers import DECIDED_BY, leader, task_body
from tests.support.load import WriteLoad
from tests.support.people import ADMIN, APPROVER, VIEWER
from tests.support.sentinel import ReplicatedRedis, wait_until
from tests.support.services import SERVICES, ServiceProcess

ROOT = Path(__file__).resolve().parents[2]
YEAR = 2025


@dataclass
class Failover:
    redis: ReplicatedRedis
    system: System
    env: dict[str, str]

    def service(self, name: str) -> ServiceProcess:
        return self.system.services[name]

    def url(self, name: str) -> str:
        return self.system.services[name].url


@pytest.fixture(scope="module")
def failover(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Failover]:
    folder = tmp_path_factory.mktemp("failover")
    servers = ReplicatedRedis(folder / "redis").start()
    env = {**servers.env, "WRITE_REPLICAS": "1", "WRITE_REPLICAS_TIMEOUT_MS": "1000"}
    nowhere = "redis://127.0.0.1:1/0"  # ignored: the Sentinels name the primary
    try:
        system = secured_system(
            nowhere, folder, f"failover{uuid.uuid4().hex[:6]}", services=SERVICES, **env
        )
    except BaseException:
        servers.stop()
        raise
    yield Failover(servers, system, env)
    system.close()
    servers.stop()


@pytest.fixture
def whole(failover: Failover) -> Failover:
    failover.redis.heal()
    for service in failover.system.services.values():
        service.wait_ready(timeout=60)
    return failover


def stream(failover: Failover, suffix: str) -> list[dict[str, Any]]:
    """Every event of a stream, as the primary the Sentinels name now holds it."""
    client = failover.redis.client()
    try:
        return [
            json.loads(fields[b"event"])
            for _, fields in client.xrange(f"{failover.system.prefix}:{suffix}")
        ]
    finally:
        client.close()


def metric(service: ServiceProcess, name: str) -> float:
    text = httpx.get(f"{service.url}/metrics", timeout=15).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                return sample.value
    raise AssertionError(f"no {name}")


def tool(failover: Failover, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m ...`` with the services' settings: the Sentinels, not REDIS_URL."""
    env = {
        **os.environ,
        **failover.env,
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "STREAM_PREFIX": failover.system.prefix,
        "API_TOKEN": VIEWER.token,
    }
    return subprocess.run(
        [sys.executable, "-m", *args], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.mark.parametrize("fault", ["kill -9", "frozen, then back"])
def test_losing_the_primary_under_load_loses_no_write_answered_2xx(
    whole: Failover, fault: str
) -> None:
    """``kill -9`` of the primary; or the primary frozen (SIGSTOP: cut off, its connections
    open) until the failover is over (a replica promoted, the other one following it), then
    back while the services still hold connections to it, some with requests in flight:
    the old primary answers nothing 2xx any more, since no replica follows it (its WAIT
    falls short, or it refuses writes: NOREPLICAS) until the Sentinels demote it, and no
    answer rests on what it alone holds (what a write reads is confirmed by WAIT too).
    (Back *before* the other replica left it, the two would confirm writes that the
    promoted one never gets: the runbook's known limit.)"""
    failover = whole
    reporting = failover.service("reporting")
    pid = reporting.process.pid if reporting.process else None
    load = WriteLoad(
        failover.url("registration"), failover.url("approval"),
        ADMIN.headers, APPROVER.headers, YEAR,
    )  # fmt: skip
    with load:
        wait_until(lambda: load.answered() >= 30, "30 registrations answered")
        old = failover.redis.primary()
        killed = time.monotonic()
        if fault == "kill -9":
            old.kill()
        else:
            old.pause()
        new = failover.redis.wait_for_failover(old)
        failover.redis.reconfigured(new, old)
        old.resume()
        wait_until(lambda: load.answered_after(killed), "a write sent after the kill answered", 30)
        wait_until(lambda: len(load.answered_after(killed)) >= 30, "30 more after the kill")
    assert not load.errors, load.errors
    first = load.answered_again_after(killed)
    assert first is not None
    assert load.refused, "the kill was felt: writes were refused meanwhile"
    assert first < 30, f"writes answered again only {first:.1f} s after the kill"

    registered = stream(failover, "tasks:registered")
    mine = {e["id"]: e for e in registered if e["data"]["unit"]["code"] == load.unit}
    assert load.registered_ids() == set(mine), "every 2xx registration in the log, once each"
    tasks = {event["data"]["task_id"] for event in mine.values()}
    approved = [e for e in stream(failover, "tasks:approved") if e["data"]["task_id"] in tasks]
    assert load.decided_ids() == {e["id"] for e in approved}, "every 2xx decision, once each"
    assert len(approved) == len(mine), "every task registered was approved once"

    # reporting followed the failover on its own client: same process, exact totals
    assert reporting.process is not None
    assert reporting.process.pid == pid
    report = httpx.get(
        f"{failover.url('reporting')}/reports/{YEAR}",
        params={"unit": load.unit, "after": load.newest_position()},
        headers=VIEWER.headers,
        timeout=30,
    )
    assert report.status_code == 200, report.text
    # an entry the old primary sent reporting before it died, which no replica got (nor was
    # it answered 2xx), is gone from the log: reporting noticed and rebuilt
    assert report.json()["tasks"]["registered"] == len(mine)
    assert report.json()["tasks"]["approved"] == len(mine)
    rebuilt = tool(failover, "services.reporting", "rebuild", "--service", reporting.url)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert "EQUAL" in rebuilt.stdout
    checked = tool(failover, "shared.log.records", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "EQUAL: 0 keys differ" in checked.stdout

    if fault == "kill -9":
        failover.redis.readd(old)
    else:
        wait_until(old.in_sync, "the old primary demoted to a replica of the new one")
    assert old.role() == "slave"
    assert new.role() == "master"
    print(  # noqa: T201 - what the drill measured, in the test's output
        f"failover drill ({fault}): {len(mine)} registrations, {len(approved)} approvals "
        f"answered and kept; writes answered again {first:.2f} s after the fault; 503s: "
        f"{dict(load.refused)}"
    )


def test_while_no_primary_answers_writes_503_reads_answer_and_readyz_says_why(
    whole: Failover,
) -> None:
    """The primary killed and both replicas frozen: no Sentinel can name a primary."""
    failover, unit = whole, f"unit-{uuid.uuid4().hex[:8]}"
    registration = failover.url("registration")
    created = httpx.post(
        f"{registration}/tasks", json=task_body(leader(), unit, year=YEAR),
        headers=ADMIN.headers, timeout=30,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    scope = {"unit": unit, "after": created.json()["position"]}
    report = httpx.get(
        f"{failover.url('reporting')}/reports/{YEAR}", params=scope, headers=VIEWER.headers
    )
    assert report.status_code == 200

    old, replicas = failover.redis.primary(), failover.redis.replicas()
    for replica in replicas:
        replica.pause()
    old.kill()
    try:
        for name in ("registration", "approval", "reporting"):
            service = failover.service(name)

            def says_why(service: ServiceProcess = service) -> str | None:
                ready = httpx.get(f"{service.url}/readyz", timeout=15)
                reason = ready.json().get("reason", "")
                return reason if ready.status_code == 503 and "Sentinels" in reason else None

            reason = wait_until(says_why, f"{name}'s /readyz saying why", 30)
            assert "redis does not answer" in reason
            assert metric(service, "redis_up") == 0
            assert metric(service, "redis_writable") == 0

        refused = httpx.post(
            f"{registration}/tasks", json=task_body(leader(), unit, year=YEAR),
            headers=ADMIN.headers, timeout=30,
        )  # fmt: skip
        assert refused.status_code == 503, refused.text
        problem = refused.json()["detail"][0]
        assert problem["type"] in {"log_no_primary", "log_unavailable"}
        assert "Idempotency-Key" in problem["msg"]
        assert int(refused.headers["retry-after"]) >= 1
        decision = httpx.post(
            f"{failover.url('approval')}/tasks/{created.json()['task_id']}/decision",
            json={"decision": "approve", "decided_by": DECIDED_BY},
            headers=APPROVER.headers,
            timeout=30,
        )
        assert decision.status_code == 503
        assert "retry-after" in decision.headers

        # reads keep answering from reporting's projection
        during = httpx.get(
            f"{failover.url('reporting')}/reports/{YEAR}",
            params={"unit": unit},
            headers=VIEWER.headers,
            timeout=30,
        )
        assert during.status_code == 200, during.text
        assert during.json() == report.json()
    finally:
        for replica in replicas:
            replica.resume()

    def written_again() -> bool:
        again = httpx.post(
            f"{registration}/tasks", json=task_body(leader(), unit, year=YEAR),
            headers=ADMIN.headers, timeout=30,
        )  # fmt: skip
        return again.status_code == 201

    wait_until(written_again, "writes answered again, by themselves", 60)
    for service in failover.system.services.values():
        service.wait_ready(timeout=30)
        assert service.alive, "no service exits or restarts"


@pytest.mark.parametrize("kept", [True, False], ids=["kept by the failover", "lost with it"])
def test_a_write_answered_503_not_replicated_retried_with_its_key_is_written_once(
    whole: Failover, kept: bool
) -> None:
    """The replicas frozen, a registration reaches the primary alone: 503 not_replicated,
    "may or may not have been kept". Then the primary is lost: after the replicas caught up
    with it (kept), or before (lost). The same request again, with the same key, is
    answered 201, and the log holds exactly one registration of it."""
    failover, unit = whole, f"unit-{uuid.uuid4().hex[:8]}"
    body = task_body(leader(), unit, year=YEAR)
    headers = ADMIN.headers | {"Idempotency-Key": str(uuid.uuid4())}
    url = f"{failover.url('registration')}/tasks"
    old, replicas = failover.redis.primary(), failover.redis.replicas()
    for replica in replicas:
        replica.pause()
    try:
        first = httpx.post(url, json=body, headers=headers, timeout=30)
        assert first.status_code == 503, first.text
        problem = first.json()["detail"][0]
        assert problem["type"] == "not_replicated"
        assert "may or may not have been kept" in problem["msg"]
        assert "same Idempotency-Key is safe" in problem["msg"]
        assert first.headers["retry-after"] == "1"
        held = old.client().xlen(f"{failover.system.prefix}:tasks:registered")
        if kept:
            for replica in replicas:
                replica.resume()
            wait_until(
                lambda: all(
                    r.client().xlen(f"{failover.system.prefix}:tasks:registered") == held
                    for r in replicas
                ),
                "the replicas caught up with the primary",
            )
        old.kill()
    finally:
        for replica in replicas:
            replica.resume()
    failover.redis.wait_for_failover(old)

    def answered() -> httpx.Response | None:
        again = httpx.post(url, json=body, headers=headers, timeout=30)
        if again.status_code == 503:
            return None
        return again

    again = wait_until(answered, "the retry answered", 60)
    assert again.status_code == 201, again.text
    mine = [e for e in stream(failover, "tasks:registered") if e["data"]["unit"]["code"] == unit]
    assert [event["id"] for event in mine] == [again.json()["event_id"]], "written once"
    replay = httpx.post(url, json=body, headers=headers, timeout=30)
    assert replay.json() == again.json(), "and its first answer is the answer from now on"


def test_a_batch_decision_sent_again_with_its_key_is_answered_its_first_answer(
    whole: Failover,
) -> None:
    """What a client does when a batch's answer never reached it (a 503 not_replicated of a
    write that was kept, a reply lost on the way): the same request with the same key. It
    is answered its first answer, not "only pending tasks can be decided" (the batch's
    check of its tasks came before the replay), and each task is decided once."""
    failover = whole
    registration, approval = failover.url("registration"), failover.url("approval")
    unit = f"unit-{uuid.uuid4().hex[:8]}"
    task_ids = []
    for _ in range(3):
        created = httpx.post(
            f"{registration}/tasks", json=task_body(leader(), unit, year=YEAR),
            headers=ADMIN.headers, timeout=30,
        )  # fmt: skip
        assert created.status_code == 201, created.text
        task_ids.append(created.json()["task_id"])
    body = {"task_ids": task_ids, "decision": "approve", "decided_by": DECIDED_BY}
    headers = APPROVER.headers | {"Idempotency-Key": str(uuid.uuid4())}
    first = httpx.post(f"{approval}/decisions", json=body, headers=headers, timeout=30)
    assert first.status_code == 200, first.text
    again = httpx.post(f"{approval}/decisions", json=body, headers=headers, timeout=30)
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    approved = [e for e in stream(failover, "tasks:approved") if e["data"]["task_id"] in task_ids]
    assert sorted(e["id"] for e in approved) == sorted(i["event_id"] for i in first.json())
    other = {**body, "note": "another body"}
    reused = httpx.post(f"{approval}/decisions", json=other, headers=headers, timeout=30)
    assert reused.status_code == 409
    assert reused.json()["detail"][0]["type"] == "idempotency_key_reused"
