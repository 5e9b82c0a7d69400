from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from tests.support.people import Caller, Pool, api_tokens
from tests.support.services import SERVICES, WRITERS, ServiceProcess, start_system


class System:
    """The running services, a client for each, and a plain Redis client for the log."""

    def __init__(self, services: dict[str, ServiceProcess], prefix: str, redis_url: str) -> None:
        self.services = services
        self.prefix = prefix
        self.redis_url = redis_url
        self.clients = {
            name: httpx.Client(base_url=service.url, timeout=10)
            for name, service in services.items()
        }
        self.redis = redis.Redis.from_url(redis_url)

    @property
    def registration(self) -> httpx.Client:
        return self.clients["registration"]

    @property
    def approval(self) -> httpx.Client:
        return self.clients["approval"]

    @property
    def reporting(self) -> httpx.Client:
        if "reporting" not in self.clients:
            pytest.fail("this system was started without reporting: pass services=SERVICES")
        return self.clients["reporting"]

    def close(self) -> None:
        for client in self.clients.values():
            client.close()
        self.redis.close()
        for service in self.services.values():
            service.stop()


def secured_system(
    redis_url: str,
    folder: Path,
    prefix: str,
    services: tuple[str, ...] = WRITERS,
    **extra: str,
) -> System:
    """Registration and approval (by default) with every token of ``tests.support.people``
    (``extra`` settings override those)."""
    settings = {"API_TOKENS": api_tokens(), "ALLOW_ANONYMOUS": "false"} | extra
    started = start_system(redis_url, prefix, folder, services=services, **settings)
    return System(started, prefix, redis_url)


@pytest.fixture(scope="session")
def system(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """The three services, secured with person-bound tokens, shared by the session.

    Shared: tests take registrants of their own (``registrant``), a unit of their own
    (``unit_code``), and never close or publish a roster for a year another test uses."""
    running = secured_system(
        redis_url,
        tmp_path_factory.mktemp("services"),
        f"e2e{uuid.uuid4().hex[:8]}",
        services=SERVICES,
    )
    yield running
    running.close()


@pytest.fixture(scope="session")
def pool() -> Pool:
    return Pool()


@pytest.fixture
def registrant(pool: Pool) -> Caller:
    """A registrant no other test has used: their quota is whole."""
    return pool.registrant()


SPARE_YEARS = itertools.count(2001)


def take_spare_year() -> int:
    """A year no other test of the session writes in (2001-2019): for a roster or a closure,
    which change what every registration of their year may do. (2000, the first year a
    task may be in, is left to the tests of that limit.)"""
    year = next(SPARE_YEARS)
    assert year < 2020, "spare years used up"
    return year


@pytest.fixture
def spare_year() -> int:
    """A year of this test's own: see ``take_spare_year``."""
    return take_spare_year()


@pytest.fixture
def unit_code() -> str:
    """A unit of this test's own, so figures filtered by it are exactly this test's."""
    return f"unit-{uuid.uuid4().hex[:10]}"
