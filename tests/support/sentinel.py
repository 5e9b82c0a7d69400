"""A replicated Redis on loopback, as the compose deployment runs it: a primary, two replicas
and three Sentinels, every one a real ``redis-server`` process of our own on a free port
(never 6379), sharing one password, each node keeping an AOF (``appendfsync always``) and
refusing writes without a replica (``min-replicas-to-write 1``).

``ReplicatedRedis.start()`` returns once both replicas are in sync and every Sentinel sees
the two replicas and the two other Sentinels. The faults a test makes are real: ``kill``
(``kill -9``), ``pause``/``resume`` (``SIGSTOP``/``SIGCONT``: a node frozen, its connections
open). Failover is quick here (``down-after-milliseconds`` 1000): Sentinels promote a
replica about 2 s after the primary stops answering."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis

from tests.support.redis_server import free_port

MASTER = "breakthrough"
PASSWORD = "sentinel-test-password-0123456789"
DOWN_AFTER_MS = 1000


def wait_until(condition: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
    """Poll ``condition`` until it returns something true (or raises nothing and returns
    true); its last value. ``TimeoutError`` naming ``what`` and the last error."""
    deadline, last = time.monotonic() + timeout, None
    while True:
        try:
            value = condition()
            if value:
                return value
        except (redis.RedisError, OSError) as error:
            last = error
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout} s (last error: {last})")
        time.sleep(0.05)


def _binary() -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("no redis-server on PATH (Debian: apt-get install redis-server)")
    return binary


@dataclass
class Process:
    """A redis-server process of ours: a data node or a Sentinel."""

    name: str
    port: int
    folder: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        log = (self.folder / "output.log").open("ab")
        self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT)
        log.close()
        wait_until(lambda: self.client().ping(), f"{self.name} answering")

    def client(self, **options: Any) -> redis.Redis:
        return redis.Redis(
            port=self.port, password=PASSWORD, socket_timeout=2, socket_connect_timeout=2, **options
        )

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """kill -9: nothing flushed, nothing said to anyone."""
        if self.alive:
            assert self.process is not None
            self.resume()
            self.process.kill()
            self.process.wait()

    def pause(self) -> None:
        """SIGSTOP: frozen, its sockets open (it neither answers nor closes)."""
        if self.alive:
            assert self.process is not None
            self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self.alive:
            assert self.process is not None
            self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.alive:
            assert self.process is not None
            self.resume()
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def logs(self) -> str:
        path = self.folder / "output.log"
        return path.read_text(errors="replace") if path.exists() else ""


@dataclass
class Node(Process):
    """A data node: primary, or replica of ``primary_port`` when that is set."""

    primary_port: int | None = None
    appendfsync: str = "always"

    def command(self) -> list[str]:
        args = [_binary(), "--bind", "127.0.0.1", "--port", str(self.port)]
        args += ["--dir", str(self.folder), "--save", "", "--appendonly", "yes"]
        args += ["--appendfsync", self.appendfsync]
        args += ["--requirepass", PASSWORD, "--masterauth", PASSWORD]
        args += ["--min-replicas-to-write", "1", "--min-replicas-max-lag", "10"]
        args += ["--repl-timeout", "5"]
        if self.primary_port is not None:
            args += ["--replicaof", "127.0.0.1", str(self.primary_port)]
        return args

    def role(self) -> str:
        info = self.client().info("replication")
        return str(info["role"])

    def in_sync(self, primary: Node | None = None) -> bool:
        """A replica whose link to its primary (``primary``, if given) is up."""
        info = self.client().info("replication")
        following = primary is None or int(info.get("master_port", 0)) == primary.port
        return info["role"] == "slave" and info["master_link_status"] == "up" and following


@dataclass
class SentinelProcess(Process):
    primary_port: int = 0
    down_after_ms: int = DOWN_AFTER_MS

    def command(self) -> list[str]:
        config = self.folder / "sentinel.conf"
        if not config.exists():  # Sentinel rewrites it: what it learnt survives a restart
            config.write_text(
                "\n".join(
                    [
                        "bind 127.0.0.1",
                        f"port {self.port}",
                        f"dir {self.folder}",
                        f"requirepass {PASSWORD}",
                        f"sentinel monitor {MASTER} 127.0.0.1 {self.primary_port} 2",
                        f"sentinel auth-pass {MASTER} {PASSWORD}",
                        f"sentinel down-after-milliseconds {MASTER} {self.down_after_ms}",
                        f"sentinel failover-timeout {MASTER} 10000",
                        f"sentinel parallel-syncs {MASTER} 1",
                        "",
                    ]
                )
            )
        return [_binary(), str(config), "--sentinel"]

    def master(self) -> dict[str, Any]:
        state: dict[str, Any] = self.client().sentinel_master(MASTER)
        return state

    def primary_port_named(self) -> int | None:
        address = self.client().sentinel_get_master_addr_by_name(MASTER)
        return int(address[1]) if address else None


@dataclass
class ReplicatedRedis:
    folder: Path
    down_after_ms: int = DOWN_AFTER_MS
    """How long the Sentinels wait before they hold the primary down (compose: 5000)."""
    nodes: list[Node] = field(default_factory=list)
    sentinels: list[SentinelProcess] = field(default_factory=list)

    def start(self) -> ReplicatedRedis:
        primary = Node("redis-1", free_port(), self.folder / "redis-1")
        self.nodes = [primary] + [
            Node(f"redis-{n}", free_port(), self.folder / f"redis-{n}", primary_port=primary.port)
            for n in (2, 3)
        ]
        for node in self.nodes:
            node.start()
        for node in self.nodes[1:]:
            wait_until(node.in_sync, f"{node.name} in sync with the primary")
        self.sentinels = [
            SentinelProcess(
                f"sentinel-{n}",
                free_port(),
                self.folder / f"sentinel-{n}",
                primary_port=primary.port,
                down_after_ms=self.down_after_ms,
            )
            for n in (1, 2, 3)
        ]
        for sentinel in self.sentinels:
            sentinel.start()
        self.wait_settled(primary)
        return self

    def wait_settled(self, primary: Node, timeout: float = 60.0) -> None:
        """Until every Sentinel names ``primary`` and sees two replicas and two Sentinels, and
        both replicas are online at the primary."""

        def settled() -> bool:
            for sentinel in self.sentinels:
                state = sentinel.master()
                if int(state["port"]) != primary.port or state["is_odown"] or state["is_sdown"]:
                    return False
                if state["num-slaves"] < 2 or state["num-other-sentinels"] < 2:
                    return False
            info = primary.client().info("replication")
            online = [v for k, v in info.items() if k.startswith("slave") and k[5:].isdigit()]
            return sum(1 for replica in online if replica["state"] == "online") == 2

        wait_until(settled, f"the Sentinels settled on {primary.name}", timeout)

    @property
    def env(self) -> dict[str, str]:
        """The settings every process of ours reads to find the primary."""
        return {
            "REDIS_SENTINELS": ",".join(f"127.0.0.1:{s.port}" for s in self.sentinels),
            "REDIS_MASTER_NAME": MASTER,
            "REDIS_PASSWORD": PASSWORD,
        }

    def primary(self) -> Node:
        """The node the Sentinels name as primary now (the first that answers)."""
        for sentinel in self.sentinels:
            if not sentinel.alive:
                continue
            try:
                port = sentinel.primary_port_named()
            except (redis.RedisError, OSError):
                continue
            return next(node for node in self.nodes if node.port == port)
        raise RuntimeError("no Sentinel answers")

    def replicas(self) -> list[Node]:
        primary = self.primary()
        return [node for node in self.nodes if node is not primary]

    def wait_for_failover(self, old: Node, timeout: float = 30.0) -> Node:
        """Until every Sentinel names another primary and that node says it is one."""

        def promoted() -> Node | None:
            named = {s.primary_port_named() for s in self.sentinels if s.alive}
            if len(named) != 1:  # the new configuration spreads among them in a second
                return None
            found = self.primary()
            return found if found is not old and found.role() == "master" else None

        found: Node = wait_until(promoted, f"a replica promoted in place of {old.name}", timeout)
        return found

    def readd(self, old: Node, timeout: float = 60.0) -> None:
        """Start a former primary again: the Sentinels turn it into a replica of the new one
        (the runbook's 're-adding the old primary'); until it is in sync."""
        old.start()
        wait_until(old.in_sync, f"{old.name} back as a replica, in sync", timeout)

    def reconfigured(self, new: Node, old: Node, timeout: float = 30.0) -> None:
        """Until every node but ``old`` follows ``new``, in sync: the failover finished."""
        for node in self.nodes:
            if node not in (new, old):
                wait_until(lambda node=node: node.in_sync(new), f"{node.name} follows {new.name}")

    def heal(self) -> ReplicatedRedis:
        """Every node running and answering again (a test before may have frozen or killed
        some): frozen ones resumed, dead ones added back as replicas; until settled."""
        for process in [*self.nodes, *self.sentinels]:
            process.resume()
        if not any(node.alive for node in self.nodes):
            raise RuntimeError("every node is dead: nothing to add back to")
        for node in self.nodes:
            if not node.alive:
                self.readd(node)
        self.wait_settled(self.primary())
        return self

    def client(self) -> redis.Redis:
        """A plain client of the primary now (the tests read the log directly)."""
        return self.primary().client()

    def stop(self) -> None:
        for process in [*self.sentinels, *self.nodes]:
            process.stop()

    def logs(self) -> str:
        return "\n".join(
            f"--- {process.name}\n{process.logs()[-3000:]}"
            for process in [*self.nodes, *self.sentinels]
        )
