"""The projection is a function of the *set* of events: any interleaving of the streams, any
duplicates, every event type (rosters and closures too) give the same states and reports."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.reporting.domain.answers import Scope
from services.reporting.domain.report import Reports
from services.reporting.domain.tasks import Projection
from shared.domain.events import AnyEvent, ProgressStatus, Rating
from shared.domain.lifecycle import fold
from tests.unit.reporting.factories import Log, target
from tests.unit.reporting.projecting import TODAY, project, report

WHOLE = Scope(unit=None, category=None, as_of=None)

ACTIONS = (
    "approve",
    "reject",
    "return",
    "amend",
    "withdraw",
    "progress",
    "self_assess",
    "evaluate",
    "register",
)


@st.composite
def logs(draw: st.DrawFn) -> list[tuple[AnyEvent, str]]:
    """A log of up to three tasks, each event stamped no earlier than the one before it (equal
    times allowed), in any mix of actions, legal or not, with rosters and closures."""
    log = Log()
    for task in ("A", "B", "C")[: draw(st.integers(1, 3))]:
        log.register(
            task,
            registrant=draw(st.sampled_from(["hung", "Hung", "lan"])),
            targets=[target("m", 10)],
        )
        for action in draw(st.lists(st.sampled_from(ACTIONS), max_size=8)):
            step = timedelta(minutes=draw(st.integers(0, 2)))
            at = log.clock + step
            if action == "approve":
                log.approve(task, at=at)
            elif action == "reject":
                log.reject(task, at=at)
            elif action == "return":
                log.return_(task, at=at)
            elif action in ("amend", "register"):
                unit = draw(st.sampled_from(["U01", "u01", "U02"]))
                log.register(
                    task,
                    unit=unit,
                    amend=action == "amend",
                    at=at,
                    targets=[target("m", draw(st.integers(1, 20)))],
                )
            elif action == "withdraw":
                log.withdraw(task, at=at)
            elif action == "progress":
                log.progress(
                    task,
                    reported_at=date(2024, draw(st.integers(1, 12)), 1),
                    actuals={"m": draw(st.integers(0, 30))},
                    status=draw(st.sampled_from(list(ProgressStatus))),
                    at=at,
                )
            elif action == "self_assess":
                log.self_assess(task, draw(st.sampled_from(list(Rating))))
            else:
                log.evaluate(task, draw(st.sampled_from(list(Rating))))
    for _ in range(draw(st.integers(0, 2))):
        leaders = draw(
            st.dictionaries(
                st.sampled_from(["hung", "lan", "minh"]),
                st.sampled_from(["U01", "U02"]),
                min_size=1,
            )
        )
        log.roster(leaders, at=log.clock + timedelta(minutes=draw(st.integers(-5, 5))))
    for _ in range(draw(st.integers(0, 2))):
        log.close(at=log.clock + timedelta(minutes=draw(st.integers(-5, 5))))
    return log.events


def states(projection: Projection) -> dict[str, object]:
    return {
        task_id: (task.state, task.progress) for task_id, task in sorted(projection.tasks.items())
    }


def years(projection: Projection) -> dict[int, object]:
    return {
        number: (year.roster, year.roster_stamp, year.closed, sorted(year.registered()))
        for number, year in projection.years.items()
    }


@settings(max_examples=300, deadline=None)
@given(logs(), st.data())
def test_any_interleaving_with_duplicates_gives_the_same_projection(
    log: list[tuple[AnyEvent, str]], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(log))
    again = data.draw(st.lists(st.sampled_from(log), max_size=6)) if log else []
    delivered = [*shuffled, *again]
    in_order, interleaved = project(log), project(delivered)
    assert states(interleaved) == states(in_order)
    assert years(interleaved) == years(in_order)
    assert report(delivered) == report(log)
    assert report(delivered, unit="u01") == report(log, unit="U01") | {
        "scope": report(delivered, unit="u01")["scope"]
    }


@settings(max_examples=200, deadline=None)
@given(logs())
def test_a_task_state_is_the_fold_of_its_lifecycle_events(log: list[tuple[AnyEvent, str]]) -> None:
    projection = project(log)
    for task_id, task in projection.tasks.items():
        mine = [e for e, _ in log if getattr(e.data, "task_id", None) == task_id]
        lifecycle = [e for e in mine if e.type != "ProgressLogged"]
        expected = fold(lifecycle)
        if expected is None:
            assert task.state is None
            continue
        assert task.state is not None
        # the projection keeps no description (the history reads it back)
        assert task.state.status == expected.status
        assert task.state.stage == expected.stage
        assert task.state.targets == expected.targets
        assert task.state.verdict == expected.verdict
        assert task.state.amendments == expected.amendments


@settings(max_examples=150, deadline=None)
@given(logs(), st.data())
def test_reports_kept_between_events_equal_reports_counted_afresh(
    log: list[tuple[AnyEvent, str]], data: st.DataObject
) -> None:
    """A report kept and moved on bucket by bucket as events come equals one counted from
    scratch, whatever the scope, at every step."""
    projection, kept, held = Projection(), None, {}
    scope = data.draw(st.sampled_from([WHOLE, Scope(unit="u01", category=None, as_of=None)]))
    for event in data.draw(st.permutations(log)):
        project([event], projection, held)
        kept = kept or Reports(projection)
        fresh = Reports(projection).report(2024, scope, TODAY)
        assert kept.report(2024, scope, TODAY) == fresh
