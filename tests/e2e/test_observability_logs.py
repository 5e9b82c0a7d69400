"""What operators see: JSON log lines of one unit of work carry service, correlation_id and
event_id; /metrics exposes lag, pending, stream lengths and dead letters; every metric the
sample alerts use is one the services expose."""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path
from typing import Any

import yaml
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import System
from tests.e2e.helpers import leader, register, task_body

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


def test_a_request_and_the_events_it_causes_log_the_same_ids(
    system: System, unit_code: str
) -> None:
    correlation = f"trace-{uuid.uuid4().hex}"
    answer = system.registration.post(
        "/tasks",
        json=task_body(leader(), unit_code),
        headers={"X-Correlation-ID": correlation},
    )
    assert answer.status_code == 201, answer.text
    event_id = answer.json()["event_id"]

    request = wait_for_line(system, "registration", message="request", correlation_id=correlation)
    assert request["service"] == "registration"
    assert request["event_id"] == event_id
    for consumer in ("approval", "reporting"):
        applied = wait_for_line(system, consumer, message="event applied", event_id=event_id)
        assert applied["service"] == consumer
        assert applied["correlation_id"] == correlation


def test_metrics_expose_lag_pending_lengths_and_dead_letters(
    system: System, unit_code: str
) -> None:
    register(system.registration, task_body(leader(), unit_code))
    registered = f"{system.prefix}:tasks:registered"
    streams = [f"{system.prefix}:tasks:{name}" for name in ("registered", "approved")]
    streams += [f"{system.prefix}:tasks:{name}" for name in ("rejected", "progress")]
    deadline = time.monotonic() + 10
    while True:
        approval = samples(system.approval.get("/metrics").text)
        # read (lag 0) comes a moment before acknowledged (pending 0): wait for both
        caught_up = approval["consumer_lag", registered] == 0
        if caught_up and approval["consumer_pending", registered] == 0:
            break
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert approval["consumer_lag", registered] == 0
    assert approval["consumer_pending", registered] == 0
    assert approval["stream_entries", registered] >= 1
    reporting = samples(system.reporting.get("/metrics").text)
    for stream in streams:
        assert ("consumer_lag", stream) in reporting
    registration = samples(system.registration.get("/metrics").text)
    for decided in streams[1:3]:
        assert ("consumer_pending", decided) in registration
    for scraped in (approval, reporting, registration):
        assert scraped["redis_up", ""] == 1
        assert ("dead_letter_entries", "") in scraped


def test_every_metric_the_sample_alerts_use_is_exposed(system: System) -> None:
    exposed = {"up"}  # Prometheus' own, per scraped target
    for name in ("registration", "approval", "reporting"):
        text = getattr(system, name).get("/metrics").text
        exposed |= {sample for sample, _ in samples(text)}
    rules = [
        rule for group in yaml.safe_load(ALERTS.read_text())["groups"] for rule in group["rules"]
    ]
    for rule in rules:
        used = set(re.findall(r"([a-z_][a-z0-9_]*)\s*[\[{]", rule["expr"]))
        used |= set(re.findall(r"^\s*([a-z_][a-z0-9_]*)\s*[=!<>]", rule["expr"]))
        assert used, rule["alert"]
        assert used <= exposed, f"{rule['alert']} uses {used - exposed}"
