"""A follower's batch: entries validated one by one as a handler reads them."""

from __future__ import annotations

from shared.batch import Batch
from shared.eventlog import entry_fields
from tests.support.factories import registered_event


def test_reading_a_batch_validates_each_entry_and_sets_refused_ones_aside() -> None:
    good = [registered_event(f"leader-{n}") for n in range(2)]
    entries = [
        (b"1-0", {k.encode(): v.encode() for k, v in entry_fields(good[0]).items()}),
        (b"2-0", {b"type": b"TaskRegistered", b"event": b"{broken"}),
        (b"3-0", {k.encode(): v.encode() for k, v in entry_fields(good[1]).items()}),
    ]
    batch = Batch("tasks:registered", "TaskRegistered", entries)
    assert not batch.complete

    read = [stored.event for stored in batch]

    assert read == good
    assert batch.complete
    assert [p.position for p in batch.poison] == ["2-0"]
    assert "invalid TaskRegistered document" in batch.poison[0].error
    assert batch.applied == [
        ("TaskRegistered", e.id, e.correlationid, position)
        for e, position in zip(good, ["1-0", "3-0"], strict=True)
    ]
    again = list(batch)  # a retry reads it again: the same, nothing counted twice
    assert [s.event for s in again] == good
    assert len(batch.poison) == 1
    assert len(batch.applied) == 2
