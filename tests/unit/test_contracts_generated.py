"""docs/asyncapi.json and docs/schemas/*.json are generated from the event structs: the
committed files match the code (the CI check), and documents the services write validate."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from jsonschema import Draft202012Validator

from shared.domain.events import DATA_TYPES, AnyEvent, encode
from shared.domain.lifecycle import Register, Withdraw
from shared.domain.programme import close_year, publish_roster
from shared.log.asyncapi import STREAMS, asyncapi_document, channel_of
from shared.log.contracts import TYPES, event_schema, stale
from shared.log.eventlog import Poison, dead_letter_document
from shared.log.keys import Keys
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
    context,
    registration,
    run,
    task_in,
)
from tests.unit.lifecycle.test_transitions import AMEND, ROSTER


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
    events.append(publish_roster(2024, ROSTER.units, ROSTER.leaders, context(ADMIN)))
    events.append(close_year(2024, False, "Ban Thường vụ", "KL 1", context(ADMIN)))
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
