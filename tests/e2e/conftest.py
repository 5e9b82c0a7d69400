from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.services import ServiceProcess, start_system


class System:
    """The three running services and clients for them."""

    def __init__(self, services: dict[str, ServiceProcess], prefix: str, redis_url: str) -> None:
        self.services = services
        self.prefix = prefix
        self.redis_url = redis_url
        self.registration = httpx.Client(base_url=services["registration"].url, timeout=10)
        self.approval = httpx.Client(base_url=services["approval"].url, timeout=10)
        self.reporting = httpx.Client(base_url=services["reporting"].url, timeout=10)

    def close(self) -> None:
        for client in (self.registration, self.approval, self.reporting):
            client.close()
        for service in self.services.values():
            service.stop()


@pytest.fixture(scope="session")
def system(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    prefix = f"e2e{uuid.uuid4().hex[:8]}"
    folder: Path = tmp_path_factory.mktemp("services")
    running = System(start_system(redis_url, prefix, folder), prefix, redis_url)
    yield running
    running.close()


@pytest.fixture
def unit_code() -> str:
    """A unit of this test's own, so report figures filtered by it are exactly this test's."""
    return f"unit-{uuid.uuid4().hex[:10]}"
