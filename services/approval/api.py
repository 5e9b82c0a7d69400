"""Approval's HTTP API: the pending list and the decision."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel

from shared.auth import Caller, Requires, Role, audited
from shared.http import ApiError, correlation_id
from shared.settings import Clock
from shared.tasks import KnownTask, RegisteredTask

from .adapters import ApprovalStore
from .domain import Decide, decide

TaskId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="a task id")]


class PendingTask(RegisteredTask):
    """A registered task still waiting for the Standing Committee's decision."""


class Decided(BaseModel):
    task_id: str
    status: Literal["approved", "rejected"]
    event_id: str
    position: str


def pending_view(task: KnownTask) -> PendingTask:
    return PendingTask.model_validate(RegisteredTask.fields_of(task))


def routes(store: ApprovalStore, clock: Clock, requires: Requires) -> APIRouter:
    router = APIRouter(tags=["approval"])
    # a default, not an annotation: annotations are strings here, resolved at module level
    approver = Depends(requires(Role.approver))

    @router.get(
        "/approvals/pending",
        response_model=list[PendingTask],
        dependencies=[Depends(requires(Role.approver, Role.viewer))],
    )
    async def pending(
        year: Annotated[int, Query(ge=2000, le=2100, description="the programme year")],
    ) -> list[PendingTask]:
        """The registered tasks of ``year`` still waiting for a decision, oldest first."""
        return [pending_view(task) for task in await store.pending(year)]

    @router.post("/tasks/{task_id}/decision", response_model=Decided)
    async def decide_task(
        task_id: TaskId,
        command: Decide,
        request: Request,
        caller: Caller = approver,
    ) -> Decided:
        task = await store.find(task_id)
        if task is None:
            raise ApiError(404, f"no registered task {task_id} (yet)")
        event = audited(
            decide(task, command, now=clock.now(), correlation_id=correlation_id(request)), caller
        )
        position = await store.record(event)
        request.state.event_id = event.id
        status: Literal["approved", "rejected"] = (
            "approved" if event.type == "TaskApproved" else "rejected"
        )
        return Decided(task_id=task_id, status=status, event_id=event.id, position=position)

    return router
