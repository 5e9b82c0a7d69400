"""Losing the Redis primary, measured: what acknowledged-means-replicated costs, and how long
writes are refused when the primary dies.

Redis as the compose deployment runs it, on loopback: a primary and two replicas (each with
``appendfsync always`` and ``min-replicas-to-write 1``) and three Sentinels
(tests/support/sentinel.py), every process of ours; the services find the primary through
the Sentinels.

1. **The cost of WRITE_REPLICAS=1 on POST /tasks.** Two registration processes on that
   Redis, one with ``WRITE_REPLICAS=0`` and one with ``WRITE_REPLICAS=1``, driven in turn by
   ``wrk`` (one thread, ``CONNECTIONS`` connections, ``bench/register.lua``) for ``SECONDS``
   each, ``ROUNDS`` times: requests/s and p99 of each, and their ratio within each round.
2. **Time from kill -9 of the primary to the first 2xx write**, over ``DRILLS`` drills:
   registration and approval (``WRITE_REPLICAS=1``) under the write load of the drills
   (tests/support/load.py: three writers and a decider, each write retried with its key
   after a 503), the primary killed with ``SIGKILL``; the time to the Sentinels' promotion
   and to the first write answered after the first 503 that followed the kill; the old
   primary then re-added as a replica, and again. ``--down-after-ms`` is the Sentinels'
   ``down-after-milliseconds`` (the deployment's 5000 by default).

    .venv/bin/python -m bench.failover [--rounds 3] [--drills 5] [--down-after-ms 5000]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx

from bench.harness import say
from tests.support.load import WriteLoad
from tests.support.people import ADMIN, APPROVER, api_tokens
from tests.support.redis_server import free_port
from tests.support.sentinel import ReplicatedRedis, wait_until

CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WRK_SCRIPT = Path(__file__).with_name("register.lua")
YEAR = time.gmtime().tm_year


@contextlib.contextmanager
def service(name: str, redis: ReplicatedRedis, prefix: str, **env: str) -> Iterator[str]:
    """``python -m services.<name>`` through the Sentinels; yields its base URL once ready."""
    port = free_port()
    settings = {
        **os.environ,
        **redis.env,
        "REDIS_URL": "redis://127.0.0.1:1/0",  # ignored: the Sentinels name the primary
        "STREAM_PREFIX": prefix,
        "PORT": str(port),
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "warning",
        **env,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", f"services.{name}"],
        env=settings,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        try:
            return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until(ready, f"{name} ready", 60)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def wrk(base: str) -> dict[str, float]:
    binary = shutil.which("wrk")
    if binary is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    args = [binary, "-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "-s", str(WRK_SCRIPT), base]
    args += ["--", uuid.uuid4().hex[:8]]  # registrants of this run's own: no quota met
    output = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    match = re.search(r"RESULT (.*)", output)
    if match is None:
        raise RuntimeError(f"wrk said:\n{output}")
    result = {k: float(v) for k, v in (pair.split("=") for pair in match.group(1).split())}
    return {
        "rps": result["requests"] / (result["duration_us"] / 1e6),
        "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "errors": result["non2xx"],
    }


def cost_of_waiting(redis: ReplicatedRedis, rounds: int) -> None:
    say(
        f"1. POST /tasks, wrk 1 thread {CONNECTIONS} connections {SECONDS} s, through the "
        "Sentinels, appendfsync always on every node"
    )
    anonymous = {"ALLOW_ANONYMOUS": "true"}
    with (
        service("registration", redis, "bench0", WRITE_REPLICAS="0", **anonymous) as plain,
        service("registration", redis, "bench1", WRITE_REPLICAS="1", **anonymous) as waiting,
    ):
        ratios = []
        for round_ in range(1, rounds + 1):
            if round_ % 2:  # which goes first alternates: neither always meets a warm machine
                without, with_ = wrk(plain), wrk(waiting)
            else:
                with_, without = wrk(waiting), wrk(plain)
            ratio = with_["rps"] / without["rps"]
            ratios.append(ratio)
            say(
                f"   round {round_}: WRITE_REPLICAS=0 {without['rps']:,.0f} req/s, p50 "
                f"{without['p50_ms']:.1f} ms, p99 {without['p99_ms']:.1f} ms | "
                f"WRITE_REPLICAS=1 {with_['rps']:,.0f} req/s, p50 {with_['p50_ms']:.1f} ms, "
                f"p99 {with_['p99_ms']:.1f} ms | req/s ratio {ratio:.2f}, p99 "
                f"{with_['p99_ms'] - without['p99_ms']:+.1f} ms "
                f"(non-2xx: {without['errors']:.0f} / {with_['errors']:.0f})"
            )
        say(f"   WRITE_REPLICAS=1 keeps {statistics.median(ratios):.2f} of the req/s (median)")


def drills(redis: ReplicatedRedis, count: int) -> None:
    say(
        f"2. kill -9 of the primary under load, {count} drills (down-after-milliseconds "
        f"{redis.down_after_ms})"
    )
    tokens = {"API_TOKENS": api_tokens(), "WRITE_REPLICAS": "1"}
    refused, promoted = [], []
    with (
        service("registration", redis, "drill", **tokens) as registration,
        service("approval", redis, "drill", **tokens) as approval,
    ):
        for drill in range(1, count + 1):
            load = WriteLoad(registration, approval, ADMIN.headers, APPROVER.headers, YEAR)
            with load:
                wait_until(lambda load=load: load.answered() >= 20, "20 writes answered", 60)
                old = redis.primary()
                killed = time.monotonic()
                old.kill()
                redis.wait_for_failover(old, timeout=120)
                promoted.append(time.monotonic() - killed)

                def again(load: WriteLoad = load, killed: float = killed) -> float | None:
                    return load.answered_again_after(killed)

                refused.append(wait_until(again, "writes answered again", 120))
            assert not load.errors, load.errors
            say(
                f"   drill {drill}: {old.name} killed; a replica promoted after "
                f"{promoted[-1]:.2f} s; the first write answered {refused[-1]:.2f} s after "
                f"the kill (503s: {dict(load.refused)}); {load.answered()} writes answered"
            )
            redis.readd(old)
            redis.wait_settled(redis.primary())
    say(
        f"   kill -9 to the first 2xx write: median {statistics.median(refused):.2f} s, "
        f"min {min(refused):.2f} s, max {max(refused):.2f} s; to the promotion: median "
        f"{statistics.median(promoted):.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.failover", description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--drills", type=int, default=5)
    parser.add_argument("--down-after-ms", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-failover-") as folder:
        redis = ReplicatedRedis(Path(folder), down_after_ms=args.down_after_ms).start()
        try:
            say(f"load average before: {os.getloadavg()[0]:.2f}")
            if args.rounds:
                cost_of_waiting(redis, args.rounds)
            if args.drills:
                drills(redis, args.drills)
            say(f"load average after: {os.getloadavg()[0]:.2f}")
        finally:
            redis.stop()


if __name__ == "__main__":
    main()
