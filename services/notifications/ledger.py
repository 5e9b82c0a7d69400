"""What the notifier remembers of each event it mails about, in Redis beside the log.

- ``{<prefix>}:notifications:sent:<digest of the event id>``: the position of the
  ``NotificationSent`` event recorded for it. Written by the same script that appends that
  event, atomically: an event has both or neither. Checked before anything is sent.
- ``{<prefix>}:notifications:began:<digest>``: set (``SET NX``) once the server accepted the
  envelope, just before the message itself goes; removed when the server refused it (nothing
  was accepted) and by the script that records the mail as sent. Found without a ``sent``
  record, it means a delivery died after handing the message over and before recording it:
  the mail may have been delivered, so it is not sent again (the entry is parked instead).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from shared.domain.events import NotificationSent, encode, new_event
from shared.log.eventlog import EventLog, text
from shared.log.keys import digest

# KEYS: 1 sent record, 2 began marker, 3 notifications stream. ARGV: 1 NotificationSent doc
RECORD_SENT = """
local known = redis.call('GET', KEYS[1])
if known then
  return {0, known}
end
local position = redis.call('XADD', KEYS[3], '*', 'type', 'NotificationSent', 'event', ARGV[1])
redis.call('SET', KEYS[1], position)
redis.call('DEL', KEYS[2])
return {1, position}
"""


class Busy(RuntimeError):
    """Another delivery of the same event is handing its message over right now."""


@dataclass(frozen=True, slots=True)
class Began:
    consumer: str
    at: str


class Ledger:
    def __init__(self, log: EventLog, service: str) -> None:
        self.log = log
        self.service = service
        self.stream = log.keys.stream("NotificationSent")

    def _sent(self, event_id: str) -> str:
        return self.log.keys.private("notifications", "sent", digest(event_id))

    def _began(self, event_id: str) -> str:
        return self.log.keys.private("notifications", "began", digest(event_id))

    async def sent(self, event_id: str) -> str | None:
        """The position of the ``NotificationSent`` of ``event_id``, if it was mailed."""
        position = await self.log.redis.get(self._sent(event_id))
        return text(position) if position is not None else None

    async def began(self, event_id: str) -> Began | None:
        """Who began handing over the message of ``event_id`` without recording an outcome."""
        value = await self.log.redis.get(self._began(event_id))
        if value is None:
            return None
        try:
            fields = json.loads(value)
            return Began(str(fields["consumer"]), str(fields["at"]))
        except (ValueError, KeyError, TypeError):
            return Began("?", text(value))

    async def begin(self, event_id: str, consumer: str, at: datetime) -> None:
        """Mark that the message of ``event_id`` is being handed over; ``Busy`` if marked."""
        value = json.dumps({"consumer": consumer, "at": at.isoformat()})
        if not await self.log.redis.set(self._began(event_id), value, nx=True):
            raise Busy(f"another delivery of {event_id} is handing its message over")

    async def forget_beginning(self, event_id: str) -> None:
        """The server refused the message (nothing accepted), or the entry was parked."""
        await self.log.redis.delete(self._began(event_id))

    async def record(self, data: NotificationSent, *, correlation: str, at: datetime) -> str:
        """Append ``NotificationSent`` and the sent record together; the position of the
        event (the earlier one's if it was recorded already)."""
        event = new_event(
            data,
            source=f"/breakthrough/{self.service}",
            correlation_id=correlation,
            causation_id=data.event_id,
            time=at,
            actor=self.service,
        )
        script = self.log.script(RECORD_SENT)
        keys = [self._sent(data.event_id), self._began(data.event_id), self.stream]
        # answered once WRITE_REPLICAS replicas hold it: a failover then forgets no mail sent
        fresh, position = await self.log.replicated(script, keys, [encode(event)])
        if fresh:
            self.log.metrics.appended("NotificationSent").inc()
        return text(position)
