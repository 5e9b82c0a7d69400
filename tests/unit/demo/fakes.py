"""In-memory fakes of the three services, enough of contract v1 for the demo loader.

One ``httpx.MockTransport`` handler routes by host: registration.test, approval.test,
reporting.test. Registration and approval keep separate views of a task's status, so a
test can make registration learn about an approval late (as it does through the event
log), and approval can list new registrations late.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx

REGISTRATION = "http://registration.test"
APPROVAL = "http://approval.test"
REPORTING = "http://reporting.test"
MAX_TASKS = 2


@dataclass
class FakeTask:
    task_id: str
    body: dict[str, Any]
    decision: str | None = None  # approval's view: "approved" / "rejected"
    seen_by_registration: str = "pending"  # registration's view of the status
    approval_lag: int = 0  # progress attempts answered 409 before registration sees it
    reports: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class FakeServices:
    pending_lag: int = 0  # how many GET /approvals/pending answer [] before listing tasks
    approval_lag: int = 0
    tasks: dict[str, FakeTask] = field(default_factory=dict)
    idempotency: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=dict)
    registration_events: int = 0
    progress_events: int = 0
    decision_events: int = 0
    decision_conflicts: int = 0
    progress_conflicts: int = 0  # progress answered 409 "not approved"
    headers: list[tuple[str, str, str | None]] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self.transport())

    def handle(self, request: httpx.Request) -> httpx.Response:
        correlation = request.headers.get("X-Correlation-ID", "")
        self.headers.append((request.url.path, correlation, request.headers.get("Idempotency-Key")))
        body = json.loads(request.content) if request.content else None
        parts = request.url.path.strip("/").split("/")
        host = request.url.host
        if host == "registration.test":
            if request.method == "POST" and parts == ["tasks"]:
                return self._idempotent(request, body, lambda: self.register(body))
            if request.method == "POST" and parts[0] == "tasks" and parts[2:] == ["progress"]:
                return self._idempotent(request, body, lambda: self.progress(parts[1], body))
            if request.method == "GET" and parts[0] == "tasks" and len(parts) == 2:
                return self.get_task(parts[1])
        if host == "approval.test":
            if request.method == "GET" and parts == ["approvals", "pending"]:
                return self.pending(int(request.url.params["year"]))
            if request.method == "POST" and parts[0] == "tasks" and parts[2:] == ["decision"]:
                return self.decide(parts[1], body)
        if host == "reporting.test" and request.method == "GET" and parts[0] == "reports":
            return httpx.Response(200, json=self.report(int(parts[1])))
        return httpx.Response(404, json={"detail": f"no route {request.method} {request.url}"})

    def _idempotent(self, request: httpx.Request, body: Any, write: Any) -> httpx.Response:
        key = request.headers.get("Idempotency-Key")
        scope = request.url.path
        if key is not None and key in self.idempotency:
            first_scope, first_body, answer = self.idempotency[key]
            if first_scope != scope or first_body != body:
                return httpx.Response(409, json={"detail": "Idempotency-Key reused, other body"})
            return httpx.Response(201, json=answer)
        response: httpx.Response = write()
        if key is not None and response.status_code == 201:
            self.idempotency[key] = (scope, body, response.json())
        return response

    def live(self, year: int, registrant: str) -> int:
        return sum(
            1
            for task in self.tasks.values()
            if task.body["year"] == year
            and task.body["registrant"]["id"] == registrant
            and task.seen_by_registration != "rejected"
        )

    def register(self, body: dict[str, Any]) -> httpx.Response:
        if date.fromisoformat(body["deadline"]).year != body["year"]:
            return httpx.Response(422, json={"detail": "deadline outside the task's year"})
        if len(body["title"]) > 300:
            return httpx.Response(422, json={"detail": "title longer than 300 characters"})
        if self.live(body["year"], body["registrant"]["id"]) >= MAX_TASKS:
            return httpx.Response(409, json={"detail": "registrant already holds 2 live tasks"})
        task_id = f"t{next(self._ids):05d}"
        self.tasks[task_id] = FakeTask(task_id, body, approval_lag=self.approval_lag)
        self.registration_events += 1
        return httpx.Response(
            201,
            json={
                "task_id": task_id,
                "status": "registered",
                "event_id": f"e-{task_id}",
                "position": f"{self.registration_events}-0",
            },
        )

    def get_task(self, task_id: str) -> httpx.Response:
        task = self.tasks.get(task_id)
        if task is None:
            return httpx.Response(404, json={"detail": "unknown task"})
        return httpx.Response(
            200, json={**task.body, "task_id": task_id, "status": task.seen_by_registration}
        )

    def progress(self, task_id: str, body: dict[str, Any]) -> httpx.Response:
        task = self.tasks.get(task_id)
        if task is None:
            return httpx.Response(404, json={"detail": "unknown task"})
        if task.decision == "approved" and task.seen_by_registration == "pending":
            if task.approval_lag > 0:
                task.approval_lag -= 1
            else:
                task.seen_by_registration = "approved"
        if task.seen_by_registration != "approved":
            self.progress_conflicts += 1
            return httpx.Response(409, json={"detail": "task is not approved"})
        metrics = {target["metric"] for target in task.body["targets"]}
        if any(actual["metric"] not in metrics for actual in body["actuals"]):
            return httpx.Response(422, json={"detail": "metric without a target"})
        task.reports.append(body)
        self.progress_events += 1
        return httpx.Response(201, json={"event_id": "e", "position": "1-0"})

    def pending(self, year: int) -> httpx.Response:
        if self.pending_lag > 0:
            self.pending_lag -= 1
            return httpx.Response(200, json=[])
        listed = [
            {"task_id": task.task_id, "title": task.body["title"]}
            for task in self.tasks.values()
            if task.body["year"] == year and task.decision is None
        ]
        return httpx.Response(200, json=listed)

    def decide(self, task_id: str, body: dict[str, Any]) -> httpx.Response:
        task = self.tasks.get(task_id)
        if task is None:
            return httpx.Response(404, json={"detail": "unknown task"})
        if task.decision is not None:
            self.decision_conflicts += 1
            return httpx.Response(409, json={"detail": "already decided"})
        if body["decision"] == "reject" and not body.get("reason"):
            return httpx.Response(422, json={"detail": "a rejection needs a reason"})
        task.decision = "approved" if body["decision"] == "approve" else "rejected"
        if task.decision == "rejected" or task.approval_lag == 0:
            task.seen_by_registration = task.decision
        self.decision_events += 1
        return httpx.Response(200, json={"task_id": task_id, "status": task.decision})

    def report(self, year: int) -> dict[str, Any]:
        mine = [task for task in self.tasks.values() if task.body["year"] == year]
        approved = [task for task in mine if task.decision == "approved"]
        latest = [max(t.reports, key=lambda r: r["reported_at"]) for t in approved if t.reports]
        statuses = Counter(report["status"] for report in latest)
        return {
            "year": year,
            "tasks": {
                "registered": len(mine),
                "pending": sum(1 for task in mine if task.decision is None),
                "approved": len(approved),
                "rejected": sum(1 for task in mine if task.decision == "rejected"),
            },
            "registrants": {
                "registered": len({task.body["registrant"]["id"] for task in mine}),
                "approved": len({task.body["registrant"]["id"] for task in approved}),
            },
            "progress": {
                "reported": len(latest),
                "not_reported": len(approved) - len(latest),
                **{status: statuses[status] for status in ("in_progress", "completed", "at_risk")},
            },
            "targets": {"total": sum(len(task.body["targets"]) for task in approved), "met": 0},
        }
