"""A follower's batch: the entries Redis delivered, validated one by one as a handler reads
them, and what the "event applied" lines say of each."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from shared.eventlog import Poison, RawFields, parse_entries
from shared.events import StoredEvent

APPLIED_FIELDS = ("event_type", "event_id", "correlation_id", "position")


def read(stored: StoredEvent) -> tuple[str, str, str, str]:
    """What the "event applied" line says of an event (``APPLIED_FIELDS``)."""
    return stored.event.type, stored.event.id, stored.event.correlationid, stored.position


class Batch:
    """A batch's entries, validated one by one as the handler reads them.

    Parsing a whole batch first, then applying it, held 500 validated documents at once,
    more than fits in the processor's cache: parsed this way, each event is used while it
    is fresh and freed before the next is made. Refused entries are kept aside (``poison``)
    for the follower to park; ``applied`` says what was handed over. A handler reads the
    batch once per attempt, to the end (the follower checks)."""

    def __init__(self, stream: str, event_type: str, entries: list[tuple[bytes, RawFields]]):
        self.stream, self.event_type, self.entries = stream, event_type, entries
        self.poison: list[Poison] = []
        self.applied: list[tuple[str, str, str, str]] = []
        self.complete = False

    def __iter__(self) -> Iterator[StoredEvent]:
        self.poison, self.applied, self.complete = [], [], False
        for stored in parse_entries(self.stream, self.event_type, self.entries, self.poison):
            self.applied.append(read(stored))
            yield stored
        self.complete = True


def first_ids(events: Batch | Sequence[StoredEvent], count: int = 20) -> list[str]:
    """The ids of the first events handed over (a failed batch's log line names them)."""
    if isinstance(events, Batch):
        return [row[1] for row in events.applied[:count]]
    return [stored.event.id for stored in events[:count]]
