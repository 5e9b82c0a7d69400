"""Request bodies, calls and reads of the log for end-to-end tests.

The log is read as any program in any language would: plain XRANGE/XLEN and ``json``.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import httpx
import redis

from tests.support import clock
from tests.support.factories import registration_body
from tests.support.people import ADMIN, APPROVER, Caller

YEAR = 2024
DECIDED_BY = "Ban Thường vụ Tỉnh ủy"
STREAM_KEYS = (
    "tasks:registered",
    "tasks:approved",
    "tasks:rejected",
    "tasks:progress",
    "tasks:amended",
    "tasks:withdrawn",
    "tasks:returned",
    "tasks:self-assessed",
    "tasks:evaluated",
    "years",
    "roster",
    "dead-letter",
)
"""Every stream the system writes, after ``<prefix>:``."""


def today() -> date:
    """Today where the services reckon it (the session's TIMEZONE: tests.support.clock)."""
    return clock.today()


def leader() -> str:
    """A registrant id no test has used (for an admin registering for someone)."""
    return f"leader-{uuid.uuid4().hex[:10]}"


def task_body(
    registrant: str | Caller, unit_code: str, year: int = YEAR, **overrides: Any
) -> dict[str, Any]:
    """A valid POST /tasks body for ``registrant`` in a unit of the test's own."""
    registrant_id = registrant.id if isinstance(registrant, Caller) else registrant
    defaults: dict[str, Any] = {
        "unit": {"code": unit_code, "name": "Huyện Kim Thành"},
        "description": "Giải phóng mặt bằng 26 dự án, gần 287 ha.",
    }
    return registration_body(registrant_id, year, **(defaults | overrides))


def progress_body(**overrides: Any) -> dict[str, Any]:
    return {
        "reported_at": f"{YEAR}-09-30",
        "actuals": [{"metric": "projects cleared", "value": 15}],
        "status": "in_progress",
        **overrides,
    }


def recorded_early(year: int) -> dict[str, str]:
    """The header of an admin's import of a record of the past: registered on 15 January
    of ``year`` (a leader's own progress reports may then bear any later day of it)."""
    return {"Recorded-At": clock.local_moment(date(year, 1, 15))}


def register(
    client: httpx.Client,
    caller: Caller,
    body: dict[str, Any],
    *,
    imported: bool = False,
    **headers: str,
) -> dict[str, Any]:
    """POST /tasks as ``caller``, or (``imported``) as an admin importing the registration
    on 15 January of its year; the answer of a 201."""
    if imported:
        caller, headers = ADMIN, headers | recorded_early(body["year"])
    answer = client.post("/tasks", json=body, headers=caller.headers | headers)
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


def decide(
    approval: httpx.Client, task_id: str, caller: Caller = APPROVER, **body: Any
) -> httpx.Response:
    """POST /tasks/{id}/decision as ``caller`` (decided_by defaults to the committee)."""
    return approval.post(
        f"/tasks/{task_id}/decision",
        json={"decided_by": DECIDED_BY, **body},
        headers=caller.headers,
    )


def approve(approval: httpx.Client, task_id: str, caller: Caller = APPROVER) -> dict[str, Any]:
    answer = decide(approval, task_id, caller, decision="approve", reference="QĐ 190")
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def task(registration: httpx.Client, task_id: str, caller: Caller) -> dict[str, Any]:
    answer = registration.get(f"/tasks/{task_id}", headers=caller.headers)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def decide_many(
    approval: httpx.Client, task_ids: list[str], caller: Caller = APPROVER, **body: Any
) -> httpx.Response:
    """POST /decisions as ``caller``: many tasks under one decision (decided_by defaults to
    the committee)."""
    return approval.post(
        "/decisions",
        json={"task_ids": task_ids, "decided_by": DECIDED_BY, **body},
        headers=caller.headers,
    )


def publish_roster(
    registration: httpx.Client, year: int, body: dict[str, Any], caller: Caller = ADMIN
) -> dict[str, Any]:
    """PUT /roster/{year} (JSON) as ``caller``; the answer of a 200."""
    answer = registration.put(f"/roster/{year}", json=body, headers=caller.headers)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def from_roster(registrant: str | Caller, year: int, **overrides: Any) -> dict[str, Any]:
    """A POST /tasks body that leaves the registrant's name, position and level, and the
    unit, to the year's roster."""
    registrant_id = registrant.id if isinstance(registrant, Caller) else registrant
    body = task_body(registrant_id, "unused", year=year, **overrides)
    body["registrant"] = {"id": registrant_id}
    del body["unit"]
    return body


def close_year(approval: httpx.Client, year: int, caller: Caller = ADMIN) -> dict[str, Any]:
    """POST /years/{year}/closure as ``caller``; the answer of a 201."""
    answer = approval.post(
        f"/years/{year}/closure",
        json={"decided_by": DECIDED_BY, "reference": f"QĐ tổng kết năm {year}"},
        headers=caller.headers,
    )
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


def problems(answer: httpx.Response) -> list[dict[str, Any]]:
    """The refusal's problems, after checking it has the one error shape of every route."""
    body = answer.json()
    assert set(body) == {"detail"}, body
    assert isinstance(body["detail"], list), body
    assert body["detail"], body
    for problem in body["detail"]:
        assert set(problem) == {"loc", "msg", "type"}, problem
        assert isinstance(problem["loc"], list), problem
        assert isinstance(problem["msg"], str), problem
        assert isinstance(problem["type"], str), problem
    detail: list[dict[str, Any]] = body["detail"]
    return detail


def refused(answer: httpx.Response, status: int, *words: str) -> list[dict[str, Any]]:
    """Assert ``answer`` is a refusal with ``status`` in the one error shape, whose messages
    (or codes, or the fields they name) say each of ``words``; its problems."""
    assert answer.status_code == status, f"{answer.status_code}: {answer.text}"
    found = problems(answer)
    said = " ".join(f"{p['msg']} {p['type']} {'.'.join(map(str, p['loc']))}" for p in found)
    for word in words:
        assert word in said, f"{word!r} not in {said!r}"
    return found


def lengths(client: redis.Redis, prefix: str) -> dict[str, int]:
    """XLEN of every stream the system writes."""
    return {key: int(client.xlen(f"{prefix}:{key}")) for key in STREAM_KEYS}


@contextmanager
def nothing_written(client: redis.Redis, prefix: str) -> Iterator[None]:
    """Assert the block appends to no stream."""
    before = lengths(client, prefix)
    yield
    after = lengths(client, prefix)
    moved = {key: (before[key], after[key]) for key in STREAM_KEYS if before[key] != after[key]}
    assert not moved, f"a refused request wrote: {moved}"


def documents(client: redis.Redis, prefix: str, key: str) -> list[tuple[str, dict[str, Any]]]:
    """(position, event document) of every entry of a stream, by plain XRANGE."""
    read = []
    for entry_id, fields in client.xrange(f"{prefix}:{key}"):
        assert set(fields) == {b"type", b"event"}, fields.keys()
        document = json.loads(fields[b"event"].decode("utf-8"))
        assert document["type"] == fields[b"type"].decode()
        read.append((entry_id.decode(), document))
    return read


def document_at(client: redis.Redis, prefix: str, key: str, position: str) -> dict[str, Any]:
    """The event document at ``position`` of a stream, by plain XRANGE."""
    [(_, fields)] = client.xrange(f"{prefix}:{key}", position, position)
    result: dict[str, Any] = json.loads(fields[b"event"].decode("utf-8"))
    return result


def of_task(client: redis.Redis, prefix: str, key: str, task_id: str) -> list[dict[str, Any]]:
    """The documents of a stream about one task."""
    return [d for _, d in documents(client, prefix, key) if d.get("subject") == task_id]


def eventually(check: Callable[[], Any], within: float = 20.0, every: float = 0.1) -> Any:
    """Poll ``check`` until it answers something true (errors count as not yet)."""
    deadline = time.monotonic() + within
    while True:
        try:
            result = check()
            if result:
                return result
        except (httpx.HTTPError, AssertionError, KeyError):
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {within}s: {check}")
        time.sleep(every)


def days_from_today(days: int) -> date:
    return today() + timedelta(days=days)
