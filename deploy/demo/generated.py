"""Generated demo registrations and progress, drawn from a seeded ``random.Random``.

Everything here is a pure function of the generator it is given: no wall clock, no I/O.
Progress values are cumulative (``at_least`` metrics never go down from one report to the
next), never negative, reported within the task's year and never after its deadline.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from deploy.demo.models import ProgressBody, RegistrationBody
from deploy.demo.sectors import SECTORS
from deploy.demo.templates import BODIES, Metric, Template
from deploy.demo.units import Person
from shared.domain.events import Actual, Direction, ProgressStatus, Registrant, Target

# Seed 000: leaders "must annually register to set an example, focusing on registering 1 to 2
# breakthrough and creative jobs" under "Project No. 02-DA/TU, dated August 15, 2021 of the
# Provincial Party Standing Committee".
DESCRIPTION = (
    "{kind} task registered for {year} by the {position} under Project No. 02-DA/TU of "
    "15 August 2021 of the Provincial Party Standing Committee on building a team of leaders "
    "and managers at all levels for the period 2021-2030."
)

# Share of approved tasks per final outcome ("none": no progress report at all).
OUTCOMES: dict[int, tuple[tuple[str, float], ...]] = {
    2023: (("completed", 0.70), ("in_progress", 0.12), ("at_risk", 0.08), ("none", 0.10)),
    2024: (("completed", 0.55), ("in_progress", 0.22), ("at_risk", 0.11), ("none", 0.12)),
}

TEMPLATES = {**BODIES, **SECTORS}

NOTES = {
    ProgressStatus.completed: "All targets met.",
    ProgressStatus.in_progress: "On track; work continues.",
    ProgressStatus.at_risk: "Behind schedule: capital and site handover delays.",
}


def templates_for(
    rng: random.Random, person: Person, count: int, used: set[tuple[str, str]]
) -> list[Template]:
    """``count`` distinct templates that fit the person's seat, preferring ones whose main
    metric the unit has not used yet this year (``used`` holds (unit code, metric) pairs)."""
    unit = person.post.unit.code
    fitting = TEMPLATES[person.post.domain]
    fresh = [t for t in fitting if (unit, t.metrics[0].metric) not in used]
    if len(fresh) >= count:
        chosen = rng.sample(fresh, count)
    else:
        chosen = fresh + rng.sample([t for t in fitting if t not in fresh], count - len(fresh))
    used.update((unit, template.metrics[0].metric) for template in chosen)
    return chosen


def _quantity(value: float, decimals: int) -> int | float:
    return round(value) if decimals == 0 else round(value, decimals)


def _deadline(rng: random.Random, year: int) -> date:
    draw = rng.random()
    if draw < 0.82:
        return date(year, 12, 31)
    return date(year, 9, 30) if draw < 0.92 else date(year, 6, 30)


def registration(
    rng: random.Random, person: Person, template: Template, year: int
) -> RegistrationBody:
    count = rng.randint(1, len(template.metrics))
    chosen = sorted(rng.sample(range(len(template.metrics)), count))
    targets = tuple(_target(rng, template.metrics[index]) for index in chosen)
    post = person.post
    return RegistrationBody(
        year=year,
        registrant=Registrant(
            id=person.id, name=person.name, position=post.position, level=post.level
        ),
        unit=post.unit,
        title=template.title.format(u=post.unit.name),
        description=DESCRIPTION.format(
            kind=template.kind.value.capitalize(), year=year, position=post.position
        ),
        category=template.category,
        kind=template.kind,
        targets=targets,
        deadline=_deadline(rng, year),
    )


def _target(rng: random.Random, metric: Metric) -> Target:
    value = _quantity(rng.uniform(metric.low, metric.high), metric.decimals)
    value = max(value, 1 if metric.decimals == 0 else 10**-metric.decimals)
    return Target(metric=metric.metric, unit=metric.unit, target=value, direction=metric.direction)


def outcome(rng: random.Random, year: int) -> str:
    weights = OUTCOMES.get(year, OUTCOMES[2024])
    return rng.choices([name for name, _ in weights], [share for _, share in weights])[0]


def progress(rng: random.Random, task: RegistrationBody, result: str) -> tuple[ProgressBody, ...]:
    """The reports of one approved task whose final status is ``result`` (or none)."""
    if result == "none":
        return ()
    final = ProgressStatus(result)
    start = date(task.year, 2, 15)
    span = (task.deadline - start).days
    count = rng.randint(1, 3)
    offsets = sorted(rng.sample(range(span + 1), count))
    if final is ProgressStatus.completed:
        offsets[-1] = max(offsets[-1], span - rng.randint(0, 20))
    shares = {t.metric: _final_share(rng, t, final) for t in task.targets}
    reports = []
    for number, offset in enumerate(offsets, start=1):
        last = number == count
        status = final if last else ProgressStatus.in_progress
        actuals = tuple(
            Actual(metric=t.metric, value=_value(rng, t, shares[t.metric], number / count, last))
            for t in task.targets
        )
        reports.append(
            ProgressBody(
                reported_at=start + timedelta(days=offset),
                actuals=actuals,
                status=status,
                note=NOTES[status],
            )
        )
    return tuple(reports)


def _final_share(rng: random.Random, target: Target, final: ProgressStatus) -> float:
    """The last reported value as a share of the target."""
    at_most = target.direction is Direction.at_most
    if final is ProgressStatus.completed:
        return rng.uniform(0.4, 1.0) if at_most else rng.uniform(1.0, 1.3)
    if final is ProgressStatus.at_risk:
        return rng.uniform(1.3, 2.0) if at_most else rng.uniform(0.15, 0.5)
    return rng.uniform(0.8, 1.3) if at_most else rng.uniform(0.4, 0.9)


def _value(
    rng: random.Random, target: Target, share: float, elapsed: float, last: bool
) -> int | float:
    decimals = 0 if isinstance(target.target, int) else _decimals(target.target)
    goal = float(target.target)
    if target.direction is Direction.at_most:
        # A rate, not a sum: early reports hover above the ceiling, the last one is ``share``.
        raw = goal * (share if last else rng.uniform(0.9, 1.5))
        if last and share <= 1.0:
            return _floor(raw, decimals)
        return _quantity(raw, decimals)
    raw = goal * share * elapsed
    if target.unit == "%":
        raw = min(raw, 100.0)
    if last and share >= 1.0:
        return max(_quantity(raw, decimals), target.target)
    return _floor(raw, decimals)


def _decimals(value: float) -> int:
    text = repr(value)
    return len(text.split(".")[1]) if "." in text else 0


def _floor(value: float, decimals: int) -> int | float:
    scale = 10**decimals
    floored = math.floor(value * scale) / scale
    return int(floored) if decimals == 0 else floored
