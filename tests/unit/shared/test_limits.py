"""The request body limit, on a tiny ASGI app."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from shared.edge.limits import BodyLimit

received: list[int] = []


async def echo(request: Request) -> JSONResponse:
    body = await request.body()
    received.append(len(body))
    return JSONResponse({"bytes": len(body)})


def client() -> httpx.AsyncClient:
    app = Starlette(routes=[Route("/", echo, methods=["POST"])])
    app.add_middleware(BodyLimit, max_bytes=1000)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test")


async def test_a_body_within_the_limit_passes() -> None:
    answer = await client().post("/", content=b"x" * 1000)
    assert answer.status_code == 200
    assert answer.json() == {"bytes": 1000}


async def test_a_declared_length_over_the_limit_is_refused_unread() -> None:
    received.clear()
    answer = await client().post("/", content=b"x" * 1001)
    assert answer.status_code == 413
    [problem] = answer.json()["detail"]
    assert "nothing was written" in problem["msg"]
    assert problem["type"] == "too_large"
    assert received == []


async def test_a_chunked_body_over_the_limit_is_refused() -> None:
    received.clear()

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(5):
            yield b"y" * 300

    answer = await client().post("/", content=chunks())
    assert answer.status_code == 413
    assert received == []
