"""``python -m services.reporting``: the HTTP API on PORT (default 8003); ``... rebuild
[--service URL]``: every year's report rebuilt from the log compared with a running service's
(deploy/README.md, "Rebuild a projection"). Exit 0 equal, 1 different, 2 unchecked."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence

from shared.domain.people import Actor, Role
from shared.edge.runtime import serve
from shared.edge.settings import Clock
from shared.log.eventlog import EventLog, connect
from shared.log.keys import Keys, position_key
from shared.ops.logging import configure_logging

from .bootstrap import NAME, ReportingSettings, create_app
from .follower import Follower
from .reading import Reading

EQUAL, DIFFERENT, UNCHECKED = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m services.reporting", description="settings come from the environment"
    )
    rebuild = parser.add_subparsers(dest="command").add_parser(
        "rebuild", help="rebuild from the start of the log and compare with a running service"
    )
    rebuild.add_argument("--service", metavar="URL", help="the running service to compare")
    args = parser.parse_args(argv)
    try:
        settings = ReportingSettings()
    except ValueError as error:
        sys.stderr.write(f"{error}\n")
        return 2
    if args.command is None:
        serve(lambda: create_app(settings), settings, NAME)
        return 0
    configure_logging(NAME, level=settings.log_level, fmt=settings.log_format)
    log = EventLog(connect(settings.redis), Keys(settings.stream_prefix), NAME)
    reading = Reading(Follower(log), Clock(settings.timezone), settings.grace_days)
    return asyncio.run(compare(reading, args.service))


async def compare(reading: Reading, service: str | None) -> int:
    import httpx  # not imported to serve

    follower, log = reading.follower, reading.follower.log
    try:
        horizon = {stream: await log.last_position(stream) for stream in follower.types}
        events, _ = await follower.read_all(follower.projection, until=horizon)
        follower.positions, follower.ready = horizon, True
        years = follower.projection.years_known()
        say(f"rebuilt: {events:,} entries, {len(follower.projection.tasks):,} tasks")
        if service is None:
            say("nothing to compare with: give --service URL")
            return UNCHECKED
        token, viewer = os.environ.get("API_TOKEN"), Actor("rebuild", frozenset({Role.viewer}))
        after = max(horizon.values(), key=position_key)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with httpx.AsyncClient(base_url=service, timeout=60, headers=headers) as client:
            different = []
            for year in years:
                answer = await client.get(f"/reports/{year}", params={"after": after})
                answer.raise_for_status()
                mine = await reading.report(year, reading.scope(viewer, year))
                if answer.json() != mine.model_dump(mode="json"):
                    different.append(year)
    except Exception as error:  # whatever failed, it is not a difference
        say(f"FAILED: {type(error).__name__}: {error}")
        return UNCHECKED
    finally:
        await log.redis.aclose()
    if different:
        say(f"DIFFERENT: the service's reports differ for {different}")
        return DIFFERENT
    say(f"EQUAL: the service's reports for {years} equal the rebuild's")
    return EQUAL


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
