"""The programme's time zone for a test session: one where it is around noon when the session
starts, so that "today" (which the services reckon in ``TIMEZONE``) is the same day from the
first test to the last, whatever the hour the suite runs at and whatever the machine's zone.

``tests/conftest.py`` puts it in ``TIMEZONE`` before any test starts a process; every service
a test starts inherits it, and ``today()`` answers the services' "today".
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def zone_at_noon(now: datetime | None = None) -> str:
    """A fixed-offset zone (``Etc/GMT±N``) in which ``now`` is between 11:30 and 12:30: the
    next midnight there is at least 11 hours away."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    hours = moment.hour + moment.minute / 60
    offset = round(12 - hours)  # -11 .. +12, each a zone of the tz database
    # the tz database's Etc/GMT signs are inverted: Etc/GMT-7 is UTC+7
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


def programme_zone() -> str:
    return os.environ.get("TIMEZONE") or "Asia/Ho_Chi_Minh"


def today() -> date:
    """Today where the services of this session reckon it."""
    return datetime.now(ZoneInfo(programme_zone())).date()


def local_moment(day: date, hour: int = 8) -> str:
    """``hour`` o'clock of ``day`` where the services reckon it (RFC 3339, with the offset):
    a ``Recorded-At`` that falls on that day in ``TIMEZONE``, whatever the zone."""
    zone = ZoneInfo(programme_zone())
    return datetime(day.year, day.month, day.day, hour, tzinfo=zone).isoformat()
