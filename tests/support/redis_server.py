"""Where the tests find a real Redis: REDIS_URL, else a testcontainers Redis when a Docker
engine answers and testcontainers can start its container, else (no engine, or no image to
be had: no registry, say) a private ``redis-server`` on a free port. Never the one on 6379
unless REDIS_URL names it, and never flushed: every test writes under a prefix of its own."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import redis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_redis(url: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    client = redis.Redis.from_url(url)
    while True:
        try:
            client.ping()
            return
        except redis.RedisError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
        finally:
            client.close()


class PrivateRedis:
    """A ``redis-server`` process of our own; with ``aof`` it keeps its data under ``folder``
    (``appendfsync always`` unless told otherwise), its output in ``logfile`` if given."""

    def __init__(
        self,
        folder: Path,
        *,
        port: int | None = None,
        aof: bool = False,
        password: str | None = None,
        tls: tuple[Path, Path, Path] | None = None,
        appendfsync: str = "always",
        logfile: Path | None = None,
    ) -> None:
        self.folder = folder
        self.appendfsync = appendfsync
        self.logfile = logfile  # its output (default: dropped)
        self.port = port or free_port()
        self.aof = aof
        self.password = password
        self.tls = tls  # certificate, key, CA
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        if self.tls:
            return f"rediss://{auth}127.0.0.1:{self.port}/0?ssl_ca_certs={self.tls[2]}"
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def start(self) -> PrivateRedis:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("no REDIS_URL, no testcontainers Redis, no redis-server on PATH")
        self.folder.mkdir(parents=True, exist_ok=True)
        args = [binary, "--bind", "127.0.0.1", "--save", ""]
        if self.tls:
            certificate, key, authority = self.tls
            args += ["--port", "0", "--tls-port", str(self.port), "--tls-auth-clients", "no"]
            args += ["--tls-cert-file", str(certificate), "--tls-key-file", str(key)]
            args += ["--tls-ca-cert-file", str(authority)]
        else:
            args += ["--port", str(self.port)]
        if self.password:
            args += ["--requirepass", self.password]
        args += ["--dir", str(self.folder), "--appendonly", "yes" if self.aof else "no"]
        args += ["--appendfsync", self.appendfsync] if self.aof else []
        with (self.logfile or Path(os.devnull)).open("ab") as out:
            self.process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        wait_for_redis(self.url)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def docker_answers() -> bool:
    if not shutil.which("docker"):
        return False
    try:
        probe = subprocess.run(["docker", "info"], capture_output=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def container_redis(stack: contextlib.ExitStack) -> str | None:
    """The URL of a testcontainers Redis, stopped with ``stack``; None (with a warning
    saying why) when testcontainers cannot start it, whatever the reason."""
    if not docker_answers():
        return None
    try:
        from testcontainers.community.redis import RedisContainer

        container = RedisContainer("redis:7-alpine")
        stack.enter_context(container)
        host = container.get_container_host_ip()
        port = container.get_exposed_port(6379)
    except Exception as error:  # any failure: use redis-server instead
        stack.close()
        reason = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
        warnings.warn(
            f"a Docker engine answers, but testcontainers could not start Redis "
            f"({type(error).__name__}: {reason}); using a private redis-server",
            stacklevel=2,
        )
        return None
    return f"redis://{host}:{port}/0"


@contextlib.contextmanager
def test_redis(folder: Path) -> Iterator[str]:
    if url := os.environ.get("REDIS_URL"):
        yield url
        return
    with contextlib.ExitStack() as stack:
        url = container_redis(stack)
        if url is None:
            server = PrivateRedis(folder).start()
            stack.callback(server.stop)
            url = server.url
        yield url
