"""What operators see: one JSON log line per request, carrying the service, the correlation id,
the event it wrote and who asked; one line per event reporting applies, carrying the
correlation id of the request that wrote it; /metrics with Redis' state and the length of
every stream, and reporting's lag behind each; every metric the sample alerts use exposed."""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import System
from tests.e2e.helpers import STREAM_KEYS, approve, decide, document_at, register, task_body
from tests.support.people import APPROVER, VIEWER, Caller

ALERTS = Path(__file__).resolve().parents[2] / "deploy" / "alerts.yml"


def log_lines(system: System, name: str) -> list[dict[str, Any]]:
    text = system.services[name].log_path.read_text(errors="replace")
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def wait_for_line(system: System, name: str, **wanted: Any) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for line in log_lines(system, name):
            if all(line.get(key) == value for key, value in wanted.items()):
                return line
        time.sleep(0.05)
    raise AssertionError(f"no {name} log line with {wanted}")


def samples(text: str) -> dict[tuple[str, str], float]:
    return {
        (sample.name, sample.labels.get("stream", "")): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_a_write_logs_one_line_with_its_correlation_event_and_actor(
    system: System, registrant: Caller, unit_code: str
) -> None:
    correlation = f"trace-{uuid.uuid4().hex}"
    created = register(
        system.registration,
        registrant,
        task_body(registrant, unit_code),
        **{"X-Correlation-ID": correlation},
    )
    line = wait_for_line(system, "registration", message="request", correlation_id=correlation)
    assert line["service"] == "registration"
    assert line["event_id"] == created["event_id"]
    assert line["actor"] == registrant.id
    assert (line["method"], line["route"], line["status"]) == ("POST", "/tasks", 201)
    assert line["level"] == "info"


def test_a_decision_logs_its_event_and_approver(
    system: System, registrant: Caller, unit_code: str
) -> None:
    task_id = register(system.registration, registrant, task_body(registrant, unit_code))["task_id"]
    decided = approve(system.approval, task_id)
    line = wait_for_line(system, "approval", message="request", event_id=decided["event_id"])
    assert (line["service"], line["actor"]) == ("approval", APPROVER.id)
    assert line["route"] == "/tasks/{task_id}/decision"


def test_a_refusal_logs_its_status_and_no_event(system: System, registrant: Caller) -> None:
    correlation = f"refused-{uuid.uuid4().hex}"
    answer = system.registration.post(
        "/tasks", json={}, headers=registrant.headers | {"X-Correlation-ID": correlation}
    )
    assert answer.status_code == 422
    line = wait_for_line(system, "registration", message="request", correlation_id=correlation)
    assert (line["status"], line["event_id"]) == (422, None)


@pytest.mark.parametrize("given", [None, "has spaces in it", "x" * 129, "semi;colon"])
def test_a_missing_or_unsafe_correlation_id_is_replaced(
    system: System, registrant: Caller, given: str | None
) -> None:
    headers = registrant.headers | ({"X-Correlation-ID": given} if given else {})
    answer = system.registration.get("/tasks/no-such-task", headers=headers)
    answered = answer.headers["X-Correlation-ID"]
    assert answered != given
    assert uuid.UUID(answered)


def test_a_safe_correlation_id_is_answered_back(system: System, registrant: Caller) -> None:
    answer = system.approval.get(
        "/approvals/pending?year=2024", headers=APPROVER.headers | {"X-Correlation-ID": "req:42"}
    )
    assert answer.headers["X-Correlation-ID"] == "req:42"


@pytest.mark.parametrize("name", ["registration", "approval", "reporting"])
def test_metrics_expose_redis_and_every_streams_length(system: System, name: str) -> None:
    scraped = samples(system.clients[name].get("/metrics").text)
    assert scraped["redis_up", ""] == 1
    assert ("dead_letter_entries", "") in scraped
    for key in STREAM_KEYS:
        if key != "dead-letter":
            stream = f"{system.prefix}:{key}"
            assert scraped["stream_entries", stream] == system.redis.xlen(stream), stream


def test_metrics_count_appended_events_by_type(
    system: System, registrant: Caller, unit_code: str
) -> None:
    task_id = register(system.registration, registrant, task_body(registrant, unit_code))["task_id"]
    approve(system.approval, task_id)
    scraped = system.approval.get("/metrics").text
    assert 'events_appended_total{type="TaskApproved"}' in scraped


def test_reporting_logs_each_event_it_applies_with_the_correlation_of_its_request(
    system: System, registrant: Caller, unit_code: str
) -> None:
    correlation = f"trace-{uuid.uuid4().hex}"
    created = register(
        system.registration,
        registrant,
        task_body(registrant, unit_code),
        **{"X-Correlation-ID": correlation},
    )
    line = wait_for_line(system, "reporting", message="event applied", event_id=created["event_id"])
    assert line["service"] == "reporting"
    assert line["correlation_id"] == correlation
    assert (line["stream"], line["position"]) == (
        f"{system.prefix}:tasks:registered",
        created["position"],
    )
    assert line["level"] == "info"

    deciding = f"decide-{uuid.uuid4().hex}"
    answer = system.approval.post(
        f"/tasks/{created['task_id']}/decision",
        json={"decision": "approve", "decided_by": "Ban Thường vụ Tỉnh ủy"},
        headers=APPROVER.headers | {"X-Correlation-ID": deciding},
    )
    assert answer.status_code == 200, answer.text
    decided = answer.json()
    document = document_at(system.redis, system.prefix, "tasks:approved", decided["position"])
    assert (document["correlationid"], document["causationid"]) == (deciding, created["event_id"])
    line = wait_for_line(system, "reporting", message="event applied", event_id=decided["event_id"])
    assert line["correlation_id"] == deciding
    assert line["stream"] == f"{system.prefix}:tasks:approved"


def test_reporting_exposes_how_far_it_is_behind_each_stream(
    system: System, registrant: Caller, unit_code: str
) -> None:
    created = register(system.registration, registrant, task_body(registrant, unit_code))
    rejected = decide(system.approval, created["task_id"], decision="reject", reason="trùng")
    assert rejected.status_code == 200, rejected.text
    caught_up = system.reporting.get(
        "/reports/2024",
        params={"unit": unit_code, "after": rejected.json()["position"]},
        headers=VIEWER.headers,
    )
    assert caught_up.status_code == 200, caught_up.text
    scraped = samples(system.reporting.get("/metrics").text)
    for key in STREAM_KEYS:
        if key != "dead-letter":
            stream = f"{system.prefix}:{key}"
            assert scraped["consumer_lag", stream] == 0, stream
    registered, decided = (f"{system.prefix}:tasks:{kind}" for kind in ("registered", "rejected"))
    assert scraped["events_consumed_total", registered] >= 1
    assert scraped["events_consumed_total", decided] >= 1
    assert ("consumer_lag", f"{system.prefix}:dead-letter") not in scraped, "not followed"


def series_used(expr: str) -> set[str]:
    """The series names a PromQL expression reads: its identifiers less label matchers and
    groupings, ranges, functions, keywords and numbers."""
    expr = re.sub(r"\{[^}]*\}|\[[^\]]*\]|\"[^\"]*\"", " ", expr)
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    expr = re.sub(r"[A-Za-z_:][A-Za-z0-9_:]*\s*\(", "(", expr)  # function calls
    words = set(re.findall(r"[A-Za-z_:][A-Za-z0-9_:]*", expr))
    return words - {"and", "or", "unless", "bool", "offset"}


def test_every_metric_the_sample_alerts_use_is_exposed(system: System) -> None:
    exposed = {"up"}  # Prometheus' own, per scraped target
    for name in ("registration", "approval", "reporting"):
        exposed |= {sample for sample, _ in samples(system.clients[name].get("/metrics").text)}
    rules = [
        rule for group in yaml.safe_load(ALERTS.read_text())["groups"] for rule in group["rules"]
    ]
    # recorded by the rules themselves, and by the Prometheus image from *_REPLICAS
    exposed |= {rule["record"] for rule in rules if "record" in rule}
    exposed.add("job:replicas_expected:count")
    for rule in rules:
        used = series_used(rule["expr"])
        name = rule.get("alert") or rule.get("record")
        assert used, name
        assert used <= exposed, f"{name} uses {used - exposed}"
