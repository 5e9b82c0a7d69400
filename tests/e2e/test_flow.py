"""The whole flow through the three services, person by person: a year's roster, registrations,
a return and an amendment, approval under one decision number, progress, a self-assessment,
evaluations and the year's closure; then the report's exact figures (those of v1 and of 1.1),
who is missing, and every task's history naming who did each thing."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from tests.e2e.conftest import System
from tests.e2e.helpers import (
    DECIDED_BY,
    YEAR,
    close_year,
    decide,
    decide_many,
    document_at,
    from_roster,
    publish_roster,
    refused,
    register,
    task,
    task_body,
    today,
)
from tests.support.people import ADMIN, APPROVER, OTHER_APPROVER, VIEWER, Caller, Pool

DECISION = "190-QĐ/TU"
UNIT_NAME = "Huyện Kim Thành"
NOBODY_EVALUATED = {"excellent": 0, "good": 0, "completed": 0, "not_completed": 0}


def evaluation(**counts: int) -> dict[str, int]:
    """The five evaluation counts: those given, the others 0."""
    return NOBODY_EVALUATED | {"not_evaluated": 0} | counts


def leader(who: Caller, name: str, position: str, level: str, unit: str) -> dict[str, str]:
    return {"id": who.id, "name": name, "position": position, "level": level, "unit": unit}


def person(entry: dict[str, str]) -> dict[str, str]:
    """A roster's leader as reporting shows a person."""
    return {key: entry[key] for key in ("id", "name", "position", "level")}


def ok(answer: httpx.Response, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    result: dict[str, Any] = answer.json()
    return result


def viewed(system: System, path: str, **query: Any) -> Any:
    """GET on reporting as staff (a viewer token)."""
    return ok(system.reporting.get(path, params=query, headers=VIEWER.headers), 200)


def history(system: System, task_id: str) -> list[tuple[str, str | None, str | None]]:
    entries = viewed(system, f"/tasks/{task_id}")["history"]
    return [(entry["type"], entry["actor"], entry["actorrole"]) for entry in entries]


def test_a_whole_year_from_the_roster_to_the_closure(
    system: System, pool: Pool, spare_year: int, unit_code: str
) -> None:
    year = spare_year
    hung, hoang, tuan, lan, binh, vinh = (pool.registrant() for _ in range(6))
    leaders = {
        who.id: leader(who, name, position, level, unit_code)
        for who, name, position, level in (
            (hung, "Phạm Quang Hưng", "Chủ tịch UBND huyện", "district_leader"),
            (hoang, "Lê Văn Hoàng", "Phó Chánh Văn phòng", "deputy_department_head"),
            (tuan, "Nguyễn Minh Tuấn", "Trưởng phòng Nông nghiệp", "department_head"),
            (lan, "Trần Thị Lan", "Phó Chủ tịch UBND huyện", "district_leader"),
            (binh, "Lê Thanh Bình", "Giám đốc Ban Quản lý dự án", "department_head"),
            (vinh, "Đỗ Đức Vinh", "Bí thư Huyện ủy", "district_leader"),
        )
    }
    roster = publish_roster(
        system.registration,
        year,
        {"units": [{"code": unit_code, "name": UNIT_NAME}], "leaders": list(leaders.values())},
    )
    assert (roster["year"], roster["units"], roster["leaders"]) == (year, 1, 6)

    def own(who: Caller, method: str, path: str, body: Any, status: int = 201) -> dict[str, Any]:
        return ok(system.registration.request(method, path, json=body, headers=who.headers), status)

    # --- registering: the registrant and the unit come from the roster ------------------------
    # The year is past: its registrations are the secretariat's import of the records of the
    # time (admin, Recorded-At 15 January); what people did next they do themselves, now.
    clearance = register(system.registration, hung, from_roster(hung, year), imported=True)[
        "task_id"
    ]
    paperless_targets = [
        {"metric": "paperless meetings", "unit": "%", "target": 80},
        {"metric": "overdue dossiers", "unit": "%", "target": 2, "direction": "at_most"},
    ]
    paperless = register(
        system.registration,
        hoang,
        imported=True,
        body=from_roster(
            hoang,
            year,
            title="Họp không giấy",
            category="digital_transformation",
            kind="creative",
            targets=paperless_targets,
            deadline=f"{year}-06-30",
        ),
    )["task_id"]
    late = register(
        system.registration,
        tuan,
        imported=True,
        body=from_roster(
            tuan,
            year,
            title="Phát triển sản phẩm OCOP",
            category="administrative_reform",
            targets=[{"metric": "ocop products", "unit": "product", "target": 18}],
            deadline=f"{year}-03-31",
        ),
    )["task_id"]
    doomed = register(
        system.registration, hung, from_roster(hung, year, title="Trùng lặp"), imported=True
    )
    draft = register(
        system.registration, lan, from_roster(lan, year, title="Chưa rõ"), imported=True
    )["task_id"]
    dropped = register(system.registration, binh, from_roster(binh, year), imported=True)["task_id"]
    shown = task(system.registration, clearance, hung)
    assert shown["registrant"] == person(leaders[hung.id])
    assert shown["unit"] == {"code": unit_code, "name": UNIT_NAME}

    # --- a return and an amendment; a withdrawal ----------------------------------------------
    ok(decide(system.approval, paperless, decision="return", reason="Chỉ tiêu mơ hồ"), 200)
    ok(decide(system.approval, draft, decision="return", reason="Chưa đủ cụ thể"), 200)
    amended_targets = [{**paperless_targets[0], "target": 90}, paperless_targets[1]]
    amendment = own(
        hoang,
        "PUT",
        f"/tasks/{paperless}",
        from_roster(
            hoang,
            year,
            title="Họp không giấy 90%",
            category="digital_transformation",
            kind="creative",
            targets=amended_targets,
            deadline=f"{year}-06-30",
        ),
        200,
    )
    assert amendment["status"] == "pending"
    own(binh, "POST", f"/tasks/{dropped}/withdrawal", {"reason": "Đăng ký trùng"})

    # --- the committee's decisions: three approved under one decision number ------------------
    ok(decide(system.approval, doomed["task_id"], decision="reject", reason="trùng lặp"), 200)
    approved = ok(
        decide_many(
            system.approval,
            [clearance, paperless, late],
            decision="approve",
            reference=DECISION,
            note=f"Phê duyệt nhiệm vụ đột phá năm {year}",
        ),
        200,
    )
    assert [(one["task_id"], one["status"]) for one in approved] == [
        (clearance, "approved"),
        (paperless, "approved"),
        (late, "approved"),
    ]
    for one in approved:
        document = document_at(system.redis, system.prefix, "tasks:approved", one["position"])
        assert (document["subject"], document["data"]["reference"]) == (one["task_id"], DECISION)
    pending = system.approval.get(
        "/approvals/pending", params={"year": year, "unit": unit_code}, headers=APPROVER.headers
    )
    assert ok(pending, 200) == [], "the returned task waits for its amendment, not the committee"

    # --- progress (out of order: the latest report is the latest reported_at) -----------------
    own(
        hung,
        "POST",
        f"/tasks/{clearance}/progress",
        {
            "reported_at": f"{year}-12-20",
            "actuals": [
                {"metric": "projects cleared", "value": 15},
                {"metric": "area cleared", "value": 109},
            ],
            "status": "in_progress",
        },
    )
    own(
        hung,
        "POST",
        f"/tasks/{clearance}/progress",
        {
            "reported_at": f"{year}-09-30",
            "actuals": [
                {"metric": "projects cleared", "value": 10},
                {"metric": "area cleared", "value": 60},
            ],
            "status": "at_risk",
        },
    )
    # entered by the secretariat from the paper report of the time: it counts by its day
    own(
        ADMIN,
        "POST",
        f"/tasks/{paperless}/progress",
        {
            "reported_at": f"{year}-06-30",
            "actuals": [
                {"metric": "paperless meetings", "value": 100},
                {"metric": "overdue dossiers", "value": 1.5},
            ],
            "status": "completed",
            "note": "762 văn bản điện tử cho 124 cuộc họp",
        },
    )
    own(
        tuan,
        "POST",
        f"/tasks/{late}/progress",
        {
            "reported_at": f"{year}-05-15",
            "actuals": [{"metric": "ocop products", "value": 20}],
            "status": "completed",
        },
    )

    # --- the self-assessment, the evaluations, the closure ------------------------------------
    assessment = {"rating": "excellent", "summary": "100% cuộc họp không giấy"}
    own(hoang, "POST", f"/tasks/{paperless}/self-assessment", assessment)
    for task_id, rating, approver in (
        (paperless, "excellent", APPROVER),
        (late, "completed", OTHER_APPROVER),
    ):
        body = {"rating": rating, "decided_by": DECIDED_BY, "reference": "QĐ đánh giá"}
        ok(
            system.approval.post(
                f"/tasks/{task_id}/evaluation", json=body, headers=approver.headers
            ),
            201,
        )
    closure = close_year(system.approval, year)
    closed = document_at(system.redis, system.prefix, "years", closure["position"])
    assert (closed["actor"], closed["actorrole"]) == (ADMIN.person, "admin")

    # --- the report of the test's unit, exact ------------------------------------------------
    report = viewed(system, f"/reports/{year}", unit=unit_code, after=closure["position"])
    assert report["year"] == year
    assert report["scope"] == {
        "unit": unit_code,
        "category": None,
        "as_of": None,
        "committee": None,
    }
    assert report["tasks"] == {
        "registered": 6,
        "pending": 0,
        "approved": 3,
        "rejected": 1,
        "withdrawn": 1,
        "returned": 1,
    }
    assert report["registrants"] == {
        "registered": 5,
        "approved": 3,
        "expected": 6,
        "not_registered": 2,
    }
    assert report["progress"] == {
        "reported": 3,
        "not_reported": 0,
        "in_progress": 1,
        "completed": 2,
        "at_risk": 0,
        "overdue": 1,
        "completed_on_time": 1,
        "completed_late": 1,
    }
    assert report["targets"] == {"total": 5, "met": 3}
    assert report["evaluation"] == evaluation(excellent=1, completed=1, not_evaluated=1)
    assert report["closed"] is True
    assert report["by_unit"] == [
        {
            "code": unit_code,
            "name": UNIT_NAME,
            "registered": 6,
            "approved": 3,
            "completed": 2,
            "targets_total": 5,
            "targets_met": 3,
            "evaluation": evaluation(excellent=1, completed=1, not_evaluated=1),
            "previous": None,
        }
    ]
    assert report["by_category"] == [
        {
            "category": "administrative_reform",
            "registered": 1,
            "approved": 1,
            "completed": 1,
            "targets_total": 1,
            "targets_met": 1,
            "evaluation": evaluation(completed=1),
        },
        {
            "category": "digital_transformation",
            "registered": 1,
            "approved": 1,
            "completed": 1,
            "targets_total": 2,
            "targets_met": 2,
            "evaluation": evaluation(excellent=1),
        },
        {
            "category": "socio_economic",
            "registered": 4,
            "approved": 1,
            "completed": 0,
            "targets_total": 2,
            "targets_met": 0,
            "evaluation": evaluation(not_evaluated=1),
        },
    ]
    assert report["metrics"] == [
        {"metric": "area cleared", "unit": "ha", "tasks": 1, "target": 287, "actual": 109,
         "percent": 38.0},
        {"metric": "ocop products", "unit": "product", "tasks": 1, "target": 18, "actual": 20,
         "percent": 111.1},
        {"metric": "overdue dossiers", "unit": "%", "tasks": 1, "target": 2, "actual": 1.5,
         "percent": 75.0},
        {"metric": "paperless meetings", "unit": "%", "tasks": 1, "target": 90, "actual": 100,
         "percent": 111.1},
        {"metric": "projects cleared", "unit": "project", "tasks": 1, "target": 26,
         "actual": 15, "percent": 57.7},
    ]  # fmt: skip
    whole_year = viewed(system, f"/reports/{year}")
    assert whole_year == report | {
        "scope": {"unit": None, "category": None, "as_of": None, "committee": None}
    }, "the year is this test's own"
    before_any_event = viewed(system, f"/reports/{year}", unit=unit_code, as_of=f"{year}-01-14")
    assert before_any_event["tasks"]["registered"] == 0, "every event was recorded after that day"
    assert before_any_event["registrants"]["expected"] is None, "the roster came later too"
    assert before_any_event["closed"] is False, "and so did the closure"

    # --- a closed year is final ----------------------------------------------------------------
    refused(
        system.registration.post(
            f"/tasks/{clearance}/progress",
            json={
                "reported_at": f"{year}-12-31",
                "actuals": [{"metric": "projects cleared", "value": 26}],
                "status": "completed",
            },
            headers=hung.headers,
        ),
        409,
        "year_closed",
    )
    assert viewed(system, f"/reports/{year}", unit=unit_code) == report

    # --- who is missing: leaders without a live task, approved tasks with no recent report ----
    missing = viewed(system, f"/reports/{year}/missing", unit=unit_code)
    assert (missing["year"], missing["unit"], missing["stale_days"]) == (year, unit_code, 30)
    chased = {binh.id: [dropped], vinh.id: []}
    assert missing["not_registered"] == [
        {
            "leader": person(leaders[who]),
            "unit": {"code": unit_code, "name": UNIT_NAME},
            "task_ids": chased[who],
            "reminded_at": None,
        }
        for who in sorted(chased)
    ]
    last_report = date(year, 12, 20)
    assert missing["no_recent_progress"] == [
        {
            "task_id": clearance,
            "title": "Giải phóng mặt bằng 26 dự án",
            "registrant": person(leaders[hung.id]),
            "unit": {"code": unit_code, "name": UNIT_NAME},
            "deadline": f"{year}-12-31",
            "approved_at": missing["no_recent_progress"][0]["approved_at"],
            "last_reported_at": last_report.isoformat(),
            "days_since": (today() - last_report).days,
            "reminded_at": None,
        }
    ]
    assert missing["no_recent_progress"][0]["approved_at"] is not None

    # --- every task's history names who did each thing ----------------------------------------
    registrant, approver, imported = "registrant", "approver", (ADMIN.person, "admin")
    assert history(system, paperless) == [
        ("TaskRegistered", *imported),
        ("TaskReturned", APPROVER.id, approver),
        ("TaskAmended", hoang.id, registrant),
        ("TaskApproved", APPROVER.id, approver),
        ("ProgressLogged", *imported),
        ("TaskSelfAssessed", hoang.id, registrant),
        ("TaskEvaluated", APPROVER.id, approver),
    ]
    assert history(system, clearance) == [
        ("TaskRegistered", *imported),
        ("TaskApproved", APPROVER.id, approver),
        ("ProgressLogged", hung.id, registrant),
        ("ProgressLogged", hung.id, registrant),
    ]
    assert history(system, late) == [
        ("TaskRegistered", *imported),
        ("TaskApproved", APPROVER.id, approver),
        ("ProgressLogged", tuan.id, registrant),
        ("TaskEvaluated", OTHER_APPROVER.id, approver),
    ]
    assert history(system, doomed["task_id"]) == [
        ("TaskRegistered", *imported),
        ("TaskRejected", APPROVER.id, approver),
    ]
    assert history(system, draft) == [
        ("TaskRegistered", *imported),
        ("TaskReturned", APPROVER.id, approver),
    ]
    assert history(system, dropped) == [
        ("TaskRegistered", *imported),
        ("TaskWithdrawn", binh.id, registrant),
    ]

    # --- and each task as it stands -----------------------------------------------------------
    evaluated = viewed(system, f"/tasks/{paperless}")
    assert (evaluated["status"], evaluated["stage"], evaluated["amendments"]) == (
        "approved",
        "evaluated",
        1,
    )
    assert evaluated["title"] == "Họp không giấy 90%"
    assert evaluated["registrant"] == person(leaders[hoang.id])
    assert evaluated["verdict"]["reference"] == DECISION
    assert evaluated["self_assessment"]["rating"] == "excellent"
    assert evaluated["evaluation"]["rating"] == "excellent"
    assert evaluated["progress"]["first_completed"] == f"{year}-06-30"
    assert evaluated["progress"]["completed_on_time"] is True, "entered from paper: its day"
    assert evaluated["continued_by"] == []
    assert [(t["metric"], t["target"], t["latest"], t["met"]) for t in evaluated["targets"]] == [
        ("paperless meetings", 90, 100, True),
        ("overdue dossiers", 2, 1.5, True),
    ]
    behind = viewed(system, f"/tasks/{clearance}")
    assert (behind["stage"], behind["progress"]["status"]) == ("approved", "in_progress")
    assert behind["progress"]["reported_at"] == f"{year}-12-20"
    assert behind["progress"]["overdue"] is True
    assert {t["metric"]: t["latest"] for t in behind["targets"]} == {
        "projects cleared": 15,
        "area cleared": 109,
    }
    returned = viewed(system, f"/tasks/{draft}")
    assert (returned["status"], returned["verdict"]["reason"]) == ("returned", "Chưa đủ cụ thể")
    assert viewed(system, f"/tasks/{dropped}")["withdrawal"] == "Đăng ký trùng"


# --- a year without a roster, as in v1 ---------------------------------------------------------


def test_a_rejection_frees_the_registrants_slot(
    system: System, registrant: Caller, unit_code: str
) -> None:
    first = register(system.registration, registrant, task_body(registrant, unit_code, title="Một"))
    register(system.registration, registrant, task_body(registrant, unit_code, title="Hai"))
    third = task_body(registrant, unit_code, title="Ba")
    answer = system.registration.post("/tasks", json=third, headers=registrant.headers)
    refused(answer, 409, "already holds 2 live", "quota")

    ok(decide(system.approval, first["task_id"], decision="reject", reason="chưa đủ cụ thể"), 200)
    assert task(system.registration, first["task_id"], registrant)["status"] == "rejected"
    register(system.registration, registrant, third)


def test_registration_shows_the_task_with_its_status(
    system: System, registrant: Caller, unit_code: str
) -> None:
    body = task_body(registrant, unit_code)
    created = register(system.registration, registrant, body)
    shown = task(system.registration, created["task_id"], registrant)
    assert shown["status"] == "pending"
    assert shown["year"] == YEAR
    assert shown["title"] == body["title"]
    assert shown["registrant"] == body["registrant"]
    assert shown["unit"] == body["unit"]
    assert shown["targets"][1] == {
        **body["targets"][1],
        "direction": "at_least",
        "latest": None,
        "reported_at": None,
        "met": False,
    }
    assert shown["event_id"] == created["event_id"]
    assert shown["position"] == created["position"]
    # a year without a roster: nobody is expected, so nobody is missing
    report = viewed(system, f"/reports/{YEAR}", unit=unit_code, after=created["position"])
    assert (report["registrants"]["expected"], report["registrants"]["not_registered"]) == (
        None,
        None,
    )
    assert viewed(system, f"/reports/{YEAR}/missing", unit=unit_code)["not_registered"] is None
