"""What approval's requests carry, as the HTTP edge checks them, and the commands they become."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from shared.domain.events import Rating
from shared.domain.lifecycle import Approve, Decision, Evaluate, Reject, Return
from shared.domain.refusals import Refusal
from shared.edge.bodies import Body, Identifier, Name, Note, Reason, Reference

MAX_BATCH = 500


class DecisionBody(Body):
    """The Standing Committee's decision on one task: approve, reject, or return it to its
    registrant for revision (a rejection and a return need a reason)."""

    decision: Literal["approve", "reject", "return"]
    decided_by: Name
    reference: Reference | None = None
    note: Note | None = None
    reason: Reason | None = None

    def command(self) -> Decision:
        if self.decision == "approve":
            if self.reason:
                raise Refusal(
                    "reason is for rejections and returns; an approval takes a note",
                    code="reason_not_allowed",
                    field=("reason",),
                )
            return Approve(self.decided_by, self.reference or None, self.note or None)
        if not self.reason:
            raise Refusal(
                f"a {'rejection' if self.decision == 'reject' else 'return'} needs a reason",
                code="missing",
                field=("reason",),
            )
        if self.reference or self.note:
            raise Refusal(
                f"a {self.decision} records only its reason: put the reference and note in it",
                code="not_allowed",
                field=("reference" if self.reference else "note",),
            )
        if self.decision == "reject":
            return Reject(self.decided_by, self.reason)
        return Return(self.decided_by, self.reason)


class BatchBody(Body):
    """Many tasks decided at once, as the Standing Committee does under one decision number."""

    task_ids: Annotated[list[Identifier], Field(min_length=1, max_length=MAX_BATCH)]
    decision: Literal["approve", "reject"]
    decided_by: Name
    reference: Reference | None = None
    note: Note | None = None
    reason: Reason | None = None

    def command(self) -> Decision:
        if len({task.casefold() for task in self.task_ids}) != len(self.task_ids):
            raise Refusal("a task is listed twice", code="duplicate_task", field=("task_ids",))
        one = DecisionBody(
            decision=self.decision,
            decided_by=self.decided_by,
            reference=self.reference,
            note=self.note,
            reason=self.reason,
        )
        return one.command()


class EvaluationBody(Body):
    rating: Rating
    decided_by: Name
    reference: Reference | None = None
    note: Note | None = None

    def command(self) -> Evaluate:
        return Evaluate(self.rating, self.decided_by, self.reference or None, self.note or None)


class ClosureBody(Body):
    decided_by: Name
    reference: Reference | None = None


class Decided(BaseModel):
    task_id: str
    status: str
    event_id: str
    position: str


class Closed(BaseModel):
    year: int
    event_id: str
    position: str
