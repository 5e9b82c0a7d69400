"""What the benchmarks share: a private Redis, filling it, and the service as a process."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import httpx
import redis

from bench.synthetic import Synthetic
from shared.log.keys import Keys
from tests.support.redis_server import PrivateRedis, free_port

PIPELINE = 2_000


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


@contextlib.contextmanager
def private_redis() -> Iterator[str]:
    """A redis-server of our own on a free port, in a temporary folder, stopped after."""
    with tempfile.TemporaryDirectory(prefix="bench-redis-") as folder:
        server = PrivateRedis(Path(folder)).start()
        try:
            yield server.url
        finally:
            server.stop()


def fill(url: str, log: Synthetic) -> int:
    """Append the synthetic log; the number of events."""
    client = redis.Redis.from_url(url)
    pipe, count = client.pipeline(transaction=False), 0
    for stream, kind, document in log.entries():
        pipe.xadd(stream, {"type": kind, "event": document})
        count += 1
        if count % PIPELINE == 0:
            pipe.execute()
    pipe.execute()
    client.close()
    return count


def streams(prefix: str) -> list[str]:
    return list(Keys(prefix).streams.values())


@contextlib.contextmanager
def reporting(
    url: str, prefix: str = "bench", *, log: IO[bytes] | None = None, **env: str
) -> Iterator[tuple[str, float, subprocess.Popen[bytes]]]:
    """Start the reporting service; yields (base URL, seconds to its first report, process).

    Its log lines (stderr) are written to ``log`` when given, else dropped."""
    port = free_port()
    settings = {"REDIS_URL": url, "STREAM_PREFIX": prefix, "PORT": str(port)}
    settings |= {"LOG_FORMAT": "json", "LOG_LEVEL": "warning", "ALLOW_ANONYMOUS": "true", **env}
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "services.reporting"],
        env={**os.environ, **settings},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL if log is None else log,
    )
    try:
        seconds = first_report(base, process, started)
        yield base, seconds, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def first_report(
    base: str, process: subprocess.Popen[bytes], started: float, year: int = 2024
) -> float:
    """Seconds from ``started`` until ``GET /reports/{year}`` answers 200 (503 while the
    projection builds)."""
    with httpx.Client(base_url=base, timeout=60) as client:
        while process.poll() is None:
            with contextlib.suppress(httpx.HTTPError):
                if client.get(f"/reports/{year}").status_code == 200:
                    return time.perf_counter() - started
            time.sleep(0.02)  # a poll costs the service little next to a page of events
    raise RuntimeError(f"the reporting service exited with {process.returncode}")


def peak_memory_mb(pid: int) -> float:
    """The peak resident set size of a running process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) a running process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
