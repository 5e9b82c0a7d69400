"""``PUT /roster/{year}`` and ``PUT /committees/{year}``: a year's roster and committees as
JSON, or as CSV the way an office exports them.

CSV: UTF-8 with or without a byte order mark, comma separated, a header row (any order,
spaces and case in the names ignored), one item per row; empty rows are skipped. Every
refusal names the row (the header is row 1) and the column.

- Roster: ``id,name,position,level,unit,unit_name`` and optionally ``managed_by``, ``email``
  and ``replaces`` (the codes of earlier years' units the leader's unit took over, separated
  by ``;``). The units are those the rows name; a unit's name and ``replaces`` are the same
  on each of its rows.
- Committees: ``code,name,parent`` (``parent`` empty for the root).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Annotated, TypeVar

from pydantic import BaseModel, Field, ValidationError

from shared.domain.events import Committee, Leader, Level, RosterUnit
from shared.domain.people import key
from shared.domain.programme import MAX_COMMITTEES, PublishCommittees, PublishRoster, Where
from shared.domain.refusals import Refusal
from shared.edge.bodies import Body, Email, Identifier, Name, Title

B = TypeVar("B", bound=Body)
ROSTER_COLUMNS = ("id", "name", "position", "level", "unit", "unit_name")
ROSTER_EXTRA = ("managed_by", "email", "replaces")
COMMITTEE_COLUMNS = ("code", "name", "parent")
MAX_LEADERS = 5_000
MAX_CELL = 1_000


class LeaderBody(Body):
    id: Identifier
    name: Name
    position: Title
    level: Level
    unit: Identifier
    managed_by: Identifier | None = None
    email: Email | None = None


class UnitBody(Body):
    code: Identifier
    name: Title
    replaces: Annotated[list[Identifier], Field(max_length=200, default_factory=list)]


class RosterBody(Body):
    """The units and the leaders expected to register in the year."""

    units: Annotated[list[UnitBody], Field(min_length=1, max_length=MAX_LEADERS)]
    leaders: Annotated[list[LeaderBody], Field(min_length=1, max_length=MAX_LEADERS)]

    def command(
        self, rows: list[int] | None = None, unit_rows: list[int] | None = None
    ) -> PublishRoster:
        units = tuple(
            RosterUnit(code=u.code, name=u.name, replaces=tuple(u.replaces)) for u in self.units
        )
        leaders = tuple(
            Leader(
                id=x.id,
                name=x.name,
                position=x.position,
                level=x.level,
                unit=x.unit,
                managed_by=x.managed_by,
                email=x.email,
            )
            for x in self.leaders
        )
        if rows is None:
            return PublishRoster(units, leaders)
        return PublishRoster(units, leaders, where=_rows_of(rows, unit_rows or []))


def _rows_of(rows: list[int], unit_rows: list[int]) -> Where:
    """Where an item of a CSV roster is: a leader's row, or the first row naming a unit."""

    def where(part: str, index: int, name: str) -> tuple[str | int, ...]:
        if part == "units":
            return "row", unit_rows[index], {"code": "unit", "name": "unit_name"}.get(name, name)
        return "row", rows[index], name

    return where


class CommitteeBody(Body):
    code: Identifier
    name: Title
    parent: Identifier | None = None


class CommitteesBody(Body):
    """The year's approving committees: a tree under one root."""

    committees: Annotated[list[CommitteeBody], Field(min_length=1, max_length=MAX_COMMITTEES)]

    def command(self, rows: list[int] | None = None) -> PublishCommittees:
        committees = tuple(
            Committee(code=c.code, name=c.name, parent=c.parent or None) for c in self.committees
        )
        if rows is None:
            return PublishCommittees(committees)
        return PublishCommittees(
            committees, where=lambda _part, index, name: ("row", rows[index], name)
        )


class Published(BaseModel):
    """A roster's or committees' answer: how many of each, the event in force, its place."""

    year: int
    units: int | None = None
    leaders: int | None = None
    committees: int | None = None
    event_id: str
    position: str


def roster(content_type: str, raw: bytes) -> PublishRoster:
    """The command a roster upload makes (JSON or CSV); a ``Refusal`` naming the row (or the
    field) otherwise."""
    if _is_csv(content_type):
        return roster_csv(raw)
    return _json(raw, RosterBody).command()


def committees(content_type: str, raw: bytes) -> PublishCommittees:
    """The command a committees upload makes (JSON or CSV)."""
    if _is_csv(content_type):
        return committees_csv(raw)
    return _json(raw, CommitteesBody).command()


def _is_csv(content_type: str) -> bool:
    media = content_type.split(";")[0].strip().casefold()
    if media in {"text/csv", "application/csv"}:
        return True
    if media not in {"application/json", ""}:
        raise Refusal(
            f"this takes application/json or text/csv, not {media!r}",
            code="unsupported_media_type",
            field=("header", "content-type"),
        )
    return False


def _json(raw: bytes, body: type[B]) -> B:
    try:
        return body.model_validate_json(raw)
    except ValidationError as error:
        first = error.errors()[0]
        raise Refusal(
            str(first["msg"]), code=str(first["type"]), field=tuple(first["loc"])
        ) from error


def _rows(
    raw: bytes, columns: tuple[str, ...], noun: str, optional: tuple[str, ...] = ()
) -> list[tuple[int, dict[str, str]]]:
    """(row number, cells by column) of every row that is not empty."""
    try:
        document = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Refusal(
            f"the CSV is not UTF-8 (byte {error.start})", code="csv_encoding", field=()
        ) from error
    csv.field_size_limit(MAX_CELL + 1)
    try:
        rows = list(csv.reader(io.StringIO(document, newline="")))
    except csv.Error as error:
        raise Refusal(
            f"the CSV cannot be read: {error} (a cell holds at most {MAX_CELL} characters)",
            code="csv_row",
        ) from error
    if not rows:
        raise Refusal("the CSV is empty", code="csv_empty")
    header = [name.strip().casefold() for name in rows[0]]
    missing = [column for column in columns if column not in header]
    if missing:
        raise Refusal(
            f"row 1: the header lacks {', '.join(missing)} (expected {','.join(columns)})",
            code="csv_header",
            field=("row", 1),
        )
    if len(rows) > MAX_LEADERS + 1:
        raise Refusal(
            f"the CSV has {len(rows) - 1:,} rows; at most {MAX_LEADERS:,}", code="too_many_rows"
        )
    found = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise Refusal(
                f"row {number}: {len(row)} columns, the header has {len(header)}",
                code="csv_row",
                field=("row", number),
            )
        cells = {
            column: row[header.index(column)].strip()
            for column in (*columns, *optional)
            if column in header
        }
        found.append((number, cells))
    if not found:
        raise Refusal(f"the CSV lists no {noun}", code="csv_empty")
    return found


def roster_csv(raw: bytes) -> PublishRoster:
    units: dict[str, dict[str, object]] = {}
    leaders: list[dict[str, object]] = []
    rows: list[int] = []
    unit_rows: list[int] = []
    for number, cells in _rows(raw, ROSTER_COLUMNS, "leader", ROSTER_EXTRA):
        leader: dict[str, object] = {
            n: cells[n] for n in ("id", "name", "position", "level", "unit")
        }
        for name in ("managed_by", "email"):
            if cells.get(name):
                leader[name] = cells[name]
        _check(number, leader, LeaderBody)
        replaces = [code.strip() for code in cells.get("replaces", "").split(";") if code.strip()]
        unit: dict[str, object] = {
            "code": cells["unit"],
            "name": cells["unit_name"],
            "replaces": replaces,
        }
        _check(number, unit, UnitBody, {"code": "unit", "name": "unit_name"})
        if key(cells["unit"]) not in units:
            unit_rows.append(number)
        known = units.setdefault(key(cells["unit"]), unit)
        for field, column, verb in (
            ("name", "unit_name", "is named"),
            ("replaces", "replaces", "replaces"),
        ):
            if known[field] != unit[field]:
                raise Refusal(
                    f"row {number}: unit {cells['unit']!r} {verb} {unit[field]!r}, but "
                    f"{known[field]!r} on an earlier row",
                    code=f"csv_unit_{field}",
                    field=("row", number, column),
                )
        leaders.append(leader)
        rows.append(number)
    body = RosterBody.model_validate({"units": list(units.values()), "leaders": leaders})
    return body.command(rows, unit_rows)


def committees_csv(raw: bytes) -> PublishCommittees:
    committees, rows = [], []
    for number, cells in _rows(raw, COMMITTEE_COLUMNS, "committee"):
        committee = {
            "code": cells["code"],
            "name": cells["name"],
            "parent": cells["parent"] or None,
        }
        _check(number, committee, CommitteeBody)
        committees.append(committee)
        rows.append(number)
    return CommitteesBody.model_validate({"committees": committees}).command(rows)


def _check(
    number: int,
    cells: Mapping[str, object],
    model: type[Body],
    columns: dict[str, str] | None = None,
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
