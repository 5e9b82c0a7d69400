"""The services as real processes (``python -m services.<name>``), for end-to-end tests: all
three, or the ones a test names (``start_system(..., services=("registration", "approval"))``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support.redis_server import free_port

SERVICES = ("registration", "approval", "reporting")
TOKENS = {
    "registrant": "registrant-token-0123456789",
    "approver": "approver-token-0123456789",
    "viewer": "viewer-token-0123456789",
    "admin": "admin-token-0123456789",
}
API_TOKENS = ",".join(f"{role}:{token}:{role}-e2e" for role, token in TOKENS.items())


@dataclass
class ServiceProcess:
    name: str
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServiceProcess:
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", f"services.{self.name}"],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        return self

    def wait_answering(self, timeout: float = 30.0) -> None:
        """Wait until the process serves HTTP (``/healthz``), ready or not."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.logs()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"{self.name} does not answer after {timeout}s:\n{self.logs()}")

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.logs()}")
            try:
                answer = httpx.get(f"{self.url}/readyz", timeout=1.0)
                if answer.status_code == 200:
                    return
                last = answer.text
            except httpx.HTTPError as error:
                last = str(error)
            time.sleep(0.1)
        raise TimeoutError(f"{self.name} not ready after {timeout}s ({last}):\n{self.logs()}")

    def stop(self, sig: int = signal.SIGTERM) -> int | None:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()

    def kill(self) -> None:
        """kill -9: no shutdown, nothing flushed or acked."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def replica(self, replica_name: str) -> ServiceProcess:
        """Another process of the same service, on a port of its own."""
        port = free_port()
        env = {**self.env, "PORT": str(port)}
        log_path = self.log_path.with_name(f"{replica_name}.log")
        return ServiceProcess(self.name, port, env, log_path)

    def logs(self, tail: int | None = 6000) -> str:
        """The process's output: the last ``tail`` characters, or all of it with None."""
        text = self.log_path.read_text(errors="replace")
        return text[-tail:] if tail else text


WRITERS = ("registration", "approval")
"""The services that write the log: a system of a test that needs no reporting."""


def launch(
    redis_url: str,
    prefix: str,
    folder: Path,
    *,
    services: tuple[str, ...] = SERVICES,
    **extra: str,
) -> dict[str, ServiceProcess]:
    """Start the processes of ``services`` against ``redis_url`` under ``prefix``, without
    waiting for them. Anonymous unless ``extra`` says otherwise: pass ``API_TOKENS=...`` and
    ``ALLOW_ANONYMOUS="false"`` for a secured system."""
    folder.mkdir(parents=True, exist_ok=True)
    started: dict[str, ServiceProcess] = {}
    for name in services:
        env = {
            **os.environ,
            "REDIS_URL": redis_url,
            "STREAM_PREFIX": prefix,
            "PORT": str(free_port()),
            "HOST": "127.0.0.1",
            "LOG_FORMAT": "json",
            "ALLOW_ANONYMOUS": "true",
            **extra,
        }
        port = int(env["PORT"])
        started[name] = ServiceProcess(name, port, env, folder / f"{name}.log").start()
    return started


def start_system(
    redis_url: str,
    prefix: str,
    folder: Path,
    *,
    services: tuple[str, ...] = SERVICES,
    ready_within: float = 30.0,
    **extra: str,
) -> dict[str, ServiceProcess]:
    """``launch`` the services and wait until each is ready (all of them are stopped again
    if one is not)."""
    started = launch(redis_url, prefix, folder, services=services, **extra)
    try:
        for service in started.values():
            service.wait_ready(timeout=ready_within)
    except (TimeoutError, RuntimeError):
        for service in started.values():
            service.stop()
        raise
    return started
