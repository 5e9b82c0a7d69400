"""Health, readiness and metrics of every service."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import System
from tests.e2e.helpers import leader, register, task_body


@pytest.mark.parametrize("name", ["registration", "approval", "reporting"])
def test_probes(system: System, name: str) -> None:
    client = getattr(system, name)
    assert client.get("/healthz").json() == {"status": "alive"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready"}
    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    assert "http_requests_total" in metrics.text


def test_metrics_count_requests_and_appended_events(system: System, unit_code: str) -> None:
    register(system.registration, task_body(leader(), unit_code))
    text = system.registration.get("/metrics").text
    assert 'http_requests_total{method="POST",route="/tasks",status="201"}' in text
    assert 'events_appended_total{type="TaskRegistered"}' in text
    consumed = system.approval.get("/metrics").text
    assert f'events_consumed_total{{stream="{system.prefix}:tasks:registered"}}' in consumed
