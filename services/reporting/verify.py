"""``python -m services.reporting rebuild [--service URL]``: rebuild the projection from the
start of the log and compare every year's report with a running service's.

1. Note the newest entry of each stream now: the *horizon*; the rebuild reads up to it.
2. Fold every stream from its first entry up to the horizon into a fresh projection.
3. With ``--service URL``: ask the running service for every year's report with
   ``after=<the horizon>`` (a viewer token from ``API_TOKEN`` if it needs one) and compare
   it with the fresh one. A service keeps applying new writes, so on a busy log a
   difference may be a write after the horizon: run it again.

Exit 0: equal; 1: different; 2: nothing to compare with (no ``--service``), or an error of
any kind: a crash is never reported as a difference.
"""

from __future__ import annotations

import os
import sys
import time

import httpx

from shared.edge.settings import Clock
from shared.log.eventlog import EventLog, connect
from shared.log.keys import Keys

from .domain.answers import Scope
from .domain.report import Reports
from .domain.tasks import Projection
from .follower import Follower, position_key

EQUAL, DIFFERENT, UNCHECKED = 0, 1, 2


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def rebuild_and_compare(
    redis_url: str, prefix: str, timezone: str, service: str | None = None
) -> int:
    log = EventLog(connect(redis_url), Keys(prefix), "reporting")
    try:
        return await _run(log, Clock(timezone), service)
    except Exception as error:  # whatever failed, it is not a difference
        say(f"FAILED: {type(error).__name__}: {error}")
        return UNCHECKED
    finally:
        await log.redis.aclose()


async def _run(log: EventLog, clock: Clock, service: str | None) -> int:
    projection = Projection()
    follower = Follower(log, projection)
    horizon = await follower.horizon()
    started = time.perf_counter()
    events = await follower.rebuild(until=horizon)
    elapsed = time.perf_counter() - started
    say(f"rebuilt: {events:,} entries, {len(projection.tasks):,} tasks ({elapsed:.1f} s)")
    if service is None:
        say("nothing to compare with: give --service URL")
        return UNCHECKED
    after = max(horizon.values(), key=position_key)
    reports, today, different = Reports(projection), clock.today(), []
    token = os.environ.get("API_TOKEN")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    years = projection.years_known()
    async with httpx.AsyncClient(
        base_url=service.rstrip("/"), timeout=60, headers=headers
    ) as client:
        for year in years:
            answer = await client.get(f"/reports/{year}", params={"after": after})
            answer.raise_for_status()
            mine = reports.report(year, Scope(unit=None, category=None, as_of=None), today)
            if answer.json() != mine.model_dump(mode="json"):
                different.append(year)
    if different:
        say(f"DIFFERENT: the service's reports differ for {different}")
        return DIFFERENT
    say(f"EQUAL: the service's reports for {years} equal the rebuild's")
    return EQUAL
