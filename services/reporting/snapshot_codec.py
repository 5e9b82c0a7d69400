"""The projection's facts as compact JSON arrays, and back, for snapshots (no I/O).

A snapshot is trusted only by the code that wrote it: ``VERSION`` is a hash of the source of
everything that decides what the facts are (the domain package, this codec, the event
contracts and how entries are decoded) plus ``FORMAT``. Any change to that code gives a new
version, and a snapshot with another version is ignored.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from sys import intern
from typing import Any

import shared.eventlog
import shared.events
from shared.events import Category, Direction, Kind, ProgressStatus

from .domain.state import Decision, Goal, ProgressReport, Registration, TaskFacts

FORMAT = 1
_SOURCES = (
    *sorted((Path(__file__).parent / "domain").glob("*.py")),
    Path(__file__),
    Path(shared.events.__file__),
    Path(shared.eventlog.__file__),
)


def code_version() -> str:
    """``<FORMAT>-<hash of the projection's code>``."""
    digest = hashlib.sha256()
    for path in _SOURCES:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return f"{FORMAT}-{digest.hexdigest()[:16]}"


VERSION = code_version()


def encode_chunk(tasks: Iterable[TaskFacts]) -> bytes:
    """Some tasks' facts as zlib-compressed JSON."""
    rows = [
        [
            task.task_id,
            None if task.registration is None else _registration(task.registration),
            [[d.event_id, d.time.isoformat(), *d.position, d.approved] for d in task.decisions],
            [_report(r) for r in task.reports],
        ]
        for task in tasks
    ]
    return zlib.compress(json.dumps(rows, ensure_ascii=False).encode(), 1)


def decode_chunk(chunk: bytes) -> Iterator[TaskFacts]:
    for task_id, registration, decisions, reports in json.loads(zlib.decompress(chunk)):
        yield TaskFacts(
            task_id=task_id,
            registration=None if registration is None else _decode_registration(registration),
            decisions=tuple(
                Decision(event_id, datetime.fromisoformat(time), (ms, seq), approved)
                for event_id, time, ms, seq, approved in decisions
            ),
            reports=tuple(_decode_report(report) for report in reports),
        )


def _registration(fact: Registration) -> list[Any]:
    goals = [[g.metric, g.unit, g.target, g.direction.value] for g in fact.goals]
    return [
        fact.event_id,
        fact.time.isoformat(),
        *fact.position,
        fact.year,
        fact.registrant_id,
        fact.registrant_name,
        fact.unit_code,
        fact.unit_name,
        fact.title,
        fact.category.value,
        fact.kind.value,
        goals,
        fact.deadline.isoformat(),
    ]


def _decode_registration(row: Sequence[Any]) -> Registration:
    event_id, time, ms, seq, year, registrant_id, name, code, unit_name, title = row[:10]
    category, kind, goals, deadline = row[10:]
    return Registration(
        event_id=event_id,
        time=datetime.fromisoformat(time),
        position=(ms, seq),
        year=year,
        registrant_id=registrant_id,
        registrant_name=name,
        unit_code=intern(code),
        unit_name=intern(unit_name),
        title=title,
        category=Category(category),
        kind=Kind(kind),
        goals=tuple(Goal(intern(m), intern(u), t, Direction(d)) for m, u, t, d in goals),
        deadline=date.fromisoformat(deadline),
    )


def _report(fact: ProgressReport) -> list[Any]:
    actuals = [[metric, value] for metric, value in fact.actuals]
    return [
        fact.event_id,
        fact.time.isoformat(),
        *fact.position,
        fact.reported_at.isoformat(),
        fact.status.value,
        actuals,
    ]


def _decode_report(row: Sequence[Any]) -> ProgressReport:
    event_id, time, ms, seq, reported_at, status, actuals = row
    return ProgressReport(
        event_id=event_id,
        time=datetime.fromisoformat(time),
        position=(ms, seq),
        reported_at=date.fromisoformat(reported_at),
        status=ProgressStatus(status),
        actuals=tuple((intern(metric), value) for metric, value in actuals),
    )
