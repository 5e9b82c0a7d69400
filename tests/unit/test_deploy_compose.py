"""The docker compose deployment, checked without a Docker engine: Debian's docker-compose
validates deploy/compose.yaml (against the compose-spec schema it ships) and resolves it with
.env.example; the resolved file, the Dockerfile and .env.example must agree with the code."""

from __future__ import annotations

import re

import pytest

from services.approval.bootstrap import ApprovalSettings
from services.registration.bootstrap import RegistrationSettings
from services.reporting.bootstrap import ReportingSettings
from tests.support.compose import COMPOSE, ENV_EXAMPLE, ROOT, compose, resolved

SETTINGS = {
    "registration": RegistrationSettings,
    "approval": ApprovalSettings,
    "reporting": ReportingSettings,
}
PORTS = {"registration": "8001", "approval": "8002", "reporting": "8003"}
NOT_PASSED = {
    "REPLICA_NAME": "each container's host name: one per replica, kept across restarts",
    "API_TOKENS_FILE": "compose passes API_TOKENS from .env; an empty value is not 'unset'",
}


def documented() -> dict[str, str]:
    """NAME=default lines of .env.example."""
    pairs = re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", ENV_EXAMPLE.read_text(), re.MULTILINE)
    return dict(pairs)


def test_compose_file_is_valid_and_needs_a_redis_password() -> None:
    assert compose("config", "-q").returncode == 0
    refused = compose("config", "-q", password=None)
    assert refused.returncode != 0
    assert "set REDIS_PASSWORD in .env" in refused.stderr


def test_redis_keeps_an_aof_on_a_named_volume_behind_a_password() -> None:
    redis = resolved()["services"]["redis"]
    command = " ".join(redis["command"])
    assert "--appendonly yes" in command
    assert re.search(r"--appendfsync (everysec|always)", command)
    assert "--requirepass s3cret" in command
    assert [str(volume).split(":")[:2] for volume in redis["volumes"]] == [["redis-data", "/data"]]
    assert "redis-data" in resolved()["volumes"]
    assert redis["restart"] == "unless-stopped"
    assert "ports" not in redis, "Redis stays on the compose network"


@pytest.mark.parametrize("name", list(SETTINGS))
def test_each_service_runs_its_module_probed_on_readyz_and_scales(name: str) -> None:
    service = resolved()["services"][name]
    assert service["command"] == ["python", "-m", f"services.{name}"]
    assert "/readyz" in " ".join(service["healthcheck"]["test"])
    assert service["restart"] == "unless-stopped"
    assert service["depends_on"]["redis"]["condition"] == "service_healthy"
    for pinned in ("ports", "container_name", "hostname"):
        assert pinned not in service, f"{pinned} would break --scale or REPLICA_NAME"
    environment = service["environment"]
    assert environment["HOST"] == "0.0.0.0"  # noqa: S104 - inside the container
    assert environment["PORT"] == PORTS[name]
    assert environment["REDIS_URL"] == "redis://:s3cret@redis:6379/0"
    assert not set(NOT_PASSED) & set(environment)
    fields = {field.upper() for field in SETTINGS[name].model_fields} - set(NOT_PASSED)
    assert fields <= set(environment), (
        f"settings compose does not pass: {fields - set(environment)}"
    )


def test_env_example_documents_every_setting_and_every_compose_variable() -> None:
    text = ENV_EXAMPLE.read_text()
    fields = {field.upper() for settings in SETTINGS.values() for field in settings.model_fields}
    assert not [name for name in fields if name not in text], "a setting .env.example omits"
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE.read_text()))
    assert used - set(documented()) == set(), "a compose variable .env.example omits"
    defaults = dict(re.findall(r"\$\{([A-Z][A-Z0-9_]*):-([^}]*)\}", COMPOSE.read_text()))
    for name, default in defaults.items():
        assert documented()[name] == default, f"{name}: compose and .env.example disagree"
    assert documented()["REDIS_PASSWORD"] == "", "no default password"
    for settings in SETTINGS.values():
        for field, info in settings.model_fields.items():
            name = field.upper()
            if name in documented() and info.default_factory is None:
                default = info.default
                text = (
                    ""
                    if default is None
                    else str(default).lower()
                    if isinstance(default, bool)
                    else str(default)
                )
                assert documented()[name] == text, f"{name}: .env.example and the code disagree"


def test_the_gateway_is_the_only_published_entry_and_binds_localhost_by_default() -> None:
    services = resolved()["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"gateway", "prometheus"}
    ports = " ".join(str(port) for port in services["gateway"]["ports"])
    for port in PORTS.values():
        assert f"127.0.0.1:{port}:{port}" in ports
    gateway = (ROOT / "deploy" / "gateway.conf").read_text()
    for name, port in PORTS.items():
        assert f"listen {port};" in gateway
        assert f"{name}:{port};" in gateway


def test_the_image_is_slim_non_root_and_without_dev_tools() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)", dockerfile, re.MULTILINE)
    assert set(stages) == {"python:3.11-slim"}, "build and run on the slim base"
    users = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert users
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert "[dev]" not in dockerfile
    assert "pip install --prefer-binary ." in dockerfile
    assert 'CMD ["python", "-m", "services.' in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".data", ".env", ".git", ".pytest_cache"} <= set(ignored)
