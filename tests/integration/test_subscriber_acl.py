"""The Redis user deploy/README.md gives a subscriber, made as written there, can do what
docs/subscribing.md tells subscribers to do, on every public stream (the dead letters'
included, created by MKSTREAM), and nothing it must not: no entry added, no private key
read, no administration."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import yaml

from shared.domain.events import STREAMS
from tests.support.redis_server import PrivateRedis

ROOT = Path(__file__).resolve().parents[2]
RUNBOOK = ROOT / "deploy" / "README.md"
SUBSCRIBING = ROOT / "docs" / "subscribing.md"
PUBLIC = [f"breakthrough:{suffix}" for suffix in sorted(set(STREAMS.values()))]
PUBLIC.append("breakthrough:dead-letter")
# What a subscriber runs, as docs/subscribing.md writes it (a stream, its group, a consumer)
COMMANDS = {
    "XGROUP CREATE": lambda s: ["XGROUP", "CREATE", s, "audit-log", "0", "MKSTREAM"],
    "XREADGROUP": lambda s: [
        "XREADGROUP", "GROUP", "audit-log", "audit-1", "COUNT", "100", "STREAMS", s, "0",
    ],
    "XREADGROUP BLOCK": lambda s: [
        "XREADGROUP", "GROUP", "audit-log", "audit-1", "COUNT", "100", "BLOCK", "100",
        "STREAMS", s, ">",
    ],
    "XACK": lambda s: ["XACK", s, "audit-log", "1-1"],
    "XAUTOCLAIM": lambda s: [
        "XAUTOCLAIM", s, "audit-log", "audit-1", "60000", "0-0", "COUNT", "100",
    ],
    "XINFO GROUPS": lambda s: ["XINFO", "GROUPS", s],
    "XPENDING": lambda s: ["XPENDING", s, "audit-log"],
    "XRANGE": lambda s: ["XRANGE", s, "-", "+", "COUNT", "10"],
    "XREAD BLOCK": lambda s: ["XREAD", "BLOCK", "100", "STREAMS", s, "0"],
    "XGROUP DESTROY": lambda s: ["XGROUP", "DESTROY", s, "audit-log"],
}  # fmt: skip


def runbook_user() -> tuple[str, list[str]]:
    section = RUNBOOK.read_text().split("## A Redis user per subscriber", 1)[1]
    arguments = yaml.safe_load(section.split("```yaml", 1)[1].split("```", 1)[0])
    assert arguments[0] == "--user", arguments
    return arguments[1], arguments[2:]


@pytest.fixture
def subscriber(tmp_path: Path) -> Iterator[tuple[redis.Redis, redis.Redis]]:
    """A Redis of this test's own (the runbook's patterns name the default prefix): its
    administrator, and the runbook's user, made verbatim but for its password."""
    server = PrivateRedis(tmp_path / "redis").start()
    admin = redis.Redis(port=server.port)
    name, rules = runbook_user()
    password = uuid.uuid4().hex
    digest = hashlib.sha256(password.encode()).hexdigest()
    rules = [f"#{digest}" if rule.startswith("#") else rule for rule in rules]
    admin.execute_command("ACL", "SETUSER", name, *rules)
    user = redis.Redis(port=server.port, username=name, password=password)
    try:
        yield admin, user
    finally:
        user.close()
        admin.close()
        server.stop()


def test_the_commands_named_here_are_those_docs_subscribing_names() -> None:
    """So that this test follows the page: every command word it uses, and no other."""
    text = SUBSCRIBING.read_text()
    named = set(re.findall(r"\b(X[A-Z]{3,}(?: (?:CREATE|DESTROY|GROUPS))?)\b", text))
    tested = {" ".join(word for word in key.split() if word != "BLOCK") for key in COMMANDS}
    assert named <= tested, named - tested
    assert {"XGROUP CREATE", "XGROUP DESTROY", "XREADGROUP", "XACK", "XREAD"} <= named


def test_the_runbooks_subscriber_user_can_do_what_the_docs_say_on_every_stream(
    subscriber: tuple[redis.Redis, redis.Redis],
) -> None:
    admin, user = subscriber
    for stream in PUBLIC[:-1]:  # the dead letters' stream does not exist yet: MKSTREAM
        admin.xadd(stream, {"type": "X", "event": "{}"}, id="1-1")
    assert user.ping()
    for stream in PUBLIC:
        for what, command in COMMANDS.items():
            try:
                user.execute_command(*command(stream))
            except redis.exceptions.NoPermissionError as error:
                pytest.fail(f"{what} on {stream}: {error}")
        assert admin.exists(stream), "MKSTREAM made it"
    delivered = user.execute_command(*COMMANDS["XGROUP CREATE"](PUBLIC[0]))
    assert delivered
    entries = user.xreadgroup("audit-log", "audit-1", {PUBLIC[0]: ">"}, count=10)
    assert entries[0][1][0][0] == b"1-1", "it reads through its group"
    assert user.xack(PUBLIC[0], "audit-log", "1-1") == 1


def test_the_runbooks_subscriber_user_writes_no_entry_and_reads_no_private_key(
    subscriber: tuple[redis.Redis, redis.Redis],
) -> None:
    admin, user = subscriber
    admin.hset("{breakthrough}:task:t-1", "state", "{}")
    refused = [
        ["XADD", PUBLIC[0], "*", "type", "X", "event", "{}"],
        ["XDEL", PUBLIC[0], "1-1"],
        ["XTRIM", PUBLIC[0], "MAXLEN", "0"],
        ["DEL", PUBLIC[0]],
        ["HGETALL", "{breakthrough}:task:t-1"],
        ["XRANGE", "{breakthrough}:task:t-1", "-", "+"],
        ["KEYS", "*"],
        ["SCAN", "0"],
        ["CONFIG", "GET", "requirepass"],
        ["ACL", "LIST"],
        ["FLUSHALL"],
        ["SUBSCRIBE", "__sentinel__:hello"],
    ]
    for command in refused:
        with pytest.raises(redis.exceptions.NoPermissionError):
            user.execute_command(*command)
