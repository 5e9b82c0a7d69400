"""A write load as a well-behaved client makes it, for the failover drills (plain processes
and compose) and the failover benchmark.

Writers register tasks (each with a leader of its own, in a unit of the load's own) and a
decider approves what they registered in batches of five (``POST /decisions``). Every
request carries an ``Idempotency-Key`` of its own and is sent again with the same key and
body after a ``503``, waiting its ``Retry-After`` (at most ``max_wait`` here), until it is
answered ``2xx``: what the contract tells clients to do. Anything else than a 2xx or a 503
of the log (``UNAVAILABLE``) with a ``Retry-After`` is an error, kept in ``errors``; so is a
connection the service drops (a service never goes away in a drill).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.support.factories import registration_body

UNAVAILABLE = frozenset(
    {"log_unavailable", "log_no_primary", "log_read_only", "log_no_replicas", "not_replicated"}
)
"""What a write may be answered while the primary is lost: a 503 with one of these codes."""
DECIDED_BY = "Ban Thường vụ Tỉnh ủy"


@dataclass
class Write:
    """A write sent until answered 2xx: its key, its answer, when it was last sent and
    when it was answered (monotonic seconds), and how many times it was refused."""

    key: str
    answer: Any = None
    sent_at: float = 0.0
    answered_at: float = 0.0
    refused: int = 0


@dataclass
class WriteLoad:
    registration: str
    approval: str
    admin: dict[str, str]
    """Headers of an admin (registers for any leader)."""
    approver: dict[str, str]
    year: int
    client: Callable[[str], httpx.Client] = lambda base: httpx.Client(base_url=base, timeout=30)
    writers: int = 3
    max_wait: float = 0.5
    unit: str = field(default_factory=lambda: f"unit-{uuid.uuid4().hex[:10]}")
    registrations: list[Write] = field(default_factory=list)
    decisions: list[Write] = field(default_factory=list)
    refused: Counter[str] = field(default_factory=Counter)
    refusals: list[float] = field(default_factory=list)
    """When each 503 was answered (monotonic seconds)."""
    errors: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> WriteLoad:
        targets = [self._register] * self.writers + [self._decide]
        self._threads = [threading.Thread(target=target, daemon=True) for target in targets]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        """Stop sending new writes; every write sent is carried on until answered (the
        decider approves everything registered)."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=120)

    def __enter__(self) -> WriteLoad:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _send(self, client: httpx.Client, path: str, body: Any, headers: dict[str, str]) -> Write:
        write = Write(str(uuid.uuid4()))
        while True:
            write.sent_at = time.monotonic()
            try:
                answer = client.post(
                    path, json=body, headers=headers | {"Idempotency-Key": write.key}
                )
            except httpx.HTTPError as error:
                self.errors.append(f"{path}: {error!r}")
                raise
            if answer.status_code in (200, 201):
                write.answered_at = time.monotonic()
                write.answer = answer.json()
                return write
            code = ""
            if answer.headers.get("content-type") == "application/json":
                code = answer.json()["detail"][0]["type"]
            retry_after = answer.headers.get("retry-after", "")
            if answer.status_code != 503 or code not in UNAVAILABLE or not retry_after.isdigit():
                self.errors.append(f"{path}: {answer.status_code} {answer.headers} {answer.text}")
                raise AssertionError(answer.text)
            write.refused += 1
            with self._lock:
                self.refused[code] += 1
                self.refusals.append(time.monotonic())
            time.sleep(min(int(retry_after), self.max_wait))

    def _register(self) -> None:
        with self.client(self.registration) as client:
            while not self._stop.is_set():
                leader = f"leader-{uuid.uuid4().hex[:10]}"
                body = registration_body(
                    leader,
                    self.year,
                    unit={"code": self.unit, "name": "Đơn vị diễn tập"},
                    title=f"Nhiệm vụ diễn tập {leader}",
                )
                write = self._send(client, "/tasks", body, self.admin)
                with self._lock:
                    self.registrations.append(write)

    def _decide(self) -> None:
        decided = 0
        with self.client(self.approval) as client:
            while True:
                with self._lock:
                    batch = [w.answer["task_id"] for w in self.registrations[decided : decided + 5]]
                    writing = any(thread.is_alive() for thread in self._threads[:-1])
                if not batch:
                    if self._stop.is_set() and not writing:
                        return
                    time.sleep(0.02)
                    continue
                body = {
                    "task_ids": batch,
                    "decision": "approve",
                    "decided_by": DECIDED_BY,
                    "reference": f"QĐ diễn tập {self.year}",
                }
                write = self._send(client, "/decisions", body, self.approver)
                decided += len(batch)
                with self._lock:
                    self.decisions.append(write)

    # --- what happened ----------------------------------------------------------------------

    def answered(self) -> int:
        with self._lock:
            return len(self.registrations)

    def answered_after(self, moment: float) -> list[Write]:
        """Registrations last sent after ``moment`` and answered."""
        with self._lock:
            return [w for w in self.registrations if w.sent_at > moment]

    def answered_again_after(self, moment: float) -> float | None:
        """Seconds from ``moment`` (a fault) to the first write answered 2xx after the first
        503 that followed it: how long writes were refused. 0 when none was refused (the
        fault went unnoticed); None while none has been answered again."""
        with self._lock:
            refused = [at for at in self.refusals if at > moment]
            if not refused:
                return 0.0
            again = [
                w.answered_at
                for w in [*self.registrations, *self.decisions]
                if w.answered_at > refused[0]
            ]
        return min(again) - moment if again else None

    def registered_ids(self) -> set[str]:
        """Event ids of every registration answered 2xx."""
        return {w.answer["event_id"] for w in self.registrations}

    def decided_ids(self) -> set[str]:
        """Event ids of every approval answered 2xx."""
        return {item["event_id"] for w in self.decisions for item in w.answer}

    def newest_position(self) -> str:
        positions = [w.answer["position"] for w in self.registrations]
        return max(positions, key=lambda p: tuple(int(x) for x in p.split("-")))
