"""What every service's HTTP API shares: probes, metrics, correlation ids, and the one error
shape of every route.

Every refusal, whatever its status (401, 403, 404, 409, 413, 422, 503...), answers
``{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}``: FastAPI's own shape for a 422,
used for all of them. ``type`` is a stable code (``quota``, ``wrong_state``, ``missing``...)
that a client may translate; ``msg`` says it in English. A refusal never echoes the input it
refuses (an input JSON cannot hold, such as NaN, must not turn a 422 into a 500).
"""

from __future__ import annotations

import math
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from pydantic import BaseModel
from redis.exceptions import RedisError
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.domain.refusals import Refusal
from shared.edge.identity import Forbidden, ProviderUnavailable, Unauthenticated
from shared.edge.limits import BodyLimit
from shared.log.faults import CODES, said, unavailable
from shared.log.replication import NotReplicated
from shared.ops.metrics import Metrics

CORRELATION_HEADER = "X-Correlation-ID"
_CORRELATION_NAME = CORRELATION_HEADER.lower().encode()
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
Readiness = Callable[[], Awaitable[str | None]]
Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]
PROBES = frozenset({"/healthz", "/readyz", "/metrics"})
RETRY_AFTER = 2
"""Seconds a 503 of a service still starting (or of the identity provider) asks to wait."""

logger = structlog.get_logger()


class Problem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ErrorBody(BaseModel):
    """Every refusal's body: what is wrong, where, and a stable code for it."""

    detail: list[Problem]


STATUS_TEXT = {
    401: "no valid bearer token",
    403: "the caller may not do this",
    404: "no such resource",
    409: "refused by the state it meets (a task's state, a closed year, a quota...)",
    413: "request body too large",
    422: "the request is malformed or breaks a rule",
    503: "the event log (Redis) cannot take the request now (no primary, out of memory, disk, "
    "too few replicas: the code and message say which), the identity provider is "
    "unavailable, or the service is still starting; Retry-After says when to retry",
    504: "not caught up with the position asked for (``after``) in time: the write is safe, retry",
}


class Late(Refusal):
    """504: a read asked to include a write (``after``) that it has not caught up with yet."""

    status = 504


UNREADABLE_BODY = (
    "the body cannot be read as JSON: nested too deeply, or a number with too many digits"
)


def answers(*statuses: int, validated: bool = True) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the refusals a route may answer (401, 413, 503 always, and
    422 for a route with parameters or a body to validate)."""
    every = sorted({401, 413, 503, *statuses} | ({422} if validated else set()))
    return {status: {"model": ErrorBody, "description": STATUS_TEXT[status]} for status in every}


BEARER = {
    "type": "http",
    "scheme": "bearer",
    "description": "A static API token (API_TOKENS) or an access token of the province's "
    "OpenID Connect provider",
}
OPEN = PROBES | {"/"}
"""Routes anyone may call: the probes, and a page that asks for its token itself."""


def declare_bearer(app: FastAPI) -> None:
    """State the bearer scheme in the OpenAPI document, on every route but the open ones.

    Declared here rather than by a FastAPI security dependency on each route: such a
    dependency decides nothing here (``shared.edge.identity`` reads the header itself, to answer 401
    in the one error shape), and solving it cost a quarter of a registration's time."""
    made = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = made()
            schemes = document.setdefault("components", {}).setdefault("securitySchemes", {})
            schemes["HTTPBearer"] = BEARER
            for path, operations in document.get("paths", {}).items():
                if path not in OPEN:
                    for operation in operations.values():
                        operation["security"] = [{"HTTPBearer": []}]
        return app.openapi_schema or made()

    app.openapi = openapi  # type: ignore[method-assign]


def publish_schemas(app: FastAPI, *models: type[BaseModel]) -> None:
    """Add ``models`` to the OpenAPI document's components (for bodies a route reads itself,
    such as one that takes JSON or CSV)."""
    made = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = made()
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            for model in models:
                schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
                schemas.update(schema.pop("$defs", {}))
                schemas[model.__name__] = schema
        return app.openapi_schema or made()

    app.openapi = openapi  # type: ignore[method-assign]


def problem(
    status: int, message: str, code: str, loc: Sequence[str | int] = (), **headers: str
) -> JSONResponse:
    body = {"detail": [{"loc": list(loc), "msg": message, "type": code}]}
    return JSONResponse(body, status_code=status, headers=headers or None)


INTERNAL = "an internal error; it is logged with this request's correlation id"


def internal_error(error: BaseException) -> JSONResponse:
    """A bug: a 500 in the one error shape, logged with the error and its traceback."""
    logger.error("request failed", error=str(error) or type(error).__name__, exc_info=error)
    return problem(500, INTERNAL, "internal_error")


def correlation_id(request: Request) -> str:
    value: str = request.state.correlation_id
    return value


def _safe(value: Any) -> Any:
    """Only what JSON holds: no NaN, no infinity, no lone surrogate."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**63:
        return "a very large integer"
    return value


def _validation(error: RequestValidationError) -> JSONResponse:
    problems = [
        {
            "loc": [_safe(part) for part in item.get("loc", ())],
            "msg": _safe(str(item.get("msg", "invalid"))),
            "type": _safe(str(item.get("type", "value_error"))),
        }
        for item in error.errors()
    ]
    return JSONResponse({"detail": problems}, status_code=422)


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

    @app.exception_handler(Refusal)
    async def refusal(_request: Request, error: Refusal) -> JSONResponse:
        where = error.field[:1]
        inside = where and where[0] in ("header", "query", "path")
        loc = ["body", *error.field] if error.field and not inside else list(error.field)
        retry = {"Retry-After": "30"} if error.status == 503 else {}
        return problem(error.status, error.message, error.code, loc, **retry)

    @app.exception_handler(RequestValidationError)
    async def malformed(_request: Request, error: RequestValidationError) -> JSONResponse:
        return _validation(error)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, error: HTTPException) -> JSONResponse:
        if error.status_code == 400:
            # FastAPI's answer to a body its JSON reader raised on with anything but a
            # JSONDecodeError: nesting past the recursion limit, an integer past Python's
            # 4,300 digits. Malformed input, so a 422 like every other (a 400 is no status
            # the documents list).
            return problem(422, UNREADABLE_BODY, "json_invalid", ["body"])
        if error.status_code == 413:
            return problem(413, str(error.detail), "too_large", ["body"])
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
        return problem(error.status_code, str(error.detail), code)

    @app.exception_handler(Unauthenticated)
    async def unauthenticated(_request: Request, error: Unauthenticated) -> JSONResponse:
        return problem(401, str(error), "unauthenticated", **{"WWW-Authenticate": "Bearer"})

    @app.exception_handler(Forbidden)
    async def forbidden(_request: Request, error: Forbidden) -> JSONResponse:
        return problem(403, str(error), "forbidden")

    @app.exception_handler(ProviderUnavailable)
    async def provider_down(_request: Request, error: ProviderUnavailable) -> JSONResponse:
        headers = {"Retry-After": str(RETRY_AFTER)}
        return problem(503, str(error), "identity_provider_unavailable", **headers)

    async def log_fault(_request: Request, error: Exception) -> JSONResponse:
        """Every way the log (Redis) cannot take a request, as a 503 with Retry-After and
        the reason (``shared.log.faults``); any other Redis error is a bug: a 500, logged
        with its traceback. Answered here, the connection stays open (keep-alive)."""
        fault = unavailable(error)
        if fault is None:
            return internal_error(error)
        metrics.log_refusals(fault.code).inc()
        logger.warning("log unavailable", code=fault.code, error=said(error))
        headers = {"Retry-After": str(fault.retry_after)}
        return problem(503, fault.message, fault.code, **headers)

    for code in CODES:  # exposed from the start, at 0: an alert's rate() sees them
        metrics.log_refusals(code)
    app.add_exception_handler(RedisError, log_fault)
    app.add_exception_handler(NotReplicated, log_fault)
    declare_bearer(app)
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
                answer = problem(
                    503,
                    f"not serving yet: {reason}",
                    "starting",
                    **{"Retry-After": str(RETRY_AFTER)},
                )
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
        began = time.perf_counter()
        status, started = 500, False

        async def answering(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status, started = message["status"], True
                MutableHeaders(scope=message)[CORRELATION_HEADER] = correlation
            await send(message)

        try:
            await self.app(scope, receive, answering)
        except Exception as error:
            # Answered here (not by Starlette's last resort, which answers text and makes
            # the server close the connection) and not raised again: a 500 in the one
            # error shape, logged once with its traceback; the connection stays open.
            if status != 500 or started:
                raise
            await internal_error(error)(scope, receive, answering)
        finally:
            elapsed = time.perf_counter() - began
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
    state = scope.get("state", {})
    actor = state.get("actor")
    getattr(logger, level)(
        "request",
        method=scope["method"],
        route=route,
        status=status,
        duration_ms=round(elapsed * 1000, 2),
        event_id=state.get("event_id"),
        actor=getattr(actor, "id", None),
    )
