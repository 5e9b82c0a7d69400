"""Tasks as people read them: a summary (lists, CSV), the whole history, and who to chase."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from shared.domain.events import AnyEvent, TaskAmended, TaskRegistered, as_builtins
from shared.domain.lifecycle import LIVE, Assessment, TaskState, TaskStatus
from shared.domain.people import key

from .amounts import value_json
from .answers import (
    Assessment as AssessmentAnswer,
)
from .answers import (
    HistoryEntry,
    Missing,
    NotRegistered,
    Person,
    Stale,
    TargetProgress,
    TaskHistory,
    TaskProgress,
    TaskSummary,
    UnitName,
    Verdict,
)
from .tally import met, overdue
from .tasks import Projection, Task

Shown = TaskRegistered | TaskAmended
"""The registration as it stands (the task's ``basis``), read back from the log: the title and
the registrant's name, which the projection does not keep."""


def summary(task: Task, shown: Shown | None, today: date) -> TaskSummary:
    state, progress = task.state, task.progress
    assert state is not None
    readings = {reading.metric: reading for reading in progress.readings}
    latest = progress.latest
    targets = []
    for target in state.targets:
        reading = readings.get(target.metric)
        value = None if reading is None else reading.value
        targets.append(
            TargetProgress(
                metric=target.metric,
                unit=target.unit,
                target=value_json(target.target),
                direction=target.direction,
                latest=None if value is None else value_json(value),
                reported_at=None if reading is None else reading.reported_at,
                met=met(target, value),
            )
        )
    registrant = state.registrant
    return TaskSummary(
        task_id=state.task_id,
        year=state.year,
        status=state.status.value,
        stage=state.stage,
        registrant=Person(
            id=registrant.id,
            name=shown.registrant.name if shown else registrant.name,
            position=registrant.position,
            level=registrant.level,
        ),
        unit=UnitName(code=state.unit.code, name=state.unit.name),
        title=shown.title if shown else state.title,
        category=state.category,
        kind=state.kind,
        deadline=state.deadline,
        registered_at=state.registered_at,
        updated_at=state.updated_at,
        progress=TaskProgress(
            status=None if latest is None else latest.status,
            reported_at=None if latest is None else latest.reported_at,
            first_completed=progress.first_completed,
            overdue=overdue(state, progress, today),
        ),
        targets=tuple(targets),
        self_assessment=state.self_assessment.rating if state.self_assessment else None,
        evaluation=state.evaluation.rating if state.evaluation else None,
    )


def history(task: Task, events: Sequence[tuple[str, AnyEvent]], today: date) -> TaskHistory:
    """The task with every event of it (position, event), each id once, in the order they
    were decided: by time, then event id."""
    state = task.state
    assert state is not None
    seen: dict[str, tuple[str, AnyEvent]] = {}
    for position, event in events:
        seen.setdefault(event.id, (position, event))
    entries = sorted(seen.values(), key=lambda pair: (pair[1].time, pair[1].id))
    basis = seen.get(state.basis)
    shown = basis[1].data if basis and isinstance(basis[1].data, Shown) else None
    verdict = state.verdict
    return TaskHistory(
        **dict(summary(task, shown, today)),
        description=shown.description if shown else "",
        amendments=state.amendments,
        verdict=None
        if verdict is None
        else Verdict(
            status=verdict.status.value,
            decided_by=verdict.decided_by,
            at=verdict.at,
            reference=verdict.reference,
            note=verdict.note,
            reason=verdict.reason,
        ),
        withdrawal=state.withdrawal,
        self_assessed=_assessment(state.self_assessment),
        evaluated=_assessment(state.evaluation),
        history=tuple(
            HistoryEntry(
                type=event.type,
                event_id=event.id,
                time=event.time,
                actor=event.actor,
                actorrole=event.actorrole,
                position=position,
                data=as_builtins(event.data),
            )
            for position, event in entries
        ),
    )


def _assessment(found: Assessment | None) -> AssessmentAnswer | None:
    if found is None:
        return None
    return AssessmentAnswer(
        rating=found.rating,
        at=found.at,
        summary=found.summary,
        decided_by=found.decided_by,
        reference=found.reference,
        note=found.note,
    )


def matches(
    state: TaskState,
    *,
    unit: str | None = None,
    category: str | None = None,
    status: str | None = None,
    registrant: str | None = None,
) -> bool:
    """Whether a task is in a list's scope (unit codes and registrant ids by ``key``; a
    status matches the task's status or its stage)."""
    return (
        (unit is None or key(state.unit.code) == key(unit))
        and (category is None or state.category.value == category)
        and (status is None or status in (state.status.value, state.stage))
        and (registrant is None or key(state.registrant.id) == key(registrant))
    )


def stale(
    projection: Projection, year: int, unit: str | None, stale_days: int, today: date
) -> list[Task]:
    """Approved tasks, not completed nor evaluated, whose latest report is older than
    ``stale_days`` days, or absent; by unit, then task id."""
    known = projection.years.get(year)
    found = []
    for task in [] if known is None else known.registered().values():
        state, latest = task.state, task.progress.latest
        assert state is not None
        if (
            state.status is TaskStatus.approved
            and state.evaluation is None
            and (latest is None or latest.status.value != "completed")
            and matches(state, unit=unit)
            and (latest is None or (today - latest.reported_at).days > stale_days)
        ):
            found.append(task)
    return sorted(found, key=lambda task: (place_key(task), task.task_id))


def place_key(task: Task) -> str:
    assert task.state is not None
    return key(task.state.unit.code)


def missing(
    projection: Projection,
    year: int,
    unit: str | None,
    stale_days: int,
    today: date,
    shown: Mapping[str, Shown | None],
) -> Missing:
    """Leaders on the roster with no live task, and the ``stale`` tasks (``shown``: their
    registrations read back, by task id)."""
    known = projection.years.get(year)
    roster = None if known is None else known.roster
    not_registered = None
    if known is not None and roster is not None:
        theirs: dict[str, list[TaskState]] = {}
        for task in known.registered().values():
            assert task.state is not None
            theirs.setdefault(key(task.state.registrant.id), []).append(task.state)
        not_registered = tuple(
            NotRegistered(
                leader=Person(
                    id=leader.id, name=leader.name, position=leader.position, level=leader.level
                ),
                unit=_unit(roster.unit(leader.unit), leader.unit),
                task_ids=tuple(sorted(state.task_id for state in theirs.get(key(leader.id), []))),
            )
            for leader in sorted(roster.leaders, key=lambda leader: (key(leader.unit), leader.id))
            if (unit is None or key(leader.unit) == key(unit))
            and not any(state.status in LIVE for state in theirs.get(key(leader.id), []))
        )
    chased = []
    for task in stale(projection, year, unit, stale_days, today):
        view = summary(task, shown.get(task.task_id), today)
        chased.append(
            Stale(
                task_id=view.task_id,
                title=view.title,
                registrant=view.registrant,
                unit=view.unit,
                deadline=view.deadline,
                last_reported_at=view.progress.reported_at,
                days_since=None
                if view.progress.reported_at is None
                else (today - view.progress.reported_at).days,
            )
        )
    return Missing(
        year=year,
        unit=unit,
        stale_days=stale_days,
        not_registered=not_registered,
        no_recent_progress=tuple(chased),
    )


def _unit(found: object, code: str) -> UnitName:
    name = getattr(found, "name", "")
    return UnitName(code=getattr(found, "code", code), name=name)
