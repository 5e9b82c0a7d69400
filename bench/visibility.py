"""Write-to-report visibility on reporting's side, without the HTTP writers.

``python -m bench.visibility [--tasks 100000] [--writes 10000] [--rate 500]`` fills a private
redis-server with the synthetic log (100,000 tasks: 20,000 in 2024) and starts reporting.
A writer process then writes through the task store's commit script
(``shared.log.store.execute``, as registration and approval do) at ``--rate`` writes/s, open
loop, a year's mix: per task one registration, one approval, ten progress reports. For every
5th write (``--sample``) it hands the entry's position and the moment the write was answered
to this process, which asks ``GET /reports/2024?after=<position>``: the time from the write's
answer to the report's is what a staff member waits to see a write, recounting included.

``bench.load`` measures the same through the three services over HTTP, once they run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import threading
import time
from collections import deque
from datetime import date

import httpx

from bench.harness import cpu_seconds, fill, private_redis, reporting, say
from bench.synthetic import Synthetic
from shared.domain.events import ProgressStatus
from shared.domain.refusals import Conflict
from shared.log.eventlog import EventLog, connect
from shared.log.keys import Keys
from tests.support.writing import Writer

PREFIX = "bench"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


async def write(url: str, writes: int, rate: float, sample: int) -> None:
    """The writer process: prints ``<position> <time answered>`` for every sampled write."""
    log = EventLog(connect(url), Keys(PREFIX), "bench")
    writer, registered, approved = Writer(log), deque[str](), list[str]()
    person: dict[str, str] = {}
    limit = asyncio.Semaphore(64)  # the pool's connections

    async def one(number: int) -> None:
        slot = number % 12
        if slot >= 2 and approved:
            task = approved[number % len(approved)]
            day = date(2024, number % 12 + 1, 28)
            status = ProgressStatus.in_progress
            position = await writer.progress(task, person[task], number % 26, status, day)
        elif slot == 1 and registered:
            task = registered.popleft()
            position = await writer.approve(task)
            approved.append(task)
        else:
            unit = f"unit-{number % 120:03d}"
            task, position = await writer.register(f"v-{number}", unit=unit)
            person[task] = f"v-{number}"
            registered.append(task)
        if number % sample == 0:
            sys.stdout.write(f"{position} {time.time()}\n")
            sys.stdout.flush()

    async def guarded(number: int) -> None:
        async with limit:
            with contextlib.suppress(Conflict):  # progress on a task busy meanwhile
                await one(number)

    started, running = time.perf_counter(), []
    for number in range(writes):
        delay = started + number / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        running.append(asyncio.ensure_future(guarded(number)))
    await asyncio.gather(*running)
    sys.stderr.write(f"{writes:,} writes in {time.perf_counter() - started:.1f} s\n")
    await log.redis.aclose()


async def watch(base: str, lines: asyncio.Queue[str | None]) -> list[float]:
    """Ask for the report after each sampled write; the seconds from its answer to ours."""
    seen: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:

        async def ask(position: str, answered: float) -> None:
            (await http.get("/reports/2024", params={"after": position})).raise_for_status()
            seen.append(time.time() - answered)

        asking = []
        while (line := await lines.get()) is not None:
            position, answered = line.split()
            asking.append(asyncio.ensure_future(ask(position, float(answered))))
        await asyncio.gather(*asking)
    return seen


def measure(url: str, base: str, args: argparse.Namespace) -> list[float]:
    command = [sys.executable, "-m", "bench.visibility", "--writer", url]
    command += [
        "--writes",
        str(args.writes),
        "--rate",
        str(args.rate),
        "--sample",
        str(args.sample),
    ]
    writer = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=os.environ)

    async def run() -> list[float]:
        lines: asyncio.Queue[str | None] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        def pump() -> None:
            assert writer.stdout is not None
            for line in writer.stdout:
                loop.call_soon_threadsafe(lines.put_nowait, line)
            loop.call_soon_threadsafe(lines.put_nowait, None)

        threading.Thread(target=pump, daemon=True).start()
        return await watch(base, lines)

    seen = asyncio.run(run())
    writer.wait(timeout=60)
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.visibility")
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--writes", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--sample", type=int, default=5, help="a report after every N-th write")
    parser.add_argument("--writer", metavar="REDIS_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.writer:
        asyncio.run(write(args.writer, args.writes, args.rate, args.sample))
        return
    with private_redis() as url:
        events = fill(url, Synthetic(args.tasks, keys=Keys(PREFIX)))
        say(f"log: {events:,} events")
        with reporting(url, PREFIX, LOG_LEVEL="info") as (base, _, process):
            httpx.get(f"{base}/reports/2024", timeout=60).raise_for_status()
            cpu, started = cpu_seconds(process.pid), time.perf_counter()
            seen = measure(url, base, args)
            share = (cpu_seconds(process.pid) - cpu) / (time.perf_counter() - started)
    say(f"reporting used {share:.0%} of a core meanwhile")
    say(
        f"visibility (n={len(seen):,}): p50 {percentile(seen, 0.5):.1f} ms,"
        f" p99 {percentile(seen, 0.99):.1f} ms, max {max(seen) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
