"""Health, readiness and metrics of the writing services (open to anyone: no token)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import System
from tests.e2e.helpers import register, task_body
from tests.support.people import Caller


@pytest.mark.parametrize("name", ["registration", "approval"])
def test_probes_answer_without_a_token(system: System, name: str) -> None:
    client = system.clients[name]
    assert client.get("/healthz").json() == {"status": "alive"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready"}
    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    assert "http_requests_total" in metrics.text


def test_metrics_count_requests_and_appended_events(
    system: System, registrant: Caller, unit_code: str
) -> None:
    register(system.registration, registrant, task_body(registrant, unit_code))
    text = system.registration.get("/metrics").text
    assert 'http_requests_total{method="POST",route="/tasks",status="201"}' in text
    assert 'events_appended_total{type="TaskRegistered"}' in text
