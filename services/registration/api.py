"""Registration's HTTP API: leaders register, amend, withdraw, report progress on and
self-assess their tasks; an admin publishes each year's roster and committees; anyone may ask
what they may do in a year."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from shared.domain.events import as_builtins
from shared.domain.lifecycle import Amend, Register, YearAction, year_allowed
from shared.domain.lifecycle import Holdings as Quota
from shared.domain.people import Actor, Role, key
from shared.domain.refusals import NotFound
from shared.edge.bodies import IdempotencyKey, TaskId, Year
from shared.edge.http import answers
from shared.edge.views import TaskView
from shared.edge.writer import Writer

from .bodies import (
    ProgressBody,
    Registered,
    RegistrationBody,
    SelfAssessmentBody,
    WithdrawalBody,
    Written,
)
from .programme import (
    CommitteeBody,
    CommitteesBody,
    Published,
    RosterBody,
    committees,
    roster,
)


def _upload(model: type[BaseModel], example: str) -> dict[str, Any]:
    """An OpenAPI request body of JSON (``model``) or CSV."""
    schema = {"$ref": f"#/components/schemas/{model.__name__}"}
    csv = {"schema": {"type": "string"}, "example": example}
    content = {"application/json": {"schema": schema}, "text/csv": csv}
    return {"requestBody": {"required": True, "content": content}}


ROSTER_BODY = _upload(
    RosterBody,
    "id,name,position,level,unit,unit_name,managed_by,email\r\n"
    "pham-quang-hung,Phạm Quang Hưng,Chủ tịch UBND huyện,district_leader,kim-thanh,"
    "Huyện Kim Thành,tinh-uy,hung@kimthanh.example.vn\r\n",
)
COMMITTEES_BODY = _upload(
    CommitteesBody,
    "code,name,parent\r\ntinh-uy,Ban Thường vụ Tỉnh ủy,\r\n"
    "kim-thanh,Ban Thường vụ Huyện ủy Kim Thành,tinh-uy\r\n",
)


class YearView(BaseModel):
    """A year's programme as a person sees it, and what they may do in it."""

    year: int
    closed: bool
    has_roster: bool
    root: str
    committees: list[CommitteeBody]
    quota: QuotaView | None
    allowed: list[YearAction]


class QuotaView(BaseModel):
    max: int
    held: list[str]


YearView.model_rebuild()


def routes(writer: Writer) -> APIRouter:
    router = APIRouter(tags=["registration"])
    runtime, store = writer.runtime, writer.store
    # defaults, not annotations: annotations are strings here, resolved at module level
    registrant = Depends(runtime.requires(Role.registrant))
    anyone = Depends(runtime.requires())
    readers = Depends(runtime.requires(Role.registrant, Role.approver, Role.viewer))
    staff = Depends(runtime.requires(Role.approver, Role.viewer))
    admin = Depends(runtime.requires(Role.admin))

    async def written(
        request: Request, actor: Actor, task_id: str, command: Any, key_: str | None, body: Any
    ) -> Written:
        [answer] = await writer.write(request, actor, [(task_id, command)], key_, body)
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
        done = await written(
            request, actor, task_id, Register(task_id, body.registration()), idempotency_key, body
        )
        return Registered(task_id=done.task_id, event_id=done.event_id, position=done.position)

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
        return await written(request, actor, task_id, command, idempotency_key, body)

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
        return await written(request, actor, task_id, body.command(), idempotency_key, body)

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
        return await written(request, actor, task_id, body.command(), idempotency_key, body)

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
        return await written(request, actor, task_id, body.command(), idempotency_key, body)

    @router.get("/tasks/{task_id}", response_model=TaskView, responses=answers(403, 404))
    async def get_task(task_id: TaskId, actor: Actor = readers) -> TaskView:
        """The task as registration knows it, where it stands, and what the caller may do."""
        return await writer.task(task_id, actor)

    @router.get("/years/{year}", response_model=YearView, responses=answers())
    async def get_year(year: Year, actor: Actor = anyone) -> YearView:
        """The year's programme, and what the caller may do in it."""
        state = await store.year(year)
        quota = None
        if actor.person is not None and actor.holds(Role.registrant):
            held = (await store.holdings([(year, key(actor.person))]))[(year, key(actor.person))]
            quota = Quota(held.tasks, store.quota)
        return YearView(
            year=year,
            closed=state.closed,
            has_roster=state.roster is not None,
            root=state.root,
            committees=[CommitteeBody.model_validate(as_builtins(c)) for c in state.committees],
            quota=None if quota is None else QuotaView(max=quota.quota, held=list(quota.tasks)),
            allowed=year_allowed(actor, state, quota, runtime.clock.today()),
        )

    @router.put(
        "/roster/{year}",
        response_model=Published,
        responses=answers(403, 409),
        openapi_extra=ROSTER_BODY,
    )
    async def put_roster(
        year: Year, request: Request, idempotency_key: IdempotencyKey = None, actor: Actor = admin
    ) -> Published:
        """Publish the year's roster (JSON or CSV); a later one replaces it. The roster in
        force sent again writes nothing and answers its event."""
        raw = await request.body()
        command = roster(request.headers.get("content-type", ""), raw)
        event_id, position = await writer.program(
            request, actor, year, command, idempotency_key, raw
        )
        return Published(
            year=year,
            units=len(command.units),
            leaders=len(command.leaders),
            event_id=event_id,
            position=position,
        )

    @router.get("/roster/{year}", response_model=RosterBody, responses=answers(403, 404))
    async def get_roster(year: Year, actor: Actor = staff) -> RosterBody:
        """The roster in force for the year."""
        state = await store.year(year)
        if state.roster is None:
            raise NotFound(f"{year} has no roster", code="not_found")
        published = as_builtins(state.roster)
        return RosterBody.model_validate(
            {"units": published["units"], "leaders": published["leaders"]}
        )

    @router.put(
        "/committees/{year}",
        response_model=Published,
        responses=answers(403, 409),
        openapi_extra=COMMITTEES_BODY,
    )
    async def put_committees(
        year: Year, request: Request, idempotency_key: IdempotencyKey = None, actor: Actor = admin
    ) -> Published:
        """Publish the year's approving committees (JSON or CSV): one tree under one root. A
        later list replaces it; the list in force sent again writes nothing."""
        raw = await request.body()
        command = committees(request.headers.get("content-type", ""), raw)
        event_id, position = await writer.program(
            request, actor, year, command, idempotency_key, raw
        )
        return Published(
            year=year,
            committees=len(command.committees),
            event_id=event_id,
            position=position,
        )

    return router
