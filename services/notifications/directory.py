"""What a notification needs to know besides its event, read from the log as any reader
would: the registrant's e-mail (the roster of the task's year) and the task's title (its
registration, or latest amendment).

Both are plain reads of public streams, cached and brought up to date at each lookup by
reading only what was appended since (one XRANGE per stream, usually empty): a roster
published a minute ago is the one used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import msgspec
import structlog

from shared.domain.events import Leader, RosterPublished
from shared.log.eventlog import EventLog, MalformedEvent, RawFields, decode, text

logger = structlog.get_logger()
PAGE = 500


@dataclass(frozen=True, slots=True)
class _Known:
    read_up_to: str
    """The newest roster-stream entry looked at for this year."""
    roster: RosterPublished | None


class Rosters:
    """The roster in force for a year: the latest ``RosterPublished`` of that year in
    ``<prefix>:roster`` (which also holds ``CommitteesPublished``)."""

    def __init__(self, log: EventLog) -> None:
        self.log = log
        self.stream = log.keys.stream("RosterPublished")
        self._years: dict[int, _Known] = {}

    async def of_year(self, year: int) -> RosterPublished | None:
        known = self._years.get(year)
        if known is None:
            known = await self._latest(year)
        else:
            known = await self._since(year, known)
        self._years[year] = known
        return known.roster

    async def leader(self, year: int, person: str) -> Leader | None:
        """The roster's leader whose id is ``person`` (ids compared without case), or None;
        ``LookupError`` when the year has no roster."""
        roster = await self.of_year(year)
        if roster is None:
            raise LookupError(f"no roster for {year}")
        wanted = person.strip().lower()
        return next((one for one in roster.leaders if one.id.lower() == wanted), None)

    async def _latest(self, year: int) -> _Known:
        """Newest first (XREVRANGE), until the year's roster is found or the stream ends."""
        redis = self.log.redis
        newest: str | None = None
        upper = "+"
        while True:
            page = cast(
                "list[tuple[bytes, RawFields]]",
                await redis.xrevrange(self.stream, max=upper, min="-", count=PAGE),
            )
            if not page:
                return _Known(newest or "0-0", None)
            newest = newest or text(page[0][0])
            for position, fields in page:
                roster = self._roster(position, fields)
                if roster is not None and roster.year == year:
                    return _Known(newest, roster)
            if len(page) < PAGE:
                return _Known(newest, None)
            upper = f"({text(page[-1][0])}"

    async def _since(self, year: int, known: _Known) -> _Known:
        roster, last = known.roster, known.read_up_to
        async for page in self.log.read_pages(self.stream, after=known.read_up_to):
            for position, fields in page:
                found = self._roster(position, fields)
                if found is not None and found.year == year:
                    roster = found
            last = text(page[-1][0])
        return _Known(last, roster)

    def _roster(self, position: bytes, fields: RawFields) -> RosterPublished | None:
        if fields.get(b"type") != b"RosterPublished":
            return None
        try:
            event = decode(fields, {"RosterPublished"})
        except MalformedEvent as error:
            logger.warning("roster entry unreadable", position=text(position), error=str(error))
            return None
        data: RosterPublished = event.data
        return data


class _Titled(msgspec.Struct, frozen=True, gc=False):
    task_id: str
    title: str


class _TitledEvent(msgspec.Struct, frozen=True, gc=False):
    data: _Titled


_TITLED = msgspec.json.Decoder(_TitledEvent)


class Titles:
    """Task id -> title, from ``tasks:registered`` and ``tasks:amended`` (the latest
    amendment wins), followed from where it last read."""

    def __init__(self, log: EventLog) -> None:
        self.log = log
        self._after = {
            log.keys.stream("TaskRegistered"): "0-0",
            log.keys.stream("TaskAmended"): "0-0",
        }
        self._titles: dict[str, tuple[bytes, str]] = {}

    async def of(self, task_id: str) -> str | None:
        for stream, after in self._after.items():
            async for page in self.log.read_pages(stream, after=after):
                self._take(page)
                self._after[stream] = text(page[-1][0])
        known = self._titles.get(task_id)
        return known[1] if known else None

    def _take(self, page: list[tuple[bytes, Any]]) -> None:
        for position, fields in page:
            try:
                data = _TITLED.decode(fields.get(b"event", b"")).data
            except msgspec.DecodeError:
                continue  # not ours to judge: the title stays unknown, the task named by id
            stamp = _stamp(position)
            known = self._titles.get(data.task_id)
            if known is None or _stamp(known[0]) <= stamp:
                self._titles[data.task_id] = (position, data.title)


def _stamp(position: bytes) -> tuple[int, int]:
    milliseconds, _, sequence = position.partition(b"-")
    return int(milliseconds), int(sequence or 0)
