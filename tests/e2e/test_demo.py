"""The demo data through the real command and the three services: Hải Dương's programme of
2022-2024 (2022 and 2023 closed), every committee's approvals, a rerun that writes nothing,
and a reporting restart that rebuilds the identical totals from the log.

With services of contract 1.2 it also checks what 1.2 adds: the Provincial Standing
Committee's own 190 (``by_committee``), each record's own date (``as_of``), the tasks carried
on from year to year, the units that replace others. On services without 1.2 the loader
loads what 1.1 allows and says so; those checks are then skipped, saying why.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from deploy.demo import build_dataset
from deploy.demo.places import PROVINCE
from tests.e2e.conftest import System, secured_system
from tests.support.people import ADMIN, VIEWER
from tests.support.services import SERVICES

DATA = build_dataset()


@pytest.fixture(scope="module")
def demo(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    folder: Path = tmp_path_factory.mktemp("demo")
    running = secured_system(redis_url, folder, f"demo{uuid.uuid4().hex[:8]}", services=SERVICES)
    yield running
    running.close()


def run_demo(system: System) -> str:
    urls = {name: service.url for name, service in system.services.items()}
    loaded = subprocess.run(
        [sys.executable, "-m", "deploy.demo", "--token", ADMIN.token]
        + [f"--{name}={url}" for name, url in urls.items()],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    return loaded.stdout


def report(system: System, year: int, **query: str) -> dict[str, Any]:
    answer = system.reporting.get(f"/reports/{year}", params=query, headers=VIEWER.headers)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def lengths(system: System) -> dict[bytes, int]:
    client = redis.Redis.from_url(system.redis_url)
    streams = client.keys(f"{system.prefix}:*")
    return {name: client.xlen(name) for name in streams if client.type(name) == b"stream"}


@pytest.fixture(scope="module")
def printed(demo: System) -> str:
    return run_demo(demo)


@pytest.fixture(scope="module")
def contract_1_2(printed: str) -> None:
    if "do not implement contract 1.2" in printed:
        pytest.skip("these services do not implement contract 1.2 (the loader said so)")


def test_the_demo_loads_every_year_and_committee_and_a_rerun_writes_nothing(
    demo: System, printed: str
) -> None:
    y2024, y2023 = DATA.year(2024), DATA.year(2023)
    assert "Ban Thường vụ Tỉnh ủy Hải Dương: 190 approved by 114 leaders" in printed
    assert "Ban Thường vụ Tỉnh ủy Hải Dương: 170 approved by 104 leaders" in printed
    found = {year: report(demo, year) for year in (2022, 2023, 2024)}
    assert found[2024]["tasks"]["approved"] == len(y2024.approved()) > 190
    assert found[2024]["registrants"]["approved"] == len(y2024.approved_leaders())
    assert found[2023]["tasks"]["approved"] == len(y2023.approved()) > 170
    assert found[2022]["tasks"]["approved"] == 2
    assert found[2024]["tasks"]["withdrawn"] == sum(t.withdrawal is not None for t in y2024.tasks)
    assert found[2024]["registrants"]["expected"] == len(y2024.rosters[0].body.leaders)
    assert (found[2022]["closed"], found[2023]["closed"], found[2024]["closed"]) == (
        True,
        True,
        False,
    )
    assert found[2023]["evaluation"]["not_evaluated"] == 0
    assert sum(found[2023]["evaluation"].values()) == len(y2023.approved())
    assert found[2024]["evaluation"]["not_evaluated"] == len(y2024.approved())
    assert found[2024]["progress"]["completed_late"] > 0

    kim_thanh = report(demo, 2024, unit="kim-thanh")
    cleared = [m for m in kim_thanh["metrics"] if m["metric"] == "Diện tích GPMB hoàn thành"]
    assert any(m["target"] >= 287 and m["actual"] >= 109 for m in cleared), kim_thanh["metrics"]
    assert {"Huyện Kim Thành"} == {row["name"] for row in kim_thanh["by_unit"]}

    before = lengths(demo)
    run_demo(demo)
    assert lengths(demo) == before, "a rerun writes nothing"
    assert report(demo, 2024) == found[2024]


def test_the_provincial_committee_approved_190_of_its_own(demo: System, contract_1_2: None) -> None:
    figures = report(demo, 2024, committee=PROVINCE)
    rows = {row["code"]: row for row in figures["by_committee"]}
    assert rows[PROVINCE]["approved"] == 190
    assert len(rows) == 13
    assert rows["huyen-uy-cam-giang"]["approved"] == len(
        DATA.year(2024).approved("huyen-uy-cam-giang")
    )
    assert report(demo, 2023, committee=PROVINCE)["by_committee"][0]["code"]


def test_every_record_keeps_its_own_date(demo: System, contract_1_2: None) -> None:
    """as_of counts what had happened by then: registrations of January and February,
    decisions in March, reports through the year."""
    year = DATA.year(2024)
    february = report(demo, 2024, as_of="2024-02-29")
    assert february["tasks"]["approved"] == 0
    assert february["tasks"]["registered"] == sum(
        t.registered_at.date().isoformat() <= "2024-02-29" for t in year.tasks
    )
    june = report(demo, 2024, as_of="2024-06-30")
    assert june["tasks"]["approved"] == len(year.approved())
    assert 0 < june["progress"]["reported"] < report(demo, 2024)["progress"]["reported"]


def test_tasks_carry_on_from_year_to_year(demo: System, contract_1_2: None) -> None:
    listed = demo.reporting.get(
        "/tasks", params={"year": 2024, "unit": "kim-thanh", "limit": 50}, headers=VIEWER.headers
    )
    assert listed.status_code == 200, listed.text
    tasks = listed.json()["tasks"]
    continuing = [task for task in tasks if task.get("continues")]
    assert continuing, tasks
    history = demo.reporting.get(f"/tasks/{continuing[0]['continues']}", headers=VIEWER.headers)
    assert history.status_code == 200, history.text
    assert history.json().get("continued_by")
    compared = report(demo, 2024, compare="2023")
    assert compared["compare"]["year"] == 2023
    assert any(row.get("previous") for row in compared["by_unit"])


def test_a_restarted_reporting_service_rebuilds_the_same_totals(demo: System, printed: str) -> None:
    before = {year: report(demo, year) for year in (2022, 2023, 2024)}
    reporting = demo.services["reporting"]
    # uvicorn shuts down gracefully, then re-raises the signal it caught (exit -15)
    assert reporting.stop() in (0, -signal.SIGTERM)
    reporting.start().wait_ready()
    after = {year: report(demo, year) for year in (2022, 2023, 2024)}
    assert after == before


def test_the_writers_records_after_the_demo_are_what_the_log_derives(
    demo: System, printed: str
) -> None:
    """Everything registration and approval keep beside the log, after the whole cycle
    through the real services, equals what ``python -m shared.log.records`` derives from it."""
    env = {"REDIS_URL": demo.redis_url, "STREAM_PREFIX": demo.prefix, "PATH": "/usr/bin:/bin"}
    checked = subprocess.run(
        [sys.executable, "-m", "shared.log.records", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "EQUAL: 0 keys differ" in checked.stdout
