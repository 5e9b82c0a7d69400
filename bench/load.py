"""The live pipeline under load: the three services over HTTP, with concurrent clients.

1. **Registration at full speed**: ``wrk`` (one thread, ``CONNECTIONS`` keep-alive
   connections, ``bench/register.lua``: a new registrant per request) posts ``POST /tasks``
   for ``SECONDS``; requests/s, p50/p99 from wrk's own histogram.
2. **A year's mix at a fixed rate**: an open-loop generator (one Python process, raw
   keep-alive HTTP/1.1 over asyncio, much cheaper than an HTTP library) sends ``WRITES``
   writes at ``RATE`` writes/s in the proportions of a real year: per task one registration,
   one decision (9 in 10 approve) and ten monthly progress reports, each at least ``SETTLE``
   after the write it follows (a 404/409 meanwhile is retried after 5 ms and counted). Every
   ``SAMPLE``-th write is followed by ``GET /reports/{year}?after=<its position>``: the time
   from the write's answer to that report's answer is the write-to-report visibility. One
   ``GET /reports/{year}`` first, as in ``bench.query``: the first report of a year reads the
   year's tasks once (20,000 after phase 1: a few hundred ms that every report waiting
   meanwhile would share).

Services run with ``ALLOW_ANONYMOUS=true`` (every caller an admin, who may register for any
registrant; production has tokens, each bound to a person) and ``LOG_LEVEL=info`` with logs
to /dev/null (the JSON lines are formatted, as in production). All share the machine's cores.

    .venv/bin/python -m bench.load
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import redis

from bench.harness import private_redis, say
from shared.log.keys import Keys
from tests.support.redis_server import free_port

SERVICES = ("registration", "approval", "reporting")
PREFIX = "load"
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
WRITES = int(os.environ.get("BENCH_WRITES", "15000"))
RATE = float(os.environ.get("BENCH_RATE", "500"))
SAMPLE = int(os.environ.get("BENCH_SAMPLE", "5"))
YEAR = time.gmtime().tm_year
SETTLE = float(os.environ.get("BENCH_SETTLE", "0.05"))
"""A decision is sent no sooner than this after its registration's answer, progress no sooner
after its approval's (since the rework the writers keep each task's state atomically with its
events, so nothing waits for a stream to be followed; people take longer anyway)."""
WRK_SCRIPT = Path(__file__).with_name("register.lua")


@contextlib.contextmanager
def services(url: str, **env: str) -> Iterator[dict[str, tuple[str, int]]]:
    """The three services as processes; yields name -> (base URL, pid) once all are ready."""
    running: dict[str, tuple[str, int]] = {}
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for name in SERVICES:
            port = free_port()
            settings = {"REDIS_URL": url, "STREAM_PREFIX": PREFIX, "PORT": str(port)}
            settings |= {"LOG_FORMAT": "json", "LOG_LEVEL": "info", "ALLOW_ANONYMOUS": "true"}
            settings |= env
            process = subprocess.Popen(
                [sys.executable, "-m", f"services.{name}"],
                env={**os.environ, **settings},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            processes.append(process)
            running[name] = (f"http://127.0.0.1:{port}", process.pid)
        for base, _ in running.values():
            _wait_ready(base)
        yield running
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def _wait_ready(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{base} did not become ready")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def redis_cpu(url: str) -> float:
    info = redis.Redis.from_url(url).info("cpu")
    return float(info["used_cpu_sys"]) + float(info["used_cpu_user"])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


# ---------------------------------------------------------------- phase 1: wrk


def registration_at_full_speed(base: str) -> dict[str, float]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is needed for the first phase: apt-get install -y wrk")
    args = [wrk, "-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "-s", str(WRK_SCRIPT), base]
    output = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    match = re.search(r"RESULT (.*)", output)
    if match is None:
        raise RuntimeError(f"wrk said:\n{output}")
    result = {k: float(v) for k, v in (pair.split("=") for pair in match.group(1).split())}
    return {
        "requests": result["requests"],
        "rps": result["requests"] / (result["duration_us"] / 1e6),
        "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "max_ms": result["max_us"] / 1000,
        "errors": result["non2xx"],
    }


# ---------------------------------------------------------------- phase 2: the mix


class Connection:
    """One keep-alive HTTP/1.1 connection; requests with a JSON body or none."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: object = None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        payload = b"" if body is None else json.dumps(body).encode()
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + payload)
        header = await self.reader.readuntil(b"\r\n\r\n")
        status = int(header[9:12])
        length = int(re.search(rb"(?i)content-length: *(\d+)", header).group(1))  # type: ignore[union-attr]
        return status, await self.reader.readexactly(length)


class Pool:
    def __init__(self, base: str, size: int) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.idle: asyncio.Queue[Connection] = asyncio.Queue()
        for _ in range(size):
            self.idle.put_nowait(Connection(host, int(port)))

    async def request(self, method: str, path: str, body: object = None) -> tuple[int, bytes]:
        connection = await self.idle.get()
        try:
            return await connection.request(method, path, body)
        finally:
            self.idle.put_nowait(connection)


@dataclass
class Mix:
    pools: dict[str, Pool]
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    visibility: list[float] = field(default_factory=list)
    to_decide: deque[tuple[float, str]] = field(default_factory=deque)
    to_report: deque[tuple[float, str]] = field(default_factory=deque)
    retries: int = 0
    written: int = 0

    async def call(self, service: str, route: str, method: str, path: str, body: object = None):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        status, answer = await self.pools[service].request(method, path, body)
        self.latencies[route].append(time.perf_counter() - started)
        self.statuses[route][status] += 1
        return status, answer

    async def register(self, number: int) -> None:
        body = {
            "year": YEAR,
            "registrant": {
                "id": f"mix-{number}",
                "name": "Phạm Quang Hưng",
                "position": "Chủ tịch UBND huyện Kim Thành",
                "level": "district_leader",
            },
            "unit": {"code": f"unit-{number % 120:03d}", "name": "Huyện Kim Thành"},
            "title": "Đẩy nhanh giải phóng mặt bằng các công trình giao thông trọng điểm",
            "category": "socio_economic",
            "kind": "breakthrough",
            "targets": [{"metric": "projects cleared", "unit": "project", "target": 26}],
            "deadline": f"{YEAR}-12-31",
        }
        status, answer = await self.call("registration", "POST /tasks", "POST", "/tasks", body)
        if status == 201:
            document = json.loads(answer)
            self.to_decide.append((time.perf_counter() + SETTLE, document["task_id"]))
            await self.seen(number, document["position"])

    async def decide(self, number: int, task_id: str) -> None:
        if number % 10 == 9:
            body = {"decision": "reject", "decided_by": "Ban Thường vụ", "reason": "chưa đo được"}
        else:
            body = {"decision": "approve", "decided_by": "Ban Thường vụ", "reference": "QĐ 1"}
        path = f"/tasks/{task_id}/decision"
        # 404: approval has not seen the registration yet
        status, answer = await self.call_until_seen(
            "approval", "POST /tasks/{id}/decision", path, body, not_yet=404
        )
        if status == 200:
            if body["decision"] == "approve":
                ready = time.perf_counter() + SETTLE
                self.to_report.extend([(ready, task_id)] * 10)
            await self.seen(number, json.loads(answer)["position"])

    async def report(self, number: int, task_id: str) -> None:
        day = min(date(YEAR, number % 12 + 1, 28), datetime.now(UTC).date())  # not in the future
        body = {
            "reported_at": day.isoformat(),
            "status": "in_progress",
            "actuals": [{"metric": "projects cleared", "value": number % 26}],
        }
        path = f"/tasks/{task_id}/progress"
        # 409: registration has not seen the approval yet
        status, answer = await self.call_until_seen(
            "registration", "POST /tasks/{id}/progress", path, body, not_yet=409
        )
        if status == 201:
            await self.seen(number, json.loads(answer)["position"])

    async def call_until_seen(
        self, service: str, route: str, path: str, body: object, *, not_yet: int
    ) -> tuple[int, bytes]:
        """POST until the service has followed the event this write depends on (up to 2 s)."""
        for _ in range(400):
            status, answer = await self.call(service, route, "POST", path, body)
            if status != not_yet:
                break
            self.retries += 1
            await asyncio.sleep(0.005)
        return status, answer

    async def seen(self, number: int, position: str) -> None:
        self.written += 1
        if number % SAMPLE:
            return
        started = time.perf_counter()
        route = "GET /reports/{year}?after="
        status, _ = await self.call("reporting", route, "GET", f"/reports/{YEAR}?after={position}")
        if status == 200:
            self.visibility.append(time.perf_counter() - started)

    def next(self, number: int):  # type: ignore[no-untyped-def]
        """One registration, one decision and ten progress reports in every twelve writes,
        as far as the tasks already registered and approved allow."""
        slot, now = number % 12, time.perf_counter()
        if slot >= 2 and self.to_report and self.to_report[0][0] <= now:
            return self.report(number, self.to_report.popleft()[1])
        if slot >= 1 and self.to_decide and self.to_decide[0][0] <= now:
            return self.decide(number, self.to_decide.popleft()[1])
        return self.register(number)


async def year_mix(bases: dict[str, str], writes: int, rate: float) -> tuple[Mix, float]:
    mix = Mix({name: Pool(base, 64) for name, base in bases.items()})
    started = time.perf_counter()
    tasks = []
    for number in range(writes):
        delay = started + number / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(mix.next(number)))
    await asyncio.gather(*tasks)
    return mix, time.perf_counter() - started


# ---------------------------------------------------------------- main


def main() -> None:
    say(f"load benchmark: {os.cpu_count()} cores, everything on this machine")
    with private_redis() as url, services(url) as running:
        bases = {name: base for name, (base, _) in running.items()}
        pids = {name: pid for name, (_, pid) in running.items()}
        before = {name: cpu_seconds(pid) for name, pid in pids.items()} | {"redis": redis_cpu(url)}
        say(f"\n1. POST /tasks with wrk: 1 thread, {CONNECTIONS} connections, {SECONDS} s")
        full = registration_at_full_speed(bases["registration"])
        after = {name: cpu_seconds(pid) for name, pid in pids.items()} | {"redis": redis_cpu(url)}
        say(
            f"   {full['requests']:,.0f} requests, {full['rps']:,.0f} req/s, "
            f"p50 {full['p50_ms']:.1f} ms, p99 {full['p99_ms']:.1f} ms, "
            f"max {full['max_ms']:.1f} ms, errors {full['errors']:.0f}"
        )
        _cpu(before, after, SECONDS)

        say(f"\n2. a year's mix: {WRITES:,} writes at {RATE:g}/s, visibility every {SAMPLE}th")
        httpx.get(f"{bases['reporting']}/reports/{YEAR}", timeout=60).raise_for_status()
        before = {name: cpu_seconds(pid) for name, pid in pids.items()} | {"redis": redis_cpu(url)}
        mix, seconds = asyncio.run(year_mix(bases, WRITES, RATE))
        after = {name: cpu_seconds(pid) for name, pid in pids.items()} | {"redis": redis_cpu(url)}
        rate = mix.written / seconds
        say(f"   {mix.written:,} writes answered in {seconds:.1f} s ({rate:,.0f}/s);")
        say(f"   {mix.retries} retries of a decision/progress sent before the service knew")
        per_service: dict[str, int] = defaultdict(int)
        for route, values in mix.latencies.items():
            service = (
                "reporting"
                if route.startswith("GET /reports")
                else "approval"
                if "decision" in route
                else "registration"
            )
            per_service[service] += len(values)
        for service in SERVICES:
            say(f"   {service:<13} {per_service[service] / seconds:8,.0f} req/s")
        for route, values in sorted(mix.latencies.items()):
            statuses = dict(mix.statuses[route])
            say(
                f"   {route:<28} n={len(values):>6,}  p50 {percentile(values, 0.5) * 1000:6.1f} ms"
                f"  p99 {percentile(values, 0.99) * 1000:6.1f} ms  statuses {statuses}"
            )
        vis = mix.visibility
        say(
            f"   write-to-report visibility (n={len(vis):,}): "
            f"p50 {percentile(vis, 0.5) * 1000:.1f} ms, p99 {percentile(vis, 0.99) * 1000:.1f} ms, "
            f"mean {statistics.fmean(vis) * 1000:.1f} ms"
        )
        _cpu(before, after, seconds)
        client = redis.Redis.from_url(url)
        events = sum(client.xlen(stream) for stream in Keys(PREFIX).streams.values())
        memory = client.info("memory")["used_memory"]
        say(
            f"\nRedis: {events:,} events in the log, used_memory {memory / 2**20:.1f} MiB "
            f"({memory / max(events, 1):,.0f} bytes per event, with every service's keys)"
        )


def _cpu(before: dict[str, float], after: dict[str, float], seconds: float) -> None:
    shares = ", ".join(f"{name} {(after[name] - before[name]) / seconds:.0%}" for name in after)
    say(f"   CPU (of one core) while it ran: {shares}; the generator took the rest")


if __name__ == "__main__":
    main()
