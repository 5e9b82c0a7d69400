"""The rest of a demo year's cycle, around its registrations and decisions: the roster of
leaders expected to register (a few of whom never do), registrations the Standing Committee
returns for revision and their registrants amend, registrations withdrawn by their
registrants, and at year end the self-assessments and the committee's evaluations.

ASSUMPTIONS (the seeds give none of these figures): a handful of returns and withdrawals a
year; in a closed year every approved task is evaluated, most after a self-assessment, the
rating following how the task ended (seed 000: leaders who "excellently completed" tasks).
Drawn from a generator of their own, so the registrations and decisions are the same as
without them: 2024 keeps its 190 approved tasks by 114 leaders, 2023 its 170.
"""

from __future__ import annotations

import random

from deploy.demo.models import (
    AssessmentBody,
    DecisionBody,
    DemoTask,
    EvaluationBody,
    RegistrationBody,
    RosterBody,
)
from deploy.demo.units import Person
from shared.domain.events import Leader, ProgressStatus, Rating, Target

# The Provincial Party Standing Committee decides every registration (seeds 000 and 001).
# ASSUMPTION: the notice numbers are fictional; the seeds give none.
DECIDED_BY = "Standing Committee of the Hai Duong Provincial Party Committee"
REFERENCES = {2023: "Notice No. 1123-TB/TU", 2024: "Notice No. 1587-TB/TU"}
EVALUATION_REFERENCES = {2023: "Conclusion No. 712-KL/TU"}
RETURNS = {2023: 3, 2024: 4}
WITHDRAWALS = {2023: 2, 2024: 3}
NOT_REGISTERED = {2023: 4, 2024: 6}
RETURN_REASONS = (
    "Please state the targets as figures that can be checked at the end of the year.",
    "The targets are below the unit's plan for the year; please raise them.",
)
WITHDRAWAL_REASONS = (
    "Merged into the unit's other registered task after discussion with the committee.",
    "The project was moved to next year's public investment plan.",
)
# How a task ended -> the committee's ratings and their weights.
RATINGS: dict[str | None, tuple[tuple[Rating, ...], tuple[float, ...]]] = {
    "completed": ((Rating.excellent, Rating.good), (0.35, 0.65)),
    "in_progress": ((Rating.good, Rating.completed), (0.3, 0.7)),
    "at_risk": ((Rating.completed, Rating.not_completed), (0.4, 0.6)),
    None: ((Rating.completed, Rating.not_completed), (0.5, 0.5)),
}


def complete(
    rng: random.Random,
    tasks: list[DemoTask],
    people: tuple[Person, ...],
    year: int,
    closing: bool,
) -> tuple[list[DemoTask], RosterBody]:
    """The year's tasks with their returns, amendments, withdrawals and assessments, and
    the year's roster."""
    approved = [task for task in tasks if task.approved]
    returned = {task.key for task in rng.sample(approved, RETURNS[year])}
    ones = _leaders_with_one_task(tasks)
    withdrawing = rng.sample(sorted(ones), WITHDRAWALS[year])
    done: list[DemoTask] = []
    for task in tasks:
        changes: dict[str, object] = {}
        if task.key in returned:
            reason = RETURN_REASONS[len(done) % len(RETURN_REASONS)]
            changes["returned"] = DecisionBody(
                decision="return", decided_by=DECIDED_BY, reason=reason
            )
            changes["amendment"] = _amended(task.registration)
        if task.approved:
            changes |= _assessed(rng, task, year, closing)
        done.append(task.model_copy(update=changes))
    for number, registrant in enumerate(withdrawing, start=1):
        original = ones[registrant]
        body = original.registration.model_copy(
            update={"title": f"{original.registration.title} (extended scope)"}
        )
        done.append(
            DemoTask(
                key=f"demo-{year}-w{number:02d}",
                registration=body,
                withdrawal=WITHDRAWAL_REASONS[number % len(WITHDRAWAL_REASONS)],
            )
        )
    return done, _roster(rng, done, people, year)


def _leaders_with_one_task(tasks: list[DemoTask]) -> dict[str, DemoTask]:
    """Registrants with exactly one registration, approved: they have a slot to spare."""
    counts: dict[str, list[DemoTask]] = {}
    for task in tasks:
        counts.setdefault(task.registration.registrant.id, []).append(task)
    return {
        registrant: mine[0]
        for registrant, mine in counts.items()
        if len(mine) == 1 and mine[0].approved
    }


def _amended(body: RegistrationBody) -> RegistrationBody:
    """The registration revised as the committee asked: its first target raised by a tenth
    (by one at least)."""
    first, *rest = body.targets
    raised = first.target * 1.1
    if isinstance(first.target, int):
        value: int | float = max(round(raised), first.target + 1)
    else:
        value = max(round(raised, 2), round(first.target + 0.01, 2))
    targets = (
        Target(metric=first.metric, unit=first.unit, target=value, direction=first.direction),
        *rest,
    )
    description = f"{body.description} Targets revised after the Standing Committee's review."
    amended: RegistrationBody = body.model_copy(
        update={"targets": targets, "description": description}
    )
    return amended


def _assessed(rng: random.Random, task: DemoTask, year: int, closing: bool) -> dict[str, object]:
    ended = task.progress[-1].status.value if task.progress else None
    changes: dict[str, object] = {}
    assessing = closing or ended == ProgressStatus.completed.value
    if assessing and (not closing or rng.random() < 0.8):
        hoped = Rating.excellent if ended == "completed" else Rating.good
        summary = "Targets met as registered." if ended == "completed" else "Most targets met."
        changes["self_assessment"] = AssessmentBody(rating=hoped, summary=summary)
    if closing:
        ratings, weights = RATINGS[ended]
        changes["evaluation"] = EvaluationBody(
            rating=rng.choices(ratings, weights)[0],
            decided_by=DECIDED_BY,
            reference=EVALUATION_REFERENCES.get(year),
        )
    return changes


def _roster(
    rng: random.Random, tasks: list[DemoTask], people: tuple[Person, ...], year: int
) -> RosterBody:
    """Every leader who registers that year, and a few who are expected to but never do."""
    registering = {task.registration.registrant.id for task in tasks}
    absent = rng.sample([p for p in people if p.id not in registering], NOT_REGISTERED[year])
    expected = [p for p in people if p.id in registering] + absent
    units = {p.post.unit.code: p.post.unit for p in expected}
    leaders = tuple(
        Leader(
            id=p.id,
            name=p.name,
            position=p.post.position,
            level=p.post.level,
            unit=p.post.unit.code,
        )
        for p in sorted(expected, key=lambda person: person.id)
    )
    return RosterBody(units=tuple(sorted(units.values(), key=lambda u: u.code)), leaders=leaders)
