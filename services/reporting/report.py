"""The provincial report: a pure function of a year's tasks and programme for a scope (a unit,
a category, a committee and those below it)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.domain.events import Category, Leader, Rating
from shared.domain.lifecycle import TaskState, TaskStatus, on_time
from shared.domain.people import key
from shared.domain.programme import YearState
from shared.edge.views import Reckoning, met, overdue

from .amounts import Sum, percent
from .answers import (
    CategoryRow,
    CommitteeRow,
    Compared,
    Counted,
    EvaluationCounts,
    MetricRow,
    ProgressCounts,
    RegistrantCounts,
    Report,
    Row,
    Scope,
    TargetCounts,
    TaskCounts,
    UnitRow,
)


@dataclass
class Metric:
    tasks: int = 0
    target: Sum = field(default_factory=Sum)
    actual: Sum = field(default_factory=Sum)


def count(into: Counter[str], state: TaskState, rules: Reckoning) -> None:
    """Add one task to the totals ``into``."""
    into["registered"] += 1
    into[state.status.value] += 1
    if state.status is not TaskStatus.approved:
        return
    progress = state.progress
    into["reported" if progress.latest else "not_reported"] += 1
    if progress.status is not None:
        into[progress.status.value] += 1
    if progress.completed:
        timely = on_time(progress, state.deadline, rules.zone, rules.grace_days)
        into["completed_on_time" if timely else "completed_late"] += 1
    elif overdue(state, rules.today):
        into["overdue"] += 1
    into["rating:" + (state.evaluation.rating.value if state.evaluation else "none")] += 1
    into["targets_total"] += len(state.targets)
    into["targets_met"] += sum(met(t, progress.value_of(t.metric)) for t in state.targets)


def in_scope(
    state: TaskState, scope: Scope, programme: YearState, units: Mapping[str, str] | None = None
) -> bool:
    """Whether a task counts in ``scope`` (its unit mapped by ``units`` when comparing years:
    earlier units' codes to those of the units that took them over)."""
    if scope.category is not None and state.category is not scope.category:
        return False
    code = state.unit.code if units is None else units.get(state.unit.code, state.unit.code)
    if scope.unit is not None and code != scope.unit:
        return False
    owner = programme.owner(state.managed_by)
    return scope.committee is None or owner in programme.subtree(scope.committee)


def leaders_in(programme: YearState, scope: Scope) -> Iterator[Leader]:
    """The roster's leaders in scope (a category does not narrow leaders)."""
    below = None if scope.committee is None else programme.subtree(scope.committee)
    for leader in programme.roster.leaders if programme.roster else ():
        if scope.unit is not None and key(leader.unit) != scope.unit:
            continue
        if below is None or programme.managed_by(leader) in below:
            yield leader


def report(
    tasks: Iterable[TaskState],
    programme: YearState,
    scope: Scope,
    rules: Reckoning,
    units: Mapping[str, str] | None = None,
    earlier: Report | None = None,
) -> Report:
    """The report of a year's tasks (in any order) in ``scope``; ``earlier``: the report of
    an earlier year, its units mapped by ``units`` too, to compare with."""
    buckets = defaultdict[tuple[str, str, str], Counter[str]](Counter)
    people: dict[str, set[str]] = {"registered": set(), "approved": set(), "live": set()}
    metrics: dict[tuple[str, str], Metric] = defaultdict(Metric)
    latest: dict[str, tuple[tuple[datetime, str], str]] = {}
    for state in tasks:
        if not in_scope(state, scope, programme, units):
            continue
        unit = (units or {}).get(state.unit.code, state.unit.code)
        count(
            buckets[(unit, state.category.value, programme.owner(state.managed_by))], state, rules
        )
        if unit not in latest or (state.registered_at, state.task_id) > latest[unit][0]:
            latest[unit] = ((state.registered_at, state.task_id), state.unit.name)
        people["registered"].add(state.registrant.id)
        if state.live:
            people["live"].add(state.registrant.id)
        if state.status is not TaskStatus.approved:
            continue
        people["approved"].add(state.registrant.id)
        for target in state.targets:
            metric = metrics[(target.metric, target.unit)]
            metric.tasks += 1
            metric.target.add(target.target)
            if (value := state.progress.value_of(target.metric)) is not None:
                metric.actual.add(value)
    whole, groups = Counter[str](), defaultdict[tuple[str, str], Counter[str]](Counter)
    for (unit, category, committee), counted in buckets.items():
        whole.update(counted)
        for group in ("unit", unit), ("category", category), ("committee", committee):
            groups[group].update(counted)
    expected: set[str] | None = {key(leader.id) for leader in leaders_in(programme, scope)}
    if programme.roster is None:
        expected = None
    before = {} if earlier is None else {row.code: _only(Row, row) for row in earlier.by_unit}
    return Report(
        year=programme.year,
        scope=scope,
        tasks=_only(TaskCounts, whole),
        registrants=RegistrantCounts(
            registered=len(people["registered"]),
            approved=len(people["approved"]),
            expected=None if expected is None else len(expected),
            not_registered=None if expected is None else len(expected - people["live"]),
        ),
        progress=_only(ProgressCounts, whole),
        targets=TargetCounts(total=whole["targets_total"], met=whole["targets_met"]),
        evaluation=evaluation(whole),
        by_unit=tuple(
            UnitRow(
                code=code,
                name=_name(programme, code, latest[code][1]),
                **_counted(groups[("unit", code)]),
                previous=None if earlier is None else before.get(code, _only(Row, {})),
            )
            for code in sorted(latest)
        ),
        by_category=tuple(
            CategoryRow(category=Category(name), **_counted(counted))
            for (part, name), counted in sorted(groups.items())
            if part == "category"
        ),
        metrics=tuple(
            MetricRow(
                metric=name,
                unit=unit,
                tasks=metric.tasks,
                target=metric.target.shown(),
                actual=metric.actual.shown(),
                percent=percent(metric.actual, metric.target),
            )
            for (name, unit), metric in sorted(metrics.items())
        ),
        closed=programme.closed,
        by_committee=tuple(
            CommitteeRow(
                code=code,
                name=getattr(programme.committee(code), "name", ""),
                parent=getattr(programme.committee(code), "parent", None),
                **_only(Row, groups.get(("committee", code), {})).model_dump(),
                evaluation=evaluation(groups.get(("committee", code), {})),
            )
            for code in sorted(programme.subtree(scope.committee or programme.root))
        ),
        compare=None if earlier is None else _only(Compared, earlier),
    )


def evaluation(counts: Mapping[str, int]) -> EvaluationCounts:
    ratings = {rating.value: counts.get("rating:" + rating.value, 0) for rating in Rating}
    return EvaluationCounts(**ratings, not_evaluated=counts.get("rating:none", 0))


def _only(model: Any, source: Any) -> Any:
    """``model`` of the fields of ``source``: a mapping of counts, or another answer."""
    if isinstance(source, Mapping):
        return model(**{name: source.get(name, 0) for name in model.model_fields})
    return model(**{name: getattr(source, name) for name in model.model_fields})


def _counted(counts: Counter[str]) -> dict[str, Any]:
    return {name: counts[name] for name in Counted.model_fields} | {
        "evaluation": evaluation(counts)
    }


def _name(programme: YearState, code: str, latest: str) -> str:
    """A unit on the roster by the roster's name, else by its latest registered task's."""
    listed = programme.unit(code)
    return latest if listed is None else listed.name
