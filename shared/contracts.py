"""The published event contracts, generated from the event models in ``shared.events``: one
JSON Schema per event type (``docs/schemas/<Type>.json``, draft 2020-12) and an AsyncAPI 3.0
document of every stream (``docs/asyncapi.json``, see ``shared.asyncapi``).

    python -m shared.contracts           # (re)write the files
    python -m shared.contracts --check   # exit 1 when the committed files differ (CI)

A schema describes the ``event`` field of a stream entry as the services write it: every
property listed is always present (possibly ``null``). The shape of a ``schemaversion`` never
changes (contract: any change is a new version); readers still ignore unknown properties.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field
from pydantic.json_schema import GenerateJsonSchema

from shared.events import DATA_MODELS, SCHEMA_VERSION, CloudEvent, Frozen

ROOT = Path(__file__).resolve().parent.parent
DRAFT = "https://json-schema.org/draft/2020-12/schema"


class DeadLetter(Frozen):
    """``data`` of a DeadLetter event (shared.eventlog.dead_letter_document)."""

    stream: str = Field(description="the stream the entry was read from")
    entry_id: str = Field(description="the entry's id in that stream")
    group: str = Field(description="the consumer group (or reader) that gave up on it")
    consumer: str = Field(description="the consumer that parked it")
    error: str = Field(description="why it could not be handled")
    delivery_count: int = Field(description="how often it had been delivered")
    fields: dict[str, str] = Field(description="the entry's original fields, as text")


class DeadLetterEvent(Frozen):
    """The envelope of a DeadLetter event, as ``dead_letter_document`` writes it."""

    specversion: Literal["1.0"] = "1.0"
    id: str
    source: str
    type: Literal["DeadLetter"] = "DeadLetter"
    subject: str = Field(description="<stream>/<entry id> of the entry given up on")
    time: datetime
    datacontenttype: Literal["application/json"] = "application/json"
    schemaversion: int = SCHEMA_VERSION
    correlationid: str
    causationid: str | None = None
    data: DeadLetter


TYPES: dict[str, type[BaseModel]] = {**DATA_MODELS, "DeadLetter": DeadLetter}


def envelope(event_type: str) -> type[BaseModel]:
    if event_type == "DeadLetter":
        return DeadLetterEvent
    generic: Any = CloudEvent
    model: type[BaseModel] = generic[DATA_MODELS[event_type]]
    return model


class WireSchema(GenerateJsonSchema):
    """Serialization-mode schemas in which every written field is required."""

    def field_is_required(self, field: Any, total: bool) -> bool:
        return self.mode == "serialization" or super().field_is_required(field, total)


def event_schema(event_type: str) -> dict[str, Any]:
    """The JSON Schema of the ``event`` field of a ``event_type`` stream entry."""
    options: dict[str, Any] = {"mode": "serialization", "schema_generator": WireSchema}
    schema = envelope(event_type).model_json_schema(**options)
    properties = schema["properties"]
    properties["type"] = {"const": event_type, "type": "string"}
    properties["schemaversion"] = {"const": SCHEMA_VERSION, "type": "integer"}
    description = (
        f"The `event` field of a `{event_type}` stream entry: a CloudEvents 1.0 document "
        f"(structured mode, UTF-8), schemaversion {SCHEMA_VERSION}: every property listed is "
        "always present. Ignore properties you do not know."
    )
    return {
        "$schema": DRAFT,
        "title": f"{event_type} event",
        "description": description,
        "type": "object",
        "properties": properties,
        "required": schema["required"],
        "$defs": dict(sorted(schema["$defs"].items())),
    }


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def generated() -> dict[str, str]:
    """Every generated file (path relative to the repository) and its content."""
    from shared.asyncapi import asyncapi_document

    files = {f"docs/schemas/{name}.json": render(event_schema(name)) for name in TYPES}
    files["docs/asyncapi.json"] = render(asyncapi_document())
    return files


def stale(root: Path = ROOT) -> list[str]:
    """Generated files whose committed copy differs or is missing, and strays in schemas/."""
    files = generated()
    differ = [
        path
        for path, text in files.items()
        if not (root / path).is_file() or (root / path).read_text(encoding="utf-8") != text
    ]
    strays = [
        str(path.relative_to(root))
        for path in sorted((root / "docs/schemas").glob("*.json"))
        if str(path.relative_to(root)) not in files
    ]
    return differ + strays


def write(root: Path = ROOT) -> list[str]:
    (root / "docs/schemas").mkdir(parents=True, exist_ok=True)
    files = generated()
    for path, text in files.items():
        (root / path).write_text(text, encoding="utf-8")
    return sorted(files)


def main(argv: list[str]) -> int:
    if "--check" in argv:
        if outdated := stale():
            sys.stderr.write(
                "out of date (run `python -m shared.contracts`): " + ", ".join(outdated) + "\n"
            )
            return 1
        return 0
    for path in write():
        sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
