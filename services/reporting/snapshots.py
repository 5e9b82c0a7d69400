"""Snapshots of the projection in Redis: its facts and the positions it had applied.

Layout, under the stream prefix:

- ``<prefix>:reporting:snapshot``: the manifest, a JSON document: ``version`` (see
  ``snapshot_codec.VERSION``), ``generation``, ``applied`` (stream -> last applied entry
  id), ``tasks``, ``chunks``, ``written_at``;
- ``<prefix>:reporting:snapshot:<generation>``: a hash of the chunks, field ``0``, ``1``...
  each the zlib-compressed JSON of up to ``CHUNK`` tasks.

A writer fills a new generation first (with a time to live, so a writer that dies leaves
nothing for long), then points the manifest at it and lets the previous generation expire a
minute later, so a reader never meets a half-written snapshot. Writing yields to the event
loop between chunks.
"""

from __future__ import annotations

import asyncio
import json
import uuid
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, cast

import structlog
from redis.asyncio import Redis

from .domain import ProjectionState
from .snapshot_codec import VERSION, decode_chunk, encode_chunk

logger = structlog.get_logger()
CHUNK = 2_000
UNFINISHED_TTL = 3_600
RETIRED_TTL = 60


@dataclass(frozen=True, slots=True)
class Snapshot:
    state: ProjectionState
    applied: dict[str, str]


class SnapshotStore:
    def __init__(self, redis: Redis, prefix: str, version: str = VERSION) -> None:
        self.redis = redis
        self.key = f"{prefix}:reporting:snapshot"
        self.version = version

    async def load(self) -> Snapshot | None:
        """The snapshot, or ``None`` (logged with why) when there is none this code trusts."""
        raw = await self.redis.get(self.key)
        if raw is None:
            logger.info("no snapshot", key=self.key)
            return None
        try:
            return await self._read(json.loads(raw))
        except (ValueError, KeyError, TypeError, AttributeError, zlib.error) as error:
            logger.warning("snapshot ignored: unreadable", error=str(error)[:200])
            return None

    async def _read(self, manifest: dict[str, Any]) -> Snapshot | None:
        if manifest.get("version") != self.version:
            logger.warning(
                "snapshot ignored: written by another version of the projection's code",
                snapshot_version=manifest.get("version"),
                code_version=self.version,
            )
            return None
        names = [str(number) for number in range(manifest["chunks"])]
        generation = self._generation(manifest["generation"])
        chunks = cast(
            "list[bytes | None]", await self.redis.hmget(generation, names) if names else []
        )
        if any(chunk is None for chunk in chunks):
            logger.warning("snapshot ignored: incomplete", generation=manifest["generation"])
            return None
        tasks = {f.task_id: f for chunk in chunks if chunk for f in decode_chunk(chunk)}
        logger.info("snapshot loaded", tasks=len(tasks), written_at=manifest.get("written_at"))
        return Snapshot(ProjectionState(MappingProxyType(tasks)), dict(manifest["applied"]))

    async def save(self, state: ProjectionState, applied: dict[str, str]) -> None:
        """Store ``state`` with the positions it covers (take both at the same moment)."""
        generation = uuid.uuid4().hex
        target = self._generation(generation)
        facts = list(state.tasks.values())
        chunks = range(0, len(facts), CHUNK)
        for number, start in enumerate(chunks):
            await self.redis.hset(target, str(number), encode_chunk(facts[start : start + CHUNK]))
            await self.redis.expire(target, UNFINISHED_TTL)
            await asyncio.sleep(0)
        manifest = {
            "version": self.version,
            "generation": generation,
            "applied": applied,
            "tasks": len(facts),
            "chunks": len(chunks),
            "written_at": datetime.now(UTC).isoformat(),
        }
        previous = cast(
            "bytes | None", await self.redis.set(self.key, json.dumps(manifest), get=True)
        )
        await self.redis.persist(target)
        if previous is not None:
            retired = json.loads(previous).get("generation")
            if retired and retired != generation:
                await self.redis.expire(self._generation(retired), RETIRED_TTL)

    def _generation(self, generation: str) -> str:
        return f"{self.key}:{generation}"
