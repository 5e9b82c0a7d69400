"""The portal's /metrics says whether its Redis (the sessions') answers, as the services'
do: Prometheus scrapes the portal too, and RedisUnreachable reads ``redis_up`` of every job."""

from __future__ import annotations

import httpx

from services.portal.bootstrap import create_app
from services.portal.settings import PortalSettings
from tests.support.redis_server import free_port


async def redis_up(settings: PortalSettings) -> list[str]:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://portal") as client:
            text = (await client.get("/metrics")).text
    finally:
        await app.state.portal.store.redis.aclose()
        await app.state.portal.apis.http.aclose()
    return [line for line in text.splitlines() if line.startswith("redis_up ")]


async def test_redis_up_is_1_while_the_sessions_redis_answers(redis_url: str, prefix: str) -> None:
    settings = PortalSettings(redis_url=redis_url, stream_prefix=prefix)
    assert await redis_up(settings) == ["redis_up 1.0"]


async def test_redis_up_is_0_when_it_does_not(prefix: str) -> None:
    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    settings = PortalSettings(redis_url=nowhere, stream_prefix=prefix)
    assert await redis_up(settings) == ["redis_up 0.0"]
