"""Approval's pure core: the Standing Committee's decision on a registered task."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from shared.commands import Command, Conflict, Note, Refusal, Text
from shared.events import CloudEvent, TaskApproved, TaskRejected, new_event
from shared.tasks import KnownTask, TaskStatus

SOURCE = "/breakthrough/approval"


class Decide(Command):
    """The body of ``POST /tasks/{task_id}/decision``."""

    decision: Literal["approve", "reject"]
    decided_by: Annotated[Text, Field(max_length=200)]
    reference: Annotated[str, Field(max_length=100)] | None = None
    note: Note | None = None
    reason: Note | None = None


class AlreadyDecided(Conflict):
    """Each task is decided once."""


Decision = CloudEvent[TaskApproved] | CloudEvent[TaskRejected]


def decide(task: KnownTask, command: Decide, *, now: datetime, correlation_id: str) -> Decision:
    registered = task.registration.data
    if task.status is not TaskStatus.pending:
        raise AlreadyDecided(f"task {registered.task_id} is already {task.status.value}")
    causation = task.registration.id
    if command.decision == "approve":
        if command.reason:
            raise Refusal("reason is for rejections; an approval takes a note", ("reason",))
        approved = TaskApproved(
            task_id=registered.task_id,
            year=registered.year,
            decided_by=command.decided_by,
            reference=command.reference,
            note=command.note,
            approved_at=now,
        )
        return new_event(
            approved, source=SOURCE, correlation_id=correlation_id, causation_id=causation, time=now
        )
    if not command.reason:
        raise Refusal("a rejection needs a reason", ("reason",))
    if command.reference or command.note:
        raise Refusal(
            "a rejection records only its reason: put the reference and note in it",
            ("reference" if command.reference else "note",),
        )
    rejected = TaskRejected(
        task_id=registered.task_id,
        year=registered.year,
        decided_by=command.decided_by,
        reason=command.reason,
        rejected_at=now,
    )
    return new_event(
        rejected, source=SOURCE, correlation_id=correlation_id, causation_id=causation, time=now
    )
