"""Whatever a stream entry holds, decoding it gives an event or a MalformedEvent: a consumer
can park anything it cannot read and never crashes on it."""

from __future__ import annotations

import json
from collections.abc import Mapping

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.events import DATA_TYPES, AnyEvent, encode
from shared.domain.lifecycle import Register
from shared.log.eventlog import MalformedEvent, decode
from tests.unit.lifecycle.builders import HUNG, registration, run

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
TYPES = [name.encode() for name in DATA_TYPES] + [b"Other"]


def decode_flat(expected: str, fields: list[bytes]) -> AnyEvent:
    """An entry as XRANGE/XREAD reply with it, from a stream of ``expected`` events."""
    return decode(fields, {expected})


def decode_dict(expected: str, fields: Mapping[bytes, bytes]) -> AnyEvent:
    return decode(fields, {expected})


def decodes_or_refuses(fields: dict[bytes, bytes], expected: str) -> None:
    try:
        result = decode_dict(expected, fields)
    except MalformedEvent:
        return
    assert result.type == expected


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.binary(max_size=12), st.binary(max_size=200), max_size=4))
def test_random_bytes_in_any_field(fields: dict[bytes, bytes]) -> None:
    decodes_or_refuses(fields, "TaskRegistered")


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(TYPES), json_values)
def test_random_json_in_the_event_field(type_field: bytes, document: object) -> None:
    fields = {b"type": type_field, b"event": json.dumps(document).encode()}
    decodes_or_refuses(fields, type_field.decode(errors="replace"))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["id", "time", "type", "data", "schemaversion", "specversion"]), json_values)
def test_a_real_event_with_one_attribute_replaced(attribute: str, value: object) -> None:
    event, _ = run(None, Register("t-1", registration()), HUNG)
    document = json.loads(encode(event))
    document[attribute] = value
    fields = {b"type": b"TaskRegistered", b"event": json.dumps(document).encode()}
    decodes_or_refuses(fields, "TaskRegistered")
