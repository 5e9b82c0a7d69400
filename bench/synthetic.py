"""A realistic, deterministic event log for the benchmarks, in three shapes.

A roster per year (its units, its leaders: every registrant and a few who never register),
then task by task, in the order a live system would write them:

- one ``TaskRegistered`` (Vietnamese names and titles, 1-3 targets);
- 3 % returned and amended once before the committee decides;
- then 85 % approved, 3 % rejected, 2 % withdrawn, 10 % still pending;
- an approved task gets ``reports`` progress reports (4 by default) through its year, a
  tenth of them a self-assessment and 8 % the committee's evaluation.

With the defaults (60,000 tasks over five years) that is about 330,000 events. ``shape``:

- ``ours``: as the services write them (``shared.domain.events.encode``): contract 1.2, each
  event with its ``actor``, ``actorrole`` and ``taskversion``, whose task on every event;
- ``v1``: as another producer of contract v1 writes them: no ``actor``, no ``taskversion``,
  none of 1.1's or 1.2's fields, ``json.dumps`` (ASCII escapes, spaces), each task's events
  at increasing times;
- ``v1-same-time``: the same, every event with the same ``time``.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import msgspec

from shared.domain.events import (
    ROOT,
    STREAMS,
    Actual,
    Category,
    Direction,
    Event,
    EventData,
    Kind,
    Leader,
    Level,
    ProgressLogged,
    ProgressStatus,
    Rating,
    Registrant,
    RosterPublished,
    Target,
    TaskAmended,
    TaskApproved,
    TaskEvaluated,
    TaskRegistered,
    TaskRejected,
    TaskReturned,
    TaskSelfAssessed,
    TaskWithdrawn,
    Unit,
    encode,
    subject_of,
)
from shared.log.keys import Keys

YEARS = (2021, 2022, 2023, 2024, 2025)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
MIDDLE = ("Văn", "Thị", "Quang", "Đức", "Minh", "Thanh", "Ngọc", "Hữu", "Thu")
GIVEN = ("Hùng", "Hưng", "Long", "Tuấn", "Thịnh", "Hương", "Lan", "Dũng", "Phương", "Khải")
PLACES = ("Kim Thành", "Cẩm Giàng", "Tứ Kỳ", "Thanh Miện", "Bình Giang", "Gia Lộc", "Nam Sách")
BODIES = ("Sở Tài chính", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Ban Tổ chức", "Huyện")
METRICS = (
    ("projects cleared", "project", 5, 40, Direction.at_least),
    ("area cleared", "ha", 20, 400, Direction.at_least),
    ("capital disbursed", "billion VND", 50, 900, Direction.at_least),
    ("OCOP products", "product", 3, 30, Direction.at_least),
    ("online records", "%", 60, 100, Direction.at_least),
    ("late records", "record", 5, 50, Direction.at_most),
    ("poor households", "household", 10, 300, Direction.at_most),
)
STATUSES = (
    ProgressStatus.in_progress,
    ProgressStatus.in_progress,
    ProgressStatus.at_risk,
    ProgressStatus.completed,
)
COMMITTEE = "Ban Thường vụ Tỉnh ủy"
SHAPES = ("ours", "v1", "v1-same-time")
SAME_TIME = datetime(2025, 1, 1, tzinfo=UTC)
NOT_V1 = ("actor", "actorrole", "taskversion", "importedat", "causationid")
NOT_V1_DATA = ("managed_by", "continues", "committee")


@dataclass
class Synthetic:
    """Generates the entries of ``tasks`` tasks, seeded: (stream, event document)."""

    tasks: int = 60_000
    reports: int = 4
    units: int = 120
    seed: int = 2024
    keys: Keys = field(default_factory=Keys)
    shape: str = "ours"
    rng: random.Random = field(init=False)
    versions: dict[str, int] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        if self.shape not in SHAPES:
            raise ValueError(f"shape: one of {SHAPES}")
        self.rng = random.Random(self.seed)  # noqa: S311 (test data, not secrets)

    def entries(self) -> Iterator[tuple[str, str, bytes]]:
        """(stream, type, document) in the order a live system would write them."""
        for year in YEARS:
            yield self._entry(self._roster(year), datetime(year, 1, 1, tzinfo=UTC), "admin")
        for number in range(self.tasks):
            yield from self._task(number)

    def unit(self, index: int) -> Unit:
        place = PLACES[index % len(PLACES)]
        return Unit(code=f"unit-{index:03d}", name=f"{BODIES[index % 5]} {place} {index}")

    def _leaders(self, year: int) -> int:
        """How many registrants the year has (each holds one or two tasks)."""
        return -(-self.tasks // len(YEARS) // 2) + 1

    def _roster(self, year: int) -> RosterPublished:
        count = self._leaders(year)
        extra = max(1, count // 50)  # leaders who never register
        leaders = tuple(
            Leader(
                id=self._registrant_id(year, index),
                name=f"Lãnh đạo {index}",
                position="Phó Giám đốc",
                level=Level.department_head,
                unit=self.unit(index % self.units).code,
            )
            for index in range(count + extra)
        )
        units = tuple(self.unit(index) for index in range(self.units))
        return RosterPublished(year=year, units=units, leaders=leaders)

    @staticmethod
    def _registrant_id(year: int, index: int) -> str:
        return f"leader-{year}-{index:06d}"

    def _task(self, number: int) -> Iterator[tuple[str, str, bytes]]:
        rng = self.rng
        year = YEARS[number % len(YEARS)]
        leader = number // len(YEARS) // 2
        who = self._registrant_id(year, leader)
        task_id = uuid.UUID(int=rng.getrandbits(128)).hex
        unit = self.unit(leader % self.units)
        moment = datetime(year, 1, 2, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(60_000))
        chosen = rng.sample(METRICS, rng.randint(1, 3))
        targets = tuple(
            Target(metric=m, unit=u, target=rng.randint(low, high), direction=d)
            for m, u, low, high, d in chosen
        )
        registrant = Registrant(
            id=who,
            name=" ".join(rng.choice(names) for names in (FAMILY, MIDDLE, GIVEN)),
            position=f"Phó Giám đốc {BODIES[leader % 5]}",
            level=rng.choice((Level.deputy_department_head, Level.department_head)),
        )
        content = {
            "task_id": task_id,
            "year": year,
            "registrant": registrant,
            "unit": unit,
            "title": f"Đẩy nhanh tiến độ {chosen[0][0]} tại {unit.name}, năm {year}",
            "description": "Tập trung lãnh đạo, chỉ đạo hoàn thành các chỉ tiêu đột phá. " * 2,
            "category": rng.choice(list(Category)),
            "kind": rng.choice(list(Kind)),
            "targets": targets,
            "deadline": date(year, rng.randint(6, 12), 28),
            "managed_by": ROOT,
        }
        whose = {"registrant": registrant, "unit": unit, "managed_by": ROOT}
        yield self._entry(TaskRegistered(**content, registered_at=moment), moment, who)
        if rng.random() < 0.03:  # returned, then amended
            moment += timedelta(days=rng.randint(3, 10))
            returned = TaskReturned(
                **whose,
                committee=ROOT,
                task_id=task_id,
                year=year,
                decided_by=COMMITTEE,
                reason="Chỉ tiêu cần định lượng rõ hơn",
                returned_at=moment,
            )
            yield self._entry(returned, moment, "approver-1", "approver")
            moment += timedelta(days=rng.randint(1, 5))
            yield self._entry(TaskAmended(**content, amended_at=moment), moment, who)
        fate = rng.random()
        moment += timedelta(days=rng.randint(5, 30))
        if fate < 0.03:
            rejected = TaskRejected(
                **whose,
                committee=ROOT,
                task_id=task_id,
                year=year,
                decided_by=COMMITTEE,
                reason="Chỉ tiêu chưa đo lường được",
                rejected_at=moment,
            )
            yield self._entry(rejected, moment, "approver-1", "approver")
            return
        if fate < 0.05:
            withdrawn = TaskWithdrawn(
                **whose, task_id=task_id, year=year, reason="Đổi nhiệm vụ", withdrawn_at=moment
            )
            yield self._entry(withdrawn, moment, who)
            return
        if fate < 0.15:
            return  # still pending
        approved = TaskApproved(
            **whose,
            committee=ROOT,
            task_id=task_id,
            year=year,
            decided_by=COMMITTEE,
            reference=f"QĐ {number // 300}-QĐ/TU",  # one decision for many tasks
            approved_at=moment,
        )
        yield self._entry(approved, moment, "approver-2", "approver")
        yield from self._progress(task_id, whose, who, targets, moment)

    def _progress(
        self,
        task_id: str,
        whose: dict[str, Any],
        who: str,
        targets: tuple[Target, ...],
        moment: datetime,
    ) -> Iterator[tuple[str, str, bytes]]:
        rng, year = self.rng, moment.year
        for step in range(1, self.reports + 1):
            moment += timedelta(days=rng.randint(10, 60))
            progress = ProgressLogged(
                **whose,
                task_id=task_id,
                year=year,
                reported_at=min(moment.date(), date(year, 12, 31)),
                actuals=tuple(
                    Actual(metric=t.metric, value=round(t.target * step * rng.random() / 3, 1))
                    for t in targets
                ),
                status=rng.choice(STATUSES),
                note="Đã hoàn thành một phần khối lượng công việc theo kế hoạch.",
            )
            yield self._entry(progress, moment, who)
        rating = rng.choice(list(Rating))
        if rng.random() < 0.10:
            moment += timedelta(days=1)
            assessed = TaskSelfAssessed(
                **whose,
                task_id=task_id,
                year=year,
                rating=rating,
                summary="Hoàn thành các chỉ tiêu",
                assessed_at=moment,
            )
            yield self._entry(assessed, moment, who)
        if rng.random() < 0.08:
            moment += timedelta(days=3)
            evaluated = TaskEvaluated(
                **whose,
                committee=ROOT,
                task_id=task_id,
                year=year,
                rating=rating,
                decided_by=COMMITTEE,
                reference="KL 12",
                evaluated_at=moment,
            )
            yield self._entry(evaluated, moment, "approver-2", "approver")

    def _entry(
        self, data: EventData, moment: datetime, actor: str, role: str = "registrant"
    ) -> tuple[str, str, bytes]:
        kind, task = type(data).__name__, getattr(data, "task_id", None)
        version = None
        if task is not None:
            version = self.versions[task] = self.versions.get(task, 0) + 1
        event = Event(
            id=str(uuid.UUID(int=self.rng.getrandbits(128))),
            source="/breakthrough/bench",
            type=kind,
            subject=subject_of(data),
            time=moment,
            correlationid=subject_of(data),
            actor=actor,
            actorrole="admin" if kind == "RosterPublished" else role,
            taskversion=version,
            data=data,
        )
        stream = f"{self.keys.prefix}:{STREAMS[kind]}"
        if self.shape == "ours":
            return stream, kind, encode(event)
        return stream, kind, self._v1(event)

    def _v1(self, event: Event[Any]) -> bytes:
        """The event as a producer of contract v1 writes it: none of the later fields."""
        document = msgspec.to_builtins(event)
        for name in NOT_V1:
            document.pop(name, None)
        data = document["data"]
        for name in NOT_V1_DATA:
            data.pop(name, None)
        if event.type not in ("TaskRegistered", "TaskAmended"):
            data.pop("registrant", None)
            data.pop("unit", None)
        if self.shape == "v1-same-time":
            document["time"] = SAME_TIME.isoformat()
        return json.dumps(document).encode()
