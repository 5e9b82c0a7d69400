"""The JSON Schemas of what readers accept and the decoder every reader uses give the same
verdict (the published schemas, of what the services write, require more: every property).

Documents are generated from each event type's schema, then some are broken in one place (a
property dropped, a value of the wrong type, an unknown enum value, a malformed date, the
wrong ``type`` or ``schemaversion``). Each document is judged by a JSON Schema validator
(draft 2020-12, formats checked as RFC 3339) and by ``shared.log.eventlog.decode``: both
accept it, or both refuse it.

One difference is known and left out on purpose: JSON Schema cannot tell ``2024`` from
``2024.0`` (to it they are one number); the decoder reads an integer field from an integer
literal only. Writers write integers as integer literals.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from shared.domain.events import PARKED_TYPES, AnyEvent
from shared.log.eventlog import MalformedEvent, decode
from shared.log.schemas import TYPES, event_schema

FORMATS = FormatChecker(formats=())
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$")


def decode_flat(expected: str, fields: list[bytes]) -> AnyEvent:
    """An entry as XRANGE/XREAD reply with it, from a stream of ``expected`` events."""
    return decode(fields, {expected})


def decode_dict(expected: str, fields: Mapping[bytes, bytes]) -> AnyEvent:
    return decode(fields, {expected})


@FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE.match(value):
        return False
    date.fromisoformat(value)
    return True


@FORMATS.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATETIME.match(value):
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = {
            **defs[node["$ref"].rsplit("/", 1)[-1]],
            **{k: v for k, v in node.items() if k != "$ref"},
        }
    return node


def instances(node: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values the schema ``node`` accepts."""
    node = _resolve(node, defs)
    if "const" in node:
        return st.just(node["const"])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    if "anyOf" in node:
        return st.one_of([instances(option, defs) for option in node["anyOf"]])
    kind = node.get("type")
    if kind == "object" and "properties" in node:
        required = set(node.get("required", ()))
        properties = node["properties"]
        return st.fixed_dictionaries(
            {name: instances(properties[name], defs) for name in properties if name in required},
            optional={
                name: instances(properties[name], defs)
                for name in properties
                if name not in required
            },
        )
    if kind == "object":
        return st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3)
    if kind == "array":
        return st.lists(instances(node["items"], defs), max_size=3).map(list)
    if kind == "string" and node.get("format") == "date":
        return st.dates().map(date.isoformat)
    if kind == "string" and node.get("format") == "date-time":
        return (
            st.datetimes(timezones=st.timezones())
            .map(lambda moment: moment.replace(second=min(moment.second, 59)).isoformat())
            .filter(lambda text: _DATETIME.match(text) is not None)
        )
    if kind == "string":
        return st.text(max_size=20)
    if kind == "integer":
        return st.integers(min_value=-(10**30), max_value=10**30)
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "null":
        return st.none()
    raise AssertionError(f"no strategy for {node}")


@cache
def judge(event_type: str) -> tuple[st.SearchStrategy[Any], Draft202012Validator]:
    """Documents of ``event_type`` as its schema describes them, and a validator of it (made
    once: a strategy made anew for every example costs hypothesis a validation each time)."""
    schema = event_schema(event_type, as_written=False)  # what readers here accept
    return instances(schema, schema["$defs"]), Draft202012Validator(schema, format_checker=FORMATS)


def broken(document: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    """``document`` broken (or not) in one place."""
    how = data.draw(st.sampled_from(["none", "drop", "type", "enum", "date", "envelope"]))
    copy = json.loads(json.dumps(document))
    if how == "drop":
        where = data.draw(st.sampled_from([copy, copy["data"]]))
        if where:
            where.pop(data.draw(st.sampled_from(sorted(where))))
    elif how == "type":
        where = data.draw(st.sampled_from([copy, copy["data"]]))
        name = data.draw(st.sampled_from(sorted(where)))
        where[name] = data.draw(st.sampled_from([[1], {"x": 1}, True, "text", 12, 1.5, None]))
    elif how == "enum":
        for name in ("category", "kind", "status", "rating"):
            if name in copy["data"]:
                copy["data"][name] = "nonsense"
    elif how == "date":
        copy["time"] = data.draw(
            st.sampled_from(["2024-13-01T00:00:00Z", "yesterday", "2024-01-01T00:00:00"])
        )
    elif how == "envelope":
        copy[data.draw(st.sampled_from(["type", "schemaversion", "specversion"]))] = "2"
    return copy


@pytest.mark.parametrize("event_type", sorted(name for name in TYPES if name not in PARKED_TYPES))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_schema_and_the_decoder_agree(event_type: str, data: st.DataObject) -> None:
    documents, validator = judge(event_type)
    document = broken(data.draw(documents), data)
    by_schema = validator.is_valid(document)
    fields = {b"type": event_type.encode(), b"event": json.dumps(document).encode()}
    try:
        decode_dict(event_type, fields)
        by_decoder = True
    except MalformedEvent:
        by_decoder = False
    assert by_schema == by_decoder, json.dumps(document, indent=1)[:3000]


@pytest.mark.parametrize("event_type", sorted(name for name in TYPES if name != "DeadLetter"))
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_documents_the_schema_describes_are_read(event_type: str, data: st.DataObject) -> None:
    """Not a vacuous agreement: what the schema describes, the decoder reads."""
    documents, validator = judge(event_type)
    document = data.draw(documents)
    assert validator.is_valid(document)
    if event_type in PARKED_TYPES:
        return
    fields = {b"type": event_type.encode(), b"event": json.dumps(document).encode()}
    assert decode_dict(event_type, fields).type == event_type
