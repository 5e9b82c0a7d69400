"""docs/asyncapi.json and docs/schemas/*.json are generated from the event structs: the
committed files match the code (the CI check), and documents the services write validate."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from msgspec.structs import replace

from shared.domain.events import (
    DATA_TYPES,
    AnyEvent,
    NotificationKind,
    NotificationSent,
    ReminderKind,
    ReminderSent,
    encode,
    new_event,
)
from shared.domain.lifecycle import Register, Withdraw
from shared.domain.programme import CloseYear, PublishCommittees, PublishRoster, decide_year
from shared.log.asyncapi import STREAMS, asyncapi_document, channel_of
from shared.log.contracts import stale
from shared.log.eventlog import Poison, dead_letter_document
from shared.log.keys import Keys
from shared.log.schemas import TYPES, event_schema
from tests.unit.lifecycle.builders import (
    ADMIN,
    APPROVE,
    EVALUATE,
    HUNG,
    NOW,
    PROGRESS,
    REJECT,
    RETURN,
    SECRETARY,
    SELF,
    YEAR,
    context,
    registration,
    run,
    task_in,
)
from tests.unit.lifecycle.test_transitions import AMEND, COMMITTEES, ROSTERED

FIRST_PUBLISHED = Path(__file__).parent / "v1_schemas"
"""The v1 schemas as first published (docs/schemas/ of commit cc914f2), kept as they were."""


def written() -> list[AnyEvent]:
    """At least one event of every type, as the services write them."""
    events: list[AnyEvent] = []
    later = NOW + timedelta(hours=1)
    events.append(run(None, Register("t-1", registration()), HUNG)[0])
    for stage, command, actor in (
        ("pending", AMEND, HUNG),
        ("pending", APPROVE, SECRETARY),
        ("pending", REJECT, SECRETARY),
        ("pending", RETURN, SECRETARY),
        ("returned", Withdraw("no"), HUNG),
        ("approved", PROGRESS, HUNG),
        ("approved", SELF, HUNG),
        ("self_assessed", EVALUATE, SECRETARY),
    ):
        events.append(run(task_in(stage), command, actor, later)[0])
    roster = ROSTERED.roster
    assert roster is not None
    for state, command in (
        (YEAR, PublishCommittees(COMMITTEES)),
        (replace(ROSTERED, roster=None), PublishRoster(roster.units, roster.leaders)),
        (YEAR, CloseYear("Ban Thường vụ", "KL 1")),
    ):
        event = decide_year(state, command, context(ADMIN))
        assert event is not None
        events.append(event)
    mail = {"source": "/breakthrough/mail", "correlation_id": "c", "time": NOW, "actor": "mail"}
    reminded = ReminderSent(year=2024, kind=ReminderKind.not_registered, leader="hung", sent_at=NOW)
    notified = NotificationSent(
        event_id="e", task_id="t-1", leader="hung", kind=NotificationKind.approved, sent_at=NOW
    )
    events += [new_event(reminded, **mail), new_event(notified, **mail)]  # type: ignore[arg-type]
    return events


def test_the_committed_files_are_generated_from_the_code() -> None:
    assert stale() == [], "run `python -m shared.log.contracts` and commit the result"


@pytest.mark.parametrize("event", written(), ids=lambda event: event.type)
def test_what_the_services_write_validates_against_the_published_schema(event: AnyEvent) -> None:
    document = json.loads(encode(event))
    Draft202012Validator(event_schema(event.type)).validate(document)
    assert set(document) >= set(event_schema(event.type)["properties"]), "every property written"


def test_every_event_type_is_written_and_published() -> None:
    assert {event.type for event in written()} == set(DATA_TYPES)


@pytest.mark.parametrize(
    "event",
    [e for e in written() if (FIRST_PUBLISHED / f"{e.type}.json").is_file()],
    ids=lambda event: event.type,
)
def test_documents_keep_validating_against_the_v1_schemas_as_first_published(
    event: AnyEvent,
) -> None:
    """What 1.2 adds (taskversion, whose task, committees...) is allowed by the v1 schemas
    as they were first published: their documents need no new schemaversion."""
    schema = json.loads((FIRST_PUBLISHED / f"{event.type}.json").read_text(encoding="utf-8"))
    Draft202012Validator(schema).validate(json.loads(encode(event)))


def test_a_dead_letter_validates_against_its_schema() -> None:
    poison = Poison("p:tasks:progress", "1-0", {b"type": b"X", b"\xff": b"\xfe"}, "broken")
    document = json.loads(dead_letter_document(poison, "reporting", "p.reporting", 2))
    Draft202012Validator(event_schema("DeadLetter")).validate(document)
    assert document["data"]["fields"] == {"type": "X", "\ufffd": "\ufffd"}


def test_the_asyncapi_document_has_a_channel_per_stream_and_its_messages() -> None:
    document = asyncapi_document()
    keys = Keys("{prefix}")
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert addresses == {*keys.streams.values(), keys.dead_letter}
    for name in TYPES:
        channel = document["channels"][channel_of(name)]
        assert channel["address"] == STREAMS[name]
        assert name in channel["messages"]
        payload = document["components"]["messages"][name]["payload"]["$ref"]
        assert payload.rsplit("/", 1)[-1] in document["components"]["schemas"]
    operations = document["operations"]
    assert operations["reportingFollowsTaskEvaluated"]["action"] == "receive"
    assert operations["approvalAppendsYearClosed"]["action"] == "send"
