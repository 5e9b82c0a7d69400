"""What a program in any language sees: plain XRANGE over the streams, plain JSON parsing.

Deliberately uses no project code to read: only redis-py and ``json``.
"""

from __future__ import annotations

import json
import re
from typing import Any

import redis

from tests.e2e.conftest import System
from tests.e2e.helpers import decide, leader, register, task_body, wait_status

DATA_KEYS = {
    "TaskRegistered": {
        "task_id",
        "year",
        "registrant",
        "unit",
        "title",
        "description",
        "category",
        "kind",
        "targets",
        "deadline",
        "registered_at",
    },
    "TaskApproved": {"task_id", "year", "decided_by", "reference", "note", "approved_at"},
    "TaskRejected": {"task_id", "year", "decided_by", "reason", "rejected_at"},
    "ProgressLogged": {"task_id", "year", "reported_at", "actuals", "status", "note"},
}
ENVELOPE_KEYS = {
    "specversion",
    "id",
    "source",
    "type",
    "subject",
    "time",
    "datacontenttype",
    "schemaversion",
    "correlationid",
    "causationid",
    "data",
    "actor",  # extensions: the name of the token that wrote the event
    "actorrole",  # and the role it acted in
}
UTC_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def read_stream(client: redis.Redis, key: str) -> list[tuple[str, dict[str, Any]]]:
    documents = []
    for entry_id, fields in client.xrange(key):
        assert set(fields) == {b"type", b"event"}, fields.keys()
        document = json.loads(fields[b"event"].decode("utf-8"))
        assert document["type"] == fields[b"type"].decode()
        documents.append((entry_id.decode(), document))
    return documents


def test_every_entry_is_a_cloudevents_document_of_the_contract(
    system: System, unit_code: str
) -> None:
    chain = f"chain-{unit_code}"
    created = register(
        system.registration, task_body(leader(), unit_code), **{"X-Correlation-ID": chain}
    )
    approval = decide(system.approval, created["task_id"], decision="approve", note="đạt")
    assert approval.headers["X-Correlation-ID"]
    wait_status(system.registration, created["task_id"], "approved")
    logged = system.registration.post(
        f"/tasks/{created['task_id']}/progress",
        json={"reported_at": "2024-03-31", "actuals": [], "status": "at_risk"},
        headers={"X-Correlation-ID": chain},
    )
    assert logged.status_code == 201
    refused = register(system.registration, task_body(leader(), unit_code, title="bị từ chối"))
    decide(system.approval, refused["task_id"], decision="reject", reason="không đo được")

    client = redis.Redis.from_url(system.redis_url)
    by_id: dict[str, dict[str, Any]] = {}
    for name, event_type in [
        ("registered", "TaskRegistered"),
        ("approved", "TaskApproved"),
        ("rejected", "TaskRejected"),
        ("progress", "ProgressLogged"),
    ]:
        documents = read_stream(client, f"{system.prefix}:tasks:{name}")
        assert documents, f"nothing in {name}"
        for _, document in documents:
            assert set(document) == ENVELOPE_KEYS
            assert document["specversion"] == "1.0"
            assert document["type"] == event_type
            assert document["datacontenttype"] == "application/json"
            assert document["schemaversion"] == 1
            assert document["source"].startswith("/breakthrough/")
            assert UTC_TIME.match(document["time"]), document["time"]
            assert document["subject"] == document["data"]["task_id"]
            assert set(document["data"]) == DATA_KEYS[event_type]
            assert document["id"] not in by_id, "event ids are unique"
            by_id[document["id"]] = document
    client.close()

    registered = by_id[created["event_id"]]
    assert registered["correlationid"] == chain
    assert registered["causationid"] is None
    assert registered["actor"] == "anonymous", "this system runs with ALLOW_ANONYMOUS"
    assert registered["actorrole"] == "admin"
    assert registered["data"]["registrant"]["name"] == "Phạm Quang Hưng"
    assert registered["data"]["targets"][0] == {
        "metric": "projects cleared",
        "unit": "project",
        "target": 26,
        "direction": "at_least",
    }
    approved = by_id[approval.json()["event_id"]]
    assert approved["causationid"] == created["event_id"], (
        "a decision is caused by the registration"
    )
    assert approved["source"] == "/breakthrough/approval"
    assert approved["data"]["note"] == "đạt"
    progress = by_id[logged.json()["event_id"]]
    assert progress["correlationid"] == chain
    assert progress["data"]["status"] == "at_risk"
    assert progress["data"]["reported_at"] == "2024-03-31"
    rejected = [
        d
        for d in by_id.values()
        if d["subject"] == refused["task_id"] and d["type"] == "TaskRejected"
    ]
    assert rejected[0]["data"]["reason"] == "không đo được"
    assert rejected[0]["causationid"] == refused["event_id"]


def test_positions_returned_by_writes_are_the_stream_entry_ids(
    system: System, unit_code: str
) -> None:
    created = register(system.registration, task_body(leader(), unit_code))
    client = redis.Redis.from_url(system.redis_url)
    [(_, fields)] = client.xrange(
        f"{system.prefix}:tasks:registered", min=created["position"], max=created["position"]
    )
    assert json.loads(fields[b"event"])["id"] == created["event_id"]
    client.close()
