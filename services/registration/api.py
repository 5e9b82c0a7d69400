"""Registration's HTTP API: leaders register, amend, withdraw, report progress on and
self-assess their tasks; an admin publishes each year's roster."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError

from shared.domain.lifecycle import Amend, Command, Register
from shared.domain.people import Actor, Role, key
from shared.domain.programme import publish_roster
from shared.domain.refusals import Forbidden, NotFound, Refusal
from shared.edge.bodies import IdempotencyKey, TaskId, Year, context, idempotent
from shared.edge.http import answers
from shared.edge.runtime import Runtime
from shared.edge.views import TaskView, task_view
from shared.log.store import TaskStore, execute

from .bodies import (
    ProgressBody,
    Registered,
    RegistrationBody,
    SelfAssessmentBody,
    WithdrawalBody,
    Written,
)
from .roster import RosterAnswer, RosterBody, from_csv

SOURCE = "/breakthrough/registration"
ROSTER_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/RosterBody"}},
            "text/csv": {
                "schema": {"type": "string"},
                "example": "id,name,position,level,unit,unit_name\r\n"
                "pham-quang-hung,Phạm Quang Hưng,Chủ tịch UBND huyện,district_leader,"
                "kim-thanh,Huyện Kim Thành\r\n",
            },
        },
    }
}


def routes(runtime: Runtime, store: TaskStore, quota: int) -> APIRouter:
    router = APIRouter(tags=["registration"])
    # defaults, not annotations: annotations are strings here, resolved at module level
    registrant = Depends(runtime.requires(Role.registrant))
    anyone = Depends(runtime.requires(Role.registrant, Role.approver, Role.viewer))
    admin = Depends(runtime.requires(Role.admin))
    keys, clock = runtime.keys, runtime.clock

    async def write(
        request: Request,
        actor: Actor,
        task_id: str,
        command: Command,
        given_key: str | None,
        body: Any,
    ) -> Written:
        year = body.year if isinstance(body, RegistrationBody) else None
        route = f"{request.method} {request.scope['route'].path}"
        # A registration's task id is new with each request: its key is the caller's and the
        # route's alone, or a retry would register the task again.
        scope = "" if isinstance(command, Register) else task_id
        [answer] = await execute(
            store,
            [(task_id, command)],
            context(request, actor, clock, SOURCE),
            roster_year=year,
            request=idempotent(keys, actor, route, scope, given_key, body),
            quota=quota,
        )
        request.state.event_id = answer.event_id
        return Written(
            task_id=answer.task_id,
            status=answer.status,
            event_id=answer.event_id,
            position=answer.position,
        )

    @router.post("/tasks", status_code=201, response_model=Registered, responses=answers(403, 409))
    async def register_task(
        body: RegistrationBody,
        request: Request,
        idempotency_key: IdempotencyKey = None,
        actor: Actor = registrant,
    ) -> Registered:
        """Register a task (the registrant for themselves; an admin for anyone)."""
        task_id = str(uuid.uuid4())
        command = Register(task_id, body.registration())
        written = await write(request, actor, task_id, command, idempotency_key, body)
        return Registered(
            task_id=written.task_id, event_id=written.event_id, position=written.position
        )

    @router.put("/tasks/{task_id}", response_model=Written, responses=answers(403, 404, 409))
    async def amend_task(
        task_id: TaskId,
        body: RegistrationBody,
        request: Request,
        idempotency_key: IdempotencyKey = None,
        actor: Actor = registrant,
    ) -> Written:
        """Amend a pending or returned task: it is pending again."""
        command = Amend(body.registration())
        return await write(request, actor, task_id, command, idempotency_key, body)

    @router.post(
        "/tasks/{task_id}/withdrawal",
        status_code=201,
        response_model=Written,
        responses=answers(403, 404, 409),
    )
    async def withdraw_task(
        task_id: TaskId,
        body: WithdrawalBody,
        request: Request,
        idempotency_key: IdempotencyKey = None,
        actor: Actor = registrant,
    ) -> Written:
        """Withdraw a pending or returned task; it frees the registrant's slot."""
        return await write(request, actor, task_id, body.command(), idempotency_key, body)

    @router.post(
        "/tasks/{task_id}/progress",
        status_code=201,
        response_model=Written,
        responses=answers(403, 404, 409),
    )
    async def log_progress(
        task_id: TaskId,
        body: ProgressBody,
        request: Request,
        idempotency_key: IdempotencyKey = None,
        actor: Actor = registrant,
    ) -> Written:
        """Report progress on an approved task (values cumulative to ``reported_at``)."""
        return await write(request, actor, task_id, body.command(), idempotency_key, body)

    @router.post(
        "/tasks/{task_id}/self-assessment",
        status_code=201,
        response_model=Written,
        responses=answers(403, 404, 409),
    )
    async def self_assess(
        task_id: TaskId,
        body: SelfAssessmentBody,
        request: Request,
        idempotency_key: IdempotencyKey = None,
        actor: Actor = registrant,
    ) -> Written:
        """Self-assess an approved task at year end; may be repeated until it is evaluated."""
        return await write(request, actor, task_id, body.command(), idempotency_key, body)

    @router.get("/tasks/{task_id}", response_model=TaskView, responses=answers(403, 404))
    async def get_task(task_id: TaskId, actor: Actor = anyone) -> TaskView:
        """The task as registration knows it, and where it stands."""
        [loaded] = await store.load([task_id])
        state = loaded.state
        if state is None:
            raise NotFound(f"no task {task_id}", code="not_found")
        own = actor.is_person(state.registrant.id)
        if actor.roles == {Role.registrant} and not own:
            raise Forbidden(f"task {task_id} is not yours", code="not_yours")
        scope = actor.unit_scope
        if scope is not None and key(state.unit.code) != scope:
            raise Forbidden(f"task {task_id} is not of your unit", code="other_unit")
        return task_view(loaded)

    @router.put(
        "/roster/{year}",
        response_model=RosterAnswer,
        responses=answers(403, 409),
        openapi_extra=ROSTER_BODY,
    )
    async def put_roster(year: Year, request: Request, actor: Actor = admin) -> RosterAnswer:
        """Publish the year's roster (JSON or CSV); a later one replaces it. The roster in
        force sent again writes nothing and answers its event."""
        roster = _parse(request.headers.get("content-type", ""), await request.body())
        units, leaders = roster.parts()
        event = publish_roster(year, units, leaders, context(request, actor, clock, SOURCE))
        event_id, position = await store.publish_roster(event)
        request.state.event_id = event_id
        return RosterAnswer(
            year=year,
            units=len(units),
            leaders=len(leaders),
            event_id=event_id,
            position=position,
        )

    return router


def _parse(content_type: str, raw: bytes) -> RosterBody:
    media = content_type.split(";")[0].strip().casefold()
    if media in {"text/csv", "application/csv"}:
        return from_csv(raw)
    if media not in {"application/json", ""}:
        raise Refusal(
            f"a roster is application/json or text/csv, not {media!r}",
            code="unsupported_media_type",
            field=("header", "content-type"),
        )
    try:
        return RosterBody.model_validate_json(raw)
    except ValidationError as error:
        first = error.errors()[0]
        raise Refusal(
            str(first["msg"]), code=str(first["type"]), field=tuple(first["loc"])
        ) from error
