"""Approval's HTTP API: the Standing Committee's queue, its decisions (one task or many under
one decision number), its evaluations, and the closing of a year."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from shared.domain.events import Category
from shared.domain.lifecycle import Command, TaskStatus
from shared.domain.people import Actor, Role, key
from shared.domain.programme import close_year
from shared.domain.refusals import Conflict, Forbidden, NotFound
from shared.edge.bodies import IdempotencyKey, Identifier, TaskId, Year, context, idempotent
from shared.edge.http import answers
from shared.edge.runtime import Runtime
from shared.edge.views import TaskView, task_view
from shared.log.store import TaskStore, execute

from .bodies import BatchBody, Closed, ClosureBody, Decided, DecisionBody, EvaluationBody

SOURCE = "/breakthrough/approval"


def routes(runtime: Runtime, store: TaskStore) -> APIRouter:
    router = APIRouter(tags=["approval"])
    # defaults, not annotations: annotations are strings here, resolved at module level
    approver = Depends(runtime.requires(Role.approver))
    readers = Depends(runtime.requires(Role.approver, Role.viewer))
    admin = Depends(runtime.requires(Role.admin))
    keys, clock = runtime.keys, runtime.clock

    async def carry_out(
        request: Request,
        actor: Actor,
        commands: list[tuple[str, Command]],
        given_key: str | None,
        body: DecisionBody | BatchBody | EvaluationBody,
    ) -> list[Decided]:
        route = f"{request.method} {request.scope['route'].path}"
        task = commands[0][0] if len(commands) == 1 else ""
        answers_ = await execute(
            store,
            commands,
            context(request, actor, clock, SOURCE),
            request=idempotent(keys, actor, route, task, given_key, body),
        )
        request.state.event_id = answers_[0].event_id
        return [
            Decided(task_id=a.task_id, status=a.status, event_id=a.event_id, position=a.position)
            for a in answers_
        ]

    @router.get("/approvals/pending", response_model=list[TaskView], responses=answers(403))
    async def pending(
        year: Annotated[int, Query(ge=2000, le=2100, description="the programme year")],
        unit: Annotated[Identifier | None, Query(description="only this unit's tasks")] = None,
        category: Category | None = None,
        actor: Actor = readers,
    ) -> list[TaskView]:
        """The year's registrations waiting for a decision, oldest first (not those returned
        for revision, withdrawn or decided)."""
        scope = actor.unit_scope
        if scope is not None and unit is not None and key(unit) != scope:
            raise Forbidden("you see your own unit's tasks only", code="other_unit")
        wanted = scope or (key(unit) if unit else None)
        return [
            task_view(loaded)
            for loaded in await store.pending(year)
            if loaded.state is not None
            and (wanted is None or key(loaded.state.unit.code) == wanted)
            and (category is None or loaded.state.category is category)
        ]

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
        [decided] = await carry_out(
            request, actor, [(task_id, body.command())], idempotency_key, body
        )
        return decided

    @router.post("/decisions", response_model=list[Decided], responses=answers(403, 404, 409))
    async def decide_many(
        body: BatchBody,
        request: Request,
        idempotency_key: IdempotencyKey = None,
        actor: Actor = approver,
    ) -> list[Decided]:
        """Approve or reject many pending tasks at once, all or nothing: one event per task."""
        command = body.command()
        await _check_batch(store, body.task_ids, actor)
        commands: list[tuple[str, Command]] = [(task_id, command) for task_id in body.task_ids]
        return await carry_out(request, actor, commands, idempotency_key, body)

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
        [decided] = await carry_out(
            request, actor, [(task_id, body.command())], idempotency_key, body
        )
        return decided

    @router.post(
        "/years/{year}/closure", status_code=201, response_model=Closed, responses=answers(403, 409)
    )
    async def close(
        year: Year, body: ClosureBody, request: Request, actor: Actor = admin
    ) -> Closed:
        """Close the year: from then on nothing of it is written, and its reports are final."""
        closed = await store.closed(year)
        event = close_year(
            year, closed, body.decided_by, body.reference, context(request, actor, clock, SOURCE)
        )
        position = await store.close_year(event)
        request.state.event_id = event.id
        return Closed(year=year, event_id=event.id, position=position)

    return router


async def _check_batch(store: TaskStore, task_ids: list[str], actor: Actor) -> None:
    """Name every task of a batch that stops it (the commit checks again, atomically)."""
    loaded = await store.load(task_ids)
    unknown = [x.task_id for x in loaded if x.state is None]
    if unknown:
        raise NotFound(f"no such task: {', '.join(unknown)}", code="not_found", tasks=unknown)
    own = [x.task_id for x in loaded if x.state and actor.is_person(x.state.registrant.id)]
    if own:
        raise Forbidden(
            f"you registered these tasks yourself: {', '.join(own)}", code="own_task", tasks=own
        )
    undecidable = [
        f"{x.task_id} ({x.state.stage})"
        for x in loaded
        if x.state is not None and x.state.status is not TaskStatus.pending
    ]
    if undecidable:
        raise Conflict(
            f"only pending tasks can be decided; not: {', '.join(undecidable)}",
            code="wrong_state",
        )
