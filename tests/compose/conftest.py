"""deploy/compose.yaml brought up for real: `make compose-test` (COMPOSE_TEST=1). A plain
pytest run skips these tests. The engine is the one that answers or one started here
(tests/support/engine.py), stopped again at the end; every image is built here; the
stack runs as a project of its own on free ports, with secrets made by
deploy/make-secrets.sh in a temporary folder, and is taken down with its volumes and
images whatever happens."""

from __future__ import annotations

import json
import os
import random
import shlex
import ssl
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.support.compose import COMPOSE, ENV_EXAMPLE, ROOT, compose_binary
from tests.support.engine import Engine, Unavailable, docker, ensure_base, ensure_engine
from tests.support.redis_server import free_port

HERE = Path(__file__).parent
# what the gateway publishes: the portal and the three services
SERVICES = {"portal": "8000", "registration": "8001", "approval": "8002", "reporting": "8003"}
# every process Prometheus scrapes (notifications too: not behind the gateway); two approval
# replicas: ReplicaDown is about one replica of several going away
REPLICAS = {"portal": 1, "registration": 1, "approval": 2, "reporting": 1, "notifications": 1}
TIMINGS: dict[str, float] = {}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(
        reason="the compose deployment is brought up by `make compose-test` (COMPOSE_TEST=1)"
    )
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.compose)
            if os.environ.get("COMPOSE_TEST") != "1":
                item.add_marker(skip)


def say(line: str) -> None:
    """What the test checked, on the terminal (make compose-test runs pytest with -s)."""
    print(f"compose-test | {line}", flush=True)  # noqa: T201


def timed(name: str, started: float) -> float:
    TIMINGS[name] = time.monotonic() - started
    return TIMINGS[name]


@dataclass
class Stack:
    project: str
    env: dict[str, str]
    files: list[Path]
    secrets: Path
    ports: dict[str, int]
    workdir: Path
    logs: list[str] = field(default_factory=list)

    @property
    def command(self) -> list[str]:
        files = [arg for path in self.files for arg in ("-f", str(path))]
        return [str(compose_binary()), "--env-file", str(ENV_EXAMPLE), *files, "-p", self.project]

    def compose(
        self, *args: str, timeout: float = 300, check: bool = True, stdin: bytes | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        done = subprocess.run(
            [*self.command, *args],
            input=stdin,
            capture_output=True,
            env=self.env,
            timeout=timeout,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"docker compose {' '.join(args)} failed ({done.returncode}):\n"
                f"{done.stdout.decode(errors='replace')[-3000:]}\n"
                f"{done.stderr.decode(errors='replace')[-3000:]}"
            )
        return done

    def shell(self, script: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """bash with `dc` as the runbook defines it (this project, files and settings)."""
        prelude = f'set -euo pipefail\ndc() {{ {shlex.join(self.command)} "$@"; }}\n'
        return subprocess.run(
            ["bash", "-c", prelude + script],
            capture_output=True,
            text=True,
            env=self.env,
            cwd=self.workdir,
            timeout=timeout,
            check=False,
        )

    def url(self, service: str) -> str:
        return f"https://127.0.0.1:{self.ports[service]}"

    def token(self, role: str) -> str:
        return self._entry(role)[1]

    def person(self, role: str) -> str:
        """The person the role's token stands for (make-secrets.sh: `<role>-local`)."""
        return self._entry(role)[2]

    def _entry(self, role: str) -> list[str]:
        for line in (self.secrets / "api_tokens").read_text().splitlines():
            if line.startswith(f"{role}:"):
                return line.split(":")
        raise AssertionError(f"no {role} token")

    def client(self, role: str | None = None) -> httpx.Client:
        """Checks the gateway's certificate against the self-signed one made for it."""
        trusted = ssl.create_default_context(cafile=str(self.secrets / "tls.crt"))
        headers = {"Authorization": f"Bearer {self.token(role)}"} if role else {}
        return httpx.Client(verify=trusted, headers=headers, timeout=30)

    def containers(self) -> list[dict[str, Any]]:
        text = self.compose("ps", "--all", "--format", "json").stdout.decode()
        text = text.strip()
        if text.startswith("["):
            found: list[dict[str, Any]] = json.loads(text)
            return found
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    def redis(self, which: str = "primary") -> str:
        """The Redis node (its compose service) that is the primary now, or a replica in
        sync, as the Sentinels say (``redis-which`` in a Sentinel's container)."""
        done = self.compose("exec", "-T", "sentinel-1", "redis-which", which)
        return done.stdout.decode().strip()

    def prometheus(self, path: str, **params: str) -> Any:
        answer = httpx.get(
            f"http://127.0.0.1:{self.ports['prometheus']}/api/v1/{path}", params=params, timeout=10
        )
        answer.raise_for_status()
        return answer.json()["data"]


def fast_monitoring(folder: Path) -> Path:
    """deploy/prometheus.yml and alerts.yml with their intervals and ReplicaDown's `for`
    shortened (the same expressions), and a compose file mounting them instead."""
    config = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
    config["global"] = {"scrape_interval": "2s", "evaluation_interval": "2s"}
    for job in config["scrape_configs"]:
        for discovery in job["dns_sd_configs"]:
            discovery["refresh_interval"] = "2s"
    alerts = yaml.safe_load((ROOT / "deploy" / "alerts.yml").read_text())
    for group in alerts["groups"]:
        for rule in group["rules"]:
            if rule.get("alert") == "ReplicaDown":
                rule["for"] = "6s"
    (folder / "prometheus.yml").write_text(yaml.safe_dump(config))
    (folder / "alerts.yml").write_text(yaml.safe_dump(alerts))
    override = {
        "services": {
            "prometheus": {
                "volumes": [
                    f"{folder / 'prometheus.yml'}:/etc/prometheus/prometheus.yml:ro",
                    f"{folder / 'alerts.yml'}:/etc/prometheus/alerts.yml:ro",
                ]
            }
        }
    }
    path = folder / "compose.test.yaml"
    path.write_text(yaml.safe_dump(override))
    return path


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    started = time.monotonic()
    try:
        found = ensure_engine(tmp_path_factory.mktemp("engine"))
    except Unavailable as reason:
        say(f"skipped: {reason}")
        pytest.skip(f"no Docker engine can run here: {reason}")
    say(f"engine: {found.how} ({timed('engine', started):.1f} s)")
    try:
        started = time.monotonic()
        try:
            how = ensure_base()
        except Unavailable as reason:
            pytest.skip(f"no debian:bookworm-slim to build on: {reason}")
        say(f"base: debian:bookworm-slim {how} ({timed('base image', started):.1f} s)")
        yield found
    finally:
        if found.process is not None:
            found.stop()
            say("engine: the dockerd started here is stopped")


@pytest.fixture(scope="module")
def stack(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("compose")
    secrets = folder / "secrets"
    made = subprocess.run(
        [str(ROOT / "deploy" / "make-secrets.sh"), str(secrets)],
        capture_output=True,
        text=True,
        check=True,
    )
    say(made.stdout.strip())
    run = uuid.uuid4().hex[:8]
    ports = {name: free_port() for name in (*SERVICES, "prometheus")}
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("COMPOSE")},
        "COMPOSE_PROFILES": "monitoring",
        "IMAGE_TAG": f"compose-test-{run}",
        "SECRETS_FOLDER": str(secrets),
        "PROMETHEUS_PORT": str(ports["prometheus"]),
        # the Redis network of this project's own (a /24 no other stack here uses)
        "REDIS_NETWORK": f"10.{random.randint(90, 250)}.{random.randint(0, 255)}",
        **{f"{name.upper()}_PORT": str(ports[name]) for name in SERVICES},
        **{f"{name.upper()}_REPLICAS": str(count) for name, count in REPLICAS.items()},
    }
    stack = Stack(
        project=f"btcompose{run}",
        env=env,
        files=[COMPOSE, fast_monitoring(folder)],
        secrets=secrets,
        ports=ports,
        workdir=folder,
    )
    try:
        yield stack
    finally:
        started = time.monotonic()
        logs = stack.compose("logs", "--no-color", "--tail", "200", check=False, timeout=60)
        (folder / "stack.log").write_bytes(logs.stdout + logs.stderr)
        stack.env["COMPOSE_PROFILES"] = "monitoring,demo"
        down = stack.compose(
            "down", "--volumes", "--rmi", "all", "--remove-orphans", "-t", "10", check=False
        )
        left = docker("ps", "-aq", "--filter", f"label=com.docker.compose.project={stack.project}")
        volumes = docker("volume", "ls", "-q", "--filter", f"name={stack.project}")
        say(
            f"teardown: down --volumes --rmi all (exit {down.returncode}) in "
            f"{timed('teardown', started):.1f} s; containers left: "
            f"{len(left.stdout.split())}, volumes left: {len(volumes.stdout.split())} "
            f"(logs: {folder / 'stack.log'})"
        )
        say("timings: " + ", ".join(f"{name} {secs:.1f} s" for name, secs in TIMINGS.items()))
