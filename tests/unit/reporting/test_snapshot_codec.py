"""A snapshot holds the projection's facts exactly: decoding what was encoded gives them back."""

from __future__ import annotations

from types import MappingProxyType

from hypothesis import given, settings

from services.reporting.domain import ProjectionState, fold
from services.reporting.snapshot_codec import VERSION, code_version, decode_chunk, encode_chunk
from shared.events import StoredEvent
from tests.unit.reporting.test_fold_properties import histories


@settings(max_examples=100, deadline=None)
@given(history=histories())
def test_encoding_then_decoding_gives_the_same_facts(history: list[StoredEvent]) -> None:
    state = fold(history)
    tasks = list(state.tasks.values())
    chunks = [encode_chunk(tasks[:2]), encode_chunk(tasks[2:])]
    decoded = {facts.task_id: facts for chunk in chunks for facts in decode_chunk(chunk)}
    assert ProjectionState(MappingProxyType(decoded)) == state
    for facts in decoded.values():  # the same types too, not merely equal values
        assert [type(v) for v in facts] == [type(v) for v in state.tasks[facts.task_id]]


def test_the_version_names_the_format_and_the_code() -> None:
    assert code_version() == VERSION
    assert VERSION.startswith("1-")
    assert len(VERSION) == 18
