"""Every Redis key the system writes, derived from STREAM_PREFIX in one place.

Stream names are public (contract). Private state that a Lua script touches together with a
stream lives under a hash tag equal to that stream's name, e.g.
``{breakthrough:tasks:registered}:live:2024:<registrant>``: Redis Cluster hashes only the tag,
and the stream key itself (no braces) hashes as the whole name, so both land in one slot.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


def digest(text: str) -> str:
    """A fixed-length, key-safe stand-in for text a client chose (idempotency keys)."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Keys:
    prefix: str = "breakthrough"

    @property
    def registered(self) -> str:
        return f"{self.prefix}:tasks:registered"

    @property
    def approved(self) -> str:
        return f"{self.prefix}:tasks:approved"

    @property
    def rejected(self) -> str:
        return f"{self.prefix}:tasks:rejected"

    @property
    def progress(self) -> str:
        return f"{self.prefix}:tasks:progress"

    @property
    def dead_letter(self) -> str:
        return f"{self.prefix}:dead-letter"

    @property
    def event_streams(self) -> dict[str, str]:
        """Event type -> stream key, for the four event streams."""
        return {
            "TaskRegistered": self.registered,
            "TaskApproved": self.approved,
            "TaskRejected": self.rejected,
            "ProgressLogged": self.progress,
        }

    def tagged(self, stream: str, *parts: str | int) -> str:
        """A private key in the same Redis Cluster slot as ``stream``."""
        return "{" + stream + "}:" + ":".join(map(str, parts))

    def group(self, service: str) -> str:
        """The consumer group of one consuming service (shared by its replicas)."""
        return f"{self.prefix}.{service}"
