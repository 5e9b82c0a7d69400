from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from tests.support.clock import zone_at_noon
from tests.support.oidc import oidc_provider, other_oidc_provider  # noqa: F401 (fixtures)
from tests.support.oidc_tokens import oidc_verifier  # noqa: F401 (a fixture)
from tests.support.redis_server import test_redis

# "Today" is the programme's (TIMEZONE), never the machine's: a zone where it is noon now,
# so that no test depends on the hour it runs at (TEST_TIMEZONE chooses another).
os.environ["TIMEZONE"] = os.environ.get("TEST_TIMEZONE") or zone_at_noon()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test by its folder: tests/unit, tests/integration, tests/e2e."""
    for item in items:
        parts = Path(str(item.fspath)).parts
        for kind in ("unit", "integration", "e2e"):
            if kind in parts:
                item.add_marker(getattr(pytest.mark, kind))


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with test_redis(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def prefix() -> str:
    """A STREAM_PREFIX of this test's own: tests share a Redis but never a key."""
    return f"test{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(redis_url)
    yield client
    await client.aclose()
