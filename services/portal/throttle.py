"""Failed sign-ins slow the next ones: counted in Redis per client address and per account
tried, for ``window`` seconds from the first failure; past ``attempts`` failures, every
sign-in from that address (or for that account) is refused with 429 and ``Retry-After``
until the window ends — a right token too, so that guessing gains nothing from trying one.

The account tried is the person a token names (``preferred_username``, else ``sub``, read
without verifying the token: it only chooses a counter); a token that names nobody (a
static one) counts against the address alone. A successful sign-in clears its account's
counter, never the address's. The address is the client's as uvicorn gives it: behind the
gateway, its ``X-Forwarded-For`` (believed from ``FORWARDED_ALLOW_IPS`` only).
"""

from __future__ import annotations

import hashlib
import math

import jwt
from redis.asyncio import Redis

from shared.log.keys import Keys


def account_of(token: str) -> str | None:
    """The person a JWT names (unverified: only to choose a counter), or None."""
    if token.count(".") != 2:
        return None
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    for claim in ("preferred_username", "sub"):
        value = claims.get(claim)
        if isinstance(value, str) and value:
            return value[:200]
    return None


class Throttle:
    def __init__(self, redis: Redis, keys: Keys, attempts: int, window: int) -> None:
        self.redis = redis
        self.keys = keys
        self.attempts = attempts
        self.window = window

    def _counters(self, address: str | None, account: str | None) -> list[str]:
        found = []
        for kind, value in (("address", address), ("account", account)):
            if value:
                name = hashlib.sha256(value.casefold().encode()).hexdigest()[:32]
                found.append(self.keys.private("portal", "failed", kind, name))
        return found

    async def wait(self, address: str | None, account: str | None = None) -> int:
        """Seconds before a sign-in from ``address`` (for ``account``) is tried again; 0 now."""
        counters = self._counters(address, account)
        if not counters:
            return 0
        async with self.redis.pipeline(transaction=False) as pipe:
            for counter in counters:
                pipe.get(counter)
                pipe.pttl(counter)
            replies = await pipe.execute()
        longest = 0
        for count, left in zip(replies[::2], replies[1::2], strict=True):
            if count is not None and int(count) >= self.attempts:
                longest = max(longest, math.ceil(max(int(left), 1000) / 1000))
        return longest

    async def failed(self, address: str | None, account: str | None = None) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            for counter in self._counters(address, account):
                pipe.set(counter, 0, ex=self.window, nx=True)
                pipe.incr(counter)
            await pipe.execute()

    async def succeeded(self, account: str | None) -> None:
        counters = self._counters(None, account)
        if counters:
            await self.redis.delete(*counters)
