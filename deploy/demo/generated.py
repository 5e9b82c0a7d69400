"""Generated registrations and progress, drawn from a seeded ``random.Random``.

Everything here is a pure function of the generator it is given: no wall clock, no I/O.
Progress values are cumulative (``at_least`` metrics never go down from one report to the
next), never negative, and reported within the task's year on working days after the
approval; a task completed late reports its completion after its deadline (only tasks with a
June or September deadline can: a report may not leave the task's year). A report is
entered the working day after the day it reports on.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta

from deploy.demo.calendar import add_working_days, draw_day, office_moment, working_days
from deploy.demo.models import ProgressBody, RegistrationBody, Reported
from deploy.demo.people import Person
from deploy.demo.templates import TEMPLATES, Metric, Template
from shared.domain.events import Actual, Direction, ProgressStatus, Registrant, Target, Unit

# Seed 000: leaders "must annually register to set an example, focusing on registering 1 to 2
# breakthrough and creative jobs" under "Project No. 02-DA/TU, dated August 15, 2021 of the
# Provincial Party Standing Committee".
PROJECT = (
    "theo Đề án số 02-ĐA/TU ngày 15/8/2021 của Ban Thường vụ Tỉnh ủy về xây dựng đội ngũ cán bộ "
    "lãnh đạo, quản lý các cấp, nhất là người đứng đầu đủ phẩm chất, năng lực và uy tín, đáp ứng "
    "yêu cầu phát triển, giai đoạn 2021 - 2030."
)
KINDS = {"breakthrough": "Nhiệm vụ đột phá", "creative": "Nhiệm vụ sáng tạo"}


def description(kind: str, year: int, position: str) -> str:
    return f"{KINDS[kind]} năm {year} do đồng chí {position} đăng ký {PROJECT}"


# Share of approved tasks per final outcome ("none": no progress report at all).
OUTCOMES: dict[int, tuple[tuple[str, float], ...]] = {
    2023: (("completed", 0.70), ("in_progress", 0.12), ("at_risk", 0.08), ("none", 0.10)),
    2024: (("completed", 0.55), ("in_progress", 0.22), ("at_risk", 0.11), ("none", 0.12)),
}
LATE_SHARE = 0.4
"""Of the tasks with a June or September deadline that end completed, the share completed
late."""

NOTES = {
    ProgressStatus.completed: "Đã hoàn thành các chỉ tiêu đã đăng ký.",
    ProgressStatus.in_progress: "Đang triển khai đúng tiến độ.",
    ProgressStatus.at_risk: "Chậm tiến độ do vướng mắc về vốn và bàn giao mặt bằng.",
}
LATE_NOTE = "Hoàn thành các chỉ tiêu đã đăng ký, chậm so với thời hạn."


def templates_for(
    rng: random.Random, person: Person, count: int, used: set[tuple[str, str]]
) -> list[Template]:
    """``count`` templates fitting the person's seat whose titles the unit has not used this
    year (``used`` holds (unit code, title) pairs, and is updated)."""
    unit = person.post.unit.code
    fitting = [t for t in TEMPLATES[person.post.domain] if (unit, title(t, person)) not in used]
    if len(fitting) < count:
        raise ValueError(f"{person.post.key}: {len(fitting)} templates left, {count} needed")
    chosen = rng.sample(fitting, count)
    used.update((unit, title(t, person)) for t in chosen)
    return chosen


def title(template: Template, person: Person) -> str:
    return template.title.format(u=person.post.where)


def _quantity(value: float, decimals: int) -> int | float:
    return round(value) if decimals == 0 else round(value, decimals)


def deadline(rng: random.Random, year: int) -> date:
    draw = rng.random()
    if draw < 0.78:
        return date(year, 12, 31)
    return date(year, 9, 30) if draw < 0.9 else date(year, 6, 30)


def registration(
    rng: random.Random, person: Person, template: Template, year: int, due: date
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
        unit=Unit(code=post.unit.code, name=post.unit.name),
        title=title(template, person),
        description=description(template.kind.value, year, post.position),
        category=template.category,
        kind=template.kind,
        targets=targets,
        deadline=due,
    )


def _target(rng: random.Random, metric: Metric) -> Target:
    value = _quantity(rng.uniform(metric.low, metric.high), metric.decimals)
    value = max(value, 1 if metric.decimals == 0 else 10**-metric.decimals)
    return Target(metric=metric.metric, unit=metric.unit, target=value, direction=metric.direction)


def outcome(rng: random.Random, year: int) -> str:
    weights = OUTCOMES.get(year, OUTCOMES[2024])
    return rng.choices([name for name, _ in weights], [share for _, share in weights])[0]


def progress(
    rng: random.Random, task: RegistrationBody, result: str, approved: date
) -> tuple[Reported, ...]:
    """The reports of one approved task whose final status is ``result`` (or none), from two
    weeks after its approval ``approved``."""
    if result == "none":
        return ()
    final = ProgressStatus(result)
    year_end = date(task.year, 12, 27)
    start = approved + timedelta(days=14)
    late = (
        final is ProgressStatus.completed and task.deadline.month < 12 and rng.random() < LATE_SHARE
    )
    if late:
        last = draw_day(rng, task.deadline + timedelta(days=7), task.deadline + timedelta(days=75))
    elif final is ProgressStatus.completed:
        last = draw_day(rng, task.deadline - timedelta(days=25), min(task.deadline, year_end))
    else:
        last = draw_day(rng, min(task.deadline, year_end) - timedelta(days=40),
                        min(task.deadline, year_end))  # fmt: skip
    earlier = working_days(start, last - timedelta(days=20))
    count = min(rng.randint(0, 2), len(earlier))
    days = [*sorted(rng.sample(earlier, count)), last]
    shares = {t.metric: _final_share(rng, t, final) for t in task.targets}
    reports = []
    for number, day in enumerate(days, start=1):
        is_last = number == len(days)
        status = final if is_last else ProgressStatus.in_progress
        actuals = tuple(
            Actual(
                metric=t.metric,
                value=_value(rng, t, shares[t.metric], number / len(days), is_last),
            )
            for t in task.targets
        )
        note = LATE_NOTE if is_last and late else NOTES[status]
        body = ProgressBody(reported_at=day, actuals=actuals, status=status, note=note)
        reports.append(Reported(at=entered(rng, day), body=body))
    return tuple(reports)


def entered(rng: random.Random, reported: date) -> datetime:
    """When a report of ``reported`` is entered: the next working day. Recorded the next
    day, a report is never "after today" in whatever zone the services count days."""
    return office_moment(rng, add_working_days(reported, 1))


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
