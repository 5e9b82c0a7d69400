"""The demo data set: every registration, decision and progress report, deterministic.

``build_dataset()`` always returns the same data (a seeded ``random.Random``, no clock).
Per year it holds the seed-named tasks (named.py, named2023.py) plus generated ones so
that the approved counts match the seeds:

- 2024, seed 000: "the Provincial Party Standing Committee approved 190 breakthrough and
  creative tasks of the year by 114 comrades" -> 76 leaders with 2 approved tasks and 38
  with 1 (76 * 2 + 38 = 190).
- 2023, seed 001: "the Provincial Party Standing Committee approved 170 innovative and
  breakthrough works" -> the seed gives no head count; ASSUMPTION: 104 leaders, 66 with 2
  tasks and 38 with 1 (66 * 2 + 38 = 170).

A few more registrations are rejected (ASSUMPTION: the seeds give no rejections), each by a
leader with exactly one approved task that year, so no leader ever holds more than two
registrations in a year: the quota of 2 live tasks holds in any registration order, and
the approved counts and leaders are unchanged.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from deploy.demo import cycle, generated
from deploy.demo.cycle import DECIDED_BY, REFERENCES
from deploy.demo.models import Dataset, DecisionBody, DemoTask, ProgressBody, RegistrationBody
from deploy.demo.named import TASKS_2024, NamedTask
from deploy.demo.named2023 import TASKS_2023
from deploy.demo.units import Person, staff
from shared.domain.events import Registrant

DEFAULT_SEED = 20240215
YEARS = (2023, 2024)

NAMED: tuple[NamedTask, ...] = TASKS_2023 + TASKS_2024

REJECTION_REASONS = (
    "The targets repeat the unit's regular annual duties; please register a task that "
    "creates a clear breakthrough.",
    "The targets are not measurable enough to evaluate at the end of the year.",
    "Overlaps with a task already registered by the head of the same unit.",
)


@dataclass(frozen=True, slots=True)
class YearPlan:
    leaders_with_two: int
    leaders_with_one: int
    rejected: int

    @property
    def approved(self) -> int:
        return 2 * self.leaders_with_two + self.leaders_with_one

    @property
    def leaders(self) -> int:
        return self.leaders_with_two + self.leaders_with_one


PLANS = {2023: YearPlan(66, 38, 4), 2024: YearPlan(76, 38, 6)}


CLOSED = (2023,)
"""The years the demo evaluates and closes (2024 is still open: its tasks run on)."""


def build_dataset(seed: int = DEFAULT_SEED, years: tuple[int, ...] = YEARS) -> Dataset:
    """The demo data set for ``years`` (each must be in ``PLANS``), in registration order."""
    unknown = sorted(set(years) - PLANS.keys())
    if unknown:
        raise ValueError(f"no demo data for {unknown}; available: {sorted(PLANS)}")
    people = staff(random.Random(seed))
    tasks: list[DemoTask] = []
    rosters = {}
    for year in sorted(set(years)):
        planned = _year(random.Random(seed * 10_000 + year), people, year, PLANS[year])
        done, rosters[year] = cycle.complete(
            random.Random(seed * 7 + year), planned, people, year, year in CLOSED
        )
        tasks.extend(done)
    closed = tuple(year for year in sorted(set(years)) if year in CLOSED)
    return Dataset(tasks=tuple(tasks), rosters=rosters, closed=closed)


def _year(
    rng: random.Random, people: tuple[Person, ...], year: int, plan: YearPlan
) -> list[DemoTask]:
    by_post = {person.post.key: person for person in people}
    named = [task for task in NAMED if task.year == year]
    named_counts = Counter(by_post[task.post].id for task in named)
    two_named = sum(1 for count in named_counts.values() if count == 2)
    pool = [person for person in people if person.id not in named_counts]
    need_two = plan.leaders_with_two - two_named
    need_one = plan.leaders_with_one - (len(named_counts) - two_named)
    chosen = rng.sample(pool, need_two + need_one)
    twos, ones = chosen[:need_two], chosen[need_two:]

    entries: list[tuple[RegistrationBody, DecisionBody, tuple[ProgressBody, ...]]] = []
    approve = DecisionBody(
        decision="approve",
        decided_by=DECIDED_BY,
        reference=REFERENCES.get(year),
        note=f"Approved for {year} under Project No. 02-DA/TU.",
    )
    for task in named:
        entries.append((_named_body(task, by_post[task.post]), approve, task.progress))
    generated_entries: list[tuple[RegistrationBody, DecisionBody, tuple[ProgressBody, ...]]] = []
    rejected = {person.id for person in rng.sample(ones, plan.rejected)}
    used = {(by_post[task.post].post.unit.code, t.metric) for task in named for t in task.targets}
    for person in twos + ones:
        count = 2 if person in twos else 1
        templates = generated.templates_for(rng, person, count + (person.id in rejected), used)
        for index, template in enumerate(templates):
            body = generated.registration(rng, person, template, year)
            if index < count:
                reports = generated.progress(rng, body, generated.outcome(rng, year))
                generated_entries.append((body, approve, reports))
            else:
                reason = REJECTION_REASONS[len(generated_entries) % len(REJECTION_REASONS)]
                refusal = DecisionBody(decision="reject", decided_by=DECIDED_BY, reason=reason)
                generated_entries.append((body, refusal, ()))
    rng.shuffle(generated_entries)
    entries.extend(generated_entries)
    return [
        DemoTask(
            key=f"demo-{year}-{number:04d}", registration=body, decision=decision, progress=reports
        )
        for number, (body, decision, reports) in enumerate(entries, start=1)
    ]


def _named_body(task: NamedTask, person: Person) -> RegistrationBody:
    post = person.post
    return RegistrationBody(
        year=task.year,
        registrant=Registrant(
            id=person.id, name=person.name, position=post.position, level=post.level
        ),
        unit=post.unit,
        title=task.title,
        description=task.description or f"Breakthrough task of the {post.position}.",
        category=task.category,
        kind=task.kind,
        targets=task.targets,
        deadline=task.deadline,
    )
