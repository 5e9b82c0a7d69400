"""Committees and years through the real services (contract 1.2, "Committees: who approves
whom" and "Year after year"): every refusal, and that it writes nothing.

- a year's committees that are not one tree (two roots, a cycle, an unknown parent), in
  JSON and in CSV: 422 naming the row and field;
- an approver bound to a district's committee deciding a task the province manages, alone
  or in a batch with one of its own: 403 ``other_committee``, no decision of either;
- a registration that ``continues`` a task of the same year, an unknown task, or another
  leader's of another unit: 422; the same leader's earlier task is continued, both ways.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import System, secured_system
from tests.e2e.helpers import (
    decide,
    decide_many,
    from_roster,
    nothing_written,
    publish_roster,
    refused,
    register,
)
from tests.support.people import ADMIN, VIEWER, api_tokens, caller, pooled_registrant
from tests.support.services import SERVICES

EARLIER, YEAR = 2015, 2016  # this module's own system: no other test writes its streams
PROVINCE, DISTRICT = "tinh-uy", "huyen-uy-kim-thanh"
DISTRICT_APPROVER = caller("approver", "thu-ky-huyen", "huyen")
HUNG, MAI, TUNG, LAN = (pooled_registrant(n) for n in (1, 2, 3, 4))
"""Hưng: the district's chairman (the province's); Mai: a provincial department's head
(another unit, the province's); Tùng and Lan: department heads of the district (the
district's)."""
COMMITTEES = [
    {"code": PROVINCE, "name": "Ban Thường vụ Tỉnh ủy", "parent": None},
    {"code": DISTRICT, "name": "Ban Thường vụ Huyện ủy Kim Thành", "parent": PROVINCE},
]


@pytest.fixture(scope="module")
def committees(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    tokens = f"{api_tokens()},{DISTRICT_APPROVER.entry}:{DISTRICT}"
    running = secured_system(
        redis_url,
        tmp_path_factory.mktemp("committees"),
        f"committees{uuid.uuid4().hex[:8]}",
        services=SERVICES,
        API_TOKENS=tokens,
    )
    for year in (EARLIER, YEAR):
        answer = running.registration.put(
            f"/committees/{year}", json={"committees": COMMITTEES}, headers=ADMIN.headers
        )
        assert answer.status_code == 200, answer.text
        publish_roster(running.registration, year, ROSTER)
    yield running
    running.close()


def _leader(who: Any, name: str, unit: str, managed_by: str) -> dict[str, Any]:
    level = "department_head" if managed_by == DISTRICT else "district_leader"
    entry = {"id": who.id, "name": name, "position": "Trưởng phòng", "level": level}
    return entry | {"unit": unit, "managed_by": managed_by}


ROSTER = {
    "units": [
        {"code": "kim-thanh", "name": "Huyện Kim Thành"},
        {"code": "so-tai-chinh", "name": "Sở Tài chính"},
    ],
    "leaders": [
        _leader(HUNG, "Phạm Quang Hưng", "kim-thanh", PROVINCE),
        _leader(MAI, "Đỗ Thị Mai", "so-tai-chinh", PROVINCE),
        _leader(TUNG, "Nguyễn Văn Tùng", "kim-thanh", DISTRICT),
        _leader(LAN, "Trần Thị Lan", "kim-thanh", DISTRICT),
    ],
}


TREE = {"code": PROVINCE, "name": "Tỉnh ủy", "parent": None}


def put_committees(system: System, body: list[dict[str, Any]] | str) -> Any:
    """PUT /committees/{YEAR}: JSON, or CSV when ``body`` is text."""
    if isinstance(body, str):
        csv = {"Content-Type": "text/csv; charset=utf-8"}
        return system.registration.put(
            f"/committees/{YEAR}", content=body.encode(), headers=ADMIN.headers | csv
        )
    return system.registration.put(
        f"/committees/{YEAR}", json={"committees": body}, headers=ADMIN.headers
    )


@pytest.mark.parametrize(
    ("entries", "code", "where"),
    [
        ([TREE, {"code": "thanh-uy", "name": "Thành ủy", "parent": None}], "roots", 1),
        (
            [
                TREE,
                {"code": "a", "name": "A", "parent": "b"},
                {"code": "b", "name": "B", "parent": "a"},
            ],
            "cycle",
            1,
        ),
        ([TREE, {"code": "a", "name": "A", "parent": "khong-co"}], "unknown_parent", 1),
    ],
    ids=["two roots", "a cycle", "an unknown parent"],
)
def test_committees_that_are_not_one_tree_are_422_and_write_nothing(
    committees: System, entries: list[dict[str, Any]], code: str, where: int
) -> None:
    with nothing_written(committees.redis, committees.prefix):
        [problem] = refused(put_committees(committees, entries), 422, code)
    assert problem["loc"] == ["body", "committees", where, "parent"]
    rows = "\n".join(f"{e['code']},{e['name']},{e['parent'] or ''}" for e in entries)
    with nothing_written(committees.redis, committees.prefix):
        [problem] = refused(put_committees(committees, f"code,name,parent\n{rows}\n"), 422, code)
    assert problem["loc"] == ["body", "row", where + 2, "parent"], "the CSV's row (header: 1)"


def registered(system: System, who: Any, year: int = YEAR, **overrides: Any) -> str:
    body = from_roster(who, year, title=f"Nhiệm vụ {uuid.uuid4().hex[:6]}", **overrides)
    task_id: str = register(system.registration, who, body)["task_id"]
    return task_id


def test_a_district_approver_decides_only_what_its_committee_manages(committees: System) -> None:
    provinces = registered(committees, HUNG)
    districts = registered(committees, TUNG)

    with nothing_written(committees.redis, committees.prefix):
        refused(
            decide(committees.approval, provinces, DISTRICT_APPROVER, decision="approve",
                   reference="QĐ 1"),
            403, "other_committee", PROVINCE,
        )  # fmt: skip
        refused(
            decide_many(committees.approval, [districts, provinces], DISTRICT_APPROVER,
                        decision="approve", reference="QĐ 2"),
            403, "other_committee", provinces,
        )  # fmt: skip

    answer = decide(committees.approval, districts, DISTRICT_APPROVER, decision="approve",
                    reference="QĐ 3")  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "approved"
    views = committees.reporting.get(
        f"/reports/{YEAR}", params={"after": answer.json()["position"]}, headers=VIEWER.headers
    )
    assert views.status_code == 200, views.text
    by_committee = {row["code"]: row for row in views.json()["by_committee"]}
    assert (by_committee[DISTRICT]["registered"], by_committee[DISTRICT]["approved"]) == (1, 1)
    assert (by_committee[PROVINCE]["registered"], by_committee[PROVINCE]["approved"]) == (1, 0)


def test_a_continued_task_must_be_an_earlier_ones_of_the_same_leader_or_unit(
    committees: System,
) -> None:
    earlier = register(committees.registration, ADMIN, from_roster(HUNG, EARLIER), imported=True)[
        "task_id"
    ]
    same_year = registered(committees, MAI)
    cases = [
        (MAI, same_year, "not_earlier"),
        (MAI, f"khong-co-{uuid.uuid4().hex[:6]}", "unknown_task"),
        (MAI, earlier, "not_related"),  # Hưng's: another leader, another unit
    ]
    for who, continued, code in cases:
        body = from_roster(who, YEAR, continues=continued)
        with nothing_written(committees.redis, committees.prefix):
            [problem] = refused(
                committees.registration.post("/tasks", json=body, headers=who.headers),
                422, code,
            )  # fmt: skip
        assert problem["loc"] == ["body", "continues"], problem

    second = register(
        committees.registration, TUNG, from_roster(TUNG, YEAR, continues=earlier)
    )  # the same unit, another leader: the district's work carried on
    later = committees.reporting.get(
        f"/tasks/{earlier}", params={"after": second["position"]}, headers=VIEWER.headers
    )
    assert later.status_code == 200, later.text
    assert later.json()["continued_by"] == [second["task_id"]]
    its = committees.reporting.get(f"/tasks/{second['task_id']}", headers=VIEWER.headers)
    assert its.json()["continues"] == earlier


def test_a_decision_records_the_committee_that_made_it(committees: System) -> None:
    """The district's decision names the district's committee (the province's would be
    refused), and keeps the words its approver sent."""
    task_id = registered(committees, LAN)
    district = "Ban Thường vụ Huyện ủy Kim Thành"
    answer = decide(committees.approval, task_id, DISTRICT_APPROVER, decision="approve",
                    reference="QĐ 4", decided_by=district)  # fmt: skip
    assert answer.status_code == 200, answer.text
    view = committees.reporting.get(
        f"/tasks/{task_id}", params={"after": answer.json()["position"]}, headers=VIEWER.headers
    )
    assert view.status_code == 200, view.text
    verdict = view.json()["verdict"]
    assert (verdict["committee"], verdict["decided_by"]) == (DISTRICT, district)
    assert view.json()["managed_by"] == DISTRICT
