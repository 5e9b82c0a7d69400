"""No quantity in the log breaks a report, a CSV or a task view: sums are exact (or saturate
at the largest float), percentages never raise, and every answer is valid JSON."""

from __future__ import annotations

import json
import math
import sys
from datetime import date
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from services.reporting.amounts import LARGEST, Sum, percent
from services.reporting.export import header, rows
from services.reporting.reading import history_entry
from tests.unit.reporting.factories import Log, target
from tests.unit.reporting.projecting import project, report, views

BIG = 10**400
quantities = (
    st.integers(min_value=-BIG, max_value=BIG)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([sys.float_info.max, -sys.float_info.max, 1e308, 5e-324, 0, 0.0, -0.0])
)


def strict_json(text: str) -> object:
    def refuse(name: str) -> object:
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def exact(values: list[int | float]) -> Fraction:
    return sum((Fraction(value) for value in values), Fraction(0))


@settings(max_examples=300, deadline=None)
@given(st.lists(quantities, max_size=6))
def test_a_sum_is_exact_and_shown_as_a_number_json_holds(values: list[int | float]) -> None:
    total = Sum()
    for value in values:
        total.add(value)
    shown = total.shown()
    assert Fraction(total.exact, 2**1074) == exact(values)
    json.dumps(shown, allow_nan=False)
    if all(isinstance(value, int) for value in values) and abs(exact(values)) <= LARGEST:
        assert shown == exact(values)
    else:
        assert math.isfinite(shown)
        assert abs(shown) <= LARGEST


@settings(max_examples=300, deadline=None)
@given(st.lists(quantities, max_size=4), st.lists(quantities, max_size=4))
def test_percent_never_raises_and_is_finite(actuals: list[float], targets: list[float]) -> None:
    actual, goal = Sum(), Sum()
    for value in actuals:
        actual.add(value)
    for value in targets:
        goal.add(value)
    result = percent(actual, goal)
    assert math.isfinite(result)
    if exact(targets) and abs(exact(actuals) / exact(targets)) < 10**300:
        wanted = exact(actuals) * 100 / exact(targets)
        # the nearest tenth, then the nearest float to it
        assert abs(Fraction(result) - wanted) <= Fraction(1, 20) + abs(wanted) / 2**52


def test_percent_rounds_half_away_from_zero() -> None:
    def of(actual: int | float, goal: int | float) -> float:
        a, g = Sum(), Sum()
        a.add(actual)
        g.add(goal)
        return percent(a, g)

    assert of(1, 16) == 6.3
    assert of(-1, 16) == -6.3
    assert of(1, 0) == 0.0
    assert of(1e60, 100) == 1e60


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(quantities, st.none() | quantities), min_size=1, max_size=4))
def test_reports_csv_and_task_views_of_hostile_quantities_are_valid_json(
    tasks: list[tuple[int | float, int | float | None]],
) -> None:
    log = Log()
    for number, (goal, value) in enumerate(tasks):
        task = f"T{number}"
        log.register(task, registrant=f"r{number}", targets=[target("m", goal)])
        log.approve(task)
        if value is not None:
            log.progress(task, reported_at=date(2024, 2, 1), actuals={"m": value})
    strict_json(json.dumps(report(log.events)))
    shown = views(project(log.events), log.events)
    for view in shown:
        strict_json(view.model_dump_json())
    width = max((len(view.targets) for view in shown), default=0)
    assert (header(width) + rows(shown, width)).count("\r\n") == len(shown) + 1


def test_two_of_the_largest_floats_saturate_and_a_huge_actual_gives_a_huge_percent() -> None:
    log = Log()
    log.register("A", targets=[target("m", 1e308)])
    log.register("B", registrant="r2", targets=[target("m", 1e308)])
    log.register("C", registrant="r3", targets=[target("n", 100)])
    for task in "ABC":
        log.approve(task)
    log.progress("C", reported_at=date(2024, 2, 1), actuals={"n": 1e60})
    answer = report(log.events)
    rows = {row["metric"]: row for row in answer["metrics"]}
    assert rows["m"]["target"] == LARGEST
    assert rows["n"]["percent"] == 1e60
    strict_json(json.dumps(answer))


def test_a_task_history_of_the_largest_numbers_the_log_holds_is_valid_json() -> None:
    huge = int("9" * 4300)  # the most digits msgspec decodes
    log = Log()
    log.register("A", targets=[target("m", huge), target("n", -sys.float_info.max)])
    log.approve("A")
    log.progress("A", reported_at=date(2024, 2, 1), actuals={"m": -huge, "n": 5e-324})
    [view] = views(project(log.events), log.events)
    whole = view.model_copy(update={"history": [history_entry(p, e) for e, p in log.events]})
    document = strict_json(whole.model_dump_json())
    assert isinstance(document, dict)
    assert [entry["type"] for entry in document["history"]][-1] == "ProgressLogged"
    assert document["targets"][0]["target"] == LARGEST
    strict_json(json.dumps(report(log.events)))
