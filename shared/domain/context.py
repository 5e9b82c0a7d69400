"""Who asks, when, and on which request: what a command is decided in besides its content."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from shared.domain.people import Actor


@dataclass(frozen=True, slots=True)
class Context:
    """``now`` is the moment the event records (for an admin's import of a past record, that
    record's moment, and ``imported_at`` the real one); ``today`` is ``now``'s day where the
    province reckons days (``zone``); ``source`` names the service that writes."""

    actor: Actor
    now: datetime
    today: date
    zone: tzinfo
    correlation_id: str
    source: str
    imported_at: datetime | None = None
