"""Commands, contexts, years and tasks in each state, for the lifecycle's unit tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from shared.domain.context import Context
from shared.domain.events import (
    Actual,
    AnyEvent,
    Category,
    Kind,
    Level,
    ProgressStatus,
    Rating,
    Target,
)
from shared.domain.lifecycle import (
    Approve,
    Command,
    Evaluate,
    Holdings,
    LogProgress,
    Register,
    Registration,
    Reject,
    Return,
    SelfAssess,
    Situation,
    TaskState,
    Withdraw,
    decide,
    evolve,
)
from shared.domain.people import Actor, Role
from shared.domain.programme import YearState

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2024, 6, 1, 8, 0, tzinfo=UTC)
YEAR = YearState(year=2024)
HUNG = Actor("hung", frozenset({Role.registrant}), person="hung")
LAN = Actor("lan", frozenset({Role.registrant}), person="lan")
SECRETARY = Actor("thu-ky", frozenset({Role.approver}), person="thu-ky")
ADMIN = Actor("quan-tri", frozenset({Role.admin}), person="quan-tri")


def context(actor: Actor, now: datetime = NOW) -> Context:
    return Context(
        actor=actor,
        now=now,
        today=now.astimezone(ZONE).date(),
        zone=ZONE,
        correlation_id="c",
        source="/test",
    )


def registration(registrant: str = "hung", year: int = 2024, **changes: object) -> Registration:
    fields: dict[str, object] = {
        "year": year,
        "registrant_id": registrant,
        "name": "Phạm Quang Hưng",
        "position": "Chủ tịch UBND huyện Kim Thành",
        "level": Level.district_leader,
        "unit_code": "kim-thanh",
        "unit_name": "Huyện Kim Thành",
        "title": "Giải phóng mặt bằng 26 dự án",
        "category": Category.socio_economic,
        "kind": Kind.breakthrough,
        "targets": (
            Target(metric="projects cleared", unit="project", target=26),
            Target(metric="area cleared", unit="ha", target=287),
        ),
        "deadline": date(year, 12, 31),
    }
    return Registration(**(fields | changes))  # type: ignore[arg-type]


APPROVE = Approve("Ban Thường vụ", "QĐ 190")
RETURN = Return("Ban Thường vụ", "targets unclear")
REJECT = Reject("Ban Thường vụ", "not a breakthrough")
PROGRESS = LogProgress(
    date(2024, 6, 1),
    (Actual(metric="projects cleared", value=15),),
    ProgressStatus.in_progress,
)
SELF = SelfAssess(Rating.good, "done well")
EVALUATE = Evaluate(Rating.excellent, "Ban Thường vụ", "QĐ 1")


def situation(
    state: TaskState | None,
    year: YearState = YEAR,
    held: tuple[str, ...] = (),
    continued: TaskState | None = None,
) -> Situation:
    return Situation(task=state, year=year, holdings=Holdings(held, 2), continued=continued)


def run(
    state: TaskState | None,
    command: Command,
    actor: Actor,
    at: datetime = NOW,
    year: YearState = YEAR,
    **read: object,
) -> tuple[AnyEvent, TaskState]:
    event = decide(situation(state, year, **read), command, context(actor, at))  # type: ignore[arg-type]
    new = evolve(state, event)
    assert new is not None
    return event, new


def refused(
    state: TaskState | None,
    command: Command,
    actor: Actor,
    at: datetime = NOW,
    year: YearState = YEAR,
    **read: object,
) -> AnyEvent:
    """``decide`` alone (a test expecting a refusal wraps it in ``pytest.raises``)."""
    return decide(situation(state, year, **read), command, context(actor, at))  # type: ignore[arg-type]


def task_in(stage: str, year: YearState = YEAR) -> TaskState:
    """Hung's task, brought to ``stage`` the way the services would (with a roster, who he is
    left to it)."""
    content = registration()
    if year.roster is not None:
        content = registration(name=None, position=None, level=None, unit_code=None)
    _, state = run(None, Register("t-1", content), HUNG, year=year)
    steps: dict[str, list[tuple[Command, Actor]]] = {
        "pending": [],
        "returned": [(RETURN, SECRETARY)],
        "withdrawn": [(Withdraw("changed my mind"), HUNG)],
        "rejected": [(REJECT, SECRETARY)],
        "approved": [(APPROVE, SECRETARY)],
        "self_assessed": [(APPROVE, SECRETARY), (SELF, HUNG)],
        "evaluated": [(APPROVE, SECRETARY), (EVALUATE, SECRETARY)],
    }
    for minutes, (command, actor) in enumerate(steps[stage], start=1):
        _, state = run(state, command, actor, NOW + timedelta(minutes=minutes), year)
    assert state.stage == stage
    return state
