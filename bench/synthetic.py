"""A realistic, deterministic event log for the benchmarks: contract v1 stream entries.

Per task: one ``TaskRegistered`` (Vietnamese names and titles, 1-3 targets), a decision for
most (about 90 % approved, 5 % rejected, the rest still pending) and, for an approved task,
a handful of ``ProgressLogged`` reports through its year: about 5 events per task. Tasks
spread over ``YEARS`` and ``UNITS`` units; each registrant holds one or two tasks a year.
Documents are written with ``json.dumps`` for speed and checked against the contract's
models (``shared.events.parse_event``) on a sample.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shared.events import parse_event
from shared.keys import Keys

YEARS = (2021, 2022, 2023, 2024, 2025)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
MIDDLE = ("Văn", "Thị", "Quang", "Đức", "Minh", "Thanh", "Ngọc", "Hữu", "Thu")
GIVEN = ("Hùng", "Hưng", "Long", "Tuấn", "Thịnh", "Hương", "Lan", "Dũng", "Phương", "Khải")
PLACES = ("Kim Thành", "Cẩm Giàng", "Tứ Kỳ", "Thanh Miện", "Bình Giang", "Gia Lộc", "Nam Sách")
BODIES = ("Sở Tài chính", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Ban Tổ chức", "Huyện")
CATEGORIES = (
    "socio_economic",
    "party_building",
    "social_security",
    "digital_transformation",
    "administrative_reform",
    "other",
)
METRICS = (
    ("projects cleared", "project", 5, 40, "at_least"),
    ("area cleared", "ha", 20, 400, "at_least"),
    ("capital disbursed", "billion VND", 50, 900, "at_least"),
    ("OCOP products", "product", 3, 30, "at_least"),
    ("online records", "%", 60, 100, "at_least"),
    ("late records", "record", 5, 50, "at_most"),
    ("poor households", "household", 10, 300, "at_most"),
)
STATUSES = ("in_progress", "in_progress", "at_risk", "completed")


@dataclass
class Synthetic:
    """Generates the entries of ``tasks`` tasks, stream by stream, seeded."""

    tasks: int
    units: int = 120
    seed: int = 2024
    keys: Keys = field(default_factory=Keys)
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)  # noqa: S311 (test data, not secrets)

    def entries(self) -> Iterator[tuple[str, dict[str, str]]]:
        """(stream, fields) in the order a live system would write them, roughly."""
        for number in range(self.tasks):
            yield from self._task(number)

    def _task(self, number: int) -> Iterator[tuple[str, dict[str, str]]]:
        rng = self.rng
        year = YEARS[number % len(YEARS)]
        task_id = str(uuid.UUID(int=rng.getrandbits(128)))
        unit = number // len(YEARS) % self.units
        registrant = f"leader-{year}-{number // 2 // len(YEARS):06d}"
        moment = datetime(year, 1, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(60_000))
        chosen = rng.sample(METRICS, rng.randint(1, 3))
        targets = [
            {"metric": m, "unit": u, "target": rng.randint(low, high), "direction": d}
            for m, u, low, high, d in chosen
        ]
        place = PLACES[unit % len(PLACES)]
        data: dict[str, Any] = {
            "task_id": task_id,
            "year": year,
            "registrant": {
                "id": registrant,
                "name": " ".join(rng.choice(names) for names in (FAMILY, MIDDLE, GIVEN)),
                "position": f"Phó Giám đốc {BODIES[unit % len(BODIES)]} {place}",
                "level": rng.choice(("deputy_department_head", "department_head")),
            },
            "unit": {"code": f"unit-{unit:03d}", "name": f"{BODIES[unit % 5]} {place} {unit}"},
            "title": f"Đẩy nhanh tiến độ {chosen[0][0]} tại {place}, năm {year}",
            "description": "Tập trung lãnh đạo, chỉ đạo hoàn thành các chỉ tiêu đột phá. " * 2,
            "category": CATEGORIES[rng.randrange(len(CATEGORIES))],
            "kind": rng.choice(("breakthrough", "creative")),
            "targets": targets,
            "deadline": date(year, rng.randint(6, 12), 28).isoformat(),
            "registered_at": _iso(moment),
        }
        yield self._entry("TaskRegistered", task_id, moment, data)
        fate = rng.random()
        if fate > 0.97:
            return
        moment += timedelta(days=rng.randint(5, 30))
        if fate > 0.92:
            rejected = {"task_id": task_id, "year": year, "decided_by": "Ban Thường vụ"}
            rejected |= {"reason": "Chỉ tiêu chưa đo lường được", "rejected_at": _iso(moment)}
            yield self._entry("TaskRejected", task_id, moment, rejected)
            return
        approved = {"task_id": task_id, "year": year, "decided_by": "Ban Thường vụ Tỉnh ủy"}
        approved |= {"reference": f"QĐ {number}", "note": None, "approved_at": _iso(moment)}
        yield self._entry("TaskApproved", task_id, moment, approved)
        for step in range(1, rng.randint(1, 5) + 1):
            moment += timedelta(days=rng.randint(20, 60))
            progress = {
                "task_id": task_id,
                "year": year,
                "reported_at": min(moment.date(), date(year, 12, 31)).isoformat(),
                "actuals": [
                    {"metric": t["metric"], "value": round(t["target"] * step * rng.random(), 1)}
                    for t in targets
                ],
                "status": rng.choice(STATUSES),
                "note": "Đã hoàn thành một phần khối lượng công việc theo kế hoạch.",
            }
            yield self._entry("ProgressLogged", task_id, moment, progress)

    def _entry(
        self, kind: str, task_id: str, moment: datetime, data: dict[str, Any]
    ) -> tuple[str, dict[str, str]]:
        document = {
            "specversion": "1.0",
            "id": str(uuid.UUID(int=self.rng.getrandbits(128))),
            "source": "/breakthrough/bench",
            "type": kind,
            "subject": task_id,
            "time": _iso(moment),
            "datacontenttype": "application/json",
            "schemaversion": 1,
            "correlationid": task_id,
            "causationid": None,
            "data": data,
        }
        text = json.dumps(document, ensure_ascii=False)
        if self.rng.random() < 0.001:
            parse_event(kind, text, kind)  # the documents follow the contract
        return self.keys.event_streams[kind], {"type": kind, "event": text}


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
