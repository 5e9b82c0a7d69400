"""Idempotent appends: the same ``Idempotency-Key`` with the same body answers the first
answer again and writes nothing; with another body it is a conflict.

The record is written by the same Lua script that appends the event (see ``APPEND_ONCE`` and
the registration script), in the stream's hash-tag slot, so "check key, append, remember" is
one atomic step across replicas.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from pydantic import BaseModel

from shared.keys import Keys, digest

_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")

# KEYS: 1 stream, 2 idempotency record (or a placeholder in the same slot)
# ARGV: 1 type, 2 event document, 3 "1" to use the record, 4 body hash, 5 event id, 6 subject
APPEND_ONCE = """
if ARGV[3] == '1' then
  local seen = redis.call('GET', KEYS[2])
  if seen then return {'replay', seen} end
end
local position = redis.call('XADD', KEYS[1], '*', 'type', ARGV[1], 'event', ARGV[2])
if ARGV[3] == '1' then
  redis.call('SET', KEYS[2], cjson.encode({hash=ARGV[4], event_id=ARGV[5],
    position=position, subject=ARGV[6]}))
end
return {'ok', position}
"""


class IdempotencyConflict(Exception):
    """The key was used before with another body."""


class BadIdempotencyKey(ValueError):
    """The header is not 1-200 printable ASCII characters."""


@dataclass(frozen=True, slots=True)
class Appended:
    event_id: str
    position: str
    subject: str
    replayed: bool = False


def body_hash(command: BaseModel, idempotency_key: str | None) -> str:
    """Hash of the validated body (key order and spacing of the JSON do not matter), to tell
    a repeat from a reuse of the key with another body; without a key there is nothing to
    compare with, and nothing is hashed ("": a tenth of a registration's time went here)."""
    if idempotency_key is None:
        return ""
    canonical = json.dumps(command.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(idempotency_key: str) -> str:
    if not _KEY.match(idempotency_key):
        raise BadIdempotencyKey("Idempotency-Key must be 1 to 200 printable ASCII characters")
    return idempotency_key


def record_key(keys: Keys, stream: str, idempotency_key: str | None) -> str:
    """Where the first answer to a key is kept (a digest: no client text in a Redis key)."""
    if idempotency_key is None:
        return keys.tagged(stream, "idempotency", "-")
    return keys.tagged(stream, "idempotency", digest(idempotency_key))


def replay(record: bytes | str, expected_hash: str) -> Appended:
    stored = json.loads(record)
    if stored["hash"] != expected_hash:
        raise IdempotencyConflict(
            "this Idempotency-Key was already used with a different body; use a new key"
        )
    return Appended(stored["event_id"], stored["position"], stored["subject"], replayed=True)
