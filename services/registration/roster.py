"""``PUT /roster/{year}``: the year's roster as JSON, or as CSV the way an office exports it.

CSV: UTF-8 with or without a byte order mark, comma separated, a header row
``id,name,position,level,unit,unit_name`` (any order, spaces and case in the names ignored),
one leader per row; the units are those the rows name. Every refusal names the row (the
header is row 1) and the column.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated

from pydantic import BaseModel, Field, ValidationError

from shared.domain.events import Leader, Level, Unit
from shared.domain.people import key
from shared.domain.refusals import Refusal
from shared.edge.bodies import Body, Identifier, Name, Title

COLUMNS = ("id", "name", "position", "level", "unit", "unit_name")
MAX_LEADERS = 5_000


class LeaderBody(Body):
    id: Identifier
    name: Name
    position: Title
    level: Level
    unit: Identifier


class UnitBody(Body):
    code: Identifier
    name: Title


class RosterBody(Body):
    """The units and the leaders expected to register in the year."""

    units: Annotated[list[UnitBody], Field(min_length=1, max_length=MAX_LEADERS)]
    leaders: Annotated[list[LeaderBody], Field(min_length=1, max_length=MAX_LEADERS)]

    def parts(self) -> tuple[tuple[Unit, ...], tuple[Leader, ...]]:
        units = tuple(Unit(code=u.code, name=u.name) for u in self.units)
        leaders = tuple(
            Leader(id=x.id, name=x.name, position=x.position, level=x.level, unit=x.unit)
            for x in self.leaders
        )
        return units, leaders


class RosterAnswer(BaseModel):
    year: int
    units: int
    leaders: int
    event_id: str
    position: str


def from_csv(raw: bytes) -> RosterBody:
    """The roster in a CSV document; a ``Refusal`` naming the row and column otherwise."""
    try:
        document = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Refusal(
            f"the CSV is not UTF-8 (byte {error.start})", code="csv_encoding", field=()
        ) from error
    rows = list(csv.reader(io.StringIO(document, newline="")))
    if not rows:
        raise Refusal("the CSV is empty", code="csv_empty")
    header = [name.strip().casefold() for name in rows[0]]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise Refusal(
            f"row 1: the header lacks {', '.join(missing)} (expected {','.join(COLUMNS)})",
            code="csv_header",
            field=("row", 1),
        )
    where = {column: header.index(column) for column in COLUMNS}
    units: dict[str, dict[str, str]] = {}
    leaders: list[dict[str, str]] = []
    rows_of: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise Refusal(
                f"row {number}: {len(row)} columns, the header has {len(header)}",
                code="csv_row",
                field=("row", number),
            )
        cells = {column: row[where[column]].strip() for column in COLUMNS}
        leader = {name: cells[name] for name in ("id", "name", "position", "level", "unit")}
        _check(number, leader, LeaderBody)
        unit = {"code": cells["unit"], "name": cells["unit_name"]}
        _check(number, unit, UnitBody, {"code": "unit", "name": "unit_name"})
        known = units.setdefault(key(unit["code"]), unit)
        if known["name"] != unit["name"]:
            raise Refusal(
                f"row {number}: unit {unit['code']!r} is named {unit['name']!r}, but "
                f"{known['name']!r} on an earlier row",
                code="csv_unit_name",
                field=("row", number, "unit_name"),
            )
        if (earlier := rows_of.setdefault(key(leader["id"]), number)) != number:
            raise Refusal(
                f"row {number}: leader {leader['id']!r} is listed twice (also on row {earlier})",
                code="duplicate_leader",
                field=("row", number, "id"),
            )
        leaders.append(leader)
    if not leaders:
        raise Refusal("the CSV lists no leader", code="csv_empty")
    return RosterBody.model_validate({"units": list(units.values()), "leaders": leaders})


def _check(
    number: int, cells: dict[str, str], model: type[Body], columns: dict[str, str] | None = None
) -> None:
    try:
        model.model_validate(cells)
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        column = (columns or {}).get(field, field)
        raise Refusal(
            f"row {number}, column {column}: {first['msg']}",
            code=str(first["type"]),
            field=("row", number, column),
        ) from error
