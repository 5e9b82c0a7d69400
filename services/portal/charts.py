"""Bar charts of a report, drawn in HTML and CSS alone (no script; the content security
policy allows no inline style, so a bar's length is one of 21 classes, ``pct-0`` to
``pct-100`` in steps of 5). A chart repeats what its table says, for the eye: the tasks
approved per unit and per category this year, beside the year compared with."""

from __future__ import annotations

from typing import Any

from .apis import Json
from .i18n import Translator

MEASURE = "approved"


def bars(report: Json, earlier: Json | None, t: Translator) -> dict[str, list[dict[str, Any]]]:
    """``units`` and ``categories``: rows of ``label``, ``now`` and ``before`` (None when
    not compared), and each one's bar class."""
    units = [
        (row["name"], row.get(MEASURE, 0), (row.get("previous") or {}).get(MEASURE))
        for row in report.get("by_unit") or []
    ]
    before = {
        row["category"]: row.get(MEASURE, 0) for row in (earlier or {}).get("by_category") or []
    }
    categories = [
        (
            t.label("category", row["category"]),
            row.get(MEASURE, 0),
            before.get(row["category"], 0) if earlier is not None else None,
        )
        for row in report.get("by_category") or []
    ]
    if earlier is not None:  # a category only the earlier year had
        shown = {row["category"] for row in report.get("by_category") or []}
        categories += [(t.label("category", c), 0, n) for c, n in before.items() if c not in shown]
    return {"units": _scaled(units), "categories": _scaled(categories)}


def _scaled(rows: list[tuple[str, int, int | None]]) -> list[dict[str, Any]]:
    most = max([max(now, before or 0) for _, now, before in rows], default=0) or 1
    return [
        {
            "label": label,
            "now": now,
            "before": before,
            "now_class": _class(now, most),
            "before_class": None if before is None else _class(before, most),
        }
        for label, now, before in rows
    ]


def _class(value: int, most: int) -> str:
    """The bar's class: its share of the largest, to the nearest 5 % (never 0 for a value
    above 0)."""
    share = round(value / most * 20) * 5
    return f"pct-{max(share, 5 if value > 0 else 0)}"
