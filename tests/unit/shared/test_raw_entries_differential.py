"""``read_entries`` (the rebuild's quick path over raw XRANGE replies) and ``split_entries``
(what every follower uses) give the same verdict on any entry: the same events, and the
same entries refused for the same reason, whatever the bytes."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.eventlog import Poison, split_entries
from shared.raw_entries import RawEntry, fields_of, read_entries
from tests.support.factories import registered_event

TYPES = ["TaskRegistered", "TaskApproved", "TaskRejected", "ProgressLogged"]
VALID = registered_event().model_dump_json().encode()


def both_paths(stream_type: str, entries: list[RawEntry]) -> None:
    poison: list[Poison] = []
    quick = list(read_entries("s", stream_type, entries, poison))
    mapped = [(entry_id, fields_of(fields)) for entry_id, fields in entries]
    events, refused = split_entries("s", stream_type, mapped)
    assert [(entry_id.decode(), event) for entry_id, event in quick] == [
        (stored.position, stored.event) for stored in events
    ]
    assert poison == refused


def entry(type_field: bytes, document: bytes) -> RawEntry:
    return (b"1-0", [b"type", type_field, b"event", document])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=40), max_size=6), st.sampled_from(TYPES))
def test_any_fields(fields: list[bytes], stream_type: str) -> None:
    both_paths(stream_type, [(b"1-0", fields)])


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=len(VALID)), st.integers(0, len(VALID)), st.integers(0, 8))
def test_a_valid_document_with_bytes_overwritten(patch: bytes, at: int, cut: int) -> None:
    """Invalid UTF-8, broken JSON, a field changed: anywhere in a real document."""
    document = VALID[:at] + patch + VALID[at + len(patch) + cut :]
    both_paths(
        "TaskRegistered", [entry(b"TaskRegistered", document), entry(b"TaskRegistered", VALID)]
    )


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([*TYPES, "Other"]), st.sampled_from(TYPES), json_values)
def test_random_json(type_field: str, stream_type: str, document: object) -> None:
    both_paths(stream_type, [entry(type_field.encode(), json.dumps(document).encode())])


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["id", "time", "type", "data", "schemaversion", "specversion", "subject"]),
    json_values,
    st.booleans(),
)
def test_a_real_event_with_one_attribute_replaced(name: str, value: object, ascii: bool) -> None:
    document: dict[str, Any] = json.loads(VALID)
    document[name] = value
    encoded = json.dumps(document, ensure_ascii=ascii).encode()
    both_paths("TaskRegistered", [entry(b"TaskRegistered", encoded)])


def test_fields_in_another_order_or_repeated_are_read_as_a_follower_reads_them() -> None:
    event = registered_event()
    document = event.model_dump_json().encode()
    entries: list[RawEntry] = [
        (b"1-0", [b"event", document, b"type", b"TaskRegistered"]),
        (b"2-0", [b"type", b"TaskApproved", b"event", document, b"type", b"TaskRegistered"]),
        (b"3-0", [b"type", b"TaskRegistered", b"event", b"{}", b"event", document]),
        (b"4-0", [b"type", b"TaskRegistered", b"event", document, b"extra", b"1"]),
        (b"5-0", [b"type", b"TaskRegistered", b"event", b"\xff" + document]),
        (b"6-0", [b"type", b"TaskRegistered", b"event", document]),
    ]
    both_paths("TaskRegistered", entries)
    poison: list[Poison] = []
    read = list(read_entries("s", "TaskRegistered", entries, poison))
    assert [entry_id for entry_id, _ in read] == [b"1-0", b"2-0", b"3-0", b"6-0"]
    assert [p.position for p in poison] == ["4-0", "5-0"]


def test_an_event_of_another_type_in_the_stream_is_refused_on_both_paths() -> None:
    both_paths("TaskApproved", [entry(b"TaskApproved", VALID)])
