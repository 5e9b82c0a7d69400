"""Registration's HTTP API: turn requests into calls of the core, and refusals into answers."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Path, Request
from pydantic import BaseModel

from shared.auth import Caller, Requires, Role, audited, scoped
from shared.eventlog import EventLog, append_once
from shared.http import ApiError, correlation_id
from shared.idempotency import body_hash
from shared.settings import Clock
from shared.tasks import RegisteredTask

from .adapters import RegistrationStore
from .domain import LogProgress, RegisterTask, decide_progress, decide_registration

TaskId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="a task id")]
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description="repeat a request safely: same key, same answer"),
]


class Registered(BaseModel):
    task_id: str
    status: Literal["registered"] = "registered"
    event_id: str
    position: str


class Logged(BaseModel):
    event_id: str
    position: str


class TaskView(RegisteredTask):
    """A task as registration knows it, with where it stands."""

    status: Literal["pending", "approved", "rejected"]


def routes(
    store: RegistrationStore, log: EventLog, clock: Clock, max_tasks: int, requires: Requires
) -> APIRouter:
    router = APIRouter(tags=["registration"])
    # a default, not an annotation: annotations are strings here, resolved at module level
    registrant = Depends(requires(Role.registrant))

    @router.post("/tasks", status_code=201, response_model=Registered)
    async def register_task(
        command: RegisterTask,
        request: Request,
        idempotency_key: IdempotencyKey = None,
        caller: Caller = registrant,
    ) -> Registered:
        key = scoped(caller, idempotency_key)
        request_hash = body_hash(command, key)
        if key and (first := await store.earlier_answer(key, request_hash)):
            request.state.event_id = first.event_id
            return Registered(
                task_id=first.subject, event_id=first.event_id, position=first.position
            )
        event = decide_registration(
            command,
            task_id=str(uuid.uuid4()),
            now=clock.now(),
            today=clock.today(),
            # the register script checks the quota atomically (one round trip, not two);
            # it refuses with the same QuotaExceeded the core would raise here
            live_tasks=0,
            max_tasks=max_tasks,
            correlation_id=correlation_id(request),
        )
        appended = await store.register(
            audited(event, caller),
            max_tasks=max_tasks,
            idempotency_key=key,
            request_hash=request_hash,
        )
        request.state.event_id = appended.event_id
        return Registered(
            task_id=appended.subject, event_id=appended.event_id, position=appended.position
        )

    @router.post("/tasks/{task_id}/progress", status_code=201, response_model=Logged)
    async def log_progress(
        task_id: TaskId,
        command: LogProgress,
        request: Request,
        idempotency_key: IdempotencyKey = None,
        caller: Caller = registrant,
    ) -> Logged:
        task = await store.find(task_id)
        if task is None:
            raise ApiError(404, f"no task {task_id}")
        event = decide_progress(
            task, command, now=clock.now(), correlation_id=correlation_id(request)
        )
        key = scoped(caller, idempotency_key)
        appended = await append_once(
            log, audited(event, caller), idempotency_key=key, request_hash=body_hash(command, key)
        )
        request.state.event_id = appended.event_id
        return Logged(event_id=appended.event_id, position=appended.position)

    @router.get(
        "/tasks/{task_id}",
        response_model=TaskView,
        dependencies=[Depends(requires(Role.registrant, Role.approver, Role.viewer))],
    )
    async def get_task(task_id: TaskId) -> TaskView:
        task = await store.find(task_id)
        if task is None:
            raise ApiError(404, f"no task {task_id}")
        return TaskView.model_validate(
            RegisteredTask.fields_of(task) | {"status": task.status.value}
        )

    return router
