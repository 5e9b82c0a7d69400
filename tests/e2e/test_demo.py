"""The demo data through the real command and the three services: the whole yearly cycle of
2023 (closed) and 2024 as the seeds tell it, a re-run that writes nothing, and a reporting
restart that rebuilds the identical totals from the log."""

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

from tests.e2e.conftest import System, secured_system
from tests.support.people import ADMIN, VIEWER
from tests.support.services import SERVICES


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
        timeout=300,
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


def test_the_demo_loads_both_years_whole_cycle_and_a_rerun_writes_nothing(demo: System) -> None:
    printed = run_demo(demo)
    assert "190 approved by 114 leaders" in printed
    assert "170 approved by 104 leaders" in printed
    y2024, y2023 = report(demo, 2024), report(demo, 2023)
    assert (y2024["tasks"]["approved"], y2024["registrants"]["approved"]) == (190, 114)
    assert y2023["tasks"]["approved"] == 170
    assert y2024["tasks"]["withdrawn"] == 3
    assert y2024["registrants"]["expected"] == 120
    assert y2024["registrants"]["not_registered"] == 6
    assert y2023["closed"] is True
    assert y2024["closed"] is False
    assert y2023["evaluation"]["not_evaluated"] == 0
    assert sum(y2023["evaluation"].values()) == 170
    assert y2024["evaluation"]["not_evaluated"] == 190

    kim_thanh = report(demo, 2024, unit="kim-thanh")
    clearance = [m for m in kim_thanh["metrics"] if m["unit"] == "ha"]
    assert any(m["target"] >= 287 and m["actual"] >= 109 for m in clearance), kim_thanh["metrics"]

    before = lengths(demo)
    run_demo(demo)
    assert lengths(demo) == before, "a re-run writes nothing"
    assert report(demo, 2024) == y2024


def test_a_restarted_reporting_service_rebuilds_the_same_totals(demo: System) -> None:
    before = {year: report(demo, year) for year in (2023, 2024)}
    assert before[2024]["tasks"]["registered"] > 0, "the demo ran first"
    reporting = demo.services["reporting"]
    # uvicorn shuts down gracefully, then re-raises the signal it caught (exit -15)
    assert reporting.stop() in (0, -signal.SIGTERM)
    reporting.start().wait_ready()
    after = {year: report(demo, year) for year in (2023, 2024)}
    assert after == before


def test_the_writers_records_after_the_demo_are_what_the_log_derives(demo: System) -> None:
    """Everything registration and approval keep beside the log, after the whole cycle
    through the real services, equals what ``python -m shared.log.records`` derives from it."""
    assert report(demo, 2024)["tasks"]["registered"] > 0, "the demo ran first"
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
