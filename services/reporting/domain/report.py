"""The provincial report, a pure function of a year's task states, counted bucket by bucket.

Each bucket of a year (its tasks of one unit and one category) is counted into a ``Tally``
(``domain.tally``). A report is made of the tallies of the buckets in its scope; ``Reports``
keeps them between writes, so after a write a report recounts one bucket.
Definitions are the contract's; where it is silent the README says what was chosen.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.domain.events import Category, Rating
from shared.domain.people import key
from shared.domain.programme import Roster

from .amounts import percent
from .answers import (
    CategoryRow,
    EvaluationCounts,
    MetricRow,
    ProgressCounts,
    RegistrantCounts,
    Report,
    Scope,
    TargetCounts,
    TaskCounts,
    UnitRow,
)
from .tally import Tally, bump, counts_of, merged, tally
from .tasks import Bucket, Projection, Year

RATINGS = [rating.value for rating in Rating]
ROW = ("registered", "approved", "completed", "targets_total", "targets_met")


def evaluation(counts: Counter[str]) -> EvaluationCounts:
    """The five counts (a row's are built unchecked: they are this module's own ints)."""
    ratings: dict[str, Any] = {rating: counts["rating:" + rating] for rating in RATINGS}
    return EvaluationCounts.model_construct(**ratings, not_evaluated=counts["rating:none"])


@dataclass(slots=True)
class Parts:
    """The tallies a report is made of: the whole scope, and each unit and category in it."""

    whole: Tally
    units: dict[str, Tally]
    categories: dict[str, Counter[str]]
    """Only counts: a category's row needs no registrants or sums."""

    @classmethod
    def of(cls, buckets: Mapping[Bucket, Tally]) -> Parts:
        units: dict[str, list[Tally]] = {}
        categories: dict[str, list[Tally]] = {}
        for (unit, category), counted in buckets.items():
            units.setdefault(unit, []).append(counted)
            categories.setdefault(category, []).append(counted)
        by_unit = {unit: merged(tallies) for unit, tallies in units.items()}
        by_category = {name: counts_of(tallies) for name, tallies in categories.items()}
        return cls(merged(by_unit.values()), by_unit, by_category)


_LEADERS: dict[tuple[int, str | None], tuple[Roster, frozenset[str]]] = {}


def leaders(roster: Roster, unit: str | None) -> frozenset[str]:
    """The keys of the leaders a roster expects (of ``unit``), worked out once per roster
    (kept by identity: hashing a roster of thousands of leaders costs as much)."""
    found = _LEADERS.get((id(roster), unit))
    if found is None or found[0] is not roster:
        keys = frozenset(
            key(leader.id)
            for leader in roster.leaders
            if unit is None or key(leader.unit) == key(unit)
        )
        found = _LEADERS[(id(roster), unit)] = (roster, keys)
    return found[1]


Rows = dict[str, tuple[Roster | None, Tally, UnitRow]]
"""Unit rows made before, by unit: each kept while its unit's tally and the roster are."""


def build(
    year: int,
    scope: Scope,
    parts: Parts,
    roster: Roster | None,
    closed: bool,
    rows: Rows | None = None,
) -> Report:
    """The report of ``year`` from the tallies of the buckets in ``scope``."""
    whole, units, categories = parts.whole, parts.units, parts.categories
    rows = {} if rows is None else rows
    counts = whole.counts
    expected = None if roster is None else leaders(roster, scope.unit)
    return Report(
        year=year,
        scope=scope,
        tasks=TaskCounts(**{name: counts[name] for name in TaskCounts.model_fields}),
        registrants=RegistrantCounts(
            registered=len(whole.registrants),
            approved=len(whole.approved),
            expected=None if expected is None else len(expected),
            not_registered=None if expected is None else len(expected - whole.live.keys()),
        ),
        progress=ProgressCounts(**{name: counts[name] for name in ProgressCounts.model_fields}),
        targets=TargetCounts(total=counts["targets_total"], met=counts["targets_met"]),
        evaluation=evaluation(counts),
        by_unit=tuple(_unit_row(unit, units[unit], roster, rows) for unit in sorted(units)),
        by_category=tuple(
            CategoryRow.model_construct(category=Category(name), **_row(categories[name]))
            for name in sorted(categories)
        ),
        metrics=tuple(
            MetricRow(
                metric=metric,
                unit=unit,
                tasks=sums.tasks,
                target=sums.target.shown(),
                actual=sums.actual.shown(),
                percent=percent(sums.actual, sums.target),
            )
            for (metric, unit), sums in sorted(whole.metrics.items())
        ),
        closed=closed,
    )


def _row(counts: Counter[str]) -> dict[str, Any]:
    return {name: counts[name] for name in ROW} | {"evaluation": evaluation(counts)}


def _unit_row(unit: str, counted: Tally, roster: Roster | None, rows: Rows) -> UnitRow:
    made = rows.get(unit)
    if made is not None and made[0] is roster and made[1] is counted:
        return made[2]
    listed = roster.unit(unit) if roster is not None else None
    assert counted.label is not None
    code, name = (listed.code, listed.name) if listed else counted.label[2:]
    row = UnitRow.model_construct(code=code, name=name, **_row(counted.counts))
    rows[unit] = (roster, counted, row)
    return row


class Reports:
    """The reports of a projection. Each bucket's tally is kept until its tasks change (or the
    day does: ``overdue``); the whole year's and each category's are kept too, a changed
    bucket's old tally taken out and its new one put in, and a unit's merged anew from its
    buckets: after a write a report recounts one bucket, not the year (bench/README.md)."""

    def __init__(self, projection: Projection) -> None:
        self.projection = projection
        self._buckets: dict[int, dict[Bucket, Tally]] = {}
        self._parts: dict[int, Parts] = {}
        self._day: dict[int, date] = {}
        self._seen: dict[int, dict[Bucket, int]] = {}
        self._rows: dict[int, Rows] = {}
        self._answers: dict[tuple[int, str | None, str | None], tuple[int, date, Report]] = {}

    def report(self, year: int, scope: Scope, today: date) -> Report:
        known = self.projection.years.get(year) or Year()
        wanted = (year, None if scope.unit is None else key(scope.unit), scope.category)
        kept = self._answers.get(wanted)
        if kept is not None and kept[:2] == (known.version, today) and kept[2].scope == scope:
            return kept[2]
        parts = self._counted(year, known, today)
        if wanted[1] is not None or scope.category is not None:
            parts = Parts.of(
                {
                    bucket: counted
                    for bucket, counted in self._buckets[year].items()
                    if (wanted[1] is None or bucket[0] == wanted[1])
                    and (scope.category is None or bucket[1] == scope.category.value)
                }
            )
        rows = self._rows.setdefault(year, {}) if parts is self._parts[year] else None
        answer = build(year, scope, parts, known.roster, known.closed is not None, rows)
        self._answers[wanted] = (known.version, today, answer)
        return answer

    def _counted(self, year: int, known: Year, today: date) -> Parts:
        """The year's parts: the buckets that changed recounted, taken out of the whole and
        their category and put in again, and their units merged anew."""
        buckets = self._buckets.setdefault(year, {})
        parts, seen = self._parts.get(year), self._seen.setdefault(year, {})
        changed = {
            bucket for bucket, version in known.touched.items() if seen.get(bucket) != version
        }
        seen.update((bucket, known.touched[bucket]) for bucket in changed)
        if parts is None or self._day.get(year) != today:
            self._day[year] = today
            buckets.clear()
            for bucket, tasks in known.buckets.items():
                counted = tally(tasks.values(), today)
                if counted.counts["registered"]:
                    buckets[bucket] = counted
            parts = self._parts[year] = Parts.of(buckets)
            return parts
        for bucket in changed:
            members = known.buckets.get(bucket)
            counted = tally(members.values(), today) if members else Tally()
            old = buckets.pop(bucket, None)
            categories = parts.categories.setdefault(bucket[1], Counter())
            for one, sign in ((old, -1), (counted, 1)):
                if one is not None and one.counts["registered"]:
                    parts.whole.merge(one, sign)
                    bump(categories, one.counts, sign)
            if counted.counts["registered"]:
                buckets[bucket] = counted
            if not categories:
                del parts.categories[bucket[1]]
        for unit in {unit for unit, _ in changed}:
            mine = [one for (u, _), one in buckets.items() if u == unit]
            if mine:
                parts.units[unit] = merged(mine)
            else:
                parts.units.pop(unit, None)
        return parts
