"""The programme's calendar: working days in Hải Dương and moments in office hours (+07:00).

Pure functions of their arguments (a seeded ``random.Random`` where they draw): no clock.
Registrations fall in January and February of their year, decisions in March, progress
through the year, self-assessments in December, evaluations and the closure of the year in
the January that follows. Weekends, New Year's Day, Tết, the Hùng Kings' day, 30 April, 1
May and National Day are not working days.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

TZ = timezone(timedelta(hours=7), "ICT")

# Tết holidays (inclusive), the Hùng Kings' commemoration and National Day holidays, as the
# Government set them for civil servants.
_CLOSED_RANGES: tuple[tuple[date, date], ...] = (
    (date(2022, 1, 29), date(2022, 2, 6)),
    (date(2022, 9, 1), date(2022, 9, 4)),
    (date(2023, 1, 20), date(2023, 1, 26)),
    (date(2023, 4, 29), date(2023, 5, 3)),
    (date(2023, 9, 1), date(2023, 9, 4)),
    (date(2024, 2, 8), date(2024, 2, 14)),
    (date(2024, 4, 27), date(2024, 5, 1)),
    (date(2024, 8, 31), date(2024, 9, 3)),
    (date(2025, 1, 25), date(2025, 2, 2)),
)
_CLOSED_DAYS: tuple[tuple[int, int], ...] = ((1, 1), (4, 30), (5, 1), (9, 2))
_HUNG_KINGS = (date(2022, 4, 11), date(2024, 4, 18))


def working(day: date) -> bool:
    if day.weekday() >= 5 or (day.month, day.day) in _CLOSED_DAYS or day in _HUNG_KINGS:
        return False
    return not any(start <= day <= end for start, end in _CLOSED_RANGES)


def on_or_after(day: date) -> date:
    """The first working day on or after ``day``."""
    while not working(day):
        day += timedelta(days=1)
    return day


def on_or_before(day: date) -> date:
    """The last working day on or before ``day``."""
    while not working(day):
        day -= timedelta(days=1)
    return day


def add_working_days(day: date, count: int) -> date:
    """``count`` working days after ``day`` (``count`` >= 1)."""
    for _ in range(count):
        day = on_or_after(day + timedelta(days=1))
    return day


def working_days(start: date, end: date) -> list[date]:
    """The working days from ``start`` to ``end``, both included."""
    days = []
    day = start
    while day <= end:
        if working(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def draw_day(rng: random.Random, start: date, end: date) -> date:
    """A working day from ``start`` to ``end`` (``start`` itself when there is none)."""
    days = working_days(start, end)
    return rng.choice(days) if days else on_or_after(start)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """``day`` at ``hour:minute`` in Hải Dương."""
    return datetime.combine(day, time(hour, minute), TZ)


def office_moment(rng: random.Random, day: date) -> datetime:
    """A moment of office hours on ``day``: 08:00-11:30 or 13:30-17:00, whole minutes."""
    minutes = rng.randrange(7 * 60)
    start = 8 * 60 if minutes < 210 else 13 * 60 + 30 - 210
    total = start + minutes
    return at(day, total // 60, total % 60)


def vn_date(day: date) -> str:
    """``15/3/2024``: how Vietnamese documents write a date."""
    return f"{day.day}/{day.month}/{day.year}"
