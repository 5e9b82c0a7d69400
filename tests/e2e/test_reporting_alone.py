"""The reporting process alone (``python -m services.reporting``) against a private Redis,
the log written through the task store, every route asked over HTTP with static tokens:
who may read what, ``after=``, ``missing``, a task's history with its actors, the CSV, and
the ``rebuild`` command."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.domain.events import ProgressStatus, Rating
from shared.log.eventlog import EventLog, connect
from shared.log.keys import Keys
from tests.support.redis_server import free_port
from tests.support.services import ServiceProcess
from tests.support.writing import Writer

TOKENS = {
    "viewer": ("viewer-token-0123456789", "staff-1"),
    "approver": ("approver-token-0123456789", "secretary-1"),
    "hung": ("hung-token-0123456789abc", "Hung"),
    "lan": ("lan-token-0123456789abcd", "lan"),
}
ROLES = {"viewer": "viewer", "approver": "approver", "hung": "registrant", "lan": "registrant"}


class Reporting:
    def __init__(self, service: ServiceProcess, redis_url: str, prefix: str) -> None:
        self.service = service
        self.redis_url = redis_url
        self.prefix = prefix
        self.tasks: dict[str, str] = {}
        self.positions: list[str] = []

    def get(self, path: str, who: str | None = "viewer", **params: Any) -> httpx.Response:
        headers = {} if who is None else {"Authorization": f"Bearer {TOKENS[who][0]}"}
        return httpx.get(f"{self.service.url}{path}", params=params, headers=headers, timeout=10)

    def write(self, script: Any) -> Any:
        async def run() -> Any:
            log = EventLog(connect(self.redis_url), Keys(self.prefix), "test")
            try:
                return await script(Writer(log))
            finally:
                await log.redis.aclose()

        return asyncio.run(run())


async def a_year(writer: Writer) -> dict[str, str]:
    await writer.publish_roster({"hung": "kim-thanh", "lan": "cam-giang", "minh": "kim-thanh"})
    done, _ = await writer.register("hung")
    await writer.approve(done)
    await writer.progress(done, "hung", 26, ProgressStatus.completed, date(2024, 6, 1))
    await writer.evaluate(done, Rating.good)
    stale, _ = await writer.register("lan", unit="cam-giang")
    await writer.approve(stale)
    gone, _ = await writer.register("hung")
    await writer.withdraw(gone, "hung")
    return {"done": done, "stale": stale, "gone": gone}


@pytest.fixture(scope="module")
def reporting(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reporting]:
    prefix = f"alone{uuid.uuid4().hex[:8]}"
    folder: Path = tmp_path_factory.mktemp("reporting")
    tokens = ",".join(f"{ROLES[name]}:{token}:{person}" for name, (token, person) in TOKENS.items())
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "STREAM_PREFIX": prefix,
        "PORT": str(free_port()),
        "HOST": "127.0.0.1",
        "LOG_FORMAT": "json",
        "API_TOKENS": tokens,
    }
    env.pop("ALLOW_ANONYMOUS", None)
    running = Reporting(
        ServiceProcess("reporting", int(env["PORT"]), env, folder / "reporting.log"),
        redis_url,
        prefix,
    )
    running.tasks = running.write(a_year)  # before the start: the rebuild reads them
    running.service.start().wait_ready()
    yield running
    running.service.stop()


def test_who_may_read_reports(reporting: Reporting) -> None:
    assert reporting.get("/reports/2024", who=None).status_code == 401
    assert reporting.get("/reports/2024", who="hung").status_code == 403
    assert reporting.get("/reports/2024", who="approver").status_code == 403
    answer = reporting.get("/reports/2024")
    assert answer.status_code == 200
    report = answer.json()
    assert report["tasks"] == {
        "registered": 3,
        "pending": 0,
        "approved": 2,
        "rejected": 0,
        "withdrawn": 1,
        "returned": 0,
    }
    assert report["registrants"] == {
        "registered": 2,
        "approved": 2,
        "expected": 3,
        "not_registered": 1,
    }
    assert report["evaluation"]["good"] == 1
    assert report["closed"] is False
    refused = reporting.get("/reports/2024", who="hung").json()
    assert set(refused) == {"detail"}
    assert refused["detail"][0]["type"] == "forbidden"


def test_a_write_is_visible_with_after(reporting: Reporting) -> None:
    async def more(writer: Writer) -> str:
        task, _ = await writer.register("minh")
        return await writer.approve(task)

    position = reporting.write(more)
    report = reporting.get("/reports/2024", unit="KIM-THANH", after=position).json()
    assert report["tasks"]["approved"] == 2
    assert report["scope"]["unit"] == "kim-thanh"  # a code in its one form
    far = f"{int(position.split('-')[0]) + 10**9}"
    assert reporting.get("/reports/2024", after=far).status_code == 200  # nothing to wait for
    assert reporting.get("/reports/2024", after="x-1").status_code == 422
    # positions Redis would refuse (parts beyond 2**64-1) are refused, never a 500
    for refused in ("18446744073709551616", "1-18446744073709551616"):
        answer = reporting.get("/reports/2024", after=refused)
        assert answer.status_code == 422
        assert answer.json()["detail"][0]["loc"] == ["query", "after"]
    assert reporting.get("/reports/2024", after="18446744073709551615-0").status_code == 200


def test_who_to_chase(reporting: Reporting) -> None:
    missing = reporting.get("/reports/2024/missing", stale_days=10).json()
    assert [item["leader"]["id"] for item in missing["not_registered"]] in (["minh"], [])
    stale = [item["task_id"] for item in missing["no_recent_progress"]]
    assert reporting.tasks["stale"] in stale
    assert reporting.tasks["done"] not in stale
    assert missing["no_recent_progress"][0]["title"] == "Giải phóng mặt bằng 26 dự án"
    assert reporting.get("/reports/2024/missing", who="lan").status_code == 403
    # an approver (a committee's secretariat) reads whom to chase, to remind them
    chased = reporting.get("/reports/2024/missing", who="approver", stale_days=10).json()
    assert [item["task_id"] for item in chased["no_recent_progress"]] == stale
    assert reporting.get("/reports/2024", who="approver").status_code == 403


def test_task_lists_for_staff_and_for_a_registrant(reporting: Reporting) -> None:
    everything = reporting.get("/tasks", year=2024).json()
    assert {task["task_id"] for task in everything["tasks"]} >= set(reporting.tasks.values())
    mine = reporting.get("/tasks", who="hung", year=2024).json()["tasks"]
    assert {task["registrant"]["id"] for task in mine} == {"hung"}
    assert {task["stage"] for task in mine} == {"evaluated", "withdrawn"}
    # the text a person reads is read back from the log, not kept in memory
    assert {task["title"] for task in mine} == {"Giải phóng mặt bằng 26 dự án"}
    assert {task["registrant"]["name"] for task in mine} == {"Phạm Quang Hưng"}
    assert reporting.get("/tasks", who="hung", registrant="lan").status_code == 403
    assert reporting.get("/tasks", who="hung", registrant="HUNG").status_code == 200
    evaluated = reporting.get("/tasks", who="approver", status="evaluated").json()["tasks"]
    assert [task["task_id"] for task in evaluated] == [reporting.tasks["done"]]
    page = reporting.get("/tasks", year=2024, limit=1).json()
    assert len(page["tasks"]) == 1
    rest = reporting.get("/tasks", year=2024, cursor=page["next"]).json()["tasks"]
    assert page["tasks"][0]["task_id"] not in {task["task_id"] for task in rest}


def test_a_task_history_with_its_actors(reporting: Reporting) -> None:
    done = reporting.tasks["done"]
    history = reporting.get(f"/tasks/{done}", who="hung").json()
    assert [(entry["type"], entry["actor"]) for entry in history["history"]] == [
        ("TaskRegistered", "hung"),
        ("TaskApproved", "approver-1"),
        ("ProgressLogged", "hung"),
        ("TaskEvaluated", "approver-1"),
    ]
    assert history["history"][1]["actorrole"] == "approver"
    assert history["stage"] == "evaluated"
    assert (history["title"], history["description"]) == ("Giải phóng mặt bằng 26 dự án", "Mô tả")
    assert history["targets"][0]["latest"] == 26
    assert reporting.get(f"/tasks/{done}", who="lan").status_code == 403
    assert reporting.get(f"/tasks/{done}", who="approver").status_code == 200
    assert reporting.get("/tasks/no-such-task").status_code == 404


def test_the_csv(reporting: Reporting) -> None:
    answer = reporting.get("/reports/2024.csv", unit="kim-thanh")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    text = answer.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert {row["unit_code"] for row in rows} == {"kim-thanh"}
    assert {row["title"] for row in rows} == {"Giải phóng mặt bằng 26 dự án"}
    assert {row["registrant"] for row in rows} == {"Phạm Quang Hưng", "Trần Văn Minh"}
    assert {row["stage"] for row in rows} >= {"evaluated", "withdrawn"}
    assert reporting.get("/reports/2024.csv", who="hung").status_code == 403


def test_the_dashboard_metrics_and_the_rebuild_command(reporting: Reporting) -> None:
    page = httpx.get(reporting.service.url + "/", timeout=10)
    assert page.status_code == 200
    assert "2024" in page.text
    metrics = httpx.get(reporting.service.url + "/metrics", timeout=10).text
    assert f'consumer_lag{{stream="{reporting.prefix}:tasks:registered"}} 0.0' in metrics
    env = {**reporting.service.env, "API_TOKEN": TOKENS["viewer"][0], "LOG_LEVEL": "warning"}
    done = subprocess.run(
        [sys.executable, "-m", "services.reporting", "rebuild", "--service", reporting.service.url],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    alone = subprocess.run(
        [sys.executable, "-m", "services.reporting", "rebuild"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert alone.returncode == 2, alone.stdout
    broken = {**env, "REDIS_URL": "redis://127.0.0.1:1/0"}
    failed = subprocess.run(
        [sys.executable, "-m", "services.reporting", "rebuild", "--service", reporting.service.url],
        env=broken,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert failed.returncode == 2, failed.stdout
