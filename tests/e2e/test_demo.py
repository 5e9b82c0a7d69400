"""The demo data through the real command and services, and a reporting restart that
rebuilds the identical totals from the log."""

from __future__ import annotations

import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.services import ServiceProcess, start_system


@pytest.fixture(scope="module")
def demo_system(
    redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, ServiceProcess]]:
    folder: Path = tmp_path_factory.mktemp("demo")
    services = start_system(redis_url, f"demo{uuid.uuid4().hex[:8]}", folder)
    yield services
    for service in services.values():
        service.stop()


def run_demo(services: dict[str, ServiceProcess]) -> str:
    loaded = subprocess.run(
        [
            sys.executable,
            "-m",
            "deploy.demo",
            "--registration",
            services["registration"].url,
            "--approval",
            services["approval"].url,
            "--reporting",
            services["reporting"].url,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    return loaded.stdout


def test_demo_loads_the_seed_programmes_and_a_rerun_writes_nothing(
    demo_system: dict[str, ServiceProcess],
) -> None:
    first = run_demo(demo_system)
    assert "2024: 196 registered, 190 approved by 114 leaders" in first
    reporting = demo_system["reporting"].url
    report_2024 = httpx.get(f"{reporting}/reports/2024").json()
    assert report_2024["tasks"]["approved"] == 190
    assert report_2024["registrants"]["approved"] == 114
    assert httpx.get(f"{reporting}/reports/2023").json()["tasks"]["approved"] == 170

    kim_thanh = httpx.get(f"{reporting}/reports/2024", params={"unit": "kim-thanh"}).json()
    clearance = [m for m in kim_thanh["metrics"] if m["unit"] == "ha"]
    assert any(m["target"] >= 287 and m["actual"] >= 109 for m in clearance), kim_thanh["metrics"]

    run_demo(demo_system)
    assert httpx.get(f"{reporting}/reports/2024").json() == report_2024


def test_a_restarted_reporting_service_rebuilds_the_same_totals(
    demo_system: dict[str, ServiceProcess],
) -> None:
    reporting = demo_system["reporting"]
    before = {year: httpx.get(f"{reporting.url}/reports/{year}").json() for year in (2023, 2024)}
    assert before[2024]["tasks"]["registered"] > 0, "the demo ran first"
    # uvicorn shuts down gracefully, then re-raises the signal it caught (exit -15)
    assert reporting.stop() in (0, -signal.SIGTERM)
    assert '"message": "stopped"' in reporting.logs(), "the lifespan's shutdown ran"
    reporting.start().wait_ready()
    after = {year: httpx.get(f"{reporting.url}/reports/{year}").json() for year in (2023, 2024)}
    assert after == before
