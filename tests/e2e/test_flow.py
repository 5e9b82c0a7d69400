"""The whole flow through the three services: register, decide, log progress, report."""

from __future__ import annotations

from tests.e2e.conftest import System
from tests.e2e.helpers import decide, leader, register, task_body, wait_status


def test_register_decide_progress_report(system: System, unit_code: str) -> None:
    hung, hoang = leader(), leader()
    clearance = register(system.registration, task_body(hung, unit_code))
    paperless = register(
        system.registration,
        task_body(
            hoang,
            unit_code,
            category="digital_transformation",
            kind="creative",
            title="Họp không giấy",
            targets=[
                {"metric": "paperless meetings", "unit": "%", "target": 80},
                {"metric": "overdue dossiers", "unit": "%", "target": 2, "direction": "at_most"},
            ],
            deadline="2024-06-30",
        ),
    )
    doomed = register(system.registration, task_body(hung, unit_code, title="Trùng lặp"))
    assert clearance["status"] == "registered"

    approved = decide(system.approval, clearance["task_id"], decision="approve", reference="QĐ 190")
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert decide(system.approval, paperless["task_id"], decision="approve").status_code == 200
    rejected = decide(system.approval, doomed["task_id"], decision="reject", reason="trùng lặp")
    assert rejected.json()["status"] == "rejected"

    wait_status(system.registration, clearance["task_id"], "approved")
    wait_status(system.registration, doomed["task_id"], "rejected")
    progress = system.registration.post(
        f"/tasks/{clearance['task_id']}/progress",
        json={
            "reported_at": "2024-12-20",
            "actuals": [
                {"metric": "projects cleared", "value": 15},
                {"metric": "area cleared", "value": 109},
            ],
            "status": "in_progress",
        },
    )
    assert progress.status_code == 201, progress.text
    wait_status(system.registration, paperless["task_id"], "approved")
    done = system.registration.post(
        f"/tasks/{paperless['task_id']}/progress",
        json={
            "reported_at": "2024-06-30",
            "actuals": [
                {"metric": "paperless meetings", "value": 100},
                {"metric": "overdue dossiers", "value": 1.5},
            ],
            "status": "completed",
            "note": "762 văn bản điện tử cho 124 cuộc họp",
        },
    )
    assert done.status_code == 201, done.text

    answer = system.reporting.get(
        "/reports/2024",
        params={"unit": unit_code, "after": done.json()["position"]},
    )
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["scope"] == {"unit": unit_code, "category": None, "as_of": None}
    assert report["tasks"] == {"registered": 3, "pending": 0, "approved": 2, "rejected": 1}
    assert report["registrants"] == {"registered": 2, "approved": 2}
    assert report["progress"] == {
        "reported": 2,
        "not_reported": 0,
        "in_progress": 1,
        "completed": 1,
        "at_risk": 0,
        "overdue": 1,
    }
    assert report["targets"] == {"total": 4, "met": 2}
    assert report["by_unit"] == [
        {
            "code": unit_code,
            "name": "Huyện Kim Thành",
            "registered": 3,
            "approved": 2,
            "completed": 1,
            "targets_total": 4,
            "targets_met": 2,
        }
    ]
    assert [row["category"] for row in report["by_category"]] == [
        "digital_transformation",
        "socio_economic",
    ]
    assert report["metrics"] == [
        {
            "metric": "area cleared",
            "unit": "ha",
            "tasks": 1,
            "target": 287,
            "actual": 109,
            "percent": 38.0,
        },
        {
            "metric": "overdue dossiers",
            "unit": "%",
            "tasks": 1,
            "target": 2,
            "actual": 1.5,
            "percent": 75.0,
        },
        {
            "metric": "paperless meetings",
            "unit": "%",
            "tasks": 1,
            "target": 80,
            "actual": 100,
            "percent": 125.0,
        },
        {
            "metric": "projects cleared",
            "unit": "project",
            "tasks": 1,
            "target": 26,
            "actual": 15,
            "percent": 57.7,
        },
    ]

    before_any_event = system.reporting.get(
        "/reports/2024", params={"unit": unit_code, "as_of": "2024-12-31"}
    ).json()
    assert before_any_event["tasks"]["registered"] == 0, "every event was written after that day"

    history = system.reporting.get(f"/tasks/{clearance['task_id']}").json()
    assert [entry["type"] for entry in history["history"]] == [
        "TaskRegistered",
        "TaskApproved",
        "ProgressLogged",
    ]
    assert history["status"] == "approved"
    assert history["progress_status"] == "in_progress"
    assert {t["metric"]: t["latest_value"] for t in history["targets"]} == {
        "projects cleared": 15,
        "area cleared": 109,
    }


def test_a_rejection_frees_the_registrants_slot(system: System, unit_code: str) -> None:
    someone = leader()
    first = register(system.registration, task_body(someone, unit_code, title="Một"))
    register(system.registration, task_body(someone, unit_code, title="Hai"))
    third = system.registration.post("/tasks", json=task_body(someone, unit_code, title="Ba"))
    assert third.status_code == 409
    assert "already holds 2 live" in third.json()["detail"]

    decide(system.approval, first["task_id"], decision="reject", reason="chưa đủ cụ thể")
    wait_status(system.registration, first["task_id"], "rejected")

    again = system.registration.post("/tasks", json=task_body(someone, unit_code, title="Ba"))
    assert again.status_code == 201, again.text


def test_registration_shows_the_task_with_its_status(system: System, unit_code: str) -> None:
    body = task_body(leader(), unit_code)
    created = register(system.registration, body)
    shown = system.registration.get(f"/tasks/{created['task_id']}")
    assert shown.status_code == 200
    task = shown.json()
    assert task["status"] == "pending"
    assert task["title"] == body["title"]
    assert task["registrant"] == body["registrant"]
    assert task["targets"][1] == {**body["targets"][1], "direction": "at_least"}
    assert task["event_id"] == created["event_id"]
    assert task["position"] == created["position"]
