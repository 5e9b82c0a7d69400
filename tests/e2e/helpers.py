"""Request bodies and small waits for end-to-end tests."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx

from tests.support.factories import registration_body


def leader() -> str:
    return f"leader-{uuid.uuid4().hex[:10]}"


def task_body(
    registrant: str, unit_code: str, year: int = 2024, **overrides: Any
) -> dict[str, Any]:
    """A valid POST /tasks body for a unit of the test's own (the factories' body)."""
    defaults: dict[str, Any] = {
        "unit": {"code": unit_code, "name": "Huyện Kim Thành"},
        "description": "Site clearance for 26 projects, nearly 287 ha.",
    }
    return registration_body(registrant, year, **(defaults | overrides))


def register(client: httpx.Client, body: dict[str, Any], **headers: str) -> dict[str, Any]:
    answer = client.post("/tasks", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


def wait_pending(
    approval: httpx.Client, task_id: str, year: int = 2024, within: float = 10
) -> None:
    """Approval learns of a registration from the stream: wait until it lists the task."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        listed = approval.get("/approvals/pending", params={"year": year}).json()
        if any(task["task_id"] == task_id for task in listed):
            return
        time.sleep(0.05)
    raise AssertionError(f"approval never listed {task_id}")


def decide(approval: httpx.Client, task_id: str, **body: Any) -> httpx.Response:
    wait_pending(approval, task_id)
    return approval.post(f"/tasks/{task_id}/decision", json={"decided_by": "Ban Thường vụ", **body})


def wait_status(registration: httpx.Client, task_id: str, status: str, within: float = 10) -> None:
    """Registration learns of a decision from the stream: wait until it shows it."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if registration.get(f"/tasks/{task_id}").json()["status"] == status:
            return
        time.sleep(0.05)
    raise AssertionError(f"task {task_id} never became {status}")
