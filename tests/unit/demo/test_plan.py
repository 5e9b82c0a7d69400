"""The requests the loader makes: routes and counts per year, idempotency keys, each record's
own date in Recorded-At, the order of a task's requests, bodies as the contract takes them,
and what is left out for services without contract 1.2."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from typing import Any

import pytest

from deploy.demo import CONTRACT_1_1, CONTRACT_1_2, Dataset, Request, build_dataset, year_plan
from deploy.demo.plan import Phase, TaskRef, counts, resolve

LEVELS = {
    "deputy_department_head",
    "department_head",
    "district_leader",
    "provincial_leader",
    "standing_committee",
}
REGISTRATION_FIELDS = {"year", "registrant", "title", "description", "category", "kind",
                       "targets", "deadline"}  # fmt: skip


@pytest.fixture(scope="module")
def data() -> Dataset:
    return build_dataset()


@pytest.fixture(scope="module")
def plans(data: Dataset) -> dict[int, tuple[Phase, ...]]:
    return {year.year: year_plan(year) for year in data.years}


def every(plans: dict[int, tuple[Phase, ...]]) -> list[Request]:
    return [request for phases in plans.values() for p in phases for request in p.requests]


def fake_ids(data: Dataset) -> dict[str, str]:
    return {task.key: f"t{number:05d}" for number, task in enumerate(data.tasks)}


# --- routes and counts -----------------------------------------------------------------------


def test_the_requests_of_each_year_are_the_acts_of_its_records(
    data: Dataset, plans: dict[int, tuple[Phase, ...]]
) -> None:
    for year in data.years:
        tasks = year.tasks
        approved = year.approved()
        expected = Counter(
            {
                "PUT /committees/{year}": 1,
                "PUT /roster/{year}": len(year.rosters),
                "POST /tasks": len(tasks),
                "POST /tasks/{task_id}/decision": sum(bool(t.returned) + t.rejected for t in tasks),
                "PUT /tasks/{task_id}": sum(t.amendment is not None for t in tasks),
                "POST /tasks/{task_id}/withdrawal": sum(t.withdrawal is not None for t in tasks),
                "POST /decisions": len(year.batches),
                "POST /tasks/{task_id}/progress": sum(len(t.progress) for t in approved),
                "POST /tasks/{task_id}/self-assessment": sum(
                    t.self_assessment is not None for t in approved
                ),
                "POST /tasks/{task_id}/evaluation": sum(t.evaluation is not None for t in tasks),
                "POST /years/{year}/closure": int(year.closure is not None),
            }
        )
        assert counts(plans[year.year]) == +expected  # routes with no request left out


def test_the_first_request_publishes_the_committees(
    plans: dict[int, tuple[Phase, ...]],
) -> None:
    """The loader tells contract 1.2 services from others by the first year's committees."""
    for phases in plans.values():
        assert phases[0].name == "committees"
        [[request]] = phases[0].chains
        assert (request.method, request.path) == ("PUT", f"/committees/{request.key[5:9]}")
        committees = request.body["committees"]
        assert [c for c in committees if c["parent"] is None] == [
            {"code": "tinh-uy", "name": "Ban Thường vụ Tỉnh ủy Hải Dương", "parent": None}
        ]
        assert len(committees) == 13


def test_every_write_carries_its_own_idempotency_key_and_correlation_id(
    plans: dict[int, tuple[Phase, ...]],
) -> None:
    requests = every(plans)
    keys = [request.key for request in requests]
    assert len(keys) == len(set(keys))
    for request in requests:
        headers = request.headers()
        assert headers["Idempotency-Key"] == headers["X-Correlation-ID"] == request.key
        assert request.key.isascii()
        assert 1 <= len(request.key) <= 200
        assert " " not in request.key
    again = build_dataset()
    assert every({y.year: year_plan(y) for y in again.years}) == requests, "reproducible"


def test_every_request_is_recorded_at_the_records_own_moment(
    data: Dataset, plans: dict[int, tuple[Phase, ...]]
) -> None:
    for request in every(plans):
        stamp = request.headers()["Recorded-At"]
        moment = datetime.fromisoformat(stamp)
        assert stamp.endswith("+07:00"), stamp
        assert moment == request.recorded_at
    for year in data.years:
        by_key = {r.key: r for phase in plans[year.year] for r in phase.requests}
        for task in year.tasks:
            assert by_key[task.key].recorded_at == task.registered_at
            for number, report in enumerate(task.progress, start=1):
                request = by_key[f"{task.key}-p{number}"]
                assert request.recorded_at == report.at
                assert request.body["reported_at"] == report.body.reported_at.isoformat()
                assert request.recorded_at.date() > report.body.reported_at
        for batch in year.batches:
            assert by_key[batch.key].recorded_at == batch.at
        if year.closure:
            assert by_key[f"demo-{year.year}-closure"].recorded_at == year.closure.at


def test_a_tasks_requests_come_in_the_order_of_its_dates(
    plans: dict[int, tuple[Phase, ...]],
) -> None:
    """Phases run one after the other, a chain's requests in order: every request naming a
    task comes after its registration, and a task's requests are sent in date order."""
    seen: dict[str, list[datetime]] = {}  # across years: a task continues an earlier one
    for phases in plans.values():
        for phase in phases:
            sent_before = set(seen)
            for chain in phase.chains:
                for request in chain:
                    named = _tasks_named(request)
                    assert named <= sent_before | {request.registers}, request.what
                    acts = named if request.batch else {request.task, request.registers}
                    for key in acts - {None}:
                        assert request.recorded_at is not None
                        seen.setdefault(str(key), []).append(request.recorded_at)
    for key, moments in seen.items():
        assert moments == sorted(moments), key


def _tasks_named(request: Request) -> set[str | None]:
    named: set[str | None] = {request.task} if request.task else set()

    def walk(value: Any) -> None:
        if isinstance(value, TaskRef):
            named.add(value.key)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    walk(request.body)
    return named


# --- bodies ----------------------------------------------------------------------------------


def registration_errors(body: dict[str, Any], year: int) -> list[str]:
    """An independent reading of the contract's POST /tasks rules (with a roster)."""
    errors = []
    if not REGISTRATION_FIELDS <= set(body) <= REGISTRATION_FIELDS | {"continues"}:
        errors.append(f"fields {sorted(set(body) ^ REGISTRATION_FIELDS)}")
    if body["year"] != year or set(body["registrant"]) != {"id"}:
        errors.append("year or registrant")
    if not 0 < len(body["title"]) <= 300 or len(body["description"]) > 5000:
        errors.append("title or description")
    targets = body["targets"]
    if not 1 <= len(targets) <= 10 or len({t["metric"] for t in targets}) != len(targets):
        errors.append("targets")
    for target in targets:
        if not 0 < len(target["metric"]) <= 200 or not 0 < len(target["unit"]) <= 50:
            errors.append("metric or unit")
        if not isinstance(target["target"], int | float) or not 0 < target["target"] <= 1e15:
            errors.append(f"target {target['target']!r}")
    if date.fromisoformat(body["deadline"]).year != year:
        errors.append("deadline outside the year")
    return errors


def test_registrations_name_the_registrant_and_leave_the_rest_to_the_roster(
    data: Dataset, plans: dict[int, tuple[Phase, ...]]
) -> None:
    ids = fake_ids(data)
    for year in data.years:
        roster = {leader.id for leader in year.rosters[0].body.leaders}
        by_key = {r.key: r for phase in plans[year.year] for r in phase.requests}
        for task in year.tasks:
            _, body = resolve(by_key[task.key], ids)
            body = json.loads(json.dumps(body))  # what goes on the wire
            assert registration_errors(body, year.year) == [], task.key
            assert body["registrant"]["id"] in roster
            assert body.get("continues") == (ids[task.continues] if task.continues else None)
            if task.amendment is not None:
                _, amended = resolve(by_key[f"{task.key}-a"], ids)
                assert registration_errors(json.loads(json.dumps(amended)), year.year) == []
                assert amended.get("continues") == body.get("continues")


def test_the_roster_carries_committees_emails_and_replaced_units(
    data: Dataset, plans: dict[int, tuple[Phase, ...]]
) -> None:
    rosters = [r for phases in plans.values() for p in phases for r in p.requests
               if r.route == "PUT /roster/{year}"]  # fmt: skip
    assert [r.key for r in rosters] == [
        "demo-2022-roster-1",
        "demo-2023-roster-1",
        "demo-2024-roster-1",
        "demo-2024-roster-2",
    ]
    for request in rosters:
        leaders = request.body["leaders"]
        assert all(set(leader) == {"id", "name", "position", "level", "unit", "managed_by",
                                   "email"} for leader in leaders)  # fmt: skip
        assert {leader["level"] for leader in leaders} <= LEVELS
        units = {unit["code"] for unit in request.body["units"]}
        assert {leader["unit"] for leader in leaders} == units
    replacing = [u for u in rosters[-1].body["units"] if "replaces" in u]
    assert len(replacing) == 3
    assert all("replaces" not in u for r in rosters[:-1] for u in r.body["units"])


def test_decisions_are_batches_under_the_committees_numbers_and_rejections_one_by_one(
    data: Dataset, plans: dict[int, tuple[Phase, ...]]
) -> None:
    ids = fake_ids(data)
    for year in data.years:
        [phase] = [p for p in plans[year.year] if p.name == "decisions"]
        batches = [r for r in phase.requests if r.route == "POST /decisions"]
        approved = {ids[task.key] for task in year.approved()}
        decided = [tid for r in batches for tid in resolve(r, ids)[1]["task_ids"]]
        assert sorted(decided) == sorted(approved)
        for request in batches:
            body = resolve(request, ids)[1]
            assert 1 <= len(body["task_ids"]) <= 500
            assert request.batch
            assert body["decision"] == "approve"
            assert body["reference"].startswith("Thông báo số")
            assert set(body) == {"task_ids", "decision", "decided_by", "reference", "note"}
        for request in phase.requests:
            if request.route == "POST /tasks/{task_id}/decision":
                assert request.body["decision"] == "reject"
                assert set(request.body) == {"decision", "decided_by", "reason"}
                assert 409 in request.accept


def test_resolve_puts_the_ids_in_paths_and_bodies() -> None:
    request = Request(
        "approval", "POST", "POST /decisions", "/tasks/{task}/x",
        {"task_ids": [TaskRef("a"), TaskRef("b")], "note": "{task}", "n": (1, TaskRef("a"))},
        "k", "w", task="b",
    )  # fmt: skip
    path, body = resolve(request, {"a": "id-a", "b": "id-b"})
    assert path == "/tasks/id-b/x"
    assert body == {"task_ids": ["id-a", "id-b"], "note": "{task}", "n": [1, "id-a"]}
    with pytest.raises(KeyError):
        resolve(request, {"a": "id-a"})


# --- services without contract 1.2 ---------------------------------------------------------


def test_without_contract_1_2_the_plan_leaves_out_what_the_services_would_refuse(
    data: Dataset,
) -> None:
    for year in data.years:
        old = year_plan(year, CONTRACT_1_1)
        new = year_plan(year, CONTRACT_1_2)
        assert [p.name for p in old] == [p.name for p in new if p.name not in
                                         ("committees", "later rosters")]  # fmt: skip
        for request in (r for p in old for r in p.requests):
            assert "Recorded-At" not in request.headers()
            assert "Idempotency-Key" in request.headers()
            if request.route in ("POST /tasks", "PUT /tasks/{task_id}"):
                assert "continues" not in request.body
            if request.route == "PUT /roster/{year}":
                assert request.key.endswith("-roster-1")
                for leader in request.body["leaders"]:
                    assert set(leader) == {"id", "name", "position", "level", "unit"}
                assert all(set(unit) == {"code", "name"} for unit in request.body["units"])
        dropped = counts(new) - counts(old)
        assert set(dropped) <= {"PUT /committees/{year}", "PUT /roster/{year}"}
