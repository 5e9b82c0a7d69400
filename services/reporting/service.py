"""What the HTTP routes ask of the projection: reports now or at the end of a past day, the
tasks a caller may see, and a task's history read back from the log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from shared.domain.events import AnyEvent, RosterPublished, TaskAmended, TaskRegistered, YearClosed
from shared.domain.people import Actor, Role, key
from shared.domain.refusals import Forbidden, NotFound
from shared.edge.settings import Clock

from .domain.answers import Missing, Report, Scope, TaskHistory, TaskSummary
from .domain.report import Reports
from .domain.tasks import Projection, Task
from .domain.views import Shown, history, missing, stale, summary
from .follower import Follower


def end_of_day(day: date, clock: Clock) -> datetime:
    """The last instant of ``day`` where the province reckons days, in UTC."""
    try:
        return datetime.combine(day, time.max, tzinfo=clock.zone).astimezone(UTC)
    except OverflowError:  # the first or last days a datetime can hold
        return (
            datetime.max.replace(tzinfo=UTC) if day.year > 1 else datetime.min.replace(tzinfo=UTC)
        )


def unit_in_scope(actor: Actor, unit: str | None) -> str | None:
    """The unit a caller asks about: a viewer whose identity carries a unit sees only it."""
    scope = actor.unit_scope
    if scope is None:
        return unit
    if unit is not None and key(unit) != scope:
        raise Forbidden(
            f"you see unit {actor.unit} only, not {unit!r}",
            code="other_unit",
            field=("query", "unit"),
        )
    return unit if unit is not None else actor.unit


def may_read(actor: Actor, task: Task) -> None:
    """A viewer (of their unit, if their identity carries one) or an approver reads every
    task; a caller who is only a registrant, their own."""
    state = task.state
    assert state is not None
    if actor.unit_scope is not None:
        if key(state.unit.code) != actor.unit_scope:
            raise Forbidden(f"task {state.task_id} is not of your unit", code="other_unit")
        return
    if actor.holds(Role.viewer) or actor.holds(Role.approver):
        return
    if not actor.is_person(state.registrant.id):
        raise Forbidden(
            f"task {state.task_id} is not yours: a registrant reads their own tasks only",
            code="not_yours",
        )


class Reporting:
    def __init__(self, projection: Projection, follower: Follower, clock: Clock) -> None:
        self.projection = projection
        self.follower = follower
        self.clock = clock
        self.reports = Reports(projection)

    def report(self, year: int, scope: Scope) -> Report:
        return self.reports.report(year, scope, self.clock.today())

    async def as_of(self, year: int, day: date) -> Projection:
        """The projection of ``year`` as it stood at the end of ``day``: the log read again
        up to where the live projection stands, keeping the events of that year's tasks (and
        its roster and closure) whose time is on or before the end of that day."""
        cutoff = end_of_day(day, self.clock)
        known = self.projection.years.get(year)
        tasks = set() if known is None else set(known.registered())

        def keep(event: AnyEvent) -> bool:
            data = event.data
            if event.time > cutoff:
                return False
            if isinstance(data, RosterPublished | YearClosed):
                return data.year == year
            return data.task_id in tasks

        past = Projection()
        reader = Follower(self.follower.log, past, page_size=self.follower.page_size)
        await reader.rebuild(until=dict(self.follower.positions), keep=keep)
        return past

    def task(self, task_id: str, actor: Actor) -> Task:
        found = self.projection.tasks.get(task_id)
        if found is None or found.state is None:
            raise NotFound(f"no registered task {task_id}", code="not_found")
        may_read(actor, found)
        return found

    async def history(self, task: Task) -> TaskHistory:
        events = await self.follower.events_at(task.located())
        return history(task, events, self.clock.today())

    async def shown(self, tasks: Sequence[Task]) -> dict[str, Shown | None]:
        """Each task's registration as it stands, read back from the log (one round trip)."""
        wanted = [
            pair
            for task in tasks
            for pair in task.located()
            if pair[0] in ("TaskRegistered", "TaskAmended")
        ]
        read = {event.id: event.data for _, event in await self.follower.events_at(wanted)}
        found: dict[str, Shown | None] = {}
        for task in tasks:
            assert task.state is not None
            data = read.get(task.state.basis)
            found[task.task_id] = data if isinstance(data, TaskRegistered | TaskAmended) else None
        return found

    async def summaries(self, tasks: Sequence[Task], today: date) -> list[TaskSummary]:
        shown = await self.shown(tasks)
        return [summary(task, shown[task.task_id], today) for task in tasks]

    async def missing(self, year: int, unit: str | None, stale_days: int) -> Missing:
        today = self.clock.today()
        chased = stale(self.projection, year, unit, stale_days, today)
        return missing(self.projection, year, unit, stale_days, today, await self.shown(chased))
