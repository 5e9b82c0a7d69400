"""A submitted form: what was typed (kept to show again), and what is wrong with it.

The checks are the services' own (required fields, lengths, numbers above 0 and at most
1e15, dates), made before the call so that most mistakes are shown at once; whatever the
services still refuse is placed beside the field it concerns (``refusals.place``).
Messages are in the reader's language; an error's field name is the form's input name.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from datetime import date

from .apis import Problem
from .i18n import Translator, parse_day
from .refusals import place

MAX_QUANTITY = 1e15
KEY_FIELD = "idempotency_key"
_KEY = re.compile(r"[A-Za-z0-9_-]{16,100}")


class Form:
    """``key`` is the form's idempotency key: made when the form is first shown, sent
    with it (a hidden field), kept when it is shown again, and passed to the services as
    ``Idempotency-Key``: the same form sent twice is one write. ``restored``: the values
    were kept while the person signed in again, and have not been sent."""

    def __init__(self, values: Mapping[str, str], t: Translator, *, restored: bool = False) -> None:
        self.values = {name: str(value) for name, value in values.items()}
        self.t = t
        self.errors: dict[str, str] = {}
        self.general: list[str] = []
        self.restored = restored
        given = self.values.get(KEY_FIELD, "")
        self.key = given if _KEY.fullmatch(given) else secrets.token_urlsafe(24)
        self.values[KEY_FIELD] = self.key

    @property
    def ok(self) -> bool:
        return not self.errors and not self.general

    def get(self, name: str) -> str:
        return self.values.get(name, "").strip()

    def fail(self, name: str, key: str, **values: object) -> None:
        self.errors.setdefault(name, self.t(key, **values))

    def text(
        self, name: str, *, limit: int, required: bool = True, lines: bool = False
    ) -> str | None:
        """A text field; ``lines``: it may hold several lines (line feeds kept; the services
        refuse a carriage return), else one (line breaks and tabs become spaces, as a long
        title typed in a box that wraps is one line)."""
        value = self.get(name)
        if not lines:
            value = " ".join(value.split())
        if not value:
            if required:
                self.fail(name, "error.required")
            return None
        if len(value) > limit:
            self.fail(name, "error.too_long", max=self.t.number(limit))
            return None
        return value

    def choice(self, name: str, options: Iterable[str], *, required: bool = True) -> str | None:
        value = self.get(name)
        if not value:
            if required:
                self.fail(name, "error.choose")
            return None
        if value not in set(options):
            self.fail(name, "error.choose")
            return None
        return value

    def number(
        self, name: str, *, positive: bool = False, required: bool = True
    ) -> int | float | None:
        """A number above 0 (``positive``) or at least 0, at most 1e15."""
        text = self.get(name)
        if not text:
            if required:
                self.fail(name, "error.required")
            return None
        value = self.t.parse_number(text)
        if value is None:
            self.fail(name, "error.number")
            return None
        if positive and value <= 0:
            self.fail(name, "error.positive")
        elif value < 0:
            self.fail(name, "error.not_negative")
        elif value > MAX_QUANTITY:
            self.fail(name, "error.too_large", max=self.t.number(MAX_QUANTITY))
        else:
            return value
        return None

    def day(self, name: str, *, required: bool = True) -> date | None:
        text = self.get(name)
        if not text:
            if required:
                self.fail(name, "error.required")
            return None
        value = parse_day(text)
        if value is None:
            self.fail(name, "error.date")
        return value

    def refused(self, problems: Iterable[Problem], fields: Iterable[str] | None = None) -> None:
        """Place the services' refusals beside this form's fields (or in its summary)."""
        known = set(fields) if fields is not None else set(self.values)
        placed = place(problems, known, self.t)
        for name, message in placed.fields.items():
            self.errors.setdefault(name, message)
        self.general.extend(placed.general)
