"""The services' refusals in the reader's language, placed beside the field they concern.

A refusal's ``loc`` (``["body", "targets", 0, "target"]``) names a form field
(``targets.0.target``); its ``type`` is a stable code (``quota``, ``wrong_state``, pydantic's
``string_too_long``...) that the catalogs translate (``refusal.<code>``), with the field's
limit where the message needs one. A code the catalogs do not know gets a general message
naming it. A refusal about no field of the form goes to the form's summary, except those
about the year (a closed year, a full quota), which go beside the year.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from .apis import Problem
from .i18n import Translator

LIMITS = {
    "title": 300,
    "description": 5000,
    "name": 200,
    "position": 300,
    "metric": 200,
    "unit": 50,
    "reason": 2000,
    "note": 2000,
    "summary": 2000,
    "reference": 100,
    "decided_by": 200,
    "code": 64,
}
"""The services' length limits by a field's last name (``registrant.name``: 200)."""
ABOUT_THE_YEAR = {"year_closed": "year", "quota": "year", "year_range": "year"}
NO_ROSTER = {"registrant.name", "registrant.position", "registrant.level", "unit", "unit.code"}


@dataclass
class Placed:
    """Messages by form field, and those about the form as a whole."""

    fields: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)


def field_of(loc: Iterable[str | int]) -> str | None:
    """The form field a ``loc`` names: ``body`` dropped, parts joined with dots; None for
    a header, query or path parameter, or the body as a whole."""
    parts = [str(part) for part in loc]
    if parts and parts[0] in ("header", "query", "path"):
        return None
    if parts and parts[0] == "body":
        parts = parts[1:]
    return ".".join(parts) or None


def explain(problem: Problem, t: Translator, where: str | None = None) -> str:
    """One refusal in the reader's words."""
    code = problem.type
    if code == "missing" and where in NO_ROSTER:
        return t("refusal.missing_no_roster")
    if code in ("string_too_long", "too_long"):
        limit = LIMITS.get((where or "").rsplit(".", 1)[-1])
        return t("refusal.too_long_max", max=t.number(limit)) if limit else t("refusal.too_long")
    key = f"refusal.{code}"
    if t.has(key):
        return t(key)
    return t("refusal.other", code=code)


def place(problems: Iterable[Problem], fields: Collection[str], t: Translator) -> Placed:
    """Each refusal beside its field when the form has it (the first one per field), else
    in the summary."""
    placed = Placed()
    for problem in problems:
        where = field_of(problem.loc)
        if where is not None and where not in fields:
            where = _nearest(where, fields)
        if where is None:
            where = ABOUT_THE_YEAR.get(problem.type)
            where = where if where in fields else None
        message = explain(problem, t, where)
        if where is None:
            placed.general.append(message)
        else:
            placed.fields.setdefault(where, message)
    return placed


def _nearest(where: str, fields: Collection[str]) -> str | None:
    """A field the form has, for a ``loc`` about a part of it or a whole it belongs to
    (``unit`` refused as a whole is shown at ``unit.code``; ``targets`` at the first)."""
    for name in (f"{where}.code", f"{where}.0.metric", f"{where}.name"):
        if name in fields:
            return name
    parts = where.split(".")
    while parts:
        parts.pop()
        joined = ".".join(parts)
        if joined in fields:
            return joined
    return None
