"""One JSON Schema per event type, generated from the structs in ``shared.domain.events``
that every reader decodes with (draft 2020-12; written to ``docs/schemas/<Type>.json`` by
``python -m shared.log.contracts``).

A schema accepts exactly the documents ``shared.log.eventlog.decode`` accepts (a
differential property test holds the two to the same verdict): the services always write
every property; a property with a default may be absent from a document another writer
made. The shape of a ``schemaversion`` never changes; readers ignore unknown properties.
"""

from __future__ import annotations

from typing import Any

import msgspec

from shared.domain.events import DATA_TYPES, PARKED_TYPES, SCHEMA_VERSION, Event

DRAFT = "https://json-schema.org/draft/2020-12/schema"
TYPES: dict[str, type[Any]] = {**DATA_TYPES, **PARKED_TYPES}


ADDED = {
    "taskversion",
    "importedat",
    "managed_by",
    "continues",
    "committee",
    "email",
    "replaces",
}
"""What 1.2 added: present in every document written since, absent from earlier ones."""
WHOSE = {"registrant", "unit"}
"""Added by 1.2 to every event of a task but its registration (which always had them)."""


def event_schema(event_type: str, *, as_written: bool = True) -> dict[str, Any]:
    """The JSON Schema of the ``event`` field of an ``event_type`` stream entry.

    ``as_written`` (what is published): every property the services write is required but
    those 1.2 added, which documents written before it lack. Otherwise, what the readers
    here accept: a property with a default may be absent (another writer's document)."""
    envelope: Any = Event[TYPES[event_type]]  # type: ignore[valid-type]
    (top,), components = msgspec.json.schema_components([envelope], ref_template="#/$defs/{name}")
    name = top["$ref"].rsplit("/", 1)[-1]
    schema = components.pop(name)
    properties = schema["properties"]
    properties["type"] = {"const": event_type, "type": "string"}
    properties["schemaversion"] = {"const": SCHEMA_VERSION, "type": "integer", "default": 1}
    if as_written:
        schema["required"] = _written(properties)
        for definition_name, definition in components.items():
            added = ADDED | (WHOSE if definition_name == event_type else set())
            if "properties" in definition:
                definition["required"] = _written(definition["properties"], added)
    description = (
        f"The `event` field of a `{event_type}` stream entry: a CloudEvents 1.0 document "
        f"(structured mode, UTF-8), schemaversion {SCHEMA_VERSION}. The services write every "
        "property; those 1.2 added (taskversion, importedat, managed_by, continues, "
        "committee, and on a task's later events its registrant and unit) are absent from "
        "documents written before it. Ignore properties you do not know."
    )
    return {
        "$schema": DRAFT,
        "title": f"{event_type} event",
        "description": description,
        "type": "object",
        "properties": properties,
        "required": schema["required"],
        "$defs": dict(sorted(components.items())),
    }


def _written(properties: dict[str, Any], added: set[str] = ADDED) -> list[str]:
    return [name for name in properties if name not in added]
