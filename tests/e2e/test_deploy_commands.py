"""The exact commands the containers run, taken from deploy/compose.yaml as docker-compose
resolves it with .env.example: each service's command with its environment (HOST 0.0.0.0,
JSON logs, ...), from an empty working directory, and the healthcheck compose runs on it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.compose import resolved
from tests.support.redis_server import free_port

SERVICES = ("registration", "approval", "reporting")


def local(argv: list[str]) -> list[str]:
    """The container's ``python`` is this virtualenv's here."""
    return [sys.executable if argv[0] == "python" else argv[0], *argv[1:]]


def healthcheck(service: dict[str, Any], env: dict[str, str]) -> int:
    test = service["healthcheck"]["test"]
    assert test[0] == "CMD"
    return subprocess.run(local(test[1:]), env=env, capture_output=True, timeout=10).returncode


@pytest.fixture
def started(redis_url: str, tmp_path: Path) -> Any:
    config = resolved()["services"]
    prefix = f"deploy{uuid.uuid4().hex[:8]}"
    running: dict[str, tuple[subprocess.Popen[bytes], dict[str, str], Path]] = {}
    workdir = tmp_path / "app"  # like the image's empty WORKDIR
    workdir.mkdir()
    try:
        for name in SERVICES:
            env = {
                "PATH": os.environ.get("PATH", ""),
                **{key: str(value) for key, value in config[name]["environment"].items()},
                "REDIS_URL": redis_url,
                "STREAM_PREFIX": prefix,
                "PORT": str(free_port()),
                "REPLICA_NAME": f"{name}-container",
                "API_TOKENS": f"admin:{uuid.uuid4().hex}",
            }
            log = tmp_path / f"{name}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    local(config[name]["command"]), env=env, cwd=workdir, stdout=out, stderr=out
                )
            running[name] = (process, env, log)
        yield config, running
    finally:
        for process, _, _ in running.values():
            if process.poll() is None:
                process.kill()
                process.wait()


def test_commands_serve_pass_their_healthchecks_log_json_and_stop_cleanly(started: Any) -> None:
    config, running = started
    for name, (process, env, log) in running.items():
        nobody = {**env, "PORT": str(free_port())}
        assert healthcheck(config[name], nobody) != 0, "a healthcheck that nothing answers fails"
        deadline = time.monotonic() + 30
        while healthcheck(config[name], env) != 0:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"{name} never healthy:\n{log.read_text()}"
            time.sleep(0.2)
        metrics = httpx.get(f"http://127.0.0.1:{env['PORT']}/metrics", timeout=5).text
        assert f'stream="{env["STREAM_PREFIX"]}:tasks:registered"' in metrics, "ours answered"
        assert process.poll() is None

    for name, (process, _, log) in running.items():
        process.send_signal(signal.SIGTERM)  # docker stop; uvicorn re-raises it once done
        assert process.wait(timeout=20) in {0, -signal.SIGTERM}, log.read_text()
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
        assert all(line["service"] == name for line in lines)
        said = [line["message"] for line in lines]
        assert "ready" in said
        assert "stopped" in said, "the runtime shut down (broker stopped, Redis closed)"
