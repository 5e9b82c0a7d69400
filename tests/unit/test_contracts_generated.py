"""docs/asyncapi.json and docs/schemas/*.json are generated from the event models: the
committed files match the code (the CI check), and real documents validate against them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from shared.asyncapi import CHANNELS, asyncapi_document
from shared.contracts import ROOT, TYPES, DeadLetter, DeadLetterEvent, event_schema, stale
from shared.eventlog import Poison, dead_letter_document, entry_fields
from shared.events import (
    Actual,
    AnyEvent,
    ProgressLogged,
    ProgressStatus,
    TaskApproved,
    TaskRejected,
    new_event,
)
from shared.keys import Keys
from tests.support.factories import registered_event

NOW = datetime(2024, 3, 1, 8, 30, tzinfo=UTC)


def documents() -> dict[str, dict[str, Any]]:
    """One document of each event type, exactly as the services write them."""
    registered = registered_event()
    task = registered.data.task_id
    events: list[AnyEvent] = [
        registered,
        new_event(
            TaskApproved(task_id=task, year=2024, decided_by="BTV", approved_at=NOW),
            source="/breakthrough/approval",
            correlation_id="c",
            causation_id=registered.id,
        ),
        new_event(
            TaskRejected(task_id=task, year=2024, decided_by="BTV", reason="dup", rejected_at=NOW),
            source="/breakthrough/approval",
            correlation_id="c",
        ),
        new_event(
            ProgressLogged(
                task_id=task,
                year=2024,
                reported_at=date(2024, 6, 30),
                actuals=(Actual(metric="projects cleared", value=15.5),),
                status=ProgressStatus.in_progress,
            ),
            source="/breakthrough/registration",
            correlation_id="c",
        ),
    ]
    found = {event.type: json.loads(entry_fields(event)["event"]) for event in events}
    poison = Poison("p:tasks:registered", "1-0", {b"type": b"TaskRegistered"}, "bad")
    found["DeadLetter"] = dead_letter_document(
        poison, service="approval", group="p.approval", consumer="a-1", deliveries=5
    )
    return found


def test_the_committed_files_match_the_code() -> None:
    assert stale() == [], "run `python -m shared.contracts` and commit docs/"


@pytest.mark.parametrize("event_type", list(TYPES))
def test_written_documents_validate_against_their_schema(event_type: str) -> None:
    validator = Draft202012Validator(event_schema(event_type))
    document = documents()[event_type]
    validator.validate(document)
    with pytest.raises(ValidationError):
        validator.validate({**document, "schemaversion": 2})
    other = next(name for name in TYPES if name != event_type)
    with pytest.raises(ValidationError):
        validator.validate({**document, "type": other})
    with pytest.raises(ValidationError):
        validator.validate({key: value for key, value in document.items() if key != "data"})


def test_the_dead_letter_models_name_exactly_the_fields_written() -> None:
    document = documents()["DeadLetter"]
    assert set(document) == set(DeadLetterEvent.model_fields)
    assert set(document["data"]) == set(DeadLetter.model_fields)


def test_every_stream_has_a_channel_with_its_message_and_every_ref_resolves() -> None:
    document = asyncapi_document()
    keys = Keys("{prefix}")
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert addresses == {*keys.event_streams.values(), keys.dead_letter}
    assert set(CHANNELS) == set(TYPES) == set(document["components"]["messages"])

    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
            return own + [ref for value in node.values() for ref in refs(value)]
        if isinstance(node, list):
            return [ref for item in node for ref in refs(item)]
        return []

    for ref in refs(document):
        target: Any = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
    assert (ROOT / "docs" / "asyncapi.json").is_file()
