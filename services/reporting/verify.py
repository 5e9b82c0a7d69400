"""``python -m services.reporting rebuild``: rebuild from the start of the log, side by side
with the live projection, and check that the two are equal.

1. Note the last entry of each stream now: the *horizon*. Both projections read exactly up
   to it, so entries written meanwhile do not make them differ.
2. *Live*: what a starting replica would hold: the snapshot (if its version matches this
   code), caught up with the log's tail up to the horizon.
3. *Fresh*: the fold of every stream from its first entry up to the horizon, in pages.
4. Compare the facts of every task; and, for every year, the report the live projection's
   incremental totals give with the report computed from scratch over the fresh facts.
5. With ``--service URL``: also compare every year's report of a running reporting service
   (``GET /reports/{year}?after=<the horizon>``) with the fresh one. A service keeps
   applying new writes, so on a busy log a difference may be a write after the horizon:
   run it again.
6. With ``--save``: store the fresh projection as the snapshot.

Prints what it compared; exits 0 when everything compared is equal, 1 on a difference, 2
when it could compare nothing (no snapshot this code trusts and no ``--service``) or failed.
"""

from __future__ import annotations

import sys
import time
from datetime import date

import httpx
from redis.exceptions import RedisError

from shared.eventlog import EventLog, connect
from shared.events import position_key
from shared.keys import Keys
from shared.settings import Clock

from .bootstrap import NAME, ReportingSettings
from .domain import ProjectionState, build_report
from .live import LiveProjection
from .snapshots import SnapshotStore

EQUAL, DIFFERENT, UNCHECKED = 0, 1, 2


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def rebuild_and_compare(
    settings: ReportingSettings, *, service: str | None = None, save: bool = False
) -> int:
    log = EventLog(connect(settings.redis_url), Keys(settings.stream_prefix), NAME)
    store = SnapshotStore(log.redis, settings.stream_prefix)
    try:
        return await _run(log, store, settings, service, save)
    except (RedisError, OSError, httpx.HTTPError) as error:
        say(f"FAILED: {type(error).__name__}: {error}")
        return UNCHECKED
    finally:
        await log.redis.aclose()


async def _run(
    log: EventLog,
    store: SnapshotStore,
    settings: ReportingSettings,
    service: str | None,
    save: bool,
) -> int:
    horizon = {
        stream: await log.last_position(stream) for stream in log.keys.event_streams.values()
    }
    say("horizon: " + ", ".join(f"{stream} {last}" for stream, last in horizon.items()))
    live = LiveProjection(
        log, snapshots=store, page_size=settings.rebuild_page_size, redis_url=settings.redis_url
    )
    started = time.perf_counter()
    tail = await live.start(horizon)
    source = "snapshot" if live.from_snapshot else "no snapshot this code trusts"
    say(f"live: {source} + {tail:,} events of the tail ({time.perf_counter() - started:.1f} s)")
    fresh = LiveProjection(log, page_size=settings.rebuild_page_size, redis_url=settings.redis_url)
    started = time.perf_counter()
    events = await fresh.start(horizon)
    elapsed = time.perf_counter() - started
    say(f"fresh: {events:,} events, {len(fresh.state.tasks):,} tasks ({elapsed:.1f} s)")
    today = Clock(settings.timezone).today()
    verdicts = []
    if live.from_snapshot:
        verdicts.append(_compare_facts(live.state, fresh.state))
    verdicts.append(_compare_totals(live, fresh.state, today))
    if service:
        verdicts.append(await _compare_service(service, fresh, horizon, today))
    if save:
        await store.save(fresh.state, fresh.applied)
        say(f"saved the fresh projection as the snapshot ({store.key})")
    if DIFFERENT in verdicts:
        say("DIFFERENT")
        return DIFFERENT
    if not live.from_snapshot and not service:
        say("nothing live to compare with: no snapshot this code trusts, and no --service")
        return UNCHECKED
    say("EQUAL")
    return EQUAL


def _compare_facts(live: ProjectionState, fresh: ProjectionState) -> int:
    if live == fresh:
        say(f"facts: equal ({len(fresh.tasks):,} tasks)")
        return EQUAL
    differing = sorted(
        task_id
        for task_id in live.tasks.keys() | fresh.tasks.keys()
        if live.tasks.get(task_id) != fresh.tasks.get(task_id)
    )
    say(f"facts: {len(differing):,} tasks differ, e.g. {', '.join(differing[:10])}")
    return DIFFERENT


def _compare_totals(live: LiveProjection, fresh: ProjectionState, today: date) -> int:
    """Each year's report from the live incremental totals against one from scratch."""
    different = []
    for year in live.years():
        kept = live.report(year, unit=None, category=None, report_date=today)
        if kept != build_report(fresh, year, report_date=today):
            different.append(year)
    if different:
        say(f"reports: the live totals differ from scratch for {different}")
        return DIFFERENT
    say(f"reports: equal for {live.years()} (live totals against a count from scratch)")
    return EQUAL


async def _compare_service(
    url: str, fresh: LiveProjection, horizon: dict[str, str], today: date
) -> int:
    after = max(horizon.values(), key=position_key)
    different = []
    async with httpx.AsyncClient(base_url=url.rstrip("/"), timeout=30) as client:
        for year in fresh.years():
            answer = await client.get(f"/reports/{year}", params={"after": after})
            answer.raise_for_status()
            mine = fresh.report(year, unit=None, category=None, report_date=today)
            if answer.json() != mine.model_dump(mode="json"):
                different.append(year)
    if different:
        say(f"service {url}: its reports differ for {different}")
        return DIFFERENT
    say(f"service {url}: equal for {fresh.years()}")
    return EQUAL
