"""What registration does with the events it follows: the decisions of the approval service."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from shared.events import StoredEvent
from shared.following import BatchHandler

from .adapters import Decision, RegistrationStore


def on_decisions(store: RegistrationStore) -> BatchHandler:
    async def handle(events: Iterable[StoredEvent]) -> None:
        await store.record_decisions([cast(Decision, stored.event) for stored in events])

    return handle
