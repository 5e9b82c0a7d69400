"""What every service's HTTP API shares: probes, metrics, correlation ids, error answers."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.commands import Refusal
from shared.idempotency import BadIdempotencyKey, IdempotencyConflict
from shared.limits import BodyLimit
from shared.metrics import Metrics

CORRELATION_HEADER = "X-Correlation-ID"
_CORRELATION_NAME = CORRELATION_HEADER.lower().encode()
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
Readiness = Callable[[], Awaitable[str | None]]
Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]

logger = structlog.get_logger()


class ApiError(Exception):
    """A refusal with a status and a message for the client; nothing was written."""

    def __init__(self, status: int, message: str | list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def refused(error: Refusal) -> ApiError:
    """The answer to a refusal: 422s in FastAPI's own shape, other statuses as a message."""
    if error.status == 422:
        detail = [{"loc": ["body", *error.field], "msg": error.message, "type": "value_error"}]
        return ApiError(422, detail)
    return ApiError(error.status, error.message)


def correlation_id(request: Request) -> str:
    value: str = request.state.correlation_id
    return value


PROBES = frozenset({"/healthz", "/readyz", "/metrics"})


def service_app(
    *,
    name: str,
    metrics: Metrics,
    readiness: Readiness,
    lifespan: Lifespan,
    version: str,
    starting: Callable[[], str | None] = lambda: None,
) -> FastAPI:
    """The service's FastAPI app with probes, metrics, error answers and, until
    ``starting()`` returns None, a 503 for everything but the probes."""
    app = FastAPI(title=f"breakthrough {name}", version=version, lifespan=lifespan)

    @app.get("/healthz", tags=["probes"])
    async def healthz() -> dict[str, str]:
        return {"status": "alive"}

    @app.get("/readyz", tags=["probes"], responses={503: {"description": "not ready"}})
    async def readyz() -> JSONResponse:
        reason = await readiness()
        if reason:
            return JSONResponse({"status": "not ready", "reason": reason}, status_code=503)
        return JSONResponse({"status": "ready"})

    @app.get("/metrics", tags=["probes"], response_class=Response)
    async def prometheus_metrics() -> Response:
        await metrics.refresh()
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    @app.exception_handler(ApiError)
    async def answer(_request: Request, error: ApiError) -> JSONResponse:
        return JSONResponse({"detail": error.message}, status_code=error.status)

    @app.exception_handler(Refusal)
    async def refusal(request: Request, error: Refusal) -> JSONResponse:
        return await answer(request, refused(error))

    @app.exception_handler(IdempotencyConflict)
    async def key_reused(request: Request, error: IdempotencyConflict) -> JSONResponse:
        return await answer(request, ApiError(409, str(error)))

    @app.exception_handler(BadIdempotencyKey)
    async def bad_key(request: Request, error: BadIdempotencyKey) -> JSONResponse:
        return await answer(request, ApiError(422, str(error)))

    async def unavailable(_request: Request, _error: Exception) -> JSONResponse:
        message = "the event log (Redis) is unavailable: nothing was written, retry later"
        return JSONResponse({"detail": message}, status_code=503)

    app.add_exception_handler(RedisConnectionError, unavailable)
    app.add_exception_handler(RedisTimeoutError, unavailable)
    app.add_middleware(Gate, starting=starting)
    app.add_middleware(Access, metrics=metrics)
    app.add_middleware(BodyLimit)
    return app


class Gate:
    """Until ``starting()`` returns None, a 503 for everything but the probes (pure ASGI:
    Starlette's ``BaseHTTPMiddleware`` costs a task group and a stream per request)."""

    def __init__(self, app: ASGIApp, starting: Callable[[], str | None]) -> None:
        self.app = app
        self.starting = starting

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] not in PROBES:
            reason = self.starting()
            if reason:
                answer = JSONResponse({"detail": f"not serving yet: {reason}"}, status_code=503)
                await answer(scope, receive, send)
                return
        await self.app(scope, receive, send)


class Access:
    """Correlation id in and out, request metrics, and one log line per request."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = ""
        for name, value in scope["headers"]:
            if name == _CORRELATION_NAME:
                given = value.decode("latin-1")
                break
        correlation = given if _SAFE_ID.match(given) else str(uuid.uuid4())
        state = scope.setdefault("state", {})
        state["correlation_id"] = correlation
        structlog.contextvars.bind_contextvars(correlation_id=correlation)
        started = time.perf_counter()
        status = 500

        async def answering(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[CORRELATION_HEADER] = correlation
            await send(message)

        try:
            await self.app(scope, receive, answering)
        finally:
            elapsed = time.perf_counter() - started
            route = _route(scope)
            self.metrics.requests(route, scope["method"], str(status)).inc()
            self.metrics.request_seconds(route).observe(elapsed)
            if route not in PROBES:
                _log_request(scope, route, status, elapsed)
            structlog.contextvars.unbind_contextvars("correlation_id")


def _route(scope: Scope) -> str:
    route: Any = scope.get("route")
    return str(getattr(route, "path", "unmatched"))


def _log_request(scope: Scope, route: str, status: int, elapsed: float) -> None:
    level = "warning" if status >= 500 else "info"
    getattr(logger, level)(
        "request",
        method=scope["method"],
        route=route,
        status=status,
        duration_ms=round(elapsed * 1000, 2),
        event_id=scope.get("state", {}).get("event_id"),
    )
