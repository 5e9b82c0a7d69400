"""Whatever a stream entry holds, decoding it gives an event or a MalformedEvent (a reader
parks what it cannot read and never crashes on it), and ``decode`` of the flat reply (as
Redis sends it) gives the same verdict as of a dict of the same fields."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.events import (
    Actual,
    AnyEvent,
    ProgressLogged,
    ProgressStatus,
    as_builtins,
    encode,
    new_event,
)
from shared.log.eventlog import MalformedEvent, decode

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
TYPES = ["TaskRegistered", "TaskApproved", "ProgressLogged", "RosterPublished", "YearClosed"]


def decode_flat(expected: str, fields: list[bytes]) -> AnyEvent:
    """An entry as XRANGE/XREAD reply with it, from a stream of ``expected`` events."""
    return decode(fields, {expected})


def decode_dict(expected: str, fields: Mapping[bytes, bytes]) -> AnyEvent:
    return decode(fields, {expected})


def progress_document() -> bytes:
    data = ProgressLogged(
        task_id="t-1",
        year=2024,
        reported_at=date(2024, 2, 1),
        actuals=(Actual(metric="m", value=3),),
        status=ProgressStatus.in_progress,
    )
    moment = datetime(2024, 2, 1, tzinfo=UTC)
    return encode(new_event(data, source="/t", correlation_id="c", time=moment))


def verdict(outcome: object) -> object:
    """The event decoded, or that it was refused (the reason may name the fields in the
    order they came)."""
    return as_builtins(outcome) if not isinstance(outcome, Exception) else "malformed"


def both(expected: str, flat: list[bytes]) -> None:
    """decode of the flat list and of its dict agree."""
    outcomes = []
    for decoding in (
        lambda: decode_flat(expected, flat),
        lambda: decode_dict(expected, dict(zip(flat[::2], flat[1::2], strict=False))),
    ):
        try:
            event: AnyEvent | MalformedEvent = decoding()
        except MalformedEvent as error:
            event = error
        outcomes.append(verdict(event))
    assert outcomes[0] == outcomes[1]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"type", b"event", b"x"]) | st.binary(max_size=12), max_size=6))
def test_any_field_names(names: list[bytes]) -> None:
    values = [b"ProgressLogged", progress_document(), b"junk"]
    flat = [part for index, name in enumerate(names) for part in (name, values[index % 3])]
    both("ProgressLogged", flat)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(TYPES), st.sampled_from(TYPES), json_values)
def test_random_json_in_the_event_field(expected: str, given_type: str, document: object) -> None:
    both(expected, [b"type", given_type.encode(), b"event", json.dumps(document).encode()])


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["id", "time", "type", "data", "schemaversion", "actor"]), json_values)
def test_a_real_event_with_one_attribute_replaced(attribute: str, value: object) -> None:
    document = msgspec.json.decode(progress_document())
    document[attribute] = value
    flat = [b"type", b"ProgressLogged", b"event", json.dumps(document).encode()]
    both("ProgressLogged", flat)


def test_a_valid_entry_decodes_either_way_in_either_order() -> None:
    document = progress_document()
    event = decode_flat("ProgressLogged", [b"type", b"ProgressLogged", b"event", document])
    assert event.data.actuals[0].value == 3
    swapped = decode_flat("ProgressLogged", [b"event", document, b"type", b"ProgressLogged"])
    assert swapped == event
