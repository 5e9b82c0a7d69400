"""Reporting beside the real writers (the three services, person tokens): every kind of write
is visible at once with ``after``, ``as_of`` counts what was recorded by the end of a day,
the CSV export, a task's history with its actors, and the rebuild command."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.conftest import System, secured_system
from tests.e2e.helpers import approve, progress_body, register, task_body, today
from tests.support.people import VIEWER, Caller, Pool
from tests.support.services import SERVICES


@pytest.fixture(scope="module")
def three(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    running = secured_system(
        redis_url,
        tmp_path_factory.mktemp("three"),
        f"ryw{uuid.uuid4().hex[:8]}",
        services=SERVICES,
    )
    yield running
    running.close()


@pytest.fixture(scope="module")
def people() -> Pool:
    return Pool()


def report(system: System, unit: str, **query: str) -> dict[str, Any]:
    answer = system.reporting.get(
        "/reports/2024", params={"unit": unit, **query}, headers=VIEWER.headers
    )
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def a_unit() -> str:
    return f"unit-{uuid.uuid4().hex[:10]}"


def test_a_registration_a_decision_and_progress_are_each_visible_with_after(
    three: System, people: Pool
) -> None:
    who: Caller = people.registrant()
    unit = a_unit()
    created = register(three.registration, who, task_body(who, unit), imported=True)
    seen = report(three, unit, after=created["position"])
    assert seen["tasks"]["registered"] == seen["tasks"]["pending"] == 1

    decided = approve(three.approval, created["task_id"])
    seen = report(three, unit, after=decided["position"])
    assert seen["tasks"]["approved"] == 1
    assert seen["progress"]["not_reported"] == 1

    body = progress_body(
        status="completed",
        actuals=[
            {"metric": "projects cleared", "value": 26},
            {"metric": "area cleared", "value": 90},
        ],
    )
    logged = three.registration.post(
        f"/tasks/{created['task_id']}/progress", json=body, headers=who.headers
    )
    assert logged.status_code == 201, logged.text
    seen = report(three, unit, after=logged.json()["position"])
    # dated 30 September 2024, but recorded now: long after the deadline, so late
    assert seen["progress"]["completed"] == seen["progress"]["completed_late"] == 1
    assert seen["targets"] == {"total": 2, "met": 1}

    history = three.reporting.get(f"/tasks/{created['task_id']}", headers=who.headers)
    assert history.status_code == 200, history.text
    assert [(entry["type"], entry["actor"]) for entry in history.json()["history"]] == [
        ("TaskRegistered", "quan-tri"),  # imported by the admin, dated early in 2024
        ("TaskApproved", "thu-ky"),
        ("ProgressLogged", who.person),
    ]


def test_as_of_counts_what_was_recorded_by_the_end_of_that_day(three: System, people: Pool) -> None:
    who, unit = people.registrant(), a_unit()
    created = register(three.registration, who, task_body(who, unit))
    day = today()
    on_the_day = report(three, unit, as_of=day.isoformat(), after=created["position"])
    assert on_the_day["tasks"]["registered"] == 1
    assert on_the_day["scope"]["as_of"] == day.isoformat()
    the_day_before = report(three, unit, as_of=(day - timedelta(days=1)).isoformat())
    assert the_day_before["tasks"]["registered"] == 0
    for malformed in ("2024-13-01", "31/12/2024", "2024-02-30"):
        answer = three.reporting.get(
            "/reports/2024", params={"as_of": malformed}, headers=VIEWER.headers
        )
        assert answer.status_code == 422
        assert answer.json()["detail"][0]["loc"] == ["query", "as_of"]


def test_the_csv_export_opens_in_a_spreadsheet(three: System, people: Pool) -> None:
    who, unit = people.registrant(), a_unit()
    created = register(three.registration, who, task_body(who, unit))
    answer = three.reporting.get(
        "/reports/2024.csv",
        params={"unit": unit, "after": created["position"]},
        headers=VIEWER.headers,
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert f"breakthrough-2024-{unit}.csv" in answer.headers["content-disposition"]
    assert answer.content.startswith(b"\xef\xbb\xbf"), "a UTF-8 byte order mark for Excel"
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"), newline="")))
    assert len(rows) == 1
    row = rows[0]
    assert (row["task_id"], row["unit"], row["status"], row["stage"]) == (
        created["task_id"],
        "Huyện Kim Thành",
        "pending",
        "pending",
    )
    assert (row["target_1_metric"], row["target_1_target"]) == ("projects cleared", "26")
    assert three.reporting.get("/reports/1999.csv", headers=VIEWER.headers).status_code == 422


def test_the_rebuild_command_finds_the_running_service_equal(three: System) -> None:
    reporting = three.services["reporting"]
    env = {**reporting.env, "LOG_LEVEL": "warning", "API_TOKEN": VIEWER.token}
    done = subprocess.run(
        [sys.executable, "-m", "services.reporting", "rebuild", "--service", reporting.url],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "EQUAL" in done.stdout
