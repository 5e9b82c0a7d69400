"""The projection is a function of the log: any interleaving of the streams, any duplicates,
every event type give the same states and reports; numbered events (1.2) in any order at all,
events before 1.2 (no numbers) by their time."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.reporting.projection import Projection, lean
from shared.domain.events import AnyEvent, ProgressStatus, Rating
from shared.domain.lifecycle import fold
from tests.unit.reporting.factories import Log, target
from tests.unit.reporting.projecting import project, report

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
def logs(draw: st.DrawFn, numbered: bool | None = None) -> list[tuple[AnyEvent, str]]:
    """A log of up to three tasks, in any mix of actions, legal or not, with rosters and
    closures: numbered (1.2) or not; before 1.2 each event stamped no earlier than the one
    before it (equal times allowed)."""
    log = Log(numbered=draw(st.booleans()) if numbered is None else numbered)
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
                log.self_assess(task, draw(st.sampled_from(list(Rating))), at=at)
            else:
                log.evaluate(task, draw(st.sampled_from(list(Rating))), at=at)
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
    return {task_id: task.state for task_id, task in sorted(projection.tasks.items())}


def years(projection: Projection) -> dict[int, object]:
    return {
        number: (year.programme, sorted(year.tasks)) for number, year in projection.years.items()
    }


@settings(max_examples=300, deadline=None)
@given(logs(), st.data())
def test_any_interleaving_with_duplicates_gives_the_same_projection(
    log: list[tuple[AnyEvent, str]], data: st.DataObject
) -> None:
    """The streams read in any interleaving (each stream in its order), with duplicates."""
    streams: dict[str, list[tuple[AnyEvent, str]]] = {}
    for pair in log:
        streams.setdefault(
            pair[0].type if pair[0].type != "CommitteesPublished" else "RosterPublished", []
        ).append(pair)
    interleaved: list[tuple[AnyEvent, str]] = []
    queues = [list(entries) for entries in streams.values()]
    while queues:
        queue = data.draw(st.sampled_from(queues))
        interleaved.append(queue.pop(0))
        queues = [q for q in queues if q]
    again = data.draw(st.lists(st.sampled_from(log), max_size=6)) if log else []
    delivered = [*interleaved, *again]
    in_order, read = project(log), project(delivered)
    assert states(read) == states(in_order)
    assert years(read) == years(in_order)
    assert report(delivered) == report(log)
    assert report(delivered, unit="u01") == report(log, unit="U01")


@settings(max_examples=300, deadline=None)
@given(logs(numbered=True), st.data())
def test_numbered_events_in_any_order_at_all_give_the_same_states(
    log: list[tuple[AnyEvent, str]], data: st.DataObject
) -> None:
    tasks = [pair for pair in log if pair[0].taskversion is not None]
    shuffled = data.draw(st.permutations(tasks))
    again = data.draw(st.lists(st.sampled_from(tasks), max_size=6)) if tasks else []
    assert states(project([*shuffled, *again])) == states(project(tasks))


@settings(max_examples=200, deadline=None)
@given(logs())
def test_a_task_state_is_the_fold_of_its_events(log: list[tuple[AnyEvent, str]]) -> None:
    projection = project(log)
    for task_id, task in projection.tasks.items():
        mine = [e for e, _ in log if getattr(e.data, "task_id", None) == task_id]
        # the projection keeps no words (the views fold them from the log)
        assert task.state == fold(lean(event) for event in mine)
