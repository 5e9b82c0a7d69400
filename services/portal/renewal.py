"""Renewing a person's access token while their session lives (OpenID sign-in only).

Before a request of a signed-in session is handled, an access token that expires within
``RENEW_BEFORE`` seconds is exchanged, with the refresh token, for a new one (and, where the
provider rotates them, a new refresh token). One request of a session renews at a time: it
holds a short lock in Redis and saves the new tokens at once; another request of the same
session arriving meanwhile waits for them (a refresh token the provider rotated is spent:
using it twice could end the person's grant). A provider that does not answer leaves the
token as it is (it may still be taken); one that refuses the refresh token signs the person
out, with a message, and their next form is kept for after they sign in again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import structlog
from redis.exceptions import RedisError

from shared.edge.oidc_claims import ProviderUnavailable

from .openid import Provider, SignInFailed
from .sessions import Session, SessionStore, digest

RENEW_BEFORE = 60.0
LOCK_MS = 15_000
logger = structlog.get_logger()


class Renewer:
    def __init__(
        self,
        provider: Provider,
        store: SessionStore,
        *,
        before: float = RENEW_BEFORE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.provider = provider
        self.store = store
        self.before = before
        self.clock = clock

    def due(self, session: Session) -> bool:
        return (
            session.refresh is not None
            and session.expires is not None
            and self.clock() >= session.expires - self.before
        )

    async def __call__(self, session: Session) -> None:
        if not self.due(session):
            return
        try:
            await self._renew(session)
        except (RedisError, OSError) as error:  # the page goes on with the token it has
            logger.warning("token not renewed", error=str(error))

    async def _renew(self, session: Session) -> None:
        redis = self.store.redis
        lock = self.store.keys.private("portal", "renewing", digest(session.id))
        if not await redis.set(lock, b"1", nx=True, px=LOCK_MS):
            await self._wait_for_renewal(session)
            return
        try:
            assert session.refresh is not None
            try:
                renewed = await self.provider.refresh(session.refresh)
            except ProviderUnavailable as error:
                logger.warning("token not renewed: the provider does not answer", error=str(error))
                return
            except SignInFailed as error:
                logger.info("token not renewed: the provider refused", reason=str(error))
                session.sign_out()
                session.flash("warning", "sign_in.expired_session")
                await self.store.save(session)
                return
            session.token, session.refresh = renewed.access, renewed.refresh
            session.expires = renewed.expires
            session.changed()
            await self.store.save(session)
        finally:
            await redis.delete(lock)

    async def _wait_for_renewal(self, session: Session) -> None:
        """Another request of this session is renewing: take its tokens once it has them."""
        for _ in range(int(LOCK_MS / 100)):
            await asyncio.sleep(0.1)
            again = await self.store.load(session.id)
            if again is None:
                return
            if again.secrets_now() != session.sealed_as:
                session.token, session.refresh = again.token, again.refresh
                session.expires = again.expires
                session.sealed_as = again.sealed_as
                if again.token is None:
                    session.who = None
                return
