"""Approval's HTTP API: a committee's queue, its decisions (one task or many under one
decision number), its evaluations, and the closing of a year."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from shared.domain.events import Category
from shared.domain.lifecycle import Command, committee_of, in_scope, reading_scope
from shared.domain.people import Actor, Role, key
from shared.domain.programme import CloseYear
from shared.edge.bodies import IdempotencyKey, Identifier, TaskId, Year
from shared.edge.http import answers
from shared.edge.views import TaskView
from shared.edge.writer import Writer

from .bodies import BatchBody, Closed, ClosureBody, Decided, DecisionBody, EvaluationBody


def routes(writer: Writer) -> APIRouter:
    router = APIRouter(tags=["approval"])
    runtime, store = writer.runtime, writer.store
    # defaults, not annotations: annotations are strings here, resolved at module level
    approver = Depends(runtime.requires(Role.approver))
    readers = Depends(runtime.requires(Role.approver, Role.viewer))
    admin = Depends(runtime.requires(Role.admin))

    async def decided(
        request: Request,
        actor: Actor,
        commands: list[tuple[str, Command]],
        given_key: str | None,
        body: DecisionBody | BatchBody | EvaluationBody,
    ) -> list[Decided]:
        done = await writer.write(request, actor, commands, given_key, body)
        return [
            Decided(task_id=a.task_id, status=a.status, event_id=a.event_id, position=a.position)
            for a in done
        ]

    @router.get("/approvals/pending", response_model=list[TaskView], responses=answers(403))
    async def pending(
        year: Annotated[int, Query(ge=2000, le=2100, description="the programme year")],
        unit: Annotated[Identifier | None, Query(description="only this unit's tasks")] = None,
        category: Category | None = None,
        actor: Actor = readers,
    ) -> list[TaskView]:
        """The year's registrations waiting for a decision, oldest first (not those returned
        for revision, withdrawn or decided): an approver's, those their committee manages; a
        viewer's, those within their unit or committee, if their identity carries one."""
        state = await store.year(year)
        unit, _ = reading_scope(actor, unit, None, state)
        deciding = actor.holds(Role.approver) and not actor.admin
        shown = []
        for stored in await store.pending(year):
            task = stored.state
            if deciding and state.owner(task.managed_by) != committee_of(actor, state):
                continue
            if not in_scope(actor, task, state):
                continue
            if unit is not None and key(task.unit.code) != unit:
                continue
            if category is not None and task.category is not category:
                continue
            shown.append(writer.view(stored, actor, state))
        return shown

    @router.post(
        "/tasks/{task_id}/decision", response_model=Decided, responses=answers(403, 404, 409)
    )
    async def decide_task(
        task_id: TaskId,
        body: DecisionBody,
        request: Request,
        idempotency_key: IdempotencyKey = None,
        actor: Actor = approver,
    ) -> Decided:
        """Approve, reject, or return for revision a pending task."""
        [done] = await decided(request, actor, [(task_id, body.command())], idempotency_key, body)
        return done

    @router.post("/decisions", response_model=list[Decided], responses=answers(403, 404, 409))
    async def decide_many(
        body: BatchBody,
        request: Request,
        idempotency_key: IdempotencyKey = None,
        actor: Actor = approver,
    ) -> list[Decided]:
        """Approve or reject many pending tasks at once, all or nothing: one event per task.
        With an Idempotency-Key, a batch sent again answers its first answer."""
        command = body.command()
        commands: list[tuple[str, Command]] = [(task_id, command) for task_id in body.task_ids]
        return await decided(request, actor, commands, idempotency_key, body)

    @router.post(
        "/tasks/{task_id}/evaluation",
        status_code=201,
        response_model=Decided,
        responses=answers(403, 404, 409),
    )
    async def evaluate_task(
        task_id: TaskId,
        body: EvaluationBody,
        request: Request,
        idempotency_key: IdempotencyKey = None,
        actor: Actor = approver,
    ) -> Decided:
        """Rate an approved (or self-assessed) task on the four levels, once."""
        [done] = await decided(request, actor, [(task_id, body.command())], idempotency_key, body)
        return done

    @router.post(
        "/years/{year}/closure", status_code=201, response_model=Closed, responses=answers(403, 409)
    )
    async def close(
        year: Year,
        body: ClosureBody,
        request: Request,
        idempotency_key: IdempotencyKey = None,
        actor: Actor = admin,
    ) -> Closed:
        """Close the year: from then on nothing of it is written, and its reports are final.
        With an Idempotency-Key, a closure sent again answers its first answer."""
        command = CloseYear(body.decided_by, body.reference or None)
        event_id, position = await writer.program(
            request, actor, year, command, idempotency_key, body
        )
        return Closed(year=year, event_id=event_id, position=position)

    return router
