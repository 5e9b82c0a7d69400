"""The FastStream side: a broker on the log's own Redis client, and one typed subscriber per
stream the service reacts to (``tasks:returned``, ``tasks:approved``, ``tasks:evaluated``),
in the consumer group ``notifications``. Each handler only hands its delivery to the core
(``Notifier.notify``); FastStream acknowledges (``XACK``) when it returns and leaves the entry
pending when it raises.

Each handler listens twice on its stream: for new entries (``XREADGROUP >``), and for
entries left pending longer than ``reclaim_ms`` by a delivery that died (``XAUTOCLAIM``,
whichever consumer of the group held them): FastStream delivers pending entries to nobody
otherwise. ``reclaim_ms`` exceeds the longest a delivery may take (every attempt, every
wait), so a live delivery is never taken over.

Entries are decoded here, once, by ``shared.log.eventlog``: a handler gets a ``Delivery``
with its typed event, or with the reason the entry is not one (never an exception, which
would leave the entry pending for ever instead of parked).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from faststream.message import StreamMessage
from faststream.middlewares import AckPolicy
from faststream.redis import RedisBroker, StreamSub
from faststream.redis.annotations import RedisStreamMessage
from faststream.redis.configs.state import ConnectionState
from faststream.redis.subscriber.usecases.stream_subscriber import StreamSubscriber
from redis.asyncio import Redis

from shared.domain.events import NotificationKind, TaskApproved, TaskEvaluated, TaskReturned
from shared.log.eventlog import MalformedEvent, decode, text
from shared.log.keys import Keys

from .notifier import GROUP, Delivery, Notifier

FOLLOWED: dict[str, NotificationKind] = {
    "TaskReturned": NotificationKind.returned,
    "TaskApproved": NotificationKind.approved,
    "TaskEvaluated": NotificationKind.evaluated,
}
"""The event types mailed about, and the kind of notification each is."""


class _SharedConnection(ConnectionState[Redis]):
    """FastStream's connection state holding the client the rest of the service uses
    (``shared.log.eventlog.connect``: however it finds Redis, the subscribers follow);
    the service, not the broker, closes it."""

    def __init__(self, client: Redis) -> None:
        super().__init__({})
        self._shared = client

    async def connect(self) -> Redis:
        self._client = self._shared
        self._connected = True
        return self._shared

    async def disconnect(self) -> None:
        self._client = None
        self._connected = False


class LogBroker(RedisBroker):
    """A ``RedisBroker`` on an existing client."""

    def __init__(self, client: Redis, **options: Any) -> None:
        self._shared = client
        super().__init__(**options)

    def _make_connection_state(
        self, connection_options: dict[str, Any], kwargs: dict[str, Any]
    ) -> ConnectionState[Any]:
        return _SharedConnection(self._shared)


def broker(client: Redis, service: str) -> LogBroker:
    """The service's broker: its log lines through the process's logging (JSON lines),
    warnings and errors only (the core writes the line of each event; FastStream's own, one
    per message and one per task at shutdown, would only repeat it)."""
    logger = logging.getLogger(f"{service}.faststream")
    logger.setLevel(logging.WARNING)
    return LogBroker(
        client,
        logger=logger,
        log_level=logging.DEBUG,
        serializer=None,  # handlers take the Delivery the decoder made, as it is
        graceful_timeout=10.0,
    )


def decoder(event_type: str) -> Callable[[StreamMessage[Any]], Awaitable[Delivery[Any]]]:
    """The entry as a ``Delivery`` of an ``event_type`` event, or of the reason it is none."""

    async def delivered(message: StreamMessage[Any]) -> Delivery[Any]:
        raw = message.raw_message
        fields = raw["data"]
        position = text(raw["message_ids"][0])
        try:
            event = decode(fields, {event_type})
        except MalformedEvent as error:
            return Delivery(raw["channel"], position, fields, None, str(error))
        return Delivery(raw["channel"], position, fields, event)

    return delivered


def subscribe(
    broker: RedisBroker, notifier: Notifier, keys: Keys, consumer: str, reclaim_ms: int
) -> list[StreamSubscriber]:
    """Attach the handlers; the subscribers, two per stream (new entries, reclaimed ones)."""
    made: list[StreamSubscriber] = []

    def on(event_type: str) -> Callable[[Any], Any]:
        stream = keys.stream(event_type)
        options: dict[str, Any] = {
            "decoder": decoder(event_type),
            "ack_policy": AckPolicy.REJECT_ON_ERROR,
            "no_reply": True,
        }
        new = broker.subscriber(
            stream=StreamSub(stream, group=GROUP, consumer=consumer),
            title=f"{stream}:notifications",
            **options,
        )
        reclaimed = broker.subscriber(
            stream=StreamSub(
                stream,
                group=GROUP,
                consumer=consumer,
                min_idle_time=reclaim_ms,
                polling_interval=1000,
            ),
            title=f"{stream}:notifications:reclaim",
            include_in_schema=False,
            **options,
        )
        made.extend([new, reclaimed])

        def both(handler: Any) -> Any:
            return new(reclaimed(handler))

        return both

    @on("TaskReturned")
    async def task_returned(delivery: Delivery[TaskReturned], message: RedisStreamMessage) -> None:
        """A task was returned to its registrant: mail them the reason."""
        await notifier.notify(NotificationKind.returned, delivery, message.get_delivery_count)

    @on("TaskApproved")
    async def task_approved(delivery: Delivery[TaskApproved], message: RedisStreamMessage) -> None:
        """A task was approved: mail its registrant the decision's reference."""
        await notifier.notify(NotificationKind.approved, delivery, message.get_delivery_count)

    @on("TaskEvaluated")
    async def task_evaluated(
        delivery: Delivery[TaskEvaluated], message: RedisStreamMessage
    ) -> None:
        """A task was evaluated: mail its registrant the rating."""
        await notifier.notify(NotificationKind.evaluated, delivery, message.get_delivery_count)

    return made


def stopped(subscribers: list[StreamSubscriber]) -> str | None:
    """Why the subscribers do not all run (one stopped, its reading task ended), or None."""
    for subscriber in subscribers:
        name = subscriber.stream_sub.name
        if not subscriber.running:
            return f"the subscriber of {name} stopped (see the log: a lost consumer group?)"
        if not any(not task.done() for task in subscriber.tasks):
            return f"the subscriber of {name} no longer reads"
    return None
