"""The faults an operator meets on the Redis side, with the services as real processes:
Redis out of memory (maxmemory, noeviction) and a disk too full for the append-only file.

Each one: writes answer 503 in the one error shape with the reason and ``Retry-After``, on a
connection kept open; nothing is half-written (the log and the writers' records agree, as
``shared.log.records check`` says); ``/readyz`` says why and the metrics the alerts read
turn; the error's own words (``OOM command not allowed``, ``MISCONF``) are in the logs;
and once the fault is gone, everything answers again by itself.

A full disk needs a small filesystem: a tmpfs mounted here (root, as on CI); elsewhere
those tests skip with the reason.
"""

from __future__ import annotations

import contextlib
import errno
import http.client
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import System, secured_system
from tests.e2e.helpers import STREAM_KEYS, leader, task_body
from tests.support.people import ADMIN, VIEWER
from tests.support.redis_server import PrivateRedis, free_port
from tests.support.sentinel import wait_until
from tests.support.services import SERVICES, ServiceProcess

YEAR = 2025
BIG = "Giải phóng mặt bằng " * 250  # ~5,000 characters: a write larger than a page


def lengths(client: redis.Redis, prefix: str) -> dict[str, int]:
    return {key: int(client.xlen(f"{prefix}:{key}")) for key in STREAM_KEYS}


def metrics(service: ServiceProcess) -> dict[str, float]:
    """Every sample of the service's /metrics by name and labels (``name{k=v}``)."""
    found = {}
    text = httpx.get(f"{service.url}/metrics", timeout=15).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            found[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return found


def records_check(redis_url: str, prefix: str) -> str:
    env = {**os.environ, "REDIS_URL": redis_url, "STREAM_PREFIX": prefix}
    done = subprocess.run(
        [sys.executable, "-m", "shared.log.records", "check"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def post_keeping_the_connection(
    service: ServiceProcess, path: str, body: dict[str, Any]
) -> tuple[int, dict[str, str], dict[str, Any]]:
    """POST on a keep-alive connection, then GET /healthz on the same one: the status,
    headers and body of the POST, after checking the connection was kept for the GET."""
    connection = http.client.HTTPConnection("127.0.0.1", service.port, timeout=30)
    try:
        payload = json.dumps(body).encode()
        headers = {**ADMIN.headers, "Content-Type": "application/json"}
        connection.request("POST", path, body=payload, headers=headers)
        answer = connection.getresponse()
        status, said, text = answer.status, dict(answer.getheaders()), answer.read()
        assert not answer.will_close, f"the server closes the connection: {said}"
        socket = connection.sock
        connection.request("GET", "/healthz")
        health = connection.getresponse()
        assert health.status == 200
        health.read()
        assert connection.sock is socket, "the same connection served the next request"
        return status, {k.lower(): v for k, v in said.items()}, json.loads(text)
    finally:
        connection.close()


def logged(service: ServiceProcess, words: str) -> list[dict[str, Any]]:
    """The JSON lines of the service's log that contain ``words``."""
    lines = []
    for line in service.logs(tail=None).splitlines():
        if words in line:
            lines.append(json.loads(line))
    return lines


def readiness(service: ServiceProcess) -> tuple[int, str]:
    answer = httpx.get(f"{service.url}/readyz", timeout=15)
    return answer.status_code, answer.json().get("reason", "")


# --- out of memory --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PrivateRedis, System]]:
    folder = tmp_path_factory.mktemp("log-faults")
    server = PrivateRedis(folder / "redis", aof=True).start()
    system = secured_system(server.url, folder, f"faults{uuid.uuid4().hex[:6]}", SERVICES)
    yield server, system
    system.close()
    server.stop()


def test_out_of_memory_answers_503_with_the_reason_writes_nothing_and_recovers(
    faulty: tuple[PrivateRedis, System],
) -> None:
    server, system = faulty
    unit = f"unit-{uuid.uuid4().hex[:8]}"
    registration = system.services["registration"]
    before = post_keeping_the_connection(registration, "/tasks", task_body(leader(), unit, YEAR))
    assert before[0] == 201, before
    admin = redis.Redis.from_url(server.url)
    counted = lengths(admin, system.prefix)
    admin.config_set("maxmemory-policy", "noeviction")
    admin.config_set("maxmemory", 1)  # anything in use is over it
    try:
        status, headers, body = post_keeping_the_connection(
            registration, "/tasks", task_body(leader(), unit, YEAR, description=BIG)
        )
        assert status == 503, body
        assert headers["content-type"] == "application/json"
        assert int(headers["retry-after"]) >= 1
        [problem] = body["detail"]
        assert problem["type"] == "log_out_of_memory"
        assert "OOM command not allowed" in problem["msg"]
        assert "nothing was written" in problem["msg"]
        decision = httpx.post(
            f"{system.services['approval'].url}/tasks/{before[2]['task_id']}/decision",
            json={"decision": "approve", "decided_by": "x"},
            headers=ADMIN.headers,
            timeout=15,
        )
        assert decision.status_code == 503
        assert decision.json()["detail"][0]["type"] == "log_out_of_memory"

        assert lengths(admin, system.prefix) == counted, "nothing half-written"
        for name in ("registration", "approval", "reporting"):
            service = system.services[name]
            ready, reason = readiness(service)
            assert ready == 503, reason
            assert "out of memory" in reason
            figures = metrics(service)
            assert figures["redis_up"] == 1, "Redis answers..."
            assert figures["redis_writable"] == 0, "...but takes no write: the alert's input"
        refusals = metrics(registration)["log_refusals_total{code=log_out_of_memory}"]
        assert refusals >= 1
        [line, *_] = logged(registration, "OOM command not allowed")
        assert line["level"] == "warning"
        assert line["code"] == "log_out_of_memory"
        assert line["error"].startswith("OOM command not allowed")
        read = httpx.get(
            f"{system.services['reporting'].url}/reports/{YEAR}",
            params={"unit": unit},
            headers=VIEWER.headers,
            timeout=15,
        )
        assert read.status_code == 200, "reads keep answering"
    finally:
        admin.config_set("maxmemory", 0)
    assert "EQUAL: 0 keys differ" in records_check(server.url, system.prefix)

    for service in system.services.values():
        service.wait_ready(timeout=30)
        assert metrics(service)["redis_writable"] == 1
    after = post_keeping_the_connection(registration, "/tasks", task_body(leader(), unit, YEAR))
    assert after[0] == 201, "answered again, without a restart"
    admin.close()


# --- a full disk ----------------------------------------------------------------------------


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "16m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on ``folder`` (skips where mounting is not allowed)."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("a full disk is made with a tmpfs: mounting one needs root (CI runs as root)")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def fill(folder: Path) -> Path:
    """Write a file in ``folder`` until the filesystem is full; the file."""
    filler = folder / "filler"
    chunk = b"\0" * 65536
    with filler.open("wb", buffering=0) as out:
        while True:
            try:
                out.write(chunk)
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
                break
        with contextlib.suppress(OSError):  # the last partial page too
            for _ in range(64):
                out.write(b"\0" * 1024)
    return filler


@pytest.fixture
def on_a_small_disk(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A tmpfs for Redis's data, and a folder on the ordinary disk for the rest."""
    with small_disk(tmp_path / "disk") as disk:
        yield disk, tmp_path


def start_on(
    disk: Path, elsewhere: Path, appendfsync: str
) -> tuple[PrivateRedis, System, redis.Redis]:
    server = PrivateRedis(
        disk / "redis",
        port=free_port(),
        aof=True,
        appendfsync=appendfsync,
        logfile=elsewhere / "redis.log",
    ).start()
    system = secured_system(server.url, elsewhere / "services", f"disk{uuid.uuid4().hex[:6]}")
    return server, system, redis.Redis.from_url(server.url)


def test_a_full_disk_with_appendfsync_always_answers_nothing_it_could_not_keep(
    on_a_small_disk: tuple[Path, Path],
) -> None:
    """The deployment's setting. Redis cannot append a write to its AOF, so it exits before
    answering it (``always``: never a reply for a write not on disk); the service answers
    503. Redis started again (as compose's restart policy does) loads what it had kept:
    every write answered 201 is there, the refused one is not, the records agree. Space
    back, writes are answered again without restarting any service."""
    disk, elsewhere = on_a_small_disk
    server, system, admin = start_on(disk, elsewhere, "always")
    unit = f"unit-{uuid.uuid4().hex[:8]}"
    registration = system.services["registration"]
    try:
        kept = post_keeping_the_connection(registration, "/tasks", task_body(leader(), unit, YEAR))
        assert kept[0] == 201
        counted = lengths(admin, system.prefix)
        filler = fill(disk)
        status, headers, body = post_keeping_the_connection(
            registration, "/tasks", task_body(leader(), unit, YEAR, description=BIG)
        )
        assert status == 503, body
        assert body["detail"][0]["type"] == "log_unavailable"
        assert int(headers["retry-after"]) >= 1
        assert server.process is not None
        assert server.process.wait(timeout=10) != 0, "Redis exited rather than answer it"
        said = (elsewhere / "redis.log").read_text()
        assert "Can't recover from AOF write error when the AOF fsync policy is 'always'" in said
        ready, reason = readiness(registration)
        assert ready == 503
        assert "redis does not answer" in reason
        assert metrics(registration)["redis_up"] == 0, "RedisUnreachable's input"

        filler.unlink()  # space returns; Redis restarts, as its restart policy does
        server.start()
        for service in system.services.values():
            service.wait_ready(timeout=30)
        assert lengths(admin, system.prefix) == counted, "the refused write is nowhere"
        assert "EQUAL: 0 keys differ" in records_check(server.url, system.prefix)
        again = post_keeping_the_connection(registration, "/tasks", task_body(leader(), unit, YEAR))
        assert again[0] == 201, again
    finally:
        admin.close()
        system.close()
        server.stop()


def test_a_full_disk_with_appendfsync_everysec_misconf_and_the_write_it_answered(
    on_a_small_disk: tuple[Path, Path],
) -> None:
    """Why the deployment does not run ``everysec``. There, Redis answers OK to the write
    whose AOF append failed (it stays in memory, retried every second) and refuses the next
    ones with MISCONF: the services answer 503 log_disk_error with Redis's words, /readyz
    says so, redis_writable is 0; space back, Redis writes its AOF again and the services
    answer by themselves. But a crash of Redis while the disk is full loses that first
    write: answered, and gone."""
    disk, elsewhere = on_a_small_disk
    server, system, admin = start_on(disk, elsewhere, "everysec")
    unit = f"unit-{uuid.uuid4().hex[:8]}"
    registration = system.services["registration"]
    try:
        filler = fill(disk)
        assert admin.set("answered-first", "x" * 65536), "answered OK..."
        info = wait_until(
            lambda: admin.info("persistence")["aof_last_write_status"] == "err",
            "the AOF write error seen",
        )
        assert info
        status, headers, body = post_keeping_the_connection(
            registration, "/tasks", task_body(leader(), unit, YEAR)
        )
        assert status == 503, body
        [problem] = body["detail"]
        assert problem["type"] == "log_disk_error"
        assert "MISCONF" in problem["msg"]
        assert "No space left on device" in problem["msg"]
        assert int(headers["retry-after"]) >= 1
        ready, reason = readiness(registration)
        assert ready == 503
        assert "append-only file" in reason
        assert metrics(registration)["redis_writable"] == 0
        assert logged(registration, "MISCONF"), "Redis's words in the service's log"

        filler.unlink()
        registration.wait_ready(timeout=30)
        again = post_keeping_the_connection(registration, "/tasks", task_body(leader(), unit, YEAR))
        assert again[0] == 201, "answered again by itself once space returned"

        filler = fill(disk)
        assert admin.set("answered-then-lost", "x" * 65536), "answered OK..."
        wait_until(
            lambda: admin.info("persistence")["aof_last_write_status"] == "err",
            "the AOF write error seen",
        )
        assert server.process is not None
        server.process.kill()  # Redis crashes while the disk is full
        server.process.wait()
        filler.unlink()
        server.start()
        assert admin.exists("answered-first") == 1
        assert admin.exists("answered-then-lost") == 0, "...and lost: why `always`"
    finally:
        admin.close()
        system.close()
        server.stop()


def test_a_bug_is_a_500_in_the_one_error_shape_logged_with_its_traceback(
    faulty: tuple[PrivateRedis, System],
) -> None:
    """Not every Redis error is unavailability: one the code does not expect (here a key of
    the wrong type where a task record should be) is a 500 in the one shape, the connection
    kept, logged with the error and its traceback."""
    server, system = faulty
    admin = redis.Redis.from_url(server.url)
    task_id = str(uuid.uuid4())
    admin.set("{" + system.prefix + "}:task:" + task_id, "not a hash")
    try:
        status, _, body = post_keeping_the_connection(
            system.services["registration"],
            f"/tasks/{task_id}/withdrawal",
            {"reason": "thử"},
        )
    finally:
        admin.close()
    assert status == 500, body
    assert body["detail"][0]["type"] == "internal_error"
    [line] = logged(system.services["registration"], "WRONGTYPE")
    assert line["level"] == "error"
    assert "WRONGTYPE" in line["error"]
    assert "Traceback (most recent call last)" in line["exception"]
