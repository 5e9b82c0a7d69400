"""Words and numbers in the reader's language: Vietnamese first, English second.

``Translator`` looks messages up in the catalogs (``messages/``; a key missing from English
falls back to Vietnamese, one missing from both shows as itself), names the domain's codes
(statuses, categories, ratings...), and formats numbers and dates with Babel: 1.234,5 and
dd/mm/yyyy in Vietnamese, 1,234.5 and dd/mm/yyyy in English; times in the province's zone.
It also reads numbers as the reader types them (``parse_number``).
"""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import NumberFormatError, format_decimal, parse_decimal

from .messages import CATALOGS
from .sessions import Person

LOCALES = {"vi": "vi_VN", "en": "en_GB"}
DATE = "dd/MM/yyyy"
DATE_TIME = "dd/MM/yyyy HH:mm"
SHOWN = "#,##0.###"
TYPED = "#,##0.##########"


class Translator:
    def __init__(self, lang: str, zone: str = "Asia/Ho_Chi_Minh") -> None:
        self.lang = lang if lang in CATALOGS else "vi"
        self.locale = LOCALES[self.lang]
        self.zone = ZoneInfo(zone)
        self._own = CATALOGS[self.lang]
        self._fallback = CATALOGS["vi"]

    def __call__(self, key: str, **values: object) -> str:
        text = self._own.get(key) or self._fallback.get(key)
        if text is None:
            return key
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in self._own or key in self._fallback

    def label(self, kind: str, code: object) -> str:
        """The name of a code of the domain (``label("status", "pending")``): the code
        itself when the catalogs do not know it."""
        if code is None or code == "":
            return ""
        text = str(getattr(code, "value", code))
        key = f"{kind}.{text}"
        return self(key) if self.has(key) else text

    def rating(self, assessment: object) -> str:
        """The name of an assessment's rating (a task view's ``self_assessment`` or
        ``evaluation``: an object with ``rating``, or none)."""
        if isinstance(assessment, dict):
            assessment = assessment.get("rating")
        return self.label("rating", assessment)

    def person(self, who: Person) -> str:
        """How a signed-in person is named: their name, else their role (never an account
        id)."""
        return who.name or self.label("role", who.main_role())

    def number(self, value: object, pattern: str = SHOWN) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            return str(value)
        return format_decimal(value, format=pattern, locale=self.locale)

    def typed_number(self, value: object) -> str:
        """A number as a form shows it for editing: every decimal kept."""
        return self.number(value, TYPED)

    def percent(self, value: object) -> str:
        shown = self.number(value, "#,##0.#")
        return f"{shown} %" if shown else ""

    def date(self, value: object) -> str:
        """A day: a moment (a timestamp) is the day it was in the province's zone."""
        day = self.day_of(value)
        return "" if day is None else format_date(day, DATE, locale=self.locale)

    def day_of(self, value: object) -> dt.date | None:
        moment = to_datetime(value) if _has_time(value) else None
        if moment is not None and moment.tzinfo is not None:
            return moment.astimezone(self.zone).date()
        return to_date(value)

    def datetime(self, value: object) -> str:
        moment = to_datetime(value)
        if moment is None:
            return ""
        return format_datetime(moment, DATE_TIME, tzinfo=self.zone, locale=self.locale)

    def parse_number(self, text: str) -> int | float | None:
        """A number as the reader typed it (``1.234,5`` in Vietnamese, ``1,234.5`` in
        English; a plain ``287`` in both), or None when it is not one."""
        cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
        if not cleaned:
            return None
        try:
            value = parse_decimal(cleaned, locale=self.locale, strict=True)
        except (NumberFormatError, InvalidOperation, ValueError):
            return None
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)


def _has_time(value: object) -> bool:
    return isinstance(value, datetime) or (isinstance(value, str) and "T" in value)


def to_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def to_datetime(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def parse_day(text: str) -> date | None:
    """A date typed as dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy) or yyyy-mm-dd."""
    cleaned = text.strip()
    if not cleaned:
        return None
    for separator in "/-.":
        parts = cleaned.split(separator)
        if len(parts) == 3 and all(part.isdigit() for part in parts):
            if len(parts[0]) == 4:
                year, month, day = parts
            else:
                day, month, year = parts
            if len(year) != 4:
                return None
            try:
                return date(int(year), int(month), int(day))
            except ValueError:
                return None
    return None
