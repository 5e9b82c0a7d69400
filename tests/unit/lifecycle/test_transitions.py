"""Every command against every state of a task: what it makes, or the refusal it meets; and
``allowed`` offering exactly what ``decide`` accepts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import msgspec
import pytest

from shared.domain.events import (
    Actual,
    Committee,
    Leader,
    Level,
    ProgressStatus,
    RosterPublished,
    RosterUnit,
    YearClosed,
)
from shared.domain.lifecycle import (
    Action,
    Amend,
    Command,
    LogProgress,
    Register,
    TaskStatus,
    Withdraw,
    allowed,
)
from shared.domain.people import Actor, Role
from shared.domain.programme import YearState
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
    YEAR,
    refused,
    registration,
    run,
    task_in,
)

STAGES = ["pending", "returned", "withdrawn", "rejected", "approved", "self_assessed", "evaluated"]
AMEND = Amend(registration(title="Giải phóng mặt bằng 30 dự án"))
WITHDRAW = Withdraw("no longer needed")
# command -> who asks -> the stages it is allowed from -> the stage it leads to
TABLE: list[tuple[Action, Command, Actor, dict[str, str]]] = [
    (Action.amend, AMEND, HUNG, {"pending": "pending", "returned": "pending"}),
    (Action.withdraw, WITHDRAW, HUNG, {"pending": "withdrawn", "returned": "withdrawn"}),
    (Action.approve, APPROVE, SECRETARY, {"pending": "approved"}),
    (Action.reject, REJECT, SECRETARY, {"pending": "rejected"}),
    (Action.return_, RETURN, SECRETARY, {"pending": "returned"}),
    (
        Action.report_progress,
        PROGRESS,
        HUNG,
        {"approved": "approved", "self_assessed": "self_assessed"},
    ),
    (
        Action.self_assess,
        SELF,
        HUNG,
        {"approved": "self_assessed", "self_assessed": "self_assessed"},
    ),
    (
        Action.evaluate,
        EVALUATE,
        SECRETARY,
        {"approved": "evaluated", "self_assessed": "evaluated"},
    ),
]
CLOSED = msgspec.structs.replace(
    YEAR,
    closure=YearClosed(year=2024, decided_by="Ban Thường vụ", closed_at=NOW),
    closure_event="closed",
)


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize(("action", "command", "actor", "leads"), TABLE, ids=[t[0] for t in TABLE])
def test_each_command_from_each_stage(
    stage: str, action: Action, command: Command, actor: Actor, leads: dict[str, str]
) -> None:
    state = task_in(stage)
    later = NOW + timedelta(hours=1)
    assert (action in allowed(actor, state, YEAR)) == (stage in leads)
    if stage in leads:
        event, new = run(state, command, actor, later)
        assert new.stage == leads[stage]
        assert event.data.task_id == "t-1"
        assert event.taskversion == state.version + 1 == new.version
        assert new.updated_at == event.time == later
        assert (event.data.registrant, event.data.unit) == (state.registrant, state.unit)
        assert event.data.managed_by == "root"
    else:
        with pytest.raises(Conflict) as refusal:
            refused(state, command, actor, later)
        assert stage in refusal.value.message  # the refusal names the task's state
        assert refusal.value.ctx["state"] == stage


@pytest.mark.parametrize(("action", "command", "actor", "leads"), TABLE, ids=[t[0] for t in TABLE])
def test_nothing_is_written_for_a_closed_year(
    action: Action, command: Command, actor: Actor, leads: dict[str, str]
) -> None:
    state = task_in(next(iter(leads)))
    assert action not in allowed(actor, state, CLOSED)
    with pytest.raises(Conflict) as refusal:
        refused(state, command, actor, year=CLOSED)
    assert refusal.value.code == "year_closed"
    with pytest.raises(Conflict):
        refused(None, Register("t-2", registration()), HUNG, year=CLOSED)


def test_a_registration_is_the_first_event_of_its_task_and_the_rest_follow_in_order() -> None:
    event, state = run(None, Register("t-1", registration()), HUNG)
    assert (event.taskversion, state.version, event.importedat) == (1, 1, None)
    approval, state = run(state, APPROVE, SECRETARY, NOW + timedelta(minutes=1))
    progress, _ = run(state, PROGRESS, HUNG, NOW + timedelta(minutes=2))
    assert (approval.taskversion, progress.taskversion) == (2, 3)


def test_the_decision_is_caused_by_the_registration_as_it_stands() -> None:
    state = task_in("returned")
    amended, state = run(state, AMEND, HUNG, NOW + timedelta(hours=1))
    approval, _ = run(state, APPROVE, SECRETARY, NOW + timedelta(hours=2))
    assert approval.causationid == amended.id
    assert approval.actor == "thu-ky"
    assert approval.actorrole == "approver"
    assert approval.data.committee == "root"


def test_registrants_act_on_their_own_tasks_only() -> None:
    state = task_in("approved")
    for command in (PROGRESS, SELF):
        with pytest.raises(Forbidden):
            refused(state, command, LAN)
    assert allowed(LAN, state, YEAR) == []
    with pytest.raises(Forbidden):
        refused(None, Register("t-2", registration("hung")), LAN)
    pending = task_in("pending")
    for command in (AMEND, WITHDRAW):
        with pytest.raises(Forbidden):
            refused(pending, command, LAN)


def test_ids_are_compared_without_case_and_stored_in_one_form() -> None:
    hung_upper = Actor("hung", HUNG.roles, person="HUNG")
    event, _ = run(None, Register("t-2", registration("Hung", unit_code="Kim-Thanh")), hung_upper)
    assert event.data.registrant.id == "hung"
    assert event.data.unit.code == "kim-thanh"


def test_an_approver_never_decides_or_evaluates_their_own_registration() -> None:
    both = Actor("hung", frozenset(HUNG.roles | SECRETARY.roles), person="hung")
    pending, approved = task_in("pending"), task_in("approved")
    for state, command in ((pending, APPROVE), (pending, RETURN), (approved, EVALUATE)):
        with pytest.raises(Forbidden) as refusal:
            refused(state, command, both)
        assert refusal.value.code == "own_task"
    assert Action.approve not in allowed(both, pending, YEAR)


def test_an_admin_acts_for_anyone_and_is_recorded_as_itself() -> None:
    event, state = run(None, Register("t-9", registration("hung")), ADMIN)
    assert (event.actor, event.actorrole) == ("quan-tri", "admin")
    assert state.registrant.id == "hung"
    event, _ = run(task_in("approved"), PROGRESS, ADMIN, NOW + timedelta(hours=1))
    assert (event.actor, event.actorrole) == ("quan-tri", "admin")


def test_unknown_task() -> None:
    with pytest.raises(NotFound):
        refused(None, APPROVE, SECRETARY)


def test_the_quota_counts_the_registrants_live_tasks() -> None:
    with pytest.raises(Conflict) as refusal:
        refused(None, Register("t-3", registration()), HUNG, held=("a", "b"))
    assert refusal.value.code == "quota"
    event, _ = run(None, Register("t-3", registration()), HUNG, held=("a",))
    assert event.taskversion == 1


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"year": 1999}, "year_range"),
        ({"year": 2026}, "year_range"),
        ({"deadline": date(2025, 1, 1)}, "outside_year"),
        ({"targets": registration().targets * 2}, "duplicate_metric"),
        ({"name": None}, "missing"),
        ({"unit_code": None}, "missing"),
    ],
)
def test_a_registration_breaking_a_rule_is_refused(changes: dict[str, object], code: str) -> None:
    with pytest.raises(Refusal) as refusal:
        refused(None, Register("t-3", registration(**changes)), HUNG)
    assert refusal.value.code == code
    assert refusal.value.status == 422


def test_an_amendment_keeps_the_registrant_and_the_year() -> None:
    state = task_in("pending")
    for content, code in (
        (registration("lan"), "registrant_fixed"),
        (registration(year=2025), "year_fixed"),
    ):
        with pytest.raises(Refusal) as refusal:
            refused(state, Amend(content), ADMIN)
        assert refusal.value.code == code


COMMITTEES = (
    Committee(code="tinh-uy", name="Ban Thường vụ Tỉnh ủy"),
    Committee(code="kim-thanh", name="Ban Thường vụ Huyện ủy Kim Thành", parent="tinh-uy"),
)
ROSTERED = YearState(
    year=2024,
    roster=RosterPublished(
        year=2024,
        units=(RosterUnit(code="kim-thanh", name="Huyện Kim Thành"),),
        leaders=(
            Leader(
                id="hung",
                name="Phạm Quang Hưng",
                position="Chủ tịch",
                level=Level.district_leader,
                unit="kim-thanh",
                managed_by="kim-thanh",
            ),
        ),
    ),
    roster_event="roster",
    committees=COMMITTEES,
    committees_event="committees",
)


def test_with_a_roster_only_its_leaders_register_and_it_says_who_they_are() -> None:
    sparse = registration(name=None, position=None, level=None, unit_code=None, unit_name=None)
    event, _ = run(None, Register("t-4", sparse), HUNG, year=ROSTERED)
    assert event.data.registrant.name == "Phạm Quang Hưng"
    assert (event.data.unit.code, event.data.managed_by) == ("kim-thanh", "kim-thanh")
    with pytest.raises(Refusal) as refusal:
        refused(None, Register("t-5", registration("lan")), LAN, year=ROSTERED)
    assert refusal.value.code == "not_on_roster"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "Phạm Quang Hùng"}, ("registrant", "name")),
        ({"position": "Bí thư"}, ("registrant", "position")),
        ({"level": Level.department_head}, ("registrant", "level")),
        ({"unit_code": "thanh-mien"}, ("unit", "code")),
        ({"unit_code": "KIM-THANH", "unit_name": "Huyện Thanh Miện"}, ("unit", "name")),
    ],
)
def test_with_a_roster_nothing_it_says_is_replaced(
    changes: dict[str, object], field: tuple[str, ...]
) -> None:
    """What a registration gives must equal the roster's (codes without case), or 422
    naming the field: it is never stored as sent, nor silently replaced."""
    sparse = registration(name=None, position=None, level=None, unit_code=None, unit_name=None)
    content = replace(sparse, **changes)  # type: ignore[arg-type]
    with pytest.raises(Refusal) as refusal:
        refused(None, Register("t-6", content), HUNG, year=ROSTERED)
    assert (refusal.value.code, refusal.value.field) == ("roster_mismatch", field)
    same = replace(sparse, name="Phạm Quang Hưng", unit_code="Kim-Thanh")
    event, _ = run(None, Register("t-6", same), HUNG, year=ROSTERED)
    assert event.data.unit.code == "kim-thanh"


def test_an_approver_decides_only_their_committees_tasks() -> None:
    task = task_in("pending", ROSTERED)  # managed by kim-thanh, as the roster says
    province = Actor("thu-ky", frozenset({Role.approver}), person="thu-ky", committee="tinh-uy")
    district = Actor("van", frozenset({Role.approver}), person="van", committee="kim-thanh")
    rootless = Actor("an", frozenset({Role.approver}), person="an")  # the root's
    for other in (province, rootless):
        with pytest.raises(Forbidden) as refusal:
            refused(task, APPROVE, other, year=ROSTERED)
        assert refusal.value.code == "other_committee"
        assert allowed(other, task, ROSTERED) == []
    event, _ = run(task, APPROVE, district, year=ROSTERED)
    assert event.data.committee == "kim-thanh"
    assert Action.approve in allowed(ADMIN, task, ROSTERED)


def test_a_task_continues_one_of_an_earlier_year_of_its_leader_or_unit() -> None:
    earlier = run(None, Register("t-2023", registration(year=2023)), HUNG)[1]
    content = registration(continues="t-2023")
    event, state = run(None, Register("t-1", content), HUNG, continued=earlier)
    assert (event.data.continues, state.continues) == ("t-2023", "t-2023")
    lan_there = run(
        None, Register("t-lan", registration("lan", year=2023, unit_code="thanh-mien")), LAN
    )[1]
    cases = [
        (None, "unknown_task"),
        (run(None, Register("t-same", registration()), HUNG)[1], "not_earlier"),
        (lan_there, "not_related"),
    ]
    for continued, code in cases:
        with pytest.raises(Refusal) as refusal:
            refused(None, Register("t-1", content), HUNG, continued=continued)
        assert (refusal.value.code, refusal.value.field) == (code, ("continues",))
    lan_here = run(None, Register("t-lan2", registration("lan", year=2023)), LAN)[1]
    assert run(None, Register("t-1", content), HUNG, continued=lan_here)[0].data.continues


@pytest.mark.parametrize(
    ("reported_at", "actuals", "code"),
    [
        (date(2023, 12, 31), (), "outside_year"),
        (date(2024, 6, 2), (), "in_future"),
        (date(2024, 6, 1), (Actual(metric="bridges", value=1),), "unknown_metric"),
        (
            date(2024, 6, 1),
            (Actual(metric="area cleared", value=1), Actual(metric="area cleared", value=2)),
            "duplicate_metric",
        ),
    ],
)
def test_progress_breaking_a_rule_is_refused(
    reported_at: date, actuals: tuple[Actual, ...], code: str
) -> None:
    command = LogProgress(reported_at, actuals, ProgressStatus.in_progress)
    with pytest.raises(Refusal) as refusal:
        refused(task_in("approved"), command, HUNG)
    assert refusal.value.code == code


def test_a_leader_cannot_date_a_report_before_the_task_was_registered() -> None:
    """Registered on 1 June (Hà Nội); a report dated 31 May by its registrant is refused, an
    admin's data entry from paper records is taken."""
    state = task_in("approved")
    later = datetime(2024, 6, 20, tzinfo=UTC)
    early = replace(PROGRESS, reported_at=date(2024, 5, 31))
    with pytest.raises(Refusal) as refusal:
        refused(state, early, HUNG, later)
    assert refusal.value.code == "before_registration"
    event, _ = run(state, early, ADMIN, later)
    assert event.data.reported_at == date(2024, 5, 31)
    assert run(state, PROGRESS, HUNG, later)[0].data.reported_at == date(2024, 6, 1)


def test_withdrawal_and_rejection_leave_the_live_statuses() -> None:
    assert task_in("withdrawn").status is TaskStatus.withdrawn
    assert task_in("rejected").verdict is not None
    assert task_in("returned").verdict.reason == "targets unclear"  # type: ignore[union-attr]
