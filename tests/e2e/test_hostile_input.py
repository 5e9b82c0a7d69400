"""Hostile input at every entry point, against a system of its own: random entries in every
stream, oversized bodies, odd text, and schemathesis fuzzing the three OpenAPI documents."""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.e2e.helpers import leader, task_body
from tests.support.services import ServiceProcess, start_system


@pytest.fixture(scope="module")
def hostile(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder: Path = tmp_path_factory.mktemp("hostile")
    prefix = f"hostile{uuid.uuid4().hex[:6]}"
    services = start_system(redis_url, prefix, folder, PENDING_IDLE_MS="500")
    yield {"services": services, "prefix": prefix, "redis_url": redis_url}
    for service in services.values():
        service.stop()


def url(hostile: dict[str, Any], name: str) -> str:
    service: ServiceProcess = hostile["services"][name]
    return service.url


STREAMS = {
    "registered": ("TaskRegistered", {"approval", "reporting"}),
    "approved": ("TaskApproved", {"registration", "reporting"}),
    "rejected": ("TaskRejected", {"registration", "reporting"}),
    "progress": ("ProgressLogged", {"reporting"}),
}


def random_fields(rng: random.Random, event_type: str) -> dict[bytes, bytes]:
    choice = rng.randrange(4)
    if choice == 0:
        return {os.urandom(rng.randrange(1, 9)): os.urandom(rng.randrange(0, 300))}
    if choice == 1:
        return {b"type": event_type.encode(), b"event": os.urandom(rng.randrange(1, 300))}
    if choice == 2:
        document = {"id": rng.random(), "data": [1, {"x": None}], "type": event_type}
        return {b"type": event_type.encode(), b"event": json.dumps(document).encode()}
    return {b"type": b"\xff\xfe", b"event": b"{}", b"extra": b"field"}


def test_random_entries_in_every_stream_are_parked_and_nothing_crashes(
    hostile: dict[str, Any],
) -> None:
    client = redis.Redis.from_url(hostile["redis_url"])
    prefix, rng = hostile["prefix"], random.Random(7)
    written: dict[str, list[str]] = {}
    for name, (event_type, _) in STREAMS.items():
        key = f"{prefix}:tasks:{name}"
        written[key] = [
            client.xadd(key, random_fields(rng, event_type)).decode() for _ in range(15)
        ]

    expected = {
        (f"{prefix}:tasks:{name}", entry, f"{prefix}.{service}")
        for name, (_, services) in STREAMS.items()
        for entry in written[f"{prefix}:tasks:{name}"]
        for service in services
    }
    deadline = time.monotonic() + 20
    while True:
        parked = set()
        for _, fields in client.xrange(f"{prefix}:dead-letter"):
            data = json.loads(fields[b"event"])["data"]
            parked.add((data["stream"], data["entry_id"], data["group"]))
        if expected <= parked or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert expected - parked == set()
    client.close()
    assert all(service.alive for service in hostile["services"].values())

    created = httpx.post(
        f"{url(hostile, 'registration')}/tasks", json=task_body(leader(), "hostile")
    )
    assert created.status_code == 201
    report = httpx.get(
        f"{url(hostile, 'reporting')}/reports/2024",
        params={"unit": "hostile", "after": created.json()["position"]},
    )
    assert report.json()["tasks"]["registered"] >= 1


@pytest.mark.parametrize(
    ("service", "path"),
    [
        ("registration", "/tasks"),
        ("registration", "/tasks/some-task/progress"),
        ("approval", "/tasks/some-task/decision"),
    ],
)
def test_bodies_over_a_megabyte_are_refused(
    hostile: dict[str, Any], service: str, path: str
) -> None:
    body = task_body(leader(), "hostile", description="x" * (1024 * 1024))
    answer = httpx.post(f"{url(hostile, service)}{path}", json=body)
    assert answer.status_code == 413
    assert "nothing was written" in answer.json()["detail"]


def test_odd_text_is_stored_as_given_and_logged_as_escaped_json(hostile: dict[str, Any]) -> None:
    odd = 'Kim Thành}{"x":1}\n\r\u202e\x00 <script>'
    body = task_body(f"{{evil}}:{leader()}\n", "hostile", title=odd)
    body["registrant"]["name"] = odd
    created = httpx.post(f"{url(hostile, 'registration')}/tasks", json=body)
    assert created.status_code == 201, created.text
    shown = httpx.get(f"{url(hostile, 'registration')}/tasks/{created.json()['task_id']}").json()
    assert shown["title"] == odd.strip()
    for service in hostile["services"].values():
        for line in service.logs(tail=None).split("\n")[:-1]:  # the last may be half written
            if line.strip():
                json.loads(line)  # every line is one JSON document: nothing broke out
                assert line.isascii(), "client text is escaped, no separator survives raw"


@pytest.mark.parametrize("service", ["registration", "approval", "reporting"])
def test_fuzzing_the_openapi_document_never_gets_a_5xx(
    hostile: dict[str, Any], service: str
) -> None:
    schema = schemathesis.openapi.from_url(f"{url(hostile, service)}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 4, "probes and the service's own routes"
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
        def never_a_server_error(case: Any) -> None:
            case.call_and_validate(checks=[not_a_server_error])

        never_a_server_error()
