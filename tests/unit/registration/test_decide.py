"""Registration's rules as pure functions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from services.registration.domain import (
    LogProgress,
    NotApproved,
    QuotaExceeded,
    Refusal,
    RegisterTask,
    decide_progress,
    decide_registration,
    status_after,
)
from shared.events import TaskApproved, TaskRejected
from shared.tasks import KnownTask, TaskStatus
from tests.support.factories import registration_body

NOW = datetime(2024, 2, 1, 8, 30, tzinfo=UTC)
TODAY = date(2024, 2, 1)


def register(body: dict[str, Any], live: int = 0, today: date = TODAY) -> Any:
    return decide_registration(
        RegisterTask.model_validate(body),
        task_id="t-1",
        now=NOW,
        today=today,
        live_tasks=live,
        max_tasks=2,
        correlation_id="corr-1",
    )


def test_a_valid_registration_becomes_a_task_registered_event() -> None:
    event = register(registration_body())
    assert event.type == "TaskRegistered"
    assert event.subject == "t-1"
    assert event.correlationid == "corr-1"
    assert event.causationid is None
    assert event.source == "/breakthrough/registration"
    assert event.time == NOW
    assert event.data.registered_at == NOW
    assert [t.metric for t in event.data.targets] == ["projects cleared", "area cleared"]
    assert event.data.targets[0].direction == "at_least"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (
            {"registrant": {**registration_body()["registrant"], "level": "clerk"}},
            "level",
            "not eligible",
        ),
        ({"year": 1999, "deadline": "1999-12-31"}, "year", "from 2000 to 2025"),
        ({"year": 2026, "deadline": "2026-12-31"}, "year", "from 2000 to 2025"),
        ({"deadline": "2025-01-01"}, "deadline", "outside the task's year"),
        (
            {
                "targets": [
                    {"metric": "a", "unit": "x", "target": 1},
                    {"metric": "a", "unit": "y", "target": 2},
                ]
            },
            "metric",
            "share the metric 'a'",
        ),
    ],
)
def test_rules_refuse_with_the_field_and_a_message(
    change: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(Refusal) as refused:
        register({**registration_body(), **change})
    assert refused.value.status == 422
    assert refused.value.field[-1] == field
    assert words in refused.value.message


def test_next_year_is_allowed() -> None:
    assert register(registration_body(year=2025, deadline="2025-03-01")).data.year == 2025


def test_the_quota_is_a_conflict() -> None:
    register(registration_body(), live=1)
    with pytest.raises(QuotaExceeded) as refused:
        register(registration_body(), live=2)
    assert refused.value.status == 409


@pytest.mark.parametrize(
    "change",
    [
        {"targets": []},
        {"targets": [{"metric": f"m{i}", "unit": "u", "target": 1} for i in range(11)]},
        {"targets": [{"metric": "m", "unit": "u", "target": 0}]},
        {"title": " "},
        {"title": "x" * 301},
        {"description": "x" * 5001},
        {"colour": "red"},
    ],
)
def test_malformed_bodies_do_not_validate(change: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="validation error"):
        RegisterTask.model_validate({**registration_body(), **change})


def record(status: TaskStatus) -> KnownTask:
    return KnownTask(registration=register(registration_body()), status=status, position="1-0")


def progress(**change: Any) -> LogProgress:
    body = {
        "reported_at": "2024-06-30",
        "actuals": [{"metric": "area cleared", "value": 109}],
        "status": "in_progress",
    }
    return LogProgress.model_validate({**body, **change})


def test_progress_on_an_approved_task() -> None:
    event = decide_progress(record(TaskStatus.approved), progress(), now=NOW, correlation_id="c")
    assert event.type == "ProgressLogged"
    assert event.data.year == 2024
    assert event.data.actuals[0].value == 109


@pytest.mark.parametrize("status", [TaskStatus.pending, TaskStatus.rejected])
def test_progress_needs_an_approved_task(status: TaskStatus) -> None:
    with pytest.raises(NotApproved, match=status.value):
        decide_progress(record(status), progress(), now=NOW, correlation_id="c")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"reported_at": "2025-01-01"}, "outside the task's year"),
        ({"actuals": [{"metric": "bridges", "value": 1}]}, "no target for metric 'bridges'"),
        (
            {
                "actuals": [
                    {"metric": "area cleared", "value": 1},
                    {"metric": "area cleared", "value": 2},
                ]
            },
            "reported twice",
        ),
    ],
)
def test_progress_rules(change: dict[str, Any], words: str) -> None:
    with pytest.raises(Refusal, match=words):
        decide_progress(
            record(TaskStatus.approved), progress(**change), now=NOW, correlation_id="c"
        )


def test_negative_values_do_not_validate() -> None:
    with pytest.raises(ValueError, match="greater than or equal to 0"):
        progress(actuals=[{"metric": "area cleared", "value": -1}])


def test_status_after_a_decision() -> None:
    approved = TaskApproved(task_id="t", year=2024, decided_by="d", approved_at=NOW)
    rejected = TaskRejected(task_id="t", year=2024, decided_by="d", reason="r", rejected_at=NOW)
    assert status_after(approved) is TaskStatus.approved
    assert status_after(rejected) is TaskStatus.rejected
