"""Folding a task's events gives one state whatever order they arrive in, however often."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.events import Actual, AnyEvent, ProgressStatus
from shared.domain.lifecycle import LogProgress, Progress, Register, fold, merge

from .builders import APPROVE, EVALUATE, HUNG, NOW, SECRETARY, SELF, registration, run, task_in

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
                date(2024, 1, 1) + timedelta(days=day),
                (Actual(metric="projects cleared", value=value),),
                status,
            ),
            HUNG,
        )
        for day, value, status in reports
    ]
    steps += [(SELF, HUNG), (EVALUATE, SECRETARY)]
    for minutes, (command, actor) in enumerate(steps, start=1):
        event, state = run(state, command, actor, NOW + timedelta(minutes=minutes))
        events.append(event)
    return events


REPORTS = st.lists(st.tuples(st.integers(0, 150), st.integers(0, 10**18), STATUSES), max_size=6)


@settings(max_examples=200, deadline=None)
@given(reports=REPORTS, order=st.randoms(use_true_random=False), data=st.data())
def test_any_order_and_any_duplicates_give_one_state(reports, order, data) -> None:  # type: ignore[no-untyped-def]
    events = history(reports)
    expected = fold(events)
    shuffled = events + data.draw(st.lists(st.sampled_from(events), max_size=5))
    order.shuffle(shuffled)
    assert fold(shuffled) == expected
    assert expected is not None
    assert expected.stage == "evaluated"


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
        latest = max(events, key=lambda e: (e.data.reported_at, e.time, e.id))
        assert once.latest is not None
        assert once.latest.status is latest.data.status
        completed = [
            e.data.reported_at for e in events if e.data.status is ProgressStatus.completed
        ]
        assert once.first_completed == (min(completed) if completed else None)


def test_a_decision_before_its_registration_by_the_clocks_still_counts() -> None:
    """A v1 log written on hosts whose clocks disagree: the approval's time precedes the
    registration's. A task's registration is folded first whatever its time."""
    events = history([])[:2]
    registered, approved = events
    skewed = approved.__class__(
        **{
            **{f: getattr(approved, f) for f in approved.__struct_fields__},
            "time": registered.time - timedelta(seconds=1),
        }
    )
    state = fold([skewed, registered])
    assert state is not None
    assert state.status.value == "approved"
    assert task_in("approved").status == state.status
