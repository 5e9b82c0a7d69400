"""What reporting's routes ask of the projection: reports (now, at the end of a past day,
compared with an earlier year), the tasks a person may see, a task's history, whom to chase."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

import msgspec

from shared.domain.events import AnyEvent, Category, ReminderKind
from shared.domain.lifecycle import TaskState, fold, may_read, order, reading_scope
from shared.domain.people import Actor, key
from shared.domain.programme import YearState, replaced_by
from shared.domain.refusals import Forbidden, NotFound
from shared.domain.reminders import due, last_news, stale
from shared.edge.settings import Clock
from shared.edge.views import (
    Reckoning,
    RegistrantView,
    TaskView,
    UnitView,
    history_entry,
    task_view,
)

from .answers import Missing, NotRegistered, Report, Scope, Stale
from .follower import Follower
from .projection import Projection, Tracked, Year
from .report import in_scope, leaders_in, report


class Reading:
    def __init__(self, follower: Follower, clock: Clock, grace_days: int) -> None:
        self.follower, self.clock, self.grace_days = follower, clock, grace_days
        self._reports: dict[tuple[object, ...], tuple[tuple[int, ...], Report]] = {}

    @property
    def projection(self) -> Projection:
        return self.follower.projection

    def year(self, number: int, projection: Projection | None = None) -> Year:
        found = (projection or self.projection).years.get(number)
        return found or Year(YearState(year=number))

    def scope(
        self,
        actor: Actor,
        year: int,
        unit: str | None = None,
        committee: str | None = None,
        category: Category | None = None,
        as_of: date | None = None,
    ) -> Scope:
        """What a report or list covers: what was asked, within what the caller may see."""
        unit, committee = reading_scope(actor, unit, committee, self.year(year).programme)
        return Scope(unit=unit, category=category, as_of=as_of, committee=committee)

    async def report(self, year: int, scope: Scope, compare: int | None = None) -> Report:
        """The report (kept until the year, or the one compared with, changes)."""
        today, projection = scope.as_of or self.clock.today(), self.projection
        if scope.as_of is not None:
            projection = await self.as_of({year, compare or year}, scope.as_of)
        versions = tuple(self.year(n, projection).version for n in (year, compare) if n)
        cache, cached = (year, scope, compare, today), None
        if scope.as_of is None and (cached := self._reports.get(cache)) and cached[0] == versions:
            return cached[1]
        rules = Reckoning(today, self.clock.zone, self.grace_days)
        earlier = None
        if compare is not None:
            units = replaced_by([y.programme for y in projection.years.values()])
            before = self.year(compare, projection)
            earlier = report(_states(before), before.programme, scope, rules, units)
        known = self.year(year, projection)
        answer = report(_states(known), known.programme, scope, rules, None, earlier)
        if scope.as_of is None:
            kept = {k: v for k, v in self._reports.items() if k[3] == today}
            self._reports = kept | {cache: (versions, answer)}
        return answer

    async def as_of(self, years: set[int], day: date) -> Projection:
        """Those years as they stood at the end of ``day``: the log read again up to where
        the projection stands, keeping their events whose time is on or before that day."""
        cutoff, tasks = self.clock.end_of(day), self.projection.tasks

        def keep(event: AnyEvent) -> bool:
            task = tasks.get(getattr(event.data, "task_id", ""))
            year = task.state.year if task and task.state else getattr(event.data, "year", 0)
            return event.time <= cutoff and year in years

        past = Projection()
        await self.follower.read_all(past, until=dict(self.follower.positions), keep=keep)
        return past

    async def folded(self, tasks: Sequence[Tracked]) -> list[tuple[TaskState, str]]:
        """Each task folded again from its events in the log (one round trip for all)."""
        located = [where for task in tasks for where in task.located()]
        events: dict[str, list[tuple[str, AnyEvent]]] = defaultdict(list)
        for position, event in await self.follower.events_at(located):
            events[getattr(event.data, "task_id", "")].append((position, event))
        return [refolded(task, events[task.task_id]) for task in tasks]

    def view(self, state: TaskState, position: str, actor: Actor, today: date) -> TaskView:
        at = Reckoning(today, self.clock.zone, self.grace_days)
        return task_view(state, position, actor, self.year(state.year).programme, at)

    async def views(self, tasks: Sequence[Tracked], actor: Actor, today: date) -> list[TaskView]:
        return [self.view(s, p, actor, today) for s, p in await self.folded(tasks)]

    def task(self, task_id: str, actor: Actor) -> Tracked:
        found = self.projection.tasks.get(task_id)
        if found is None or found.state is None:
            raise NotFound(f"no registered task {task_id}", code="not_found")
        if not may_read(actor, found.state, self.year(found.state.year).programme):
            raise Forbidden(f"task {task_id} is not yours to see", code="not_yours")
        return found

    async def history(self, task: Tracked, actor: Actor) -> TaskView:
        """The task with every event of it in its order, and the tasks that continue it."""
        events = await self.follower.events_at(task.located())
        state, position = refolded(task, events)
        unique = sorted({e.id: (p, e) for p, e in events}.values(), key=lambda pe: order(pe[1]))
        continued_by = sorted(
            other.task_id
            for other in self.projection.tasks.values()
            if other.state is not None and other.state.continues == state.task_id
        )
        view = self.view(state, position, actor, self.clock.today())
        entries = [history_entry(*pair) for pair in unique]
        return view.model_copy(update={"history": entries, "continued_by": continued_by})

    async def missing(self, year: int, scope: Scope, stale_days: int) -> Missing:
        """Leaders on the roster with no live task, and approved tasks with no recent report,
        each with when its leader was last reminded of it."""
        today, known, zone = self.clock.today(), self.year(year), self.clock.zone
        programme, reminded = known.programme, known.reminded
        states = [s for s in _states(known) if in_scope(s, scope, programme)]
        mine: dict[str, list[TaskState]] = defaultdict(list)
        for state in states:
            mine[state.registrant.id].append(state)
        not_registered = (
            None
            if programme.roster is None
            else tuple(
                NotRegistered(
                    leader=RegistrantView(
                        id=key(leader.id),
                        name=leader.name,
                        position=leader.position,
                        level=leader.level,
                    ),
                    unit=UnitView(code=key(leader.unit), name=_unit_name(programme, leader.unit)),
                    task_ids=tuple(sorted(s.task_id for s in mine[key(leader.id)])),
                    reminded_at=reminded.get((key(leader.id), ReminderKind.not_registered)),
                )
                for leader in sorted(
                    leaders_in(programme, scope), key=lambda x: (key(x.unit), key(x.id))
                )
                if due(ReminderKind.not_registered, mine[key(leader.id)], today, zone) is not None
            )
        )
        late = [known.tasks[s.task_id] for s in states if stale(s, today, zone, stale_days)]
        chased = [
            Stale(
                task_id=state.task_id,
                title=state.title,
                registrant=RegistrantView.model_validate(state.registrant, from_attributes=True),
                unit=UnitView(code=state.unit.code, name=state.unit.name),
                deadline=state.deadline,
                approved_at=None if state.verdict is None else state.verdict.at,
                last_reported_at=getattr(state.progress.latest, "reported_at", None),
                days_since=(today - last_news(state, zone)).days,
                reminded_at=reminded.get((state.registrant.id, ReminderKind.no_recent_progress)),
            )
            for state, _ in sorted(
                await self.folded(late), key=lambda s: (s[0].unit.code, s[0].task_id)
            )
        ]
        return Missing(
            year=year,
            unit=scope.unit,
            committee=scope.committee,
            stale_days=stale_days,
            not_registered=not_registered,
            no_recent_progress=tuple(chased),
        )


def refolded(task: Tracked, events: Sequence[tuple[str, AnyEvent]]) -> tuple[TaskState, str]:
    """A task's state from its events as the log holds them (the projection's, when its
    registration cannot be read), its ids and codes as the projection has them, and the
    position of the event its registration comes from."""
    assert task.state is not None
    state = fold(event for _, event in events) or task.state
    registrant = msgspec.structs.replace(state.registrant, id=task.state.registrant.id)
    unit = msgspec.structs.replace(state.unit, code=task.state.unit.code)
    state = msgspec.structs.replace(state, registrant=registrant, unit=unit)
    return state, next((p for p, event in events if event.id == state.basis), "")


def _unit_name(programme: YearState, code: str) -> str:
    found = programme.unit(code)
    return "" if found is None else found.name


def _states(year: Year) -> list[TaskState]:
    return [task.state for task in year.tasks.values() if task.state is not None]
