"""The demo data set: Hải Dương's programme of 2022 (a small earlier year), 2023 (closed) and
2024 (open), every record with its own date; deterministic.

``build_dataset()`` always returns the same data (seeded ``random.Random`` generators, no
clock). Per year it holds the seed-named tasks (seeded.py) plus generated ones so that the
Provincial Standing Committee's counts match the seeds:

- 2024, seed 000: "the Provincial Party Standing Committee approved 190 breakthrough and
  creative tasks of the year by 114 comrades" -> 76 leaders with 2 approved tasks and 38
  with 1 (76 * 2 + 38 = 190), all managed by the provincial committee (``tinh-uy``).
- 2023, seed 001: "the Provincial Party Standing Committee approved 170 innovative and
  breakthrough works" -> the seed gives no head count; ASSUMPTION: 104 leaders, 66 with 2
  tasks and 38 with 1 (66 * 2 + 38 = 170).
- 2022 holds only the two tasks the seeds' "consecutive years" reach back to (Kim Thành's
  disbursement, Hai Duong City's site clearance): the data the later years continue, not
  the province's 2022 totals.

Besides those counts, each district's Standing Committee approves the tasks of the leaders
it manages (people.py), ASSUMPTION: one or two each, Thanh Miện's four in 2023 as seed 001
tells. A few registrations a year are rejected, returned and amended, or withdrawn, each by
a leader with one approved task, so nobody holds more than two live registrations in a year.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from deploy.demo import cycle, generated
from deploy.demo.calendar import (
    add_working_days,
    at,
    draw_day,
    office_moment,
    on_or_after,
)
from deploy.demo.models import (
    Amended,
    Assessed,
    Batch,
    Closure,
    Dataset,
    Decided,
    DecisionBody,
    DemoTask,
    Evaluated,
    EvaluationBody,
    ProgressBody,
    RegistrationBody,
    Reported,
    Returned,
    Roster,
    RosterBody,
    Withdrawn,
    Year,
)
from deploy.demo.people import Person, Post, moved_post, staff
from deploy.demo.places import (
    AFTER,
    MOVED,
    PROVINCE,
    PROVINCE_NAME,
    REORGANISED_ON,
    REORGANISED_YEAR,
    committee_name,
    committees,
    commune_unit,
)
from deploy.demo.seeded import NAMED, NamedTask
from deploy.demo.templates import Template
from shared.domain.events import Actual, ProgressStatus, Registrant, RosterUnit, Unit

DEFAULT_SEED = 20240215
YEARS = (2022, 2023, 2024)
CLOSED = (2022, 2023)
"""The years the demo evaluates and closes (2024 is still open: its tasks run on)."""


@dataclass(frozen=True, slots=True)
class Plan:
    """A committee's year: leaders with two and with one approved task, and around them."""

    leaders_with_two: int
    leaders_with_one: int
    rejected: int
    returned: int
    withdrawn: int
    absent: int  # on the roster, never registering

    @property
    def approved(self) -> int:
        return 2 * self.leaders_with_two + self.leaders_with_one

    @property
    def leaders(self) -> int:
        return self.leaders_with_two + self.leaders_with_one


PLANS = {2023: Plan(66, 38, 4, 3, 2, 4), 2024: Plan(76, 38, 6, 4, 3, 6)}
"""The Provincial Standing Committee's years (2022: its seed-named task only)."""


@dataclass(frozen=True, slots=True)
class DistrictPlan:
    """The district committees' year, all twelve together."""

    two_share: float  # of the leaders who register, those with two tasks
    rejected: int
    returned: int
    withdrawn: int
    absent: int


DISTRICT_PLANS = {2023: DistrictPlan(0.3, 2, 2, 1, 3), 2024: DistrictPlan(0.35, 3, 2, 2, 4)}
NAMED_ONLY = {(2023, "huyen-uy-thanh-mien")}
"""Committee years whose tasks are exactly the seed-named ones (Thanh Miện's four of 2023)."""
CONTINUE_SHARE = 0.2
"""Of the leaders with an approved generated task the year before, those who carry it on."""


@dataclass(slots=True)
class _Draft:
    """A task while its year is being assembled."""

    person: Person
    body: RegistrationBody
    committee: str
    approve: bool = True
    named: NamedTask | None = None
    result: str = "none"
    template: Template | None = None
    continues: str | None = None  # a key
    returned: bool = False
    withdrawn: bool = False
    registered: date = date.min
    key: str = ""
    ended: str | None = None  # the status of its last progress report


class _History:
    """What later years carry on: the keys of named tasks, and each leader's approved
    generated tasks (template, key) of the year before."""

    def __init__(self) -> None:
        self.named: dict[str, str] = {}
        self.generated: dict[str, list[tuple[Template, str]]] = {}


def build_dataset(seed: int = DEFAULT_SEED, years: tuple[int, ...] = YEARS) -> Dataset:
    """The demo data set for ``years`` (a selection of ``YEARS`` that holds every year its
    tasks continue), oldest first."""
    wanted = tuple(sorted(set(years)))
    unknown = sorted(set(wanted) - set(YEARS))
    if unknown:
        raise ValueError(f"no demo data for {unknown}; available: {list(YEARS)}")
    people = staff(random.Random(seed))
    history = _History()
    built = [_year(seed, year, people, history) for year in YEARS]
    chosen = tuple(year for year in built if year.year in wanted)
    keys = {task.key for year in chosen for task in year.tasks}
    missing = sorted(
        {
            int(task.continues.split("-")[1])
            for year in chosen
            for task in year.tasks
            if task.continues is not None and task.continues not in keys
        }
    )
    if missing:
        raise ValueError(
            f"the tasks of {list(wanted)} continue tasks of {missing}: load those years too"
        )
    return Dataset(years=chosen)


def _year(seed: int, year: int, people: tuple[Person, ...], history: _History) -> Year:
    rng = random.Random(seed * 10_000 + year)
    by_post = {person.post.key: person for person in people}
    used: set[tuple[str, str]] = set()
    drafts: list[_Draft] = []
    for named in (task for task in NAMED if task.year == year):
        person = by_post[named.post]
        drafts.append(_named(named, person, history))
        used.add((person.post.unit.code, named.title))
    absent: list[Person] = []
    if year in PLANS:
        absent += _provincial(rng, year, people, drafts, used, history)
    if year in DISTRICT_PLANS:
        absent += _districts(rng, year, people, drafts, used, history)
    _returns_and_withdrawals(rng, year, drafts)
    schedule = _Schedule(rng, year, drafts)
    tasks = schedule.tasks()
    history.generated = {}
    for task, draft in zip(tasks, schedule.drafts, strict=True):
        if draft.template is not None and task.approved:
            history.generated.setdefault(draft.person.id, []).append((draft.template, task.key))
        if draft.named is not None:
            history.named[draft.named.name] = task.key
    registering = {draft.person.id: draft.person for draft in drafts}
    return Year(
        year=year,
        committees=committees(),
        committees_at=at(on_or_after(date(year, 1, 2)), 8, 0),
        rosters=_rosters(year, [*registering.values(), *absent]),
        tasks=tasks,
        batches=schedule.batches,
        closure=schedule.closure,
    )


def _named(named: NamedTask, person: Person, history: _History) -> _Draft:
    post = person.post
    body = RegistrationBody(
        year=named.year,
        registrant=_registrant(person),
        unit=Unit(code=post.unit.code, name=post.unit.name),
        title=named.title,
        description=named.description or generated.description("breakthrough", named.year,
                                                                post.position),
        category=named.category,
        kind=named.kind,
        targets=named.targets,
        deadline=named.deadline,
    )  # fmt: skip
    continues = history.named[named.continues] if named.continues else None
    return _Draft(person, body, post.managed_by, named=named, continues=continues)


def _registrant(person: Person) -> Registrant:
    post = person.post
    return Registrant(id=person.id, name=person.name, position=post.position, level=post.level)


def _generate(
    rng: random.Random,
    year: int,
    person: Person,
    approved: int,
    rejected: int,
    used: set[tuple[str, str]],
    history: _History,
) -> list[_Draft]:
    """``approved`` approved and ``rejected`` rejected registrations of ``person``; the first
    may carry on their approved task of the year before."""
    unit = person.post.unit.code
    picked: list[tuple[Template, str | None]] = []
    earlier = history.generated.get(person.id, [])
    if earlier and rng.random() < CONTINUE_SHARE:
        template, key = rng.choice(earlier)
        if (unit, generated.title(template, person)) not in used:
            used.add((unit, generated.title(template, person)))
            picked.append((template, key))
    count = approved + rejected - len(picked)
    picked += [(t, None) for t in generated.templates_for(rng, person, count, used)]
    drafts = []
    for index, (template, continues) in enumerate(picked):
        due = generated.deadline(rng, year)
        body = generated.registration(rng, person, template, year, due)
        if continues is not None:
            body = body.model_copy(
                update={"description": f"{body.description} Tiếp tục nhiệm vụ năm {year - 1}."}
            )
        approve = index < approved
        result = generated.outcome(rng, year) if approve else "none"
        drafts.append(
            _Draft(person, body, person.post.managed_by, approve=approve, result=result,
                   template=template, continues=continues)
        )  # fmt: skip
    return drafts


def _provincial(
    rng: random.Random,
    year: int,
    people: tuple[Person, ...],
    drafts: list[_Draft],
    used: set[tuple[str, str]],
    history: _History,
) -> list[Person]:
    """The provincial committee's generated registrations of ``year``; returns the leaders
    on its roster who never register."""
    plan = PLANS[year]
    mine = [person for person in people if person.post.managed_by == PROVINCE]
    named = Counter(d.person.id for d in drafts if d.committee == PROVINCE)
    two_named = sum(1 for count in named.values() if count == 2)
    pool = [person for person in mine if person.id not in named]
    need_two = plan.leaders_with_two - two_named
    need_one = plan.leaders_with_one - (len(named) - two_named)
    chosen = rng.sample(pool, need_two + need_one + plan.absent)
    twos, ones = chosen[:need_two], chosen[need_two : need_two + need_one]
    rejected = {person.id for person in rng.sample(ones, plan.rejected)}
    for person in twos + ones:
        count = 2 if person in twos else 1
        drafts += _generate(rng, year, person, count, int(person.id in rejected), used, history)
    return chosen[need_two + need_one :]


def _districts(
    rng: random.Random,
    year: int,
    people: tuple[Person, ...],
    drafts: list[_Draft],
    used: set[tuple[str, str]],
    history: _History,
) -> list[Person]:
    """Every district committee's registrations of ``year``; returns the leaders on their
    rosters who never register."""
    plan = DISTRICT_PLANS[year]
    named = {d.person.id for d in drafts if d.committee != PROVINCE}
    candidates = [
        person
        for person in people
        if person.post.managed_by != PROVINCE
        and person.id not in named
        and (year, person.post.managed_by) not in NAMED_ONLY
    ]
    absent = rng.sample(candidates, plan.absent)
    registering = [person for person in candidates if person not in absent]
    twos = {person.id for person in registering if rng.random() < plan.two_share}
    ones = [person for person in registering if person.id not in twos]
    rejected = {person.id for person in rng.sample(ones, plan.rejected)}
    for person in registering:
        count = 2 if person.id in twos else 1
        drafts += _generate(rng, year, person, count, int(person.id in rejected), used, history)
    return absent


def _returns_and_withdrawals(rng: random.Random, year: int, drafts: list[_Draft]) -> None:
    """Mark the registrations the committees return (then amended and approved), and add the
    second registrations a few leaders with one approved task withdraw."""
    for province in (True, False):
        if year not in (PLANS if province else DISTRICT_PLANS):
            continue
        plan = PLANS[year] if province else DISTRICT_PLANS[year]
        mine = [
            d
            for d in drafts
            if (d.committee == PROVINCE) == province
            and d.named is None
            and (year, d.committee) not in NAMED_ONLY
        ]
        for draft in rng.sample([d for d in mine if d.approve], plan.returned):
            draft.returned = True
        counts = Counter(d.person.id for d in mine)
        single = [d for d in mine if d.approve and counts[d.person.id] == 1]
        for original in rng.sample(single, plan.withdrawn):
            body = original.body.model_copy(update={"title": original.body.title + cycle.WIDER})
            drafts.append(
                _Draft(original.person, body, original.committee, approve=False, withdrawn=True)
            )


class _Schedule:
    """Every act of the year's drafts dated: registrations in January and February, returns
    and withdrawals before the decisions, each committee's decisions in March, progress
    through the year, self-assessments in December; in a closed year, the evaluations and
    the closure in the January that follows."""

    def __init__(self, rng: random.Random, year: int, drafts: list[_Draft]) -> None:
        self.rng = rng
        self.year = year
        self.closing = year in CLOSED
        self.decision_days = self._decision_days({d.committee for d in drafts})
        for draft in drafts:
            draft.registered = self._registration_day(draft)
        self.drafts = sorted(drafts, key=lambda d: (d.registered, d.person.id, d.body.title))
        for number, draft in enumerate(self.drafts, start=1):
            draft.key = f"demo-{year}-{number:04d}"
        self.batches: tuple[Batch, ...] = ()
        self.closure: Closure | None = None

    def _decision_days(self, committees_: set[str]) -> dict[str, tuple[date, date]]:
        """Each committee's main decision day and the day it approves the amended ones."""
        days = {}
        for code in sorted(committees_):
            if code == PROVINCE:
                main = on_or_after(date(self.year, 3, 15))
                days[code] = (main, on_or_after(date(self.year, 3, 29)))
            else:
                main = draw_day(self.rng, date(self.year, 3, 4), date(self.year, 3, 12))
                days[code] = (main, main)
        return days

    def _registration_day(self, draft: _Draft) -> date:
        first = date(self.year, 1, 4)
        if draft.returned or draft.withdrawn:
            return draw_day(self.rng, first, date(self.year, 1, 26))
        main, _ = self.decision_days[draft.committee]
        end_of_february = date(self.year, 3, 1) - timedelta(days=1)
        return draw_day(self.rng, first, min(main - timedelta(days=10), end_of_february))

    def tasks(self) -> tuple[DemoTask, ...]:
        rng = self.rng
        batches: dict[tuple[str, int], list[str]] = defaultdict(list)
        done: list[DemoTask] = []
        for draft in self.drafts:
            main, second = self.decision_days[draft.committee]
            task = DemoTask(
                key=draft.key,
                registration=draft.body,
                registered_at=office_moment(rng, draft.registered),
                managed_by=draft.committee,
                continues=draft.continues,
            )
            changes: dict[str, object] = {}
            name = committee_name(draft.committee)
            if draft.returned:
                returned = add_working_days(draft.registered, rng.randint(5, 8))
                amended = add_working_days(returned, rng.randint(2, 4))
                reason = cycle.RETURN_REASONS[len(done) % len(cycle.RETURN_REASONS)]
                changes["returned"] = Returned(
                    at=office_moment(rng, returned),
                    body=DecisionBody(decision="return", decided_by=name, reason=reason),
                )
                changes["amendment"] = Amended(
                    at=office_moment(rng, amended), body=cycle.amended(draft.body)
                )
            if draft.withdrawn:
                day = add_working_days(draft.registered, rng.randint(3, 8))
                reason = cycle.WITHDRAWAL_REASONS[len(done) % len(cycle.WITHDRAWAL_REASONS)]
                changes["withdrawal"] = Withdrawn(at=office_moment(rng, day), reason=reason)
            elif draft.approve:
                round_ = 2 if draft.returned and draft.committee == PROVINCE else 1
                day = second if round_ == 2 else main
                batches[(draft.committee, round_)].append(draft.key)
                changes["decision"] = Decided(
                    at=at(day, 15, 0),
                    body=DecisionBody(decision="approve", decided_by=name),
                    batch=self._batch_key(draft.committee, round_),
                )
                changes |= self._follow_up(draft, day)
            else:
                reason = cycle.REJECTION_REASONS[len(done) % len(cycle.REJECTION_REASONS)]
                number = self._number(draft.committee, 1)
                reference = cycle.notice(draft.committee, number, main)
                changes["decision"] = Decided(
                    at=at(main, 15, 30),
                    body=DecisionBody(
                        decision="reject", decided_by=name, reason=f"{reason} ({reference})"
                    ),
                )
            done.append(task.model_copy(update=changes))
        self.batches = self._batches(batches)
        if self.closing:
            done = self._evaluate(done)
        return tuple(done)

    def _batch_key(self, committee: str, round_: int) -> str:
        return f"demo-{self.year}-{committee}-{round_}"

    def _number(self, committee: str, round_: int) -> int:
        """The (fictional) number of a committee's notice: the same for the same notice."""
        draw = random.Random(f"{self.year}/{committee}")
        base = draw.randint(900, 1500) if committee == PROVINCE else draw.randint(80, 600)
        return base + 4 * (round_ - 1)

    def _batches(self, grouped: dict[tuple[str, int], list[str]]) -> tuple[Batch, ...]:
        batches = []
        for (committee, round_), keys in sorted(grouped.items()):
            main, second = self.decision_days[committee]
            day = second if round_ == 2 else main
            batches.append(
                Batch(
                    key=self._batch_key(committee, round_),
                    committee=committee,
                    at=at(day, 15, 0),
                    decided_by=committee_name(committee),
                    reference=cycle.notice(committee, self._number(committee, round_), day),
                    note=cycle.approval_note(self.year),
                    tasks=tuple(keys),
                )
            )
        return tuple(batches)

    def _follow_up(self, draft: _Draft, approved: date) -> dict[str, object]:
        rng = self.rng
        if draft.named is not None:
            reports = tuple(
                Reported(
                    at=generated.entered(rng, report.day),
                    body=ProgressBody(
                        reported_at=report.day,
                        actuals=tuple(
                            Actual(metric=metric.metric, value=value)
                            for metric, value in report.actuals
                        ),
                        status=report.status,
                        note=report.note,
                    ),
                )
                for report in draft.named.reports
            )
        else:
            reports = generated.progress(rng, draft.body, draft.result, approved)
        changes: dict[str, object] = {"progress": reports}
        ended = reports[-1].body.status.value if reports else None
        assessing = self.closing or ended == ProgressStatus.completed.value
        if assessing and (not self.closing or rng.random() < 0.8):
            after = reports[-1].at.date() if reports else date(self.year, 11, 30)
            day = draw_day(rng, max(date(self.year, 12, 1), after + timedelta(days=1)),
                           date(self.year, 12, 29))  # fmt: skip
            if day <= after:
                day = add_working_days(after, 1)
            changes["self_assessment"] = Assessed(
                at=office_moment(rng, day), body=cycle.self_assessment(ended)
            )
        draft.ended = ended
        return changes

    def _evaluate(self, tasks: list[DemoTask]) -> list[DemoTask]:
        """Each committee evaluates its approved tasks at one meeting in January; the province
        then closes the year."""
        rng = self.rng
        next_year = self.year + 1
        days = {
            committee: draw_day(rng, date(next_year, 1, 8), date(next_year, 1, 19))
            for committee in sorted({task.managed_by for task in tasks})
        }
        ended = {draft.key: draft.ended for draft in self.drafts}
        done = []
        for task in tasks:
            if not task.approved:
                done.append(task)
                continue
            day = days[task.managed_by]
            number = self._number(task.managed_by, 9)
            evaluation = EvaluationBody(
                rating=cycle.rating(rng, ended[task.key]),
                decided_by=committee_name(task.managed_by),
                reference=cycle.conclusion(task.managed_by, number, day),
            )
            moment = office_moment(rng, day)
            if task.self_assessment is not None and task.self_assessment.at >= moment:
                moment = task.self_assessment.at + timedelta(hours=1)
            done.append(
                task.model_copy(update={"evaluation": Evaluated(at=moment, body=evaluation)})
            )
        closing = on_or_after(max(max(days.values()) + timedelta(days=1), date(next_year, 1, 26)))
        self.closure = Closure(
            at=at(closing, 16, 0),
            decided_by=PROVINCE_NAME,
            reference=cycle.conclusion(PROVINCE, self._number(PROVINCE, 10), closing),
        )
        return done


def _rosters(year: int, expected: list[Person]) -> tuple[Roster, ...]:
    """The year's roster, published on its first working day; in the year of the commune
    reorganisation, published again when it took effect, with the new units (each naming
    the units it replaces) and their leaders moved to them."""
    first = on_or_after(date(year, 1, 2))
    rosters = [Roster(at=at(first, 8, 30), body=_roster(expected))]
    if year == REORGANISED_YEAR:
        rosters.append(Roster(at=at(on_or_after(REORGANISED_ON), 8, 30),
                              body=_roster(expected, reorganised=True)))  # fmt: skip
    return tuple(rosters)


def _roster(expected: list[Person], reorganised: bool = False) -> RosterBody:
    posts: dict[str, Post] = {person.id: person.post for person in expected}
    if reorganised:
        after = {commune.code: commune_unit(commune, replaces) for commune, replaces in AFTER}
        for person in expected:
            code = person.post.unit.code
            if code in MOVED:
                unit = after[MOVED[code]]
                posts[person.id] = moved_post(person.post, unit, _moved_position(person.post, unit))
            elif code in after:
                posts[person.id] = moved_post(person.post, after[code], person.post.position)
    people = {person.id: person for person in expected}
    leaders = tuple(people[ident].leader(posts[ident]) for ident in sorted(posts))
    units: dict[str, RosterUnit] = {post.unit.code: post.unit for post in posts.values()}
    return RosterBody(units=tuple(units[code] for code in sorted(units)), leaders=leaders)


def _moved_position(post: Post, unit: RosterUnit) -> str:
    """A replaced unit's Party secretary after the merger: the ward that became a ward keeps
    its secretary; the merged one's becomes a deputy secretary of the ward it joined."""
    kind, place = unit.name.split(",")[0].split(" ", 1)
    if post.unit.name.split(",")[0].split(" ", 1)[1] == place:
        return f"Bí thư Đảng ủy {kind.lower()} {place}"
    return f"Phó Bí thư Đảng ủy {kind.lower()} {place}"
