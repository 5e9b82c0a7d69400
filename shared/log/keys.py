"""Every Redis key the system writes, derived from STREAM_PREFIX in one place.

Stream names are public (contract): ``<prefix>:tasks:registered`` and so on, one per event type
(``shared.domain.events.STREAMS``), and ``<prefix>:dead-letter``. The services' private state lives
under one hash tag, ``{<prefix>}``: the task records, the registrants' slots, the pending
queues, the closed years, the rosters and the idempotency records, which the scripts that
append events read and write together, atomically.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from shared.domain.events import STREAMS


def digest(text: str) -> str:
    """A fixed-length, key-safe stand-in for text a client chose (idempotency keys)."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Keys:
    prefix: str = "breakthrough"

    def stream(self, event_type: str) -> str:
        return f"{self.prefix}:{STREAMS[event_type]}"

    @property
    def streams(self) -> dict[str, str]:
        """Event type -> stream key, for every event type."""
        return {event_type: self.stream(event_type) for event_type in STREAMS}

    @property
    def dead_letter(self) -> str:
        return f"{self.prefix}:dead-letter"

    def private(self, *parts: str | int) -> str:
        """A private key under the one hash tag (one Redis Cluster slot)."""
        return "{" + self.prefix + "}:" + ":".join(map(str, parts))

    def task(self, task_id: str) -> str:
        return self.private("task", task_id)

    def slots(self, year: int, registrant_key: str) -> str:
        """The live tasks a registrant holds in a year (their quota)."""
        return self.private("slots", year, digest(registrant_key))

    def pending(self, year: int) -> str:
        """The year's tasks waiting for a decision, scored by registration time."""
        return self.private("pending", year)

    @property
    def closed_years(self) -> str:
        return self.private("closed-years")

    def roster(self, year: int) -> str:
        return self.private("roster", year)

    def idempotency(self, scope: str) -> str:
        return self.private("idempotency", digest(scope))

    def group(self, service: str) -> str:
        """The name a service reads the log under (its dead letters name it)."""
        return f"{self.prefix}.{service}"
