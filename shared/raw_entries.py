"""Stream entries as XRANGE answers them, parsed without a mapping or a ``str`` per entry.

A rebuild reads every entry of a stream. ``decode_entry`` (what followers use) builds a field
mapping, decodes the document to ``str`` and wraps the event in a ``StoredEvent``; pydantic's
validation of a ``str`` holding non-ASCII text (every Vietnamese name) costs it a UTF-8
encoding again. ``read_entries`` gives the same verdicts for less: an entry written the way
``EventLog`` writes them (fields ``type``, the stream's type, then ``event``) has its document
validated as the bytes it is, by ``parse_event`` and the contract's models as always. Every
other entry, and every one that quick path refuses, goes through ``split_entries``, so an
entry is refused for the same reason, with the same words, as a follower refuses it.

Bytes the quick path accepts are valid UTF-8: pydantic's JSON parser refuses invalid UTF-8
anywhere in a document (a differential test holds the two paths to the same verdicts).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from shared.eventlog import Poison, RawFields, split_entries
from shared.events import AnyEvent, MalformedEvent, parse_event

RawEntry = tuple[bytes, Sequence[bytes]]
"""An entry as XRANGE answers it before redis-py makes a dict of it: id, [name, value, ...]."""


def fields_of(flat: Sequence[bytes]) -> RawFields:
    """The mapping redis-py would have made of the fields (a repeated name: the last value)."""
    pairs = iter(flat)
    return dict(zip(pairs, pairs, strict=False))


def read_entries(
    stream: str, event_type: str, entries: Iterable[RawEntry], poison: list[Poison]
) -> Iterator[tuple[bytes, AnyEvent]]:
    """(entry id, event) for each valid entry of ``stream``; the others are added to
    ``poison``, as ``split_entries`` would give them."""
    expected = event_type.encode()
    for entry_id, fields in entries:
        if (
            len(fields) == 4
            and fields[0] == b"type"
            and fields[1] == expected
            and fields[2] == b"event"
        ):
            try:
                event = parse_event(event_type, fields[3], event_type)
            except MalformedEvent:
                pass  # the path every follower takes says why
            else:
                yield entry_id, event
                continue
        events, refused = split_entries(stream, event_type, [(entry_id, fields_of(fields))])
        poison += refused
        for stored in events:
            yield entry_id, stored.event
