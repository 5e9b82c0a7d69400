"""Reporting staff can lean on: every kind of write is visible at once with ``after``, ``as_of``
counts what was recorded by the end of a day, the CSV export, and the side-by-side rebuild."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.e2e.conftest import System
from tests.e2e.helpers import decide, leader, register, task_body, wait_status

PROGRESS = {
    "reported_at": "2024-12-20",
    "actuals": [
        {"metric": "projects cleared", "value": 26},
        {"metric": "area cleared", "value": 90},
    ],
    "status": "completed",
}


def report(system: System, unit: str, **query: str) -> dict[str, object]:
    answer = system.reporting.get("/reports/2024", params={"unit": unit, **query})
    assert answer.status_code == 200, answer.text
    result: dict[str, object] = answer.json()
    return result


def test_a_registration_a_decision_and_progress_are_each_visible_with_after(
    system: System, unit_code: str
) -> None:
    created = register(system.registration, task_body(leader(), unit_code))
    seen = report(system, unit_code, after=created["position"])
    assert seen["tasks"] == {"registered": 1, "pending": 1, "approved": 0, "rejected": 0}

    decided = decide(system.approval, created["task_id"], decision="approve")
    assert decided.status_code == 200, decided.text
    seen = report(system, unit_code, after=decided.json()["position"])
    assert seen["tasks"]["approved"] == 1  # type: ignore[index]
    assert seen["progress"]["not_reported"] == 1  # type: ignore[index]

    wait_status(system.registration, created["task_id"], "approved")
    logged = system.registration.post(f"/tasks/{created['task_id']}/progress", json=PROGRESS)
    assert logged.status_code == 201, logged.text
    seen = report(system, unit_code, after=logged.json()["position"])
    assert seen["progress"]["completed"] == 1  # type: ignore[index]
    assert seen["targets"] == {"total": 2, "met": 1}


def test_as_of_counts_what_was_recorded_by_the_end_of_that_day(
    system: System, unit_code: str
) -> None:
    created = register(system.registration, task_body(leader(), unit_code))
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    on_the_day = report(system, unit_code, as_of=today.isoformat(), after=created["position"])
    assert on_the_day["tasks"]["registered"] == 1  # type: ignore[index]
    assert on_the_day["scope"]["as_of"] == today.isoformat()  # type: ignore[index]
    the_day_before = report(system, unit_code, as_of=(today - timedelta(days=1)).isoformat())
    assert the_day_before["tasks"]["registered"] == 0  # type: ignore[index]
    for malformed in ("2024-13-01", "31/12/2024", "2024-02-30"):
        answer = system.reporting.get("/reports/2024", params={"as_of": malformed})
        assert answer.status_code == 422
        assert answer.json()["detail"][0]["loc"] == ["query", "as_of"]


def test_the_csv_export_opens_in_a_spreadsheet(system: System, unit_code: str) -> None:
    created = register(system.registration, task_body(leader(), unit_code))
    answer = system.reporting.get(
        "/reports/2024.csv", params={"unit": unit_code, "after": created["position"]}
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert f"breakthrough-2024-{unit_code}.csv" in answer.headers["content-disposition"]
    assert answer.content.startswith(b"\xef\xbb\xbf"), "a UTF-8 byte order mark for Excel"
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"), newline="")))
    assert len(rows) == 1
    row = rows[0]
    assert (row["task_id"], row["unit"], row["registrant"]) == (
        created["task_id"],
        "Huyện Kim Thành",
        "Phạm Quang Hưng",
    )
    assert (row["status"], row["target_1_metric"], row["target_1_target"]) == (
        "pending",
        "projects cleared",
        "26",
    )
    assert system.reporting.get("/reports/1999.csv").status_code == 422


def test_the_rebuild_command_finds_the_running_service_equal(system: System) -> None:
    reporting = system.services["reporting"]
    done = subprocess.run(
        [sys.executable, "-m", "services.reporting", "rebuild", "--service", reporting.url],
        env={**reporting.env, "LOG_LEVEL": "warning"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "EQUAL" in done.stdout
    assert f"service {reporting.url}: equal" in done.stdout
