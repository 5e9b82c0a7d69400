"""A small client of the three services' HTTP APIs, calling as the signed-in person.

Every call sends the person's bearer token and the request's ``X-Correlation-ID``, so the
events a page writes carry the same correlation id as the portal's own log line. Answers
are the services' JSON as it is (the contract documents it). A refusal is ``Refused`` with
the problems of the one error shape (``{"detail": [{"loc", "msg", "type"}]}``); a ``401``
is ``SignedOut`` (the token expired or was revoked); a service that cannot be reached, or
answers ``5xx``, is ``Unavailable``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx

Json = dict[str, Any]
Query = dict[str, str | int | None]


@dataclass(frozen=True, slots=True)
class Problem:
    loc: tuple[str | int, ...]
    msg: str
    type: str


class ApiError(Exception):
    pass


class Refused(ApiError):
    """The service said no (4xx); ``problems`` say what and where."""

    def __init__(self, status: int, problems: list[Problem]) -> None:
        super().__init__(f"{status}: {[p.type for p in problems]}")
        self.status = status
        self.problems = problems

    @property
    def codes(self) -> list[str]:
        return [problem.type for problem in self.problems]


class SignedOut(ApiError):
    """The person's token is no longer accepted: they must sign in again."""


class Unavailable(ApiError):
    """The service could not be reached, or answered 5xx (``problems``: what it said)."""

    def __init__(self, service: str, reason: str, problems: list[Problem] | None = None) -> None:
        super().__init__(f"{service}: {reason}")
        self.service = service
        self.problems = problems or []

    @property
    def codes(self) -> list[str]:
        return [problem.type for problem in self.problems]


def problems_of(answer: httpx.Response) -> list[Problem]:
    try:
        detail = answer.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    if isinstance(detail, str):
        return [Problem((), detail, "http_error")]
    if not isinstance(detail, list):
        return [Problem((), answer.reason_phrase, "http_error")]
    return [
        Problem(tuple(item.get("loc") or ()), str(item.get("msg", "")), str(item.get("type", "")))
        for item in detail
        if isinstance(item, dict)
    ]


class Service:
    """One service, called as one person for one page request."""

    def __init__(self, name: str, http: httpx.AsyncClient, base: str, headers: dict[str, str]):
        self.name = name
        self.http = http
        self.base = base
        self.headers = headers

    async def send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Query | None = None,
        key: str | None = None,
    ) -> Any:
        """The answer's JSON; ``key``: the write's ``Idempotency-Key`` (a form's own)."""
        answer = await self._request(method, path, json=json, params=params, key=key)
        return answer.json() if answer.content else None

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Query | None = None,
        key: str | None = None,
    ) -> httpx.Response:
        query = {k: v for k, v in (params or {}).items() if v is not None and v != ""}
        headers = self.headers if key is None else {**self.headers, "Idempotency-Key": key}
        try:
            answer = await self.http.request(
                method, self.base + path, json=json, params=query, headers=headers
            )
        except httpx.HTTPError as error:
            raise Unavailable(self.name, type(error).__name__) from error
        self._check(answer)
        return answer

    def _check(self, answer: httpx.Response) -> None:
        if answer.status_code == 401:
            raise SignedOut(answer.text[:200])
        if answer.status_code >= 500 and answer.status_code != 504:
            raise Unavailable(self.name, f"HTTP {answer.status_code}", problems_of(answer))
        if answer.status_code >= 400:
            raise Refused(answer.status_code, problems_of(answer))

    async def stream(self, path: str, params: Query) -> tuple[httpx.Response, AsyncIterator[bytes]]:
        """A long answer (a CSV) passed on as it comes; the caller closes the response."""
        query = {k: v for k, v in params.items() if v is not None and v != ""}
        request = self.http.build_request(
            "GET", self.base + path, params=query, headers=self.headers
        )
        try:
            answer = await self.http.send(request, stream=True)
        except httpx.HTTPError as error:
            raise Unavailable(self.name, type(error).__name__) from error
        if answer.status_code >= 400:
            await answer.aread()
            await answer.aclose()
            self._check(answer)
        return answer, answer.aiter_bytes()


@dataclass(frozen=True)
class Endpoints:
    registration: str
    approval: str
    reporting: str


class Apis:
    """The three services for the whole process; ``as_person`` binds a token and a request."""

    def __init__(self, endpoints: Endpoints, http: httpx.AsyncClient) -> None:
        self.endpoints = endpoints
        self.http = http

    def as_person(self, token: str, correlation_id: str) -> Calls:
        headers = {
            "Authorization": f"Bearer {token}",
            "X-Correlation-ID": correlation_id,
            "Accept": "application/json",
        }
        return Calls(
            Service("registration", self.http, self.endpoints.registration, headers),
            Service("approval", self.http, self.endpoints.approval, headers),
            Service("reporting", self.http, self.endpoints.reporting, headers),
        )


@dataclass(frozen=True)
class Calls:
    registration: Service
    approval: Service
    reporting: Service

    async def me(self) -> Json:
        found: Json = await self.registration.send("GET", "/me")
        return found

    async def tasks(self, **query: str | int | None) -> list[Json]:
        """Every task summary reporting lists for ``query``, page after page."""
        found: list[Json] = []
        cursor: str | None = None
        while True:
            page = await self.reporting.send("GET", "/tasks", params={**query, "cursor": cursor})
            found.extend(page.get("tasks", []))
            cursor = page.get("next")
            if not cursor:
                return found
