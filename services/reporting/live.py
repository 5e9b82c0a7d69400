"""The projection this replica holds in memory: loaded from its snapshot (or empty), caught
up with the log's tail, then kept current by following the four streams from there.

Every replica holds a full projection of its own, so reporting follows the streams without a
consumer group (a group would split the entries between replicas). Its position in each
stream (``applied``) lives with the projection and is saved with it in every snapshot.
Beside the facts it keeps per-year totals (``YearlyTotals``), moved on by every change.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import date

import structlog

from shared.eventlog import EventLog, Poison
from shared.events import Category, StoredEvent

from .domain import EMPTY, ProjectionState, Report, TaskView, apply_facts
from .domain.facts import fact_of
from .domain.state import Fact, TaskMap
from .domain.yearly import YearlyTotals
from .freshness import Applied
from .rebuild import fold_stream
from .snapshots import SnapshotStore

logger = structlog.get_logger()
SETTLE_SECONDS = 5.0
"""After a rebuild on start, the snapshot waits this long: first requests go first."""


class LiveProjection:
    def __init__(
        self,
        log: EventLog,
        *,
        snapshots: SnapshotStore | None = None,
        snapshot_every: int = 0,
        page_size: int = 10_000,
        redis_url: str | None = None,
    ) -> None:
        self.log = log
        self.redis_url = redis_url
        self.state: ProjectionState = EMPTY
        self.totals = YearlyTotals()
        self.streams = log.keys.event_streams
        self.freshness = Applied(log.redis, list(self.streams.values()))
        self.applied = self.freshness.positions  # stream -> last entry id applied
        self.group = log.keys.group("reporting")
        self.snapshots = snapshots
        self.snapshot_every = snapshot_every
        self.page_size = page_size
        self.unsaved = 0  # events applied since the last snapshot
        self.from_snapshot = False
        self._saving: asyncio.Task[None] | None = None
        self._years: tuple[ProjectionState | None, list[int]] = (None, [])

    async def start(self, until: dict[str, str] | None = None) -> int:
        """Load the snapshot (if any this code trusts), then fold the log's tail after it,
        up to ``until`` (stream -> last entry id to read; default: the end of each stream)."""
        started = time.perf_counter()
        gc.disable()  # a rebuild allocates millions of objects that all stay alive
        try:
            snapshot = await self.snapshots.load() if self.snapshots else None
            if snapshot is not None:
                self.state = snapshot.state
                self.applied.update(
                    (s, p) for s, p in snapshot.applied.items() if s in self.applied
                )
                self.totals.reset()
            count = await self.rebuild(until)
        finally:
            gc.enable()
            gc.freeze()  # the collector need not walk the projection again and again
        logger.info(
            "projection ready",
            from_snapshot=snapshot is not None,
            events=count,
            tasks=len(self.state.tasks),
            seconds=round(time.perf_counter() - started, 3),
        )
        self.from_snapshot = snapshot is not None
        self.unsaved += count
        self.save_if_due(delay=SETTLE_SECONDS)
        return count

    async def rebuild(self, until: dict[str, str] | None = None) -> int:
        """Fold every stream from where this projection stands up to ``until`` (default: the
        end), page by page; the number of events applied. Not while followers apply."""
        count, tasks, changed, reached = 0, dict(self.state.tasks), set[str](), {}
        for event_type, stream in self.streams.items():
            folded, reached[stream] = await fold_stream(
                self.log.redis,
                stream,
                event_type,
                after=self.applied[stream],
                until=None if until is None else until[stream],
                page_size=self.page_size,
                redis_url=self.redis_url,
                tasks=tasks,
                changed=changed,
                park=self._park,
            )
            count += folded
        # One new state for the whole rebuild, with the positions it reached: should a read
        # fail half-way, a retry starts again from where this state stands
        if changed:
            self.state = ProjectionState(TaskMap.of(tasks))
            self.totals.update(self.state, changed)
        self.applied.update(reached)
        return count

    async def _park(self, poison: Sequence[Poison]) -> None:
        for entry in poison:
            await self.log.park(entry, group=self.group, consumer="rebuild")

    async def apply(self, events: Iterable[StoredEvent]) -> None:
        """What the followers call with each batch of new events (read once, in order)."""
        changed: list[str] = []

        def facts() -> Iterator[tuple[str, Fact]]:
            for stored in events:
                changed.append(stored.event.data.task_id)
                yield stored.event.data.task_id, fact_of(stored)

        before = self.state
        self.state = apply_facts(before, facts())
        if self.state is not before:
            self.totals.update(self.state, changed)
        self.unsaved += len(changed)
        self.save_if_due()

    def report(
        self, year: int, *, unit: str | None, category: Category | None, report_date: date
    ) -> Report:
        """The report as the projection stands, from the incremental per-year totals."""
        return self.totals.report(
            self.state, year, unit=unit, category=category, report_date=report_date
        )

    def views(self, year: int, *, unit: str | None, category: Category | None) -> list[TaskView]:
        """The tasks of ``year`` (and ``unit``, ``category``) as they stand, by task id."""
        views = self.totals.views(self.state, year)
        return [
            views[task_id]
            for task_id in sorted(views)
            if (unit is None or views[task_id].registration.unit_code == unit)
            and (category is None or views[task_id].registration.category == category)
        ]

    def years(self) -> list[int]:
        """The years of every registered task, ascending (kept until the state changes)."""
        if self._years[0] is not self.state:
            found = {f.registration.year for f in self.state.tasks.values() if f.registration}
            self._years = (self.state, sorted(found))
        return self._years[1]

    def save_if_due(self, delay: float = 0.0) -> None:
        """Start writing a snapshot when ``snapshot_every`` events were applied since the last,
        and at least as many as the tasks it holds (after ``delay`` seconds: on start, the
        first requests go first).

        A snapshot encodes every task, so with a fixed interval its cost per event applied
        grows with the projection: following a backlog of 100,000 registrations it halved
        the follower's rate. This way writing snapshots costs at most about two tasks encoded
        per event applied, and a restart reads at most that many events after the snapshot
        (a small share of the log: a task has about 14 events a year)."""
        if not (self.snapshots and self.snapshot_every):
            return
        due = self.unsaved >= max(self.snapshot_every, len(self.state.tasks))
        if due and (self._saving is None or self._saving.done()):
            self._saving = asyncio.create_task(self._save(delay))

    async def _save(self, delay: float) -> None:
        assert self.snapshots is not None
        await asyncio.sleep(delay)
        state, applied = self.state, dict(self.applied)  # taken together: they agree
        started, self.unsaved = time.perf_counter(), 0
        try:
            await self.snapshots.save(state, applied)
        except Exception:
            logger.exception("snapshot not written")
            return
        seconds = round(time.perf_counter() - started, 3)
        logger.info("snapshot written", tasks=len(state.tasks), applied=applied, seconds=seconds)

    async def close(self) -> None:
        if self._saving is not None:
            self._saving.cancel()
