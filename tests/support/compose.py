"""deploy/compose.yaml as Debian's docker-compose resolves it with .env.example (no Docker
engine needed: `config` only reads, validates against the compose spec, and interpolates)."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "deploy" / "compose.yaml"
ENV_EXAMPLE = ROOT / ".env.example"
PASSWORD = "s3cret"


def compose(*args: str, password: str | None = PASSWORD) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("docker-compose")
    if tool is None:
        pytest.fail("docker-compose is missing: run deploy/system-packages.sh (Debian package)")
    env = {key: value for key, value in os.environ.items() if key != "REDIS_PASSWORD"}
    if password is not None:
        env["REDIS_PASSWORD"] = password
    command = [tool, "--env-file", str(ENV_EXAMPLE), "-f", str(COMPOSE), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


@functools.cache
def resolved() -> dict[str, Any]:
    """The whole resolved file (`docker-compose config`), parsed."""
    answer = compose("config")
    assert answer.returncode == 0, answer.stderr
    config: dict[str, Any] = yaml.safe_load(answer.stdout)
    return config
