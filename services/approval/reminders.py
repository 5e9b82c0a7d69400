"""``POST /reminders``: e-mail leaders who are missing (not registered, or no recent progress) a
reminder in Vietnamese, once a day at most, each mail accepted recorded as ``ReminderSent``.

Who is missing is the domain's rule (``shared.domain.reminders``), over what the store keeps:
the year's roster and each leader's live tasks. A reminder of a kind to a leader is claimed
for the day before its mail is sent (two requests at once never mail twice) and given back
if the server does not accept it; the event is written once it has. A server that refuses
ends the request with a 503 saying so and how many were sent before.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from shared.domain.events import ReminderKind, ReminderSent, new_event
from shared.domain.letters import TaskDue, reminder
from shared.domain.lifecycle import TaskState, committee_of
from shared.domain.people import Actor, Role, key
from shared.domain.refusals import Refusal
from shared.domain.reminders import STALE_DAYS, due
from shared.edge.bodies import Body, Identifier, context
from shared.edge.http import answers
from shared.edge.mail import Mailer, MailError
from shared.edge.writer import Writer

MAX_LEADERS = 500


class MailUnavailable(Refusal):
    """503: no mail server, or it refused: nothing more was sent."""

    status = 503


class ReminderBody(Body):
    year: Annotated[int, Field(ge=2000, le=2100)]
    kind: ReminderKind
    leaders: Annotated[list[Identifier], Field(min_length=1, max_length=MAX_LEADERS)]
    stale_days: Annotated[int, Field(ge=0, le=3660)] = STALE_DAYS


Why = Literal["not_on_roster", "other_committee", "no_email", "not_missing", "already_today"]


class Skipped(BaseModel):
    leader: str
    why: Why


class Reminded(BaseModel):
    sent: int
    skipped: list[Skipped]
    position: str | None = None
    """The position of the last ``ReminderSent`` written (reporting's ``after``), if any."""


def routes(writer: Writer, mailer: Mailer) -> APIRouter:
    router = APIRouter(tags=["approval"])
    runtime, store = writer.runtime, writer.store
    chasers = Depends(runtime.requires(Role.approver))

    @router.post("/reminders", status_code=202, response_model=Reminded, responses=answers(403))
    async def remind(body: ReminderBody, request: Request, actor: Actor = chasers) -> Reminded:
        """E-mail each leader named a reminder of what is due, unless they are not missing,
        have no e-mail, are another committee's, or were reminded of it today."""
        if (unset := mailer.unconfigured()) is not None:
            raise MailUnavailable(unset, code="mail_unavailable")
        made = context(request, actor, runtime.clock, writer.source)
        year = await store.year(body.year)
        leaders = list(dict.fromkeys(key(leader) for leader in body.leaders))
        held = await store.holdings([(body.year, leader) for leader in leaders])
        live = await store.tasks([t for h in held.values() for t in h.tasks])
        sent, skipped, day, position = 0, [], made.today.isoformat(), None
        for leader_id in leaders:
            leader = year.leader(leader_id)
            tasks = [live[t].state for t in held[(body.year, leader_id)].tasks if t in live]
            owed = due(body.kind, tasks, made.today, made.zone, body.stale_days)
            why: Why | None = None
            if leader is None:
                why = "not_on_roster"
            elif not actor.admin and year.managed_by(leader) != committee_of(actor, year):
                why = "other_committee"
            elif not leader.email:
                why = "no_email"
            elif owed is None:
                why = "not_missing"
            elif not await store.claim_reminder(body.year, body.kind, leader_id, day):
                why = "already_today"
            if why is not None:
                skipped.append(Skipped(leader=leader_id, why=why))
                continue
            assert leader is not None
            assert leader.email
            assert owed is not None
            letter = reminder(
                body.kind,
                leader=leader.name,
                year=body.year,
                on=made.today,
                tasks=[_due(live[t].state) for t in owed],
            )
            try:
                await mailer.send_text(
                    to=leader.email, to_name=leader.name, subject=letter.subject, body=letter.body
                )
            except MailError as error:
                await store.release_reminder(body.year, body.kind, leader_id, day)
                raise MailUnavailable(
                    f"the mail server did not take the reminder to {leader_id}: "
                    f"{error.reason}; {sent} sent before it",
                    code="mail_unavailable",
                    sent=sent,
                ) from error
            data = ReminderSent(
                year=body.year, kind=body.kind, leader=leader_id, task_ids=owed, sent_at=made.now
            )
            event = new_event(
                data,
                source=writer.source,
                correlation_id=made.correlation_id,
                time=made.now,
                actor=actor.id,
                actor_role=actor.acting_as(Role.approver).value,
            )
            position = await store.append(event)
            sent += 1
        return Reminded(sent=sent, skipped=skipped, position=position)

    return router


def _due(state: TaskState) -> TaskDue:
    latest = state.progress.latest
    return TaskDue(state.task_id, state.title, None if latest is None else latest.reported_at)
