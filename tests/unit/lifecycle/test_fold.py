"""Folding a task's events gives one state whatever order they arrive in, however often; and
what counts as completed on time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.events import Actual, AnyEvent, ProgressStatus
from shared.domain.lifecycle import LogProgress, Progress, Register, fold, merge, on_time

from .builders import (
    APPROVE,
    EVALUATE,
    HUNG,
    NOW,
    SECRETARY,
    SELF,
    ZONE,
    registration,
    run,
    task_in,
)

STATUSES = st.sampled_from(list(ProgressStatus))


def history(reports: list[tuple[int, int, ProgressStatus]]) -> list[AnyEvent]:
    """Hung's task registered, approved, reported on ``reports`` (day, value, status),
    self-assessed and evaluated: every event the services would have written."""
    events: list[AnyEvent] = []
    event, state = run(None, Register("t-1", registration()), HUNG)
    events.append(event)
    steps = [(APPROVE, SECRETARY)]
    steps += [
        (
            LogProgress(
                date(2024, 6, 1) + timedelta(days=day),
                (Actual(metric="projects cleared", value=value),),
                status,
            ),
            HUNG,
        )
        for day, value, status in reports
    ]
    steps += [(SELF, HUNG), (EVALUATE, SECRETARY)]
    year_end = datetime(2024, 12, 30, tzinfo=UTC)
    for minutes, (command, actor) in enumerate(steps, start=1):
        event, state = run(state, command, actor, year_end + timedelta(minutes=minutes))
        events.append(event)
    return events


def unnumbered(event: AnyEvent) -> AnyEvent:
    """The event as a writer before 1.2 wrote it."""
    return msgspec.structs.replace(event, taskversion=None)


REPORTS = st.lists(st.tuples(st.integers(0, 150), st.integers(0, 10**18), STATUSES), max_size=6)


@settings(max_examples=200, deadline=None)
@given(reports=REPORTS, order=st.randoms(use_true_random=False), data=st.data())
def test_any_order_and_any_duplicates_give_one_state(reports, order, data) -> None:  # type: ignore[no-untyped-def]
    events = history(reports)
    expected = fold(events)
    assert expected is not None
    assert expected.stage == "evaluated"
    assert expected.version == len(events)
    shuffled = events + data.draw(st.lists(st.sampled_from(events), max_size=5))
    order.shuffle(shuffled)
    assert fold(shuffled) == expected


@settings(max_examples=100, deadline=None)
@given(reports=REPORTS, order=st.randoms(use_true_random=False))
def test_numbered_events_are_folded_by_number_not_by_time(reports, order) -> None:  # type: ignore[no-untyped-def]
    """Every event stamped with the same time (one clock for a whole import, say): their
    numbers alone give the order."""
    events = [msgspec.structs.replace(e, time=NOW) for e in history(reports)]
    order.shuffle(events)
    folded = fold(events)
    assert folded is not None
    assert folded.stage == "evaluated"


@settings(max_examples=200, deadline=None)
@given(reports=REPORTS, order=st.randoms(use_true_random=False))
def test_progress_merges_commutatively_and_idempotently(reports, order) -> None:  # type: ignore[no-untyped-def]
    events = [e for e in history(reports) if e.type == "ProgressLogged"]
    once = Progress()
    for event in events:
        once = merge(once, event.data, event)
    again = list(events) * 2
    order.shuffle(again)
    twice = Progress()
    for event in again:
        twice = merge(twice, event.data, event)
    assert once == twice
    if events:
        latest = max(events, key=lambda e: (e.data.reported_at, e.taskversion))
        assert once.latest is not None
        assert once.latest.status is latest.data.status
        completed = [
            e.data.reported_at for e in events if e.data.status is ProgressStatus.completed
        ]
        assert once.first_completed == (min(completed) if completed else None)


def test_before_1_2_a_decision_earlier_by_the_clocks_than_its_registration_still_counts() -> None:
    """A log written before 1.2 (no numbers) on hosts whose clocks disagree: the approval's
    time precedes the registration's. A task's registration is folded first whatever its
    time, the others by (time, id)."""
    registered, approved = (unnumbered(e) for e in history([])[:2])
    skewed = msgspec.structs.replace(approved, time=registered.time - timedelta(seconds=1))
    state = fold([skewed, registered])
    assert state is not None
    assert state.status.value == "approved"
    assert task_in("approved").status == state.status


def test_numbered_events_follow_the_unnumbered_ones_of_a_task_from_before_1_2() -> None:
    events = history([(1, 5, ProgressStatus.completed)])
    old, new = [unnumbered(e) for e in events[:3]], events[3:]
    state = fold(new + old)
    assert state is not None
    assert state.stage == "evaluated"
    assert state.progress.completed


def _completed(day: date, recorded: datetime, role: str = "registrant") -> Progress:
    event = history([(0, 26, ProgressStatus.completed)])[2]
    data = msgspec.structs.replace(event.data, reported_at=day)
    return merge(Progress(), data, msgspec.structs.replace(event, time=recorded, actorrole=role))


def test_on_time_is_what_was_recorded_not_only_what_was_claimed() -> None:
    deadline = date(2024, 10, 31)
    in_time = _completed(date(2024, 10, 30), datetime(2024, 10, 30, 3, tzinfo=UTC))
    assert on_time(in_time, deadline, ZONE, 15)
    # claimed on 30 October, entered on 20 November: past the 15 days of grace
    back_dated = _completed(date(2024, 10, 30), datetime(2024, 11, 20, 3, tzinfo=UTC))
    assert not on_time(back_dated, deadline, ZONE, 15)
    assert on_time(back_dated, deadline, ZONE, 30)
    # entered by an admin from paper records: the day it claims
    paper = _completed(date(2024, 10, 30), datetime(2024, 12, 20, 3, tzinfo=UTC), "admin")
    assert on_time(paper, deadline, ZONE, 15)
    # the grace ends at the end of its day in Hà Nội (UTC+7)
    edge = datetime(2024, 11, 15, 16, 59, tzinfo=UTC)  # 23:59 on 15 November in Hà Nội
    assert on_time(_completed(date(2024, 10, 30), edge), deadline, ZONE, 15)
    assert not on_time(
        _completed(date(2024, 10, 30), edge + timedelta(minutes=2)), deadline, ZONE, 15
    )
