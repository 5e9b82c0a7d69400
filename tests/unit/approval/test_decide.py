"""Approval's rules as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from services.approval.domain import AlreadyDecided, Decide, decide
from shared.commands import Refusal
from shared.tasks import KnownTask, TaskStatus
from tests.support.factories import registered_event

NOW = datetime(2024, 3, 1, tzinfo=UTC)


def candidate(status: TaskStatus = TaskStatus.pending) -> KnownTask:
    return KnownTask(registration=registered_event(), position="1-0", status=status)


def command(**body: Any) -> Decide:
    return Decide.model_validate({"decided_by": "Ban Thường vụ Tỉnh ủy", **body})


def test_approval_is_caused_by_the_registration() -> None:
    task = candidate()
    event = decide(
        task, command(decision="approve", reference="QĐ-12"), now=NOW, correlation_id="c"
    )
    assert event.type == "TaskApproved"
    assert event.causationid == task.registration.id
    assert event.correlationid == "c"
    assert event.data.task_id == task.registration.data.task_id
    assert event.data.year == 2024
    assert event.data.reference == "QĐ-12"
    assert event.data.approved_at == NOW


def test_rejection_carries_its_reason() -> None:
    event = decide(
        candidate(), command(decision="reject", reason="không khả thi"), now=NOW, correlation_id="c"
    )
    assert event.type == "TaskRejected"
    assert event.data.reason == "không khả thi"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"decision": "reject"}, "needs a reason"),
        ({"decision": "reject", "reason": "r", "reference": "QĐ-1"}, "records only its reason"),
        ({"decision": "approve", "reason": "r"}, "reason is for rejections"),
    ],
)
def test_decision_rules(body: dict[str, Any], words: str) -> None:
    with pytest.raises(Refusal, match=words):
        decide(candidate(), command(**body), now=NOW, correlation_id="c")


@pytest.mark.parametrize("status", [TaskStatus.approved, TaskStatus.rejected])
def test_a_task_is_decided_once(status: TaskStatus) -> None:
    with pytest.raises(AlreadyDecided) as refused:
        decide(candidate(status), command(decision="approve"), now=NOW, correlation_id="c")
    assert refused.value.status == 409


def test_malformed_decisions_do_not_validate() -> None:
    with pytest.raises(ValueError, match="validation error"):
        command(decision="maybe")
    with pytest.raises(ValueError, match="validation error"):
        Decide.model_validate({"decision": "approve"})
