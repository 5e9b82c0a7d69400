"""Every Redis key the system writes, derived from STREAM_PREFIX in one place.

Stream names are public (contract): ``<prefix>:tasks:registered`` and so on
(``shared.domain.events.STREAMS``), and ``<prefix>:dead-letter``. The services' private
records live under one hash tag, ``{<prefix>}`` (one Redis Cluster slot): the tasks, years,
holdings, pending queues and idempotency records the commit script reads and writes together.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from shared.domain.events import STREAMS


def digest(text: str) -> str:
    """A fixed-length, key-safe stand-in for text a client chose (idempotency keys)."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def position_key(position: str) -> tuple[int, int]:
    """A stream entry id (``<ms>-<seq>``, or a bare ``<ms>``) as what orders it."""
    ms, _, seq = position.partition("-")
    return int(ms), int(seq or 0)


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
    def stream_keys(self) -> list[str]:
        """Every event stream's key, once each (a stream may hold more than one type)."""
        return list(dict.fromkeys(self.streams.values()))

    @property
    def stream_types(self) -> dict[str, frozenset[str]]:
        """Each event stream's key -> the event types it holds."""
        found: dict[str, set[str]] = {}
        for event_type, stream in self.streams.items():
            found.setdefault(stream, set()).add(event_type)
        return {stream: frozenset(types) for stream, types in found.items()}

    @property
    def dead_letter(self) -> str:
        return f"{self.prefix}:dead-letter"

    def private(self, *parts: str | int) -> str:
        """A private key under the one hash tag."""
        return "{" + self.prefix + "}:" + ":".join(map(str, parts))

    def task(self, task_id: str) -> str:
        return self.private("task", task_id)

    def year(self, year: int) -> str:
        return self.private("year", year)

    def holdings(self, year: int, registrant: str) -> str:
        """A registrant's live tasks of a year (their quota); ``registrant`` canonical."""
        return self.private("holdings", year, digest(registrant))

    def pending(self, year: int) -> str:
        """The year's tasks waiting for a decision, scored by registration time."""
        return self.private("pending", year)

    @property
    def fence(self) -> str:
        """Written after each write that must be replicated, so that ``WAIT`` covers what the
        write read as well as what it wrote (``shared.log.replication``)."""
        return self.private("replication-fence")

    def idempotency(self, scope: str) -> str:
        return self.private("idempotency", digest(scope))

    def group(self, service: str) -> str:
        """The name a service reads the log under (its dead letters name it)."""
        return f"{self.prefix}.{service}"
