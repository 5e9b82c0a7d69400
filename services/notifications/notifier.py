"""The core of the notifications service: one event of a task in, at most one mail out.

For each delivery of an event (``notify``), in order:

1. an entry that is not a valid event document is parked in the dead letters;
2. an event already mailed (its ``NotificationSent`` is recorded) is done: acknowledged;
3. an event whose message was being handed over when a delivery died (the ``began``
   marker, ``ledger.py``) is parked as *uncertain*, not sent again;
4. an entry delivered more than ``max_deliveries`` times is parked;
5. the recipient: the registrant named in the event (since 1.2), the roster of the
   task's year, their ``email``; without one of these the event is skipped (logged);
6. the mail, tried ``attempts`` times with exponential backoff while the failure is
   temporary (server unreachable, 4xx), then parked with the last reason; a permanent
   refusal (5xx) is parked at once;
7. accepted: ``NotificationSent`` is appended with the sent record, in one script.

Whatever happens, ``notify`` returns only once the entry may be acknowledged (sent,
skipped, known, or parked); anything else (Redis away) raises, and the entry stays pending
to be delivered again.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.message import EmailMessage
from enum import StrEnum
from typing import Any, Generic, TypeVar

import structlog
from prometheus_client import CollectorRegistry, Counter, Histogram
from redis.exceptions import RedisError

from shared.domain import letters
from shared.domain.events import (
    AnyEvent,
    NotificationKind,
    NotificationSent,
    TaskApproved,
    TaskEvaluated,
    TaskFact,
    TaskReturned,
)
from shared.edge.mail import Mailer, MailError, MailUncertain
from shared.edge.settings import Clock
from shared.log.eventlog import EventLog, Poison, RawFields
from shared.log.keys import digest

from .directory import Rosters, Titles
from .ledger import Ledger

logger = structlog.get_logger()
GROUP = "notifications"
"""The consumer group of every stream followed (contract 1.2)."""
D = TypeVar("D", bound=TaskFact)
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


@dataclass(frozen=True, slots=True)
class Delivery(Generic[D]):
    """One stream entry as a subscriber got it: the event, or why it is none."""

    stream: str
    position: str
    fields: RawFields
    event: AnyEvent | None
    error: str | None = None


class Outcome(StrEnum):
    sent = "sent"
    skipped = "skipped"
    known = "known"
    """Mailed before (a delivery again, after a restart or a replay)."""
    parked = "parked"


@dataclass(frozen=True, slots=True)
class Policy:
    attempts: int = 5
    backoff: float = 2.0
    """Seconds before the second attempt; doubled each time after."""
    backoff_max: float = 60.0
    max_deliveries: int = 5

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        return float(min(self.backoff * 2 ** (attempt - 1), self.backoff_max))

    def budget(self, timeout: float) -> float:
        """The longest one delivery may take: every attempt and every wait."""
        return self.attempts * timeout + sum(self.delay(n) for n in range(1, self.attempts))


@dataclass(frozen=True, slots=True)
class Recipient:
    leader: str
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class Skip:
    why: str
    detail: str


class NotificationMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.outcomes = Counter(
            "notifications",
            "Events of tasks handled by the notifier, by kind and outcome "
            "(sent, skipped, known, parked)",
            ["kind", "outcome"],
            registry=registry,
        ).labels
        self.skipped = Counter(
            "notifications_skipped",
            "Events not mailed, by why (no_email, not_on_roster, no_roster, no_registrant)",
            ["why"],
            registry=registry,
        ).labels
        self.failures = Counter(
            "mail_failures",
            "Mail attempts that failed, by what failed (MailUnreachable, MailRefused...)",
            ["error"],
            registry=registry,
        ).labels
        self.send_seconds = Histogram(
            "mail_send_duration_seconds",
            "Time for the SMTP server to accept a mail",
            registry=registry,
        )


Deliveries = Callable[[], Awaitable[int]]
Sleep = Callable[[float], Awaitable[Any]]


class Notifier:
    def __init__(
        self,
        *,
        log: EventLog,
        mailer: Mailer,
        clock: Clock,
        consumer: str,
        policy: Policy,
        metrics: NotificationMetrics,
        portal_url: str | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.log = log
        self.mailer = mailer
        self.clock = clock
        self.consumer = consumer
        self.policy = policy
        self.metrics = metrics
        self.portal_url = portal_url.rstrip("/") if portal_url else None
        self.sleep = sleep
        self.rosters = Rosters(log)
        self.titles = Titles(log)
        self.ledger = Ledger(log, log.service)

    async def notify(
        self, kind: NotificationKind, delivery: Delivery[Any], deliveries: Deliveries
    ) -> Outcome:
        """Mail the registrant about ``delivery``'s event, at most once; ``deliveries``
        answers how often the entry was delivered (FastStream's delivery count)."""
        event_id = delivery.event.id if delivery.event is not None else None
        with structlog.contextvars.bound_contextvars(
            event_id=event_id, stream=delivery.stream, position=delivery.position, kind=kind
        ):
            outcome = await self._notify(kind, delivery, deliveries)
        self.metrics.outcomes(kind.value, outcome.value).inc()
        self.log.metrics.consumed(delivery.stream).inc()
        return outcome

    async def _notify(
        self, kind: NotificationKind, delivery: Delivery[Any], deliveries: Deliveries
    ) -> Outcome:
        event = delivery.event
        if event is None:
            reason = f"not a valid event: {delivery.error}"
            return await self._park(delivery, reason, await deliveries())
        if position := await self.ledger.sent(event.id):
            logger.info("notification known", outcome="known", sent_as=position)
            return Outcome.known
        count = await deliveries()
        if began := await self.ledger.began(event.id):
            outcome = await self._park(
                delivery,
                f"uncertain: {began.consumer} began handing this mail to the SMTP server at "
                f"{began.at} and no outcome was recorded (the process died or the connection "
                "failed): it may have been delivered, so it is not sent again. Check the mail "
                "server's log; replay this dead letter to send it anyway.",
                count,
            )
            await self.ledger.forget_beginning(event.id)
            return outcome
        if count > self.policy.max_deliveries:
            reason = f"delivered {count} times without an outcome (each delivery died)"
            return await self._park(delivery, reason, count)
        found = await self._recipient(event.data)
        if isinstance(found, Skip):
            self.metrics.skipped(found.why).inc()
            logger.info(
                "notification skipped", outcome="skipped", why=found.why, detail=found.detail
            )
            return Outcome.skipped
        try:
            message = await self._message(kind, event, found)
        except ValueError as error:  # an e-mail address in the roster that is none
            return await self._park(delivery, f"cannot write the mail: {error}", count)
        return await self._send(kind, delivery, event, found, message, count)

    async def _send(
        self,
        kind: NotificationKind,
        delivery: Delivery[Any],
        event: AnyEvent,
        recipient: Recipient,
        message: EmailMessage,
        count: int,
    ) -> Outcome:
        began = False

        async def beginning() -> None:
            nonlocal began
            await self.ledger.begin(event.id, self.consumer, self.clock.now())
            began = True

        failure: MailError | None = None
        attempt = 0
        for attempt in range(1, self.policy.attempts + 1):
            began = False
            try:
                with self.metrics.send_seconds.time():
                    answer = await self.mailer.send(message, before_data=beginning)
            except MailUncertain as error:
                self.metrics.failures(type(error).__name__).inc()
                reason = (
                    f"uncertain: {error.reason}. Not sent again: check the mail server's log; "
                    "replay this dead letter to send it anyway."
                )
                outcome = await self._park(delivery, reason, count)
                await self.ledger.forget_beginning(event.id)
                return outcome
            except MailError as error:
                self.metrics.failures(type(error).__name__).inc()
                if began:  # the server refused the message itself: nothing was accepted
                    await self.ledger.forget_beginning(event.id)
                failure = error
                if not error.transient or attempt == self.policy.attempts:
                    break
                delay = self.policy.delay(attempt)
                logger.warning(
                    "mail failed, retrying", attempt=attempt, retry_in=delay, error=error.reason
                )
                await self.sleep(delay)
            else:
                position = await self._record(kind, event, recipient)
                logger.info(
                    "notification sent",
                    outcome="sent",
                    leader=recipient.leader,
                    task_id=event.data.task_id,
                    attempt=attempt,
                    server_answer=answer[:200],
                    notification=position,
                )
                return Outcome.sent
        assert failure is not None
        tries = f"{attempt} attempt{'s' if attempt > 1 else ''}"
        return await self._park(delivery, f"not sent ({tries}): {failure.reason}", count)

    async def _record(self, kind: NotificationKind, event: AnyEvent, recipient: Recipient) -> str:
        """Record the accepted mail; Redis gets a few tries (the mail is out: losing the
        record would leave it uncertain)."""
        now = self.clock.now()
        data = NotificationSent(
            event_id=event.id,
            task_id=event.data.task_id,
            leader=recipient.leader,
            kind=kind,
            sent_at=now,
        )
        for attempt in range(1, self.policy.attempts + 1):
            try:
                return await self.ledger.record(data, correlation=event.correlationid, at=now)
            except RedisError as error:
                if attempt == self.policy.attempts:
                    raise
                logger.warning("recording the mail failed, retrying", error=str(error))
                await self.sleep(self.policy.delay(attempt))
        raise AssertionError("unreachable")

    async def _recipient(self, data: TaskFact) -> Recipient | Skip:
        if data.registrant is None:
            return Skip("no_registrant", "the event names no registrant (written before 1.2)")
        person = data.registrant.id
        try:
            leader = await self.rosters.leader(data.year, person)
        except LookupError:
            return Skip("no_roster", f"no roster published for {data.year}")
        if leader is None:
            return Skip("not_on_roster", f"{person} is not on the roster of {data.year}")
        if not leader.email or not leader.email.strip():
            return Skip("no_email", f"{leader.id} has no e-mail on the roster of {data.year}")
        return Recipient(leader.id, leader.name or data.registrant.name, leader.email.strip())

    async def _message(
        self, kind: NotificationKind, event: AnyEvent, recipient: Recipient
    ) -> EmailMessage:
        data = event.data
        title = await self.titles.of(data.task_id)
        task = letters.TaskRef(data.task_id, title, data.unit.name if data.unit else None)
        link = f"{self.portal_url}/tasks/{data.task_id}" if self.portal_url else None
        zone, name, year = self.clock.zone, recipient.name, data.year
        if isinstance(data, TaskReturned):
            letter = letters.returned(
                leader=name,
                year=year,
                task=task,
                link=link,
                reason=data.reason,
                on=data.returned_at.astimezone(zone).date(),
            )
        elif isinstance(data, TaskApproved):
            letter = letters.approved(
                leader=name,
                year=year,
                task=task,
                link=link,
                reference=data.reference,
                note=data.note,
                on=data.approved_at.astimezone(zone).date(),
            )
        elif isinstance(data, TaskEvaluated):
            letter = letters.evaluated(
                leader=name,
                year=year,
                task=task,
                link=link,
                rating=data.rating,
                reference=data.reference,
                note=data.note,
                on=data.evaluated_at.astimezone(zone).date(),
            )
        else:
            raise ValueError(f"no letter for a {type(data).__name__} ({kind})")
        mark = event.id if _SAFE_ID.match(event.id) else digest(event.id)
        return self.mailer.letter(
            to=recipient.email,
            to_name=recipient.name,
            subject=letter.subject,
            body=letter.body,
            message_id=f"notification.{mark}@{self.mailer.message_domain()}",
        )

    async def _park(self, delivery: Delivery[Any], reason: str, count: int) -> Outcome:
        poison = Poison(delivery.stream, delivery.position, delivery.fields, reason)
        dead_letter = await self.log.park(poison, reader=GROUP, deliveries=count)
        logger.warning(
            "notification parked", outcome="parked", reason=reason, dead_letter=dead_letter
        )
        return Outcome.parked
