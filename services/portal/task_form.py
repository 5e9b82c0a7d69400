"""The registration form (a new task, or an amendment of a pending or returned one; either
may carry on a task of an earlier year: ``continues``).

Field names follow the body of ``POST /tasks`` with dots (``registrant.name``,
``targets.0.target``), so that a refusal's ``loc`` names the field it concerns. With a
roster for the year, the registrant's name, position and level and the unit may be left
empty: registration takes them from the roster (the form cannot know whether the year has
one; when it has none, the service's refusal is shown beside those fields).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from shared.domain.events import Category, Direction, Kind, Level
from shared.domain.lifecycle import FIRST_YEAR, in_range, last_year
from shared.domain.people import is_identifier

from .forms import Form
from .i18n import Translator

MAX_TARGETS = 10
SHOWN_TARGETS = 3
TARGET_PARTS = ("metric", "unit", "target", "direction")


def field_names() -> list[str]:
    names = ["year", "title", "description", "category", "kind", "deadline", "continues"]
    names += ["registrant.name", "registrant.position", "registrant.level"]
    names += ["unit.code", "unit.name"]
    for index in range(MAX_TARGETS):
        names += [f"targets.{index}.{part}" for part in TARGET_PARTS]
    return names


def values_of(task: Mapping[str, Any], t: Translator) -> dict[str, str]:
    """A form's values from a task (to amend it), or from a leader's earlier task (to fill in
    who they are): the registration as ``GET /tasks/{id}`` shows it."""
    registrant, unit = task.get("registrant") or {}, task.get("unit") or {}
    values = {
        "year": str(task.get("year", "")),
        "title": task.get("title", ""),
        "description": task.get("description", ""),
        "category": task.get("category", ""),
        "kind": task.get("kind", ""),
        "deadline": t.date(task.get("deadline")),
        "registrant.name": registrant.get("name", ""),
        "registrant.position": registrant.get("position", ""),
        "registrant.level": registrant.get("level", ""),
        "unit.code": unit.get("code", ""),
        "unit.name": unit.get("name", ""),
        "continues": task.get("continues") or "",
    }
    for index, target in enumerate(task.get("targets") or []):
        values[f"targets.{index}.metric"] = target.get("metric", "")
        values[f"targets.{index}.unit"] = target.get("unit", "")
        values[f"targets.{index}.target"] = t.typed_number(target.get("target"))
        values[f"targets.{index}.direction"] = target.get("direction", "at_least")
    return values


def who_of(task: Mapping[str, Any]) -> dict[str, str]:
    """Only the registrant's and the unit's fields of ``values_of``."""
    registrant, unit = task.get("registrant") or {}, task.get("unit") or {}
    return {
        "registrant.name": registrant.get("name", ""),
        "registrant.position": registrant.get("position", ""),
        "registrant.level": registrant.get("level", ""),
        "unit.code": unit.get("code", ""),
        "unit.name": unit.get("name", ""),
    }


def targets_shown(values: Mapping[str, str]) -> int:
    """Rows of targets to show: those filled in, one more, at least three."""
    filled = [i for i in range(MAX_TARGETS) if _row_filled(values, i)]
    last = max(filled) + 1 if filled else 0
    return min(MAX_TARGETS, max(SHOWN_TARGETS, last + 1))


def _row_filled(values: Mapping[str, str], index: int) -> bool:
    return any(values.get(f"targets.{index}.{part}", "").strip() for part in TARGET_PARTS[:3])


class TaskForm(Form):
    def body(self, person: str, today: date) -> dict[str, Any] | None:
        """The body of ``POST /tasks`` (or ``PUT``), or None with the errors noted."""
        year = self._year(today)
        title = self.text("title", limit=300)
        description = self.text("description", limit=5000, required=False, lines=True) or ""
        category = self.choice("category", [c.value for c in Category])
        kind = self.choice("kind", [k.value for k in Kind])
        deadline = self.day("deadline")
        if deadline is not None and year is not None and deadline.year != year:
            self.fail("deadline", "error.deadline_year", year=year)
        registrant: dict[str, Any] = {"id": person}
        for part, limit in (("name", 200), ("position", 300)):
            if value := self.text(f"registrant.{part}", limit=limit, required=False):
                registrant[part] = value
        if level := self.choice("registrant.level", [v.value for v in Level], required=False):
            registrant["level"] = level
        unit = self._unit()
        targets = self._targets()
        continues = self.get("continues")
        if continues and not is_identifier(continues):
            self.fail("continues", "error.choose")
        if not self.ok:
            return None
        body: dict[str, Any] = {
            "year": year,
            "registrant": registrant,
            "title": title,
            "description": description,
            "category": category,
            "kind": kind,
            "targets": targets,
            "deadline": deadline.isoformat() if deadline else None,
        }
        if unit is not None:
            body["unit"] = unit
        if continues:
            body["continues"] = continues
        return body

    def _year(self, today: date) -> int | None:
        text = self.get("year")
        if not text.isdigit() or not in_range(int(text), today):
            self.fail("year", "error.year_range", first=FIRST_YEAR, last=last_year(today))
            return None
        return int(text)

    def _unit(self) -> dict[str, str] | None:
        code = self.get("unit.code")
        name = self.text("unit.name", limit=300, required=False)
        if not code and not name:
            return None
        if not code:
            self.fail("unit.code", "error.required")
        elif not is_identifier(code):
            self.fail("unit.code", "error.code")
        if not name:
            self.fail("unit.name", "error.required")
        return {"code": code, "name": name or ""}

    def _targets(self) -> list[dict[str, Any]]:
        targets: list[dict[str, Any]] = []
        seen: set[str] = set()
        for index in range(MAX_TARGETS):
            if not _row_filled(self.values, index):
                continue
            name = f"targets.{index}"
            metric = self.text(f"{name}.metric", limit=200)
            unit = self.text(f"{name}.unit", limit=50)
            value = self.number(f"{name}.target", positive=True)
            direction = self.get(f"{name}.direction") or Direction.at_least.value
            if direction not in {d.value for d in Direction}:
                self.fail(f"{name}.direction", "error.choose")
            if metric is not None and metric in seen:
                self.fail(f"{name}.metric", "error.duplicate_metric")
            seen.add(metric or "")
            targets.append(
                {"metric": metric, "unit": unit, "target": value, "direction": direction}
            )
        if not targets:
            self.fail("targets.0.metric", "error.no_targets")
        return targets
