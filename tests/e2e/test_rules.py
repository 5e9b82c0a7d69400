"""Every 4xx rule of the contract, against the running services. A refused request writes
nothing: each test checks the stream lengths did not move."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
import redis

from tests.e2e.conftest import System
from tests.e2e.helpers import decide, leader, register, task_body, wait_status

NEXT_YEAR = date.today().year + 1


@pytest.fixture
def log_untouched(system: System) -> Iterator[None]:
    client = redis.Redis.from_url(system.redis_url)
    streams = [
        f"{system.prefix}:tasks:{name}"
        for name in ("registered", "approved", "rejected", "progress")
    ]

    def lengths() -> list[int]:
        return [client.xlen(stream) for stream in streams]

    before = lengths()
    yield
    assert lengths() == before, "a refused request wrote an event"
    client.close()


def without(field: str) -> Callable[[dict[str, Any]], None]:
    return lambda body: body.pop(field)


def setting(path: tuple[str | int, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(body: dict[str, Any]) -> None:
        node = body
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value

    return change


TARGET = {"metric": "m", "unit": "u", "target": 1}
INVALID_REGISTRATIONS = {
    "title missing": (without("title"), "title"),
    "registrant missing": (without("registrant"), "registrant"),
    "category unknown": (setting(("category",), "sports"), "category"),
    "kind unknown": (setting(("kind",), "routine"), "kind"),
    "level not eligible": (setting(("registrant", "level"), "specialist"), "not eligible"),
    "no targets": (setting(("targets",), []), "targets"),
    "eleven targets": (
        setting(("targets",), [{**TARGET, "metric": f"m{i}"} for i in range(11)]),
        "targets",
    ),
    "target zero": (setting(("targets", 0, "target"), 0), "greater than 0"),
    "target negative": (setting(("targets", 0, "target"), -5), "greater than 0"),
    "same metric twice": (
        setting(("targets", 1, "metric"), "projects cleared"),
        "share the metric",
    ),
    "direction unknown": (setting(("targets", 0, "direction"), "about"), "direction"),
    "deadline outside year": (setting(("deadline",), "2025-01-15"), "outside the task's year"),
    "deadline malformed": (setting(("deadline",), "31/12/2024"), "deadline"),
    "year before 2000": (lambda b: b.update(year=1999, deadline="1999-12-31"), "year must be"),
    "year after next": (
        lambda b: b.update(year=NEXT_YEAR + 1, deadline=f"{NEXT_YEAR + 1}-06-30"),
        "year must be",
    ),
    "title too long": (setting(("title",), "x" * 301), "title"),
    "description too long": (setting(("description",), "x" * 5001), "description"),
    "unknown field": (setting(("priority",), "high"), "priority"),
    "year not a number": (setting(("year",), "năm nay"), "year"),
}


@pytest.mark.parametrize("case", INVALID_REGISTRATIONS, ids=list(INVALID_REGISTRATIONS))
@pytest.mark.usefixtures("log_untouched")
def test_invalid_registration_is_422_with_a_message(
    system: System, unit_code: str, case: str
) -> None:
    change, words = INVALID_REGISTRATIONS[case]
    body = task_body(leader(), unit_code)
    change(body)
    answer = system.registration.post("/tasks", json=body)
    assert answer.status_code == 422, answer.text
    assert words in answer.text


def test_limits_are_inclusive(system: System, unit_code: str) -> None:
    body = task_body(
        leader(),
        unit_code,
        year=NEXT_YEAR,
        deadline=f"{NEXT_YEAR}-01-01",
        title="x" * 300,
        description="y" * 5000,
        targets=[{**TARGET, "metric": f"m{i}"} for i in range(10)],
    )
    assert system.registration.post("/tasks", json=body).status_code == 201


def test_quota_is_409_and_writes_nothing(system: System, unit_code: str) -> None:
    someone = leader()
    register(system.registration, task_body(someone, unit_code, title="1"))
    register(system.registration, task_body(someone, unit_code, title="2"))
    client = redis.Redis.from_url(system.redis_url)
    before = client.xlen(f"{system.prefix}:tasks:registered")
    answer = system.registration.post("/tasks", json=task_body(someone, unit_code, title="3"))
    assert answer.status_code == 409
    assert client.xlen(f"{system.prefix}:tasks:registered") == before
    other_year = task_body(someone, unit_code, year=2023, deadline="2023-12-31")
    assert system.registration.post("/tasks", json=other_year).status_code == 201, (
        "quota is per year"
    )
    client.close()


def test_idempotency_key_replays_the_first_answer_and_refuses_another_body(
    system: System, unit_code: str
) -> None:
    body = task_body(leader(), unit_code)
    key = {"Idempotency-Key": f"retry-{unit_code}"}
    first = system.registration.post("/tasks", json=body, headers=key)
    reordered = dict(reversed(list(body.items())))
    second = system.registration.post("/tasks", json=reordered, headers=key)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()

    changed = system.registration.post("/tasks", json={**body, "title": "khác"}, headers=key)
    assert changed.status_code == 409
    assert "different body" in changed.json()["detail"]
    bad_key = system.registration.post("/tasks", json=body, headers={"Idempotency-Key": "x" * 201})
    assert bad_key.status_code == 422


@pytest.fixture
def approved_task(system: System, unit_code: str) -> str:
    task_id: str = register(system.registration, task_body(leader(), unit_code))["task_id"]
    assert decide(system.approval, task_id, decision="approve").status_code == 200
    wait_status(system.registration, task_id, "approved")
    return task_id


def progress(**overrides: Any) -> dict[str, Any]:
    return {
        "reported_at": "2024-09-30",
        "actuals": [{"metric": "projects cleared", "value": 10}],
        "status": "in_progress",
        **overrides,
    }


INVALID_PROGRESS = {
    "metric without target": (progress(actuals=[{"metric": "bridges", "value": 1}]), "no target"),
    "negative value": (
        progress(actuals=[{"metric": "area cleared", "value": -1}]),
        "greater than or equal to 0",
    ),
    "reported before the year": (progress(reported_at="2023-12-31"), "outside the task's year"),
    "reported after the year": (progress(reported_at="2025-01-01"), "outside the task's year"),
    "status unknown": (progress(status="done"), "status"),
    "unknown field": (progress(mood="good"), "mood"),
}


@pytest.mark.parametrize("case", INVALID_PROGRESS, ids=list(INVALID_PROGRESS))
def test_invalid_progress_is_422(system: System, approved_task: str, case: str) -> None:
    body, words = INVALID_PROGRESS[case]
    answer = system.registration.post(f"/tasks/{approved_task}/progress", json=body)
    assert answer.status_code == 422, answer.text
    assert words in answer.text


def test_progress_on_unknown_or_undecided_tasks(system: System, unit_code: str) -> None:
    unknown = system.registration.post("/tasks/no-such-task/progress", json=progress())
    assert unknown.status_code == 404
    pending = register(system.registration, task_body(leader(), unit_code))["task_id"]
    answer = system.registration.post(f"/tasks/{pending}/progress", json=progress())
    assert answer.status_code == 409
    assert "not approved" in answer.json()["detail"]
    assert system.registration.get("/tasks/no-such-task").status_code == 404


def test_progress_idempotency(system: System, approved_task: str) -> None:
    key = {"Idempotency-Key": f"progress-{approved_task}"}
    first = system.registration.post(
        f"/tasks/{approved_task}/progress", json=progress(), headers=key
    )
    again = system.registration.post(
        f"/tasks/{approved_task}/progress", json=progress(), headers=key
    )
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    other = system.registration.post(
        f"/tasks/{approved_task}/progress", json=progress(status="at_risk"), headers=key
    )
    assert other.status_code == 409


def test_decision_rules(system: System, unit_code: str) -> None:
    unknown = system.approval.post(
        "/tasks/no-such-task/decision", json={"decision": "approve", "decided_by": "BTV"}
    )
    assert unknown.status_code == 404
    task_id = register(system.registration, task_body(leader(), unit_code))["task_id"]
    no_reason = decide(system.approval, task_id, decision="reject")
    assert no_reason.status_code == 422
    assert "needs a reason" in no_reason.text
    malformed = decide(system.approval, task_id, decision="maybe")
    assert malformed.status_code == 422
    nobody = system.approval.post(f"/tasks/{task_id}/decision", json={"decision": "approve"})
    assert nobody.status_code == 422
    assert decide(system.approval, task_id, decision="approve").status_code == 200
    twice = system.approval.post(
        f"/tasks/{task_id}/decision",
        json={"decision": "reject", "decided_by": "BTV", "reason": "r"},
    )
    assert twice.status_code == 409
    assert "already approved" in twice.json()["detail"]


def test_pending_needs_a_year(system: System) -> None:
    assert system.approval.get("/approvals/pending").status_code == 422
    assert system.approval.get("/approvals/pending", params={"year": "abc"}).status_code == 422


@pytest.mark.parametrize(
    "query",
    [{"as_of": "2024-02-30"}, {"as_of": "yesterday"}, {"category": "sports"}, {"after": "abc"}],
)
def test_report_query_rules(system: System, query: dict[str, str]) -> None:
    assert system.reporting.get("/reports/2024", params=query).status_code == 422


def test_report_for_a_year_out_of_range_and_unknown_task(system: System) -> None:
    assert system.reporting.get("/reports/1999").status_code == 422
    assert system.reporting.get("/tasks/no-such-task").status_code == 404
