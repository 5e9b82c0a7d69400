"""Reports up a committee tree, year after year: a committee's totals are those of the tasks
it manages and of every committee below it; an earlier year compared, its units mapped to the
ones that took them over."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.events import ProgressStatus, Rating
from tests.unit.reporting.factories import Log
from tests.unit.reporting.projecting import report

COUNTED = ("registered", "approved", "completed")


@st.composite
def trees(draw: st.DrawFn) -> dict[str, str | None]:
    """A committee tree: c0 the root, each other committee under an earlier one."""
    size = draw(st.integers(1, 6))
    tree: dict[str, str | None] = {"c0": None}
    for index in range(1, size):
        tree[f"c{index}"] = f"c{draw(st.integers(0, index - 1))}"
    return tree


@st.composite
def programmes(draw: st.DrawFn) -> tuple[dict[str, str | None], Log]:
    tree = draw(trees())
    log = Log()
    log.committees(tree)
    for number in range(draw(st.integers(0, 12))):
        task = f"t{number}"
        log.register(task, registrant=f"r{number}", managed_by=draw(st.sampled_from(list(tree))))
        fate = draw(st.sampled_from(["pending", "approved", "completed", "rejected"]))
        if fate == "rejected":
            log.reject(task)
        elif fate != "pending":
            log.approve(task)
        if fate == "completed":
            log.progress(task, reported_at=date(2024, 3, 1), status=ProgressStatus.completed)
            log.evaluate(task, draw(st.sampled_from(list(Rating))))
    return tree, log


def below(tree: dict[str, str | None], code: str) -> set[str]:
    found = {code}
    while grown := {c for c, parent in tree.items() if parent in found} - found:
        found |= grown
    return found


@settings(max_examples=200, deadline=None)
@given(programmes(), st.data())
def test_rolling_up_the_tree_equals_summing_its_committees(
    programme: tuple[dict[str, str | None], Log], data: st.DataObject
) -> None:
    tree, log = programme
    top = data.draw(st.sampled_from(list(tree)))
    answer = report(log.events, committee=top)
    rows = answer["by_committee"]
    assert [row["code"] for row in rows] == sorted(below(tree, top))
    for name in COUNTED:
        assert answer["tasks" if name != "completed" else "progress"][name] == sum(
            row[name] for row in rows
        )
    for rating in ("excellent", "good", "completed", "not_completed", "not_evaluated"):
        assert answer["evaluation"][rating] == sum(row["evaluation"][rating] for row in rows)
    children = [code for code, parent in tree.items() if parent == top]
    own = next(row for row in rows if row["code"] == top)
    assert answer["tasks"]["registered"] == own["registered"] + sum(
        report(log.events, committee=child)["tasks"]["registered"] for child in children
    )


def test_a_task_managed_by_a_committee_no_longer_listed_counts_under_the_root() -> None:
    log = Log()
    log.committees({"tinh-uy": None, "kim-thanh": "tinh-uy"})
    log.register("A", managed_by="kim-thanh")
    log.register("B", registrant="r2", managed_by="gone")
    log.register("C", registrant="r3")  # before 1.2: no managing committee, the root's
    rows = {row["code"]: row["registered"] for row in report(log.events)["by_committee"]}
    assert rows == {"kim-thanh": 1, "tinh-uy": 2}
    assert report(log.events, committee="kim-thanh")["tasks"]["registered"] == 1


def test_the_roster_expects_the_leaders_of_the_committees_in_scope() -> None:
    log = Log()
    log.committees({"tinh-uy": None, "kim-thanh": "tinh-uy"})
    log.roster({"hung": "U01", "lan": "U02"}, managed_by={"hung": "kim-thanh"})
    log.register("A", registrant="hung", managed_by="kim-thanh")
    district = report(log.events, committee="kim-thanh")["registrants"]
    assert (district["expected"], district["not_registered"]) == (1, 0)
    province = report(log.events)["registrants"]
    assert (province["expected"], province["not_registered"]) == (2, 1)


def test_compared_with_an_earlier_year_units_mapped_to_those_that_took_them_over() -> None:
    log = Log()
    for task, unit in (("a", "xa-1"), ("b", "xa-2"), ("c", "xa-3")):
        log.register(task, year=2023, unit=unit, registrant=f"r-{task}")
        log.approve(task, year=2023)
    log.progress("a", reported_at=date(2023, 5, 1), status=ProgressStatus.completed, year=2023)
    # 2024: the communes xa-1 and xa-2 became xa-12
    log.roster({"r-x": "xa-12", "r-y": "xa-3"}, replaces={"xa-12": ("xa-1", "xa-2")})
    log.register("d", unit="xa-12", registrant="r-x")
    log.register("e", unit="xa-3", registrant="r-y")
    answer = report(log.events, compare=2023)
    assert answer["compare"]["year"] == 2023
    assert answer["compare"]["tasks"]["approved"] == 3
    assert answer["compare"]["progress"]["completed"] == 1
    rows = {row["code"]: row["previous"] for row in answer["by_unit"]}
    assert rows["xa-12"] == {"registered": 2, "approved": 2, "completed": 1}
    assert rows["xa-3"] == {"registered": 1, "approved": 1, "completed": 0}
    scoped = report(log.events, unit="xa-12", compare=2023)
    assert scoped["compare"]["tasks"]["registered"] == 2


def test_replacements_are_followed_transitively() -> None:
    log = Log()
    log.register("a", year=2022, unit="old", registrant="r1")
    log.roster({"x": "mid"}, year=2023, replaces={"mid": ("old",)})
    log.roster({"x": "new"}, year=2024, replaces={"new": ("mid",)})
    log.register("b", unit="new", registrant="r2")
    rows = {row["code"]: row["previous"] for row in report(log.events, compare=2022)["by_unit"]}
    assert rows["new"] == {"registered": 1, "approved": 0, "completed": 0}


def test_completed_on_time_is_what_was_recorded_within_the_grace() -> None:
    log = Log()
    for task in "ABC":
        log.register(task, registrant=f"r-{task}", deadline=date(2024, 3, 31))
        log.approve(task)
    claimed = date(2024, 3, 30)
    log.progress(
        "A",
        reported_at=claimed,
        status=ProgressStatus.completed,
        at=datetime(2024, 4, 5, tzinfo=UTC),
    )
    log.progress(
        "B",
        reported_at=claimed,
        status=ProgressStatus.completed,
        at=datetime(2024, 5, 20, tzinfo=UTC),
    )  # back-dated, entered 50 days late
    log.progress(
        "C",
        reported_at=claimed,
        status=ProgressStatus.completed,
        at=datetime(2024, 5, 20, tzinfo=UTC),
        role="admin",
    )  # from paper records
    progress = report(log.events)["progress"]
    assert (progress["completed_on_time"], progress["completed_late"]) == (2, 1)
