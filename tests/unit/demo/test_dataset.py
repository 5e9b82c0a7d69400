"""The demo data set: counts from the seeds, determinism, contract-valid bodies, seed figures."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import msgspec
import pytest

from deploy.demo import Dataset, DemoTask, build_dataset
from deploy.demo.cycle import NOT_REGISTERED, RETURNS, WITHDRAWALS

# --- an independent checker of contract v1's request rules (not the product's models) -------

LEVELS = {
    "deputy_department_head",
    "department_head",
    "district_leader",
    "provincial_leader",
    "standing_committee",
}
CATEGORIES = {
    "socio_economic",
    "party_building",
    "social_security",
    "digital_transformation",
    "administrative_reform",
    "other",
}
KINDS = {"breakthrough", "creative"}
DIRECTIONS = {"at_least", "at_most"}
STATUSES = {"in_progress", "completed", "at_risk"}
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
REGISTRATION_FIELDS = {
    "year",
    "registrant",
    "unit",
    "title",
    "description",
    "category",
    "kind",
    "targets",
    "deadline",
}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def registration_errors(body: dict[str, Any]) -> list[str]:
    errors = []
    if set(body) != REGISTRATION_FIELDS:
        errors.append(f"fields {sorted(set(body) ^ REGISTRATION_FIELDS)}")
    year = body.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2025:
        errors.append(f"year {year!r}")
    registrant = body.get("registrant", {})
    if not all(_text(registrant.get(name)) for name in ("id", "name", "position")):
        errors.append("registrant id/name/position")
    if registrant.get("level") not in LEVELS:
        errors.append("level")
    unit = body.get("unit", {})
    if not SLUG.match(unit.get("code", "")) or not _text(unit.get("name")):
        errors.append("unit")
    if not _text(body.get("title")) or len(body["title"]) > 300:
        errors.append("title")
    if not isinstance(body.get("description"), str) or len(body["description"]) > 5000:
        errors.append("description")
    if body.get("category") not in CATEGORIES or body.get("kind") not in KINDS:
        errors.append("category/kind")
    targets = body.get("targets", [])
    if not 1 <= len(targets) <= 10:
        errors.append("target count")
    for target in targets:
        if not (_text(target.get("metric")) and _text(target.get("unit"))):
            errors.append("target metric/unit")
        if not _number(target.get("target")) or target["target"] <= 0:
            errors.append(f"target value {target.get('target')!r}")
        if target.get("direction", "at_least") not in DIRECTIONS:
            errors.append("direction")
    if len({target.get("metric") for target in targets}) != len(targets):
        errors.append("duplicate metrics")
    try:
        if date.fromisoformat(body["deadline"]).year != year:
            errors.append("deadline outside the year")
    except (KeyError, TypeError, ValueError):
        errors.append("deadline")
    return errors


def progress_errors(report: dict[str, Any], registration: dict[str, Any]) -> list[str]:
    errors = []
    if not set(report) <= {"reported_at", "actuals", "status", "note"}:
        errors.append("fields")
    if date.fromisoformat(report["reported_at"]).year != registration["year"]:
        errors.append("reported_at outside the year")
    if report["status"] not in STATUSES:
        errors.append("status")
    metrics = {target["metric"] for target in registration["targets"]}
    for actual in report["actuals"]:
        if actual["metric"] not in metrics:
            errors.append(f"metric {actual['metric']} has no target")
        if not _number(actual["value"]) or actual["value"] < 0:
            errors.append(f"value {actual['value']!r}")
    return errors


def decision_errors(decision: dict[str, Any]) -> list[str]:
    if decision.get("decision") not in {"approve", "reject", "return"} or not _text(
        decision.get("decided_by")
    ):
        return ["decision/decided_by"]
    if decision["decision"] != "approve" and not _text(decision.get("reason")):
        return ["rejection or return without reason"]
    return []


# --- fixtures and helpers -------------------------------------------------------------------


@pytest.fixture(scope="module")
def data() -> Dataset:
    return build_dataset()


def wire(task: DemoTask) -> dict[str, Any]:
    return json.loads(json.dumps(task.json_body()))


def find(data: Dataset, year: int, unit: str, title_part: str) -> DemoTask:
    found = [
        task
        for task in data.for_year(year)
        if task.registration.unit.code == unit
        and title_part in task.registration.title
        and task.withdrawal is None
    ]
    assert len(found) == 1, (year, unit, title_part, len(found))
    return found[0]


def final(task: DemoTask) -> dict[str, float]:
    return {actual.metric: actual.value for actual in task.progress[-1].actuals}


def targets(task: DemoTask) -> dict[str, float]:
    return {target.metric: target.target for target in task.registration.targets}


# --- counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "approved", "leaders", "twos", "rejected"),
    [(2024, 190, 114, 76, 6), (2023, 170, 104, 66, 4)],
)
def test_counts_per_year(
    data: Dataset, year: int, approved: int, leaders: int, twos: int, rejected: int
) -> None:
    tasks = data.for_year(year)
    approved_tasks = [task for task in tasks if task.approved]
    per_leader = Counter(task.registration.registrant.id for task in approved_tasks)
    assert len(approved_tasks) == approved
    assert len(per_leader) == leaders
    assert Counter(per_leader.values()) == {2: twos, 1: leaders - twos}
    assert sum(task.rejected for task in tasks) == rejected
    assert sum(task.withdrawal is not None for task in tasks) == WITHDRAWALS[year]
    assert sum(task.returned is not None for task in tasks) == RETURNS[year]
    assert len(tasks) == approved + rejected + WITHDRAWALS[year]


def test_rejections_only_for_leaders_with_one_approved_task(data: Dataset) -> None:
    for year in data.years:
        approved = Counter(t.registration.registrant.id for t in data.approved(year))
        for task in data.for_year(year):
            if task.rejected:
                assert approved[task.registration.registrant.id] == 1


def test_the_cycle_around_the_decisions(data: Dataset) -> None:
    """Returns are amended (the first target raised), withdrawals come from leaders with one
    approved task, and a closed year's approved tasks are all evaluated."""
    assert data.closed == (2023,)
    for task in data.tasks:
        if task.returned is not None:
            assert task.amendment is not None
            assert task.approved, task.key
            first, amended = task.registration.targets[0], task.amendment.targets[0]
            assert amended.target > first.target
        if task.withdrawal is not None:
            assert task.decision is None
            assert task.progress == ()
            mine = [
                t
                for t in data.for_year(task.year)
                if t.registration.registrant.id == task.registration.registrant.id
            ]
            assert sorted(t.approved for t in mine) == [False, True], task.key
        evaluated = task.evaluation is not None
        assert evaluated == (task.approved and task.year in data.closed), task.key


@pytest.mark.parametrize("year", [2023, 2024])
def test_the_roster_lists_every_registrant_and_a_few_who_never_register(
    data: Dataset, year: int
) -> None:
    roster = data.rosters[year]
    leaders = {leader.id for leader in roster.leaders}
    registering = {task.registration.registrant.id for task in data.for_year(year)}
    assert registering <= leaders
    assert len(leaders - registering) == NOT_REGISTERED[year]
    units = {unit.code for unit in roster.units}
    assert {leader.unit for leader in roster.leaders} == units
    assert len(leaders) == len(roster.leaders), "each leader once"


def test_quota_never_exceeded_in_registration_order(data: Dataset) -> None:
    live: Counter[tuple[int, str]] = Counter()
    for task in data.tasks:  # the loader registers every task before any decision
        live[(task.year, task.registration.registrant.id)] += 1
        assert live[(task.year, task.registration.registrant.id)] <= 2, task.key


def test_deterministic(data: Dataset) -> None:
    again = build_dataset()
    assert again == data
    assert msgspec.json.encode(again) == msgspec.json.encode(data)
    other = build_dataset(seed=7)
    assert other != data
    assert len(other.approved(2024)) == 190
    assert len(other.approved_leaders(2024)) == 114


def test_years_filter_and_unknown_year() -> None:
    only = build_dataset(years=(2024,))
    assert only.years == (2024,)
    assert only.for_year(2024) == build_dataset().for_year(2024)
    with pytest.raises(ValueError, match="2019"):
        build_dataset(years=(2019,))


# --- validity -------------------------------------------------------------------------------


def test_every_body_satisfies_the_contract(data: Dataset) -> None:
    for task in data.tasks:
        body = wire(task)
        assert registration_errors(body["registration"]) == [], task.key
        for decision in ("decision", "returned"):
            if decision in body:
                assert decision_errors(body[decision]) == [], task.key
        if "amendment" in body:
            assert registration_errors(body["amendment"]) == [], task.key
        for report in body.get("progress", []):
            assert progress_errors(report, body["registration"]) == [], task.key


def test_keys_are_unique_and_deterministic(data: Dataset) -> None:
    keys = [task.key for task in data.tasks]
    assert len(set(keys)) == len(keys)
    assert all(re.fullmatch(r"demo-20\d\d-(\d{4}|w\d\d)", key) for key in keys)
    assert all(
        key.startswith(f"demo-{task.year}-") for key, task in zip(keys, data.tasks, strict=True)
    )
    progress_keys = [task.progress_key(i) for task in data.tasks for i in range(len(task.progress))]
    assert len(set(progress_keys)) == len(progress_keys)


def test_progress_is_cumulative_dated_and_only_for_approved_tasks(data: Dataset) -> None:
    for task in data.tasks:
        if not task.approved:
            assert task.progress == ()
            continue
        dates = [report.reported_at for report in task.progress]
        assert dates == sorted(set(dates)), task.key
        assert all(d.year == task.year and d <= task.registration.deadline for d in dates)
        directions = {t.metric: t.direction.value for t in task.registration.targets}
        seen: dict[str, float] = {}
        for report in task.progress:
            for actual in report.actuals:
                if directions[actual.metric] == "at_least":
                    assert actual.value >= seen.get(actual.metric, 0), task.key
                seen[actual.metric] = actual.value


def test_variety(data: Dataset) -> None:
    approved = [task for year in data.years for task in data.approved(year)]
    final_status = Counter(t.progress[-1].status.value if t.progress else "none" for t in approved)
    assert all(final_status[s] >= 10 for s in ("completed", "in_progress", "at_risk", "none"))
    assert final_status["completed"] > len(approved) / 2
    directions = Counter(t.direction.value for task in approved for t in task.registration.targets)
    assert directions["at_most"] >= 5
    deadlines = Counter(task.registration.deadline.month for task in approved)
    assert deadlines[12] > len(approved) * 0.7
    assert deadlines[6] + deadlines[9] > 0
    assert {task.registration.category.value for task in approved} == CATEGORIES
    assert {task.registration.registrant.level.value for task in approved} == LEVELS
    assert {task.registration.kind.value for task in approved} == KINDS
    assert {len(task.registration.targets) for task in approved} >= {1, 2, 3}


def test_titles_are_unique_within_a_unit_and_year(data: Dataset) -> None:
    for year in data.years:
        titles = Counter(
            (t.registration.unit.code, t.registration.title) for t in data.for_year(year)
        )
        assert [key for key, count in titles.items() if count > 1] == []


def test_people_and_units_are_consistent(data: Dataset) -> None:
    names: dict[str, set[str]] = defaultdict(set)
    units: dict[str, set[str]] = defaultdict(set)
    for task in data.tasks:
        names[task.registration.registrant.id].add(task.registration.registrant.name)
        units[task.registration.unit.code].add(task.registration.unit.name)
    assert all(len(found) == 1 for found in names.values())  # one person per id
    assert len({next(iter(found)) for found in names.values()}) == len(names)
    assert all(SLUG.match(person) for person in names)
    assert all(len(found) == 1 for found in units.values())  # one name per unit code
    assert {
        "kim-thanh",
        "cam-giang",
        "tu-ky",
        "thanh-mien",
        "tp-hai-duong",
        "tp-chi-linh",
        "tx-kinh-mon",
        "so-tai-chinh",
    } <= set(units)
    both_years = data.approved_leaders(2023) & data.approved_leaders(2024)
    assert len(both_years) > 50  # most leaders register in both years, with the same id
    assert any(
        ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
        for n in names.values()
        for ch in next(iter(n)).lower()
    )


# --- the seeds' figures ---------------------------------------------------------------------


def test_kim_thanh_2024(data: Dataset) -> None:
    clearance = find(data, 2024, "kim-thanh", "site clearance")
    assert clearance.registration.registrant.name == "Pham Quang Hung"
    assert clearance.registration.registrant.level.value == "district_leader"
    assert targets(clearance) == {"site_clearance_projects": 26, "site_clearance_area": 287}
    assert final(clearance) == {"site_clearance_projects": 15, "site_clearance_area": 109}
    assert clearance.progress[-1].status.value == "in_progress"
    investment = find(data, 2024, "kim-thanh", "public investment")
    assert investment.registration.registrant == clearance.registration.registrant
    assert targets(investment) == {"public_investment_disbursed": 175}  # 400 / 2.29
    assert final(investment) == {"public_investment_disbursed": 400}


def test_cam_giang_paperless_2024(data: Dataset) -> None:
    task = find(data, 2024, "cam-giang", "paperless")
    assert task.registration.registrant.name == "Le Van Hoang"
    assert task.registration.registrant.level.value == "deputy_department_head"
    assert targets(task)["meeting_documents_sent_online_share"] == 80
    assert final(task) == {
        "meeting_documents_sent_online_share": 100,
        "documents_sent_online": 762,
        "meetings_served_online": 124,
    }


def test_province_2024(data: Dataset) -> None:
    growth = find(data, 2024, "tinh-uy", "economic growth over 9%")
    assert targets(growth) == {"grdp_growth": 9}
    assert final(growth) == {"grdp_growth": 10.2}
    communes = find(data, 2024, "ubnd-tinh", "commune-level")
    assert final(communes) == {
        "commune_units_reorganised": 57,
        "commune_units_after_reorganisation": 29,
    }
    assert growth.registration.registrant.level.value == "standing_committee"


def test_2023_named_tasks(data: Dataset) -> None:
    city = find(data, 2023, "tp-hai-duong", "12 selected projects")
    assert city.registration.registrant.name == "Le Thanh Binh"
    assert final(city) == {"site_clearance_projects": 12, "compensation_plans_approved": 500}
    assert "1,000 households" in (city.progress[-1].note or "")
    ocop = find(data, 2023, "tu-ky", "OCOP")
    assert targets(ocop) == {"ocop_products_3_star_or_more": 18}
    assert final(ocop) == {"ocop_products_3_star_or_more": 23}
    assert "3 proposed" in (ocop.progress[-1].note or "")
    thanh_mien = find(data, 2023, "thanh-mien", "inspection")
    assert final(thanh_mien)["party_members_inspected"] == 8
    assert final(thanh_mien)["party_organisations_inspected"] == 3
    assert "32 party members" in (thanh_mien.progress[-1].note or "")
    growth = find(data, 2023, "tinh-uy", "economic growth over 9%")
    assert final(growth)["grdp_growth"] > 9
    find(data, 2023, "ubnd-tinh", "Provincial Planning for the period 2021-2030")


def test_product_does_not_read_the_seeds_at_run_time() -> None:
    root = Path(__file__).resolve().parents[3] / "deploy"
    for source in root.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert "/work/shared" not in text
        assert "seeds/" not in text
        assert "open(" not in text
