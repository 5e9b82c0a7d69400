"""Where the log is, and the one way every process connects to it.

A ``Where`` is either a Redis URL (``REDIS_URL``) or a set of Sentinels watching a primary
by name (``REDIS_SENTINELS`` and ``REDIS_MASTER_NAME``, with which ``REDIS_URL`` is ignored),
and the password (``REDIS_PASSWORD``, or ``REDIS_PASSWORD_FILE``) that the primary, its
replicas and the Sentinels share. ``connect`` gives an asyncio client (the services, the
portal, reporting's follower and rebuild), ``connect_sync`` a blocking one (the command-line
tools); both are configured alike.

Through Sentinels, redis-py (``redis.asyncio.sentinel``) asks a Sentinel for the primary's
address every time it opens a connection, and reconnects on:

- a connection error or a timeout (the primary died): the client's ``Retry`` runs the
  command (or the whole pipeline) again on a fresh connection, which asks the Sentinels
  again; while none names a primary that is up, ``MasterNotFoundError`` (a
  ``ConnectionError``) after the retries;
- ``READONLY`` (the primary it still reached was demoted to a replica): the connection is
  dropped and the error raised as a ``ConnectionError``, so the same retry finds the new
  primary. A write refused with ``READONLY`` wrote nothing (a script's first write is
  refused before any effect), so running it again is safe; and every write of ours is
  safe to repeat anyway (the scripts recognise their own event id).

Idle pooled connections to an old primary are dropped the first time a connection learns a
new address from the Sentinels.

One gap of redis-py (8.1) is closed here: a connection dropped *inside* a command's retry
(after ``READONLY`` or a connection error) is opened again by ``connect_check_health``, which
goes back to the address it had, not to the Sentinels; so every retry of that request met
the demoted or dead primary again, and only the next request, on a connection taken from
the pool, found the new one. ``FollowingConnection`` asks the Sentinels there too.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import Sentinel, SentinelManagedConnection
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry as SyncRetry
from redis.sentinel import Sentinel as SyncSentinel
from redis.sentinel import SentinelManagedConnection as SyncSentinelManagedConnection

SENTINEL_PORT = 26379
# What every connection to the log is opened with. A pooled connection that died with a
# Redis restart or a failover fails once: the command is run again on a fresh connection
# (twice at most, 50 ms then 100 ms later). Every write here is safe to repeat.
OPTIONS: dict[str, Any] = {
    "decode_responses": False,
    "health_check_interval": 10,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
RETRIED = [RedisConnectionError, RedisTimeoutError]
SENTINEL_OPTIONS: dict[str, Any] = {"socket_connect_timeout": 1, "socket_timeout": 1}


@dataclass(frozen=True, slots=True)
class Where:
    """Where the log is: a URL, or Sentinels and the name of the primary they watch."""

    url: str = "redis://localhost:6379/0"
    sentinels: tuple[tuple[str, int], ...] = ()
    master: str = ""
    password: str | None = field(default=None, repr=False)
    username: str | None = None

    @classmethod
    def of(
        cls,
        url: str,
        sentinels: str | None = None,
        master: str | None = None,
        password: str | None = None,
        password_file: Path | None = None,
        username: str | None = None,
    ) -> Where:
        """From the settings' text; ``ValueError`` naming the setting that is wrong."""
        if password_file is not None:
            try:
                password = password_file.read_text(encoding="utf-8").rstrip("\r\n")
            except OSError as error:
                raise ValueError(f"REDIS_PASSWORD_FILE {password_file}: {error}") from error
        if not sentinels:
            return cls(url=url, password=password or None, username=username or None)
        if not master:
            raise ValueError("REDIS_SENTINELS is set: set REDIS_MASTER_NAME too")
        return cls(
            sentinels=parse_sentinels(sentinels),
            master=master,
            password=password or None,
            username=username or None,
        )

    @property
    def through_sentinels(self) -> bool:
        return bool(self.sentinels)

    def describe(self) -> str:
        """For logs and readiness: where, without any password."""
        if self.sentinels:
            hosts = ",".join(f"{host}:{port}" for host, port in self.sentinels)
            return f"primary {self.master!r} of the Sentinels {hosts}"
        parts = urllib.parse.urlsplit(self.url)
        host = parts.hostname or ""
        netloc = f"[{host}]" if ":" in host else host
        if parts.port:
            netloc += f":{parts.port}"
        return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class FollowingConnection(SentinelManagedConnection):
    """An asyncio connection to the primary that asks the Sentinels where it is every time
    it opens, a reconnection inside a retry included."""

    _placed = False

    async def connect_to(self, address: Any) -> None:
        self._placed = True  # the address was just asked for
        try:
            await super().connect_to(address)  # type: ignore[no-untyped-call]
        finally:
            self._placed = False

    async def connect_check_health(
        self, check_health: bool = True, retry_socket_connect: bool = True
    ) -> None:
        if not self.is_connected and not self._placed and self.connection_pool.is_master:
            self.host, self.port = await self.connection_pool.get_master_address()
        await super().connect_check_health(
            check_health=check_health, retry_socket_connect=retry_socket_connect
        )


class SyncFollowingConnection(SyncSentinelManagedConnection):
    """``FollowingConnection``, blocking."""

    _placed = False

    def connect_to(self, address: Any) -> None:
        self._placed = True
        try:
            super().connect_to(address)  # type: ignore[no-untyped-call]
        finally:
            self._placed = False

    def connect_check_health(
        self, check_health: bool = True, retry_socket_connect: bool = True
    ) -> None:
        if self._sock is None and not self._placed and self.connection_pool.is_master:
            self.host, self.port = self.connection_pool.get_master_address()
        super().connect_check_health(
            check_health=check_health, retry_socket_connect=retry_socket_connect
        )


def parse_sentinels(text: str) -> tuple[tuple[str, int], ...]:
    """``host:port,host:port`` (a port left out is 26379); ``ValueError`` if malformed."""
    found = []
    for item in text.replace(" ", ",").split(","):
        if not item:
            continue
        host, colon, port = item.rpartition(":")
        if not colon:
            host, port = item, str(SENTINEL_PORT)
        host = host.strip("[]")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"REDIS_SENTINELS: {item!r} is not host:port")
        found.append((host, int(port)))
    if not found:
        raise ValueError("REDIS_SENTINELS names no Sentinel")
    return tuple(found)


def _credentials(where: Where) -> dict[str, Any]:
    credentials: dict[str, Any] = {}
    if where.password:
        credentials["password"] = where.password
    if where.username:
        credentials["username"] = where.username
    return credentials


def connect(where: Where | str, **options: Any) -> Redis:
    """An asyncio client of the primary; replies stay bytes, decoded where they are parsed."""
    where = Where(url=where) if isinstance(where, str) else where
    settings = {
        **OPTIONS,
        "retry": Retry(ExponentialBackoff(cap=0.5, base=0.05), 2),
        "retry_on_error": RETRIED,
        **options,
    }
    credentials = _credentials(where)
    if not where.sentinels:
        url_has_password = urllib.parse.urlsplit(where.url).password is not None
        extra = {} if url_has_password else credentials
        return Redis.from_url(where.url, **settings, **extra)
    sentinels = Sentinel(  # type: ignore[no-untyped-call]
        list(where.sentinels),
        sentinel_kwargs={**SENTINEL_OPTIONS, **credentials},
        **settings,
        **credentials,
    )
    client: Redis = sentinels.master_for(where.master, connection_class=FollowingConnection)
    return client


def connect_sync(where: Where | str, **options: Any) -> redis.Redis:
    """A blocking client of the primary (the command-line tools), configured as ``connect``."""
    where = Where(url=where) if isinstance(where, str) else where
    settings = {
        **OPTIONS,
        "retry": SyncRetry(ExponentialBackoff(cap=0.5, base=0.05), 2),
        "retry_on_error": RETRIED,
        **options,
    }
    credentials = _credentials(where)
    if not where.sentinels:
        url_has_password = urllib.parse.urlsplit(where.url).password is not None
        extra = {} if url_has_password else credentials
        return redis.Redis.from_url(where.url, **settings, **extra)
    sentinels = SyncSentinel(  # type: ignore[no-untyped-call]
        list(where.sentinels),
        sentinel_kwargs={**SENTINEL_OPTIONS, **credentials},
        **settings,
        **credentials,
    )
    client: redis.Redis = sentinels.master_for(  # type: ignore[no-untyped-call]
        where.master, connection_class=SyncFollowingConnection
    )
    return client
