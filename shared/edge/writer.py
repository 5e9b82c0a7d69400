"""What the routes of a writing service (registration, approval) share: carrying a request's
commands out through the store, and showing a task to the person who asks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import Request
from pydantic import BaseModel

from shared.domain.lifecycle import Command, Register, may_read
from shared.domain.people import Actor
from shared.domain.programme import YearCommand, YearState
from shared.domain.refusals import Forbidden, NotFound
from shared.edge.bodies import context, idempotent
from shared.edge.runtime import Runtime
from shared.edge.views import Reckoning, TaskView, task_view
from shared.log.store import Answer, Store, Stored, execute, execute_year


@dataclass
class Writer:
    runtime: Runtime
    store: Store
    source: str

    async def write(
        self,
        request: Request,
        actor: Actor,
        commands: Sequence[tuple[str, Command]],
        given_key: str | None,
        body: BaseModel | None,
    ) -> list[Answer]:
        """Carry out the commands, all or nothing; the same Idempotency-Key and body answer
        the first answer again. A key is scoped to the caller, the route and the task (a
        registration's task is new with each request: its key is the caller's and route's)."""
        route = f"{request.method} {request.scope['route'].path}"
        one = len(commands) == 1 and not isinstance(commands[0][1], Register)
        scope = commands[0][0] if one else ""
        answers = await execute(
            self.store,
            commands,
            context(request, actor, self.runtime.clock, self.source),
            request=idempotent(self.runtime.keys, actor, route, scope, given_key, body),
        )
        request.state.event_id = answers[0].event_id
        return answers

    async def program(
        self,
        request: Request,
        actor: Actor,
        year: int,
        command: YearCommand,
        given_key: str | None = None,
        body: BaseModel | bytes | None = None,
    ) -> tuple[str, str]:
        """An admin's command about a year; the event in force after it, and its position.
        The same Idempotency-Key and body answer the first answer again."""
        route = f"{request.method} {request.scope['route'].path}"
        event_id, position = await execute_year(
            self.store,
            year,
            command,
            context(request, actor, self.runtime.clock, self.source),
            request=idempotent(self.runtime.keys, actor, route, str(year), given_key, body),
        )
        request.state.event_id = event_id
        return event_id, position

    async def task(self, task_id: str, actor: Actor) -> TaskView:
        """The task, if ``actor`` may read it (404 no such task, 403 not theirs to see)."""
        found = (await self.store.tasks([task_id])).get(task_id)
        if found is None:
            raise NotFound(f"no task {task_id}", code="not_found")
        year = await self.store.year(found.state.year)
        if not may_read(actor, found.state, year):
            raise Forbidden(f"task {task_id} is not yours to see", code="not_yours")
        return self.view(found, actor, year)

    def view(self, stored: Stored, actor: Actor, year: YearState) -> TaskView:
        clock, settings = self.runtime.clock, self.runtime.settings
        at = Reckoning(clock.today(), clock.zone, settings.grace_days)
        return task_view(stored.state, stored.position, actor, year, at)
