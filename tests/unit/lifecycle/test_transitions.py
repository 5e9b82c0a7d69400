"""Every command against every state of a task: what it makes, or the refusal it meets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shared.domain.events import Actual, Leader, Level, ProgressStatus, Unit
from shared.domain.lifecycle import (
    Amend,
    Command,
    LogProgress,
    Register,
    TaskStatus,
    Withdraw,
    decide,
)
from shared.domain.programme import Roster
from shared.domain.refusals import Conflict, Forbidden, NotFound, Refusal

from .builders import (
    ADMIN,
    APPROVE,
    EVALUATE,
    HUNG,
    LAN,
    NOW,
    PROGRESS,
    REJECT,
    RETURN,
    SECRETARY,
    SELF,
    context,
    registration,
    run,
    task_in,
)

STAGES = ["pending", "returned", "withdrawn", "rejected", "approved", "self_assessed", "evaluated"]
AMEND = Amend(registration(title="Giải phóng mặt bằng 30 dự án"))
WITHDRAW = Withdraw("no longer needed")
# command -> who asks -> the stages it is allowed from -> the stage it leads to
TABLE: list[tuple[str, Command, object, dict[str, str]]] = [
    ("amend", AMEND, HUNG, {"pending": "pending", "returned": "pending"}),
    ("withdraw", WITHDRAW, HUNG, {"pending": "withdrawn", "returned": "withdrawn"}),
    ("approve", APPROVE, SECRETARY, {"pending": "approved"}),
    ("reject", REJECT, SECRETARY, {"pending": "rejected"}),
    ("return", RETURN, SECRETARY, {"pending": "returned"}),
    (
        "progress",
        PROGRESS,
        HUNG,
        {"approved": "approved", "self_assessed": "self_assessed"},
    ),
    ("self-assess", SELF, HUNG, {"approved": "self_assessed", "self_assessed": "self_assessed"}),
    ("evaluate", EVALUATE, SECRETARY, {"approved": "evaluated", "self_assessed": "evaluated"}),
]


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize(("name", "command", "actor", "allowed"), TABLE, ids=[t[0] for t in TABLE])
def test_each_command_from_each_stage(
    stage: str, name: str, command: Command, actor: object, allowed: dict[str, str]
) -> None:
    state = task_in(stage)
    later = NOW + timedelta(hours=1)
    if stage in allowed:
        event, new = run(state, command, actor, later)  # type: ignore[arg-type]
        assert new.stage == allowed[stage]
        assert event.data.task_id == "t-1"
        assert event.time > state.updated_at
        assert new.updated_at == event.time
    else:
        with pytest.raises(Conflict) as refused:
            decide(state, command, context(actor, later))  # type: ignore[arg-type]
        assert stage in refused.value.message  # the refusal names the task's state
        assert refused.value.ctx["state"] == stage


def test_a_new_event_is_never_stamped_before_the_tasks_latest() -> None:
    state = task_in("approved")
    earlier_clock = state.updated_at - timedelta(seconds=30)  # another host, slow clock
    event, _ = run(state, PROGRESS, HUNG, earlier_clock)
    assert event.time > state.updated_at


def test_the_decision_is_caused_by_the_registration_as_it_stands() -> None:
    state = task_in("returned")
    amended, state = run(state, AMEND, HUNG, NOW + timedelta(hours=1))
    approval, _ = run(state, APPROVE, SECRETARY, NOW + timedelta(hours=2))
    assert approval.causationid == amended.id
    assert approval.actor == "thu-ky"
    assert approval.actorrole == "approver"


def test_registrants_act_on_their_own_tasks_only() -> None:
    state = task_in("approved")
    for command in (PROGRESS, SELF):
        with pytest.raises(Forbidden):
            decide(state, command, context(LAN))
    with pytest.raises(Forbidden):
        decide(None, Register("t-2", registration("hung")), context(LAN))
    pending = task_in("pending")
    for command in (AMEND, WITHDRAW):
        with pytest.raises(Forbidden):
            decide(pending, command, context(LAN))


def test_ids_are_compared_without_case() -> None:
    hung_upper = HUNG.__class__("hung", HUNG.roles, person="HUNG")
    event, _ = run(None, Register("t-2", registration("Hung")), hung_upper)
    assert event.data.registrant.id == "Hung"


def test_an_approver_never_decides_or_evaluates_their_own_registration() -> None:
    both = SECRETARY.__class__("hung", frozenset(HUNG.roles | SECRETARY.roles), person="hung")
    pending, approved = task_in("pending"), task_in("approved")
    for state, command in ((pending, APPROVE), (pending, RETURN), (approved, EVALUATE)):
        with pytest.raises(Forbidden) as refused:
            decide(state, command, context(both))
        assert refused.value.code == "own_task"


def test_an_admin_acts_for_anyone_and_is_recorded_as_itself() -> None:
    event, state = run(None, Register("t-9", registration("hung")), ADMIN)
    assert (event.actor, event.actorrole) == ("quan-tri", "admin")
    assert state.registrant.id == "hung"
    event, _ = run(task_in("approved"), PROGRESS, ADMIN, NOW + timedelta(hours=1))
    assert (event.actor, event.actorrole) == ("quan-tri", "admin")


def test_unknown_task() -> None:
    with pytest.raises(NotFound):
        decide(None, APPROVE, context(SECRETARY))


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"year": 1999}, "year_range"),
        ({"year": 2026}, "year_range"),
        ({"deadline": date(2025, 1, 1)}, "outside_year"),
        ({"targets": registration().targets * 2}, "duplicate_metric"),
        ({"name": None}, "missing"),
        ({"unit": None}, "missing"),
    ],
)
def test_a_registration_breaking_a_rule_is_refused(changes: dict[str, object], code: str) -> None:
    with pytest.raises(Refusal) as refused:
        decide(None, Register("t-3", registration(**changes)), context(HUNG))
    assert refused.value.code == code
    assert refused.value.status == 422


def test_an_amendment_keeps_the_registrant_and_the_year() -> None:
    state = task_in("pending")
    for content, code in (
        (registration("lan"), "registrant_fixed"),
        (registration(year=2025), "year_fixed"),
    ):
        with pytest.raises(Refusal) as refused:
            decide(state, Amend(content), context(ADMIN))
        assert refused.value.code == code


ROSTER = Roster(
    2024,
    (Unit(code="kim-thanh", name="Huyện Kim Thành"),),
    (
        Leader(
            id="hung",
            name="Phạm Quang Hưng",
            position="Chủ tịch",
            level=Level.district_leader,
            unit="Kim-Thanh",
        ),
    ),
)


def test_with_a_roster_only_its_leaders_register_and_it_fills_in_who_they_are() -> None:
    sparse = registration(name=None, position=None, level=None, unit=None)
    event = decide(None, Register("t-4", sparse), context(HUNG), ROSTER)
    assert event.data.registrant.name == "Phạm Quang Hưng"
    assert event.data.unit.code == "kim-thanh"
    with pytest.raises(Refusal) as refused:
        decide(None, Register("t-5", registration("lan")), context(LAN), ROSTER)
    assert refused.value.code == "not_on_roster"


@pytest.mark.parametrize(
    ("reported_at", "actuals", "code"),
    [
        (date(2023, 12, 31), (), "outside_year"),
        (NOW.date() + timedelta(days=1), (), "in_future"),
        (date(2024, 5, 1), (Actual(metric="bridges", value=1),), "unknown_metric"),
        (
            date(2024, 5, 1),
            (Actual(metric="area cleared", value=1), Actual(metric="area cleared", value=2)),
            "duplicate_metric",
        ),
    ],
)
def test_progress_breaking_a_rule_is_refused(
    reported_at: date, actuals: tuple[Actual, ...], code: str
) -> None:
    command = LogProgress(reported_at, actuals, ProgressStatus.in_progress)
    with pytest.raises(Refusal) as refused:
        decide(task_in("approved"), command, context(HUNG))
    assert refused.value.code == code


def test_withdrawal_and_rejection_leave_the_live_statuses() -> None:
    assert task_in("withdrawn").status is TaskStatus.withdrawn
    assert task_in("rejected").verdict is not None
    assert task_in("returned").verdict.reason == "targets unclear"  # type: ignore[union-attr]
