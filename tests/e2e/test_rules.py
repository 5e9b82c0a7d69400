"""The rules of contract v1 and 1.1 about a registration's and a report's content, the quota,
and Idempotency-Key, against the running services. A refused request writes nothing: each
refusal is checked against the length of every stream."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.conftest import System
from tests.e2e.helpers import (
    YEAR,
    approve,
    document_at,
    documents,
    leader,
    nothing_written,
    progress_body,
    refused,
    register,
    task,
    task_body,
    today,
)
from tests.support.people import ADMIN, Caller

NEXT_YEAR = today().year + 1


@pytest.fixture
def log_untouched(system: System) -> Iterator[None]:
    with nothing_written(system.redis, system.prefix):
        yield


def without(*path: str | int) -> Callable[[dict[str, Any]], None]:
    def change(body: dict[str, Any]) -> None:
        node = body
        for step in path[:-1]:
            node = node[step]
        del node[path[-1]]

    return change


def setting(path: tuple[str | int, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(body: dict[str, Any]) -> None:
        node = body
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value

    return change


TARGET = {"metric": "m", "unit": "u", "target": 1}
INVALID_REGISTRATIONS: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "title missing": (without("title"), "title"),
    "registrant missing": (without("registrant"), "registrant"),
    "registrant name missing": (without("registrant", "name"), "no roster to take it from"),
    "unit missing": (without("unit"), "no roster to take it from"),
    "category unknown": (setting(("category",), "sports"), "category"),
    "kind unknown": (setting(("kind",), "routine"), "kind"),
    "level not eligible": (setting(("registrant", "level"), "specialist"), "district_leader"),
    "no targets": (setting(("targets",), []), "at least 1"),
    "eleven targets": (
        setting(("targets",), [{**TARGET, "metric": f"m{i}"} for i in range(11)]),
        "at most 10",
    ),
    "target zero": (setting(("targets", 0, "target"), 0), "greater than 0"),
    "target negative": (setting(("targets", 0, "target"), -5), "greater than 0"),
    "same metric twice": (
        setting(("targets", 1, "metric"), "projects cleared"),
        "share the metric",
    ),
    "direction unknown": (setting(("targets", 0, "direction"), "about"), "at_least"),
    "deadline outside year": (setting(("deadline",), "2025-01-15"), "outside the task's year"),
    "deadline malformed": (setting(("deadline",), "31/12/2024"), "date"),
    "year before 2000": (lambda b: b.update(year=1999, deadline="1999-12-31"), "2000"),
    "year after next": (
        lambda b: b.update(year=NEXT_YEAR + 1, deadline=f"{NEXT_YEAR + 1}-06-30"),
        "year must be from 2000",
    ),
    "title too long": (setting(("title",), "x" * 301), "at most 300"),
    "title blank": (setting(("title",), "   "), "at least 1"),
    "description too long": (setting(("description",), "x" * 5001), "at most 5000"),
    "unknown field": (setting(("priority",), "high"), "extra_forbidden"),
    "unknown registrant field": (setting(("registrant", "email"), "a@b"), "extra_forbidden"),
    "year not a number": (setting(("year",), "năm nay"), "integer"),
}


@pytest.mark.parametrize("case", INVALID_REGISTRATIONS, ids=list(INVALID_REGISTRATIONS))
@pytest.mark.usefixtures("log_untouched")
def test_an_invalid_registration_is_422_with_a_message(
    system: System, unit_code: str, case: str
) -> None:
    change, words = INVALID_REGISTRATIONS[case]
    body = task_body(leader(), unit_code)
    change(body)
    refused(system.registration.post("/tasks", json=body, headers=ADMIN.headers), 422, words)


def test_the_limits_are_inclusive(system: System, registrant: Caller, unit_code: str) -> None:
    body = task_body(
        registrant,
        unit_code,
        year=NEXT_YEAR,
        deadline=f"{NEXT_YEAR}-01-01",
        title="x" * 300,
        description="y" * 5000,
        targets=[{**TARGET, "metric": f"m{i}", "target": 1e15} for i in range(10)],
    )
    register(system.registration, registrant, body)
    oldest = task_body(registrant, unit_code, year=2000, deadline="2000-12-31")
    register(system.registration, registrant, oldest)


def test_the_quota_is_409_and_counts_per_year(
    system: System, registrant: Caller, unit_code: str
) -> None:
    register(system.registration, registrant, task_body(registrant, unit_code, title="1"))
    register(system.registration, registrant, task_body(registrant, unit_code, title="2"))
    with nothing_written(system.redis, system.prefix):
        answer = system.registration.post(
            "/tasks", json=task_body(registrant, unit_code, title="3"), headers=registrant.headers
        )
        refused(answer, 409, "quota", "already holds 2 live")
    other_year = task_body(registrant, unit_code, year=YEAR - 1, deadline=f"{YEAR - 1}-12-31")
    register(system.registration, registrant, other_year)


# --- Idempotency-Key ------------------------------------------------------------------------


def test_a_repeated_key_and_body_answer_the_first_answer_and_write_once(
    system: System, registrant: Caller, unit_code: str
) -> None:
    body = task_body(registrant, unit_code)
    key = {"Idempotency-Key": f"retry-{unit_code}"}
    first = register(system.registration, registrant, body, **key)
    with nothing_written(system.redis, system.prefix):
        reordered = dict(reversed(list(body.items())))
        again = register(system.registration, registrant, reordered, **key)
    assert again == first


def test_a_repeated_key_with_another_body_is_409(
    system: System, registrant: Caller, unit_code: str
) -> None:
    key = {"Idempotency-Key": f"retry-{unit_code}"}
    register(system.registration, registrant, task_body(registrant, unit_code), **key)
    with nothing_written(system.redis, system.prefix):
        answer = system.registration.post(
            "/tasks",
            json=task_body(registrant, unit_code, title="khác"),
            headers=registrant.headers | key,
        )
        refused(answer, 409, "different body", "idempotency_key_reused")


def test_one_key_on_two_tasks_is_two_requests_both_written(
    system: System, registrant: Caller, unit_code: str
) -> None:
    """Issue 11: two progress reports with the same key on two tasks both answered 201, but
    the second was never written (its answer was the first task's event)."""
    tasks = [
        register(system.registration, registrant, task_body(registrant, unit_code), imported=True)[
            "task_id"
        ]
        for _ in range(2)
    ]
    key = {"Idempotency-Key": "bao-cao-quy-3"}
    answers = []
    for task_id in tasks:
        approve(system.approval, task_id)
        answer = system.registration.post(
            f"/tasks/{task_id}/progress", json=progress_body(), headers=registrant.headers | key
        )
        assert answer.status_code == 201, answer.text
        answers.append(answer.json())
    assert [a["task_id"] for a in answers] == tasks
    assert answers[0]["event_id"] != answers[1]["event_id"]
    for task_id, answer in zip(tasks, answers, strict=True):
        document = document_at(system.redis, system.prefix, "tasks:progress", answer["position"])
        assert (document["id"], document["subject"]) == (answer["event_id"], task_id)
        assert task(system.registration, task_id, registrant)["progress"]["status"] is not None


def test_one_key_on_two_decisions_is_two_requests(
    system: System, registrant: Caller, unit_code: str
) -> None:
    tasks = [
        register(system.registration, registrant, task_body(registrant, unit_code), imported=True)[
            "task_id"
        ]
        for _ in range(2)
    ]
    key = {"Idempotency-Key": "qd-190"}
    for task_id in tasks:
        answer = system.approval.post(
            f"/tasks/{task_id}/decision",
            json={"decision": "approve", "decided_by": "BTV"},
            headers=ADMIN.headers | key,
        )
        assert answer.json()["task_id"] == task_id
    assert {task(system.registration, t, ADMIN)["status"] for t in tasks} == {"approved"}


def test_one_key_on_two_routes_of_a_task_is_two_requests(
    system: System, registrant: Caller, unit_code: str
) -> None:
    task_id = register(
        system.registration, registrant, task_body(registrant, unit_code), imported=True
    )["task_id"]
    approve(system.approval, task_id)
    key = {"Idempotency-Key": "cuoi-nam"}
    headers = registrant.headers | key
    progress = system.registration.post(
        f"/tasks/{task_id}/progress", json=progress_body(), headers=headers
    )
    assessed = system.registration.post(
        f"/tasks/{task_id}/self-assessment",
        json={"rating": "good", "summary": "Hoàn thành"},
        headers=headers,
    )
    assert (progress.status_code, assessed.status_code) == (201, 201)
    assert progress.json()["event_id"] != assessed.json()["event_id"]


def test_a_repeated_progress_report_is_written_once(
    system: System, registrant: Caller, unit_code: str
) -> None:
    task_id = register(
        system.registration, registrant, task_body(registrant, unit_code), imported=True
    )["task_id"]
    approve(system.approval, task_id)
    headers = registrant.headers | {"Idempotency-Key": f"progress-{task_id}"}
    path = f"/tasks/{task_id}/progress"
    first = system.registration.post(path, json=progress_body(), headers=headers)
    again = system.registration.post(path, json=progress_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    reports = [
        d
        for _, d in documents(system.redis, system.prefix, "tasks:progress")
        if d["subject"] == task_id
    ]
    assert len(reports) == 1
    other = system.registration.post(path, json=progress_body(status="at_risk"), headers=headers)
    refused(other, 409, "different body")


# --- progress -------------------------------------------------------------------------------


@pytest.fixture
def approved_task(system: System, registrant: Caller, unit_code: str) -> str:
    task_id: str = register(
        system.registration, registrant, task_body(registrant, unit_code), imported=True
    )["task_id"]
    approve(system.approval, task_id)
    return task_id


INVALID_PROGRESS = {
    "metric without target": (
        progress_body(actuals=[{"metric": "bridges", "value": 1}]),
        "no target for metric 'bridges'",
    ),
    "metric twice": (
        progress_body(
            actuals=[
                {"metric": "area cleared", "value": 1},
                {"metric": "area cleared", "value": 2},
            ]
        ),
        "reported twice",
    ),
    "negative value": (
        progress_body(actuals=[{"metric": "area cleared", "value": -1}]),
        "greater than or equal to 0",
    ),
    "reported before the year": (
        progress_body(reported_at=f"{YEAR - 1}-12-31"),
        "outside the task's year",
    ),
    "reported after the year": (
        progress_body(reported_at=f"{YEAR + 1}-01-01"),
        "outside the task's year",
    ),
    "status unknown": (progress_body(status="done"), "in_progress"),
    "unknown field": (progress_body(mood="good"), "extra_forbidden"),
    "no status": ({"reported_at": f"{YEAR}-09-30", "actuals": []}, "missing"),
}


@pytest.mark.parametrize("case", INVALID_PROGRESS, ids=list(INVALID_PROGRESS))
def test_invalid_progress_is_422(
    system: System, registrant: Caller, approved_task: str, case: str
) -> None:
    body, words = INVALID_PROGRESS[case]
    with nothing_written(system.redis, system.prefix):
        answer = system.registration.post(
            f"/tasks/{approved_task}/progress", json=body, headers=registrant.headers
        )
        refused(answer, 422, words)


def test_a_report_dated_after_today_is_422_and_does_not_pin_the_status(
    system: System, registrant: Caller, unit_code: str
) -> None:
    """Issue 11: a report dated next month was accepted, and its date made it the task's
    latest report for good: every real report after it was ignored."""
    next_month = today() + timedelta(days=31)
    year = next_month.year
    body = task_body(registrant, unit_code, year=year, deadline=f"{year}-12-31")
    task_id = register(system.registration, registrant, body)["task_id"]
    approve(system.approval, task_id)
    path = f"/tasks/{task_id}/progress"
    with nothing_written(system.redis, system.prefix):
        for future in (next_month, today() + timedelta(days=1)):
            answer = system.registration.post(
                path,
                json=progress_body(reported_at=future.isoformat(), status="completed"),
                headers=registrant.headers,
            )
            if future.year == year:
                refused(answer, 422, "after today", "in_future")
            else:  # tomorrow is next year: outside the task's year, refused all the same
                refused(answer, 422)
    if today().year == year:
        real = progress_body(reported_at=today().isoformat(), status="at_risk")
        assert system.registration.post(path, json=real, headers=registrant.headers).is_success
        latest = task(system.registration, task_id, registrant)["progress"]
        assert (latest["status"], latest["reported_at"]) == ("at_risk", today().isoformat())


def test_a_report_dated_today_is_accepted(
    system: System, registrant: Caller, unit_code: str
) -> None:
    year = today().year
    body = task_body(registrant, unit_code, year=year, deadline=f"{year}-12-31")
    task_id = register(system.registration, registrant, body)["task_id"]
    approve(system.approval, task_id)
    answer = system.registration.post(
        f"/tasks/{task_id}/progress",
        json=progress_body(reported_at=today().isoformat()),
        headers=registrant.headers,
    )
    assert answer.status_code == 201, answer.text


def test_later_reports_count_and_earlier_dated_ones_do_not_override(
    system: System, registrant: Caller, approved_task: str
) -> None:
    path = f"/tasks/{approved_task}/progress"
    for reported_at, status, value in [
        (f"{YEAR}-06-30", "in_progress", 10),
        (f"{YEAR}-12-20", "completed", 26),
        (f"{YEAR}-09-30", "at_risk", 18),
    ]:
        body = progress_body(
            reported_at=reported_at,
            status=status,
            actuals=[{"metric": "projects cleared", "value": value}],
        )
        answer = system.registration.post(path, json=body, headers=registrant.headers)
        assert answer.status_code == 201, answer.text
    shown = task(system.registration, approved_task, registrant)
    progress = shown["progress"]
    assert (progress["status"], progress["reported_at"]) == ("completed", f"{YEAR}-12-20")
    assert shown["targets"][0]["latest"] == 26
    assert progress["first_completed"] == f"{YEAR}-12-20"
