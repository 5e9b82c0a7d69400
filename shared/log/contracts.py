"""The published event contracts, generated from the structs in ``shared.domain.events`` that every
reader decodes with: one JSON Schema per event type (``docs/schemas/<Type>.json``, draft
2020-12) and an AsyncAPI 3.0 document of every stream (``docs/asyncapi.json``, see
``shared.log.asyncapi``).

    python -m shared.log.contracts           # (re)write the files
    python -m shared.log.contracts --check   # exit 1 when the committed files differ (CI)

A schema accepts exactly the documents ``shared.log.eventlog.decode_entry`` accepts (a
differential property test holds the two to the same verdict): the services always write
every property; a property with a default may be absent from a document another writer
made. The shape of a ``schemaversion`` never changes; readers ignore unknown properties.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import msgspec

from shared.domain.events import DATA_TYPES, PARKED_TYPES, SCHEMA_VERSION, Event

ROOT = Path(__file__).resolve().parent.parent
DRAFT = "https://json-schema.org/draft/2020-12/schema"
TYPES: dict[str, type[Any]] = {**DATA_TYPES, **PARKED_TYPES}


def event_schema(event_type: str) -> dict[str, Any]:
    """The JSON Schema of the ``event`` field of an ``event_type`` stream entry."""
    envelope: Any = Event[TYPES[event_type]]  # type: ignore[valid-type]
    (top,), components = msgspec.json.schema_components([envelope], ref_template="#/$defs/{name}")
    name = top["$ref"].rsplit("/", 1)[-1]
    schema = components.pop(name)
    properties = schema["properties"]
    properties["type"] = {"const": event_type, "type": "string"}
    properties["schemaversion"] = {"const": SCHEMA_VERSION, "type": "integer", "default": 1}
    description = (
        f"The `event` field of a `{event_type}` stream entry: a CloudEvents 1.0 document "
        f"(structured mode, UTF-8), schemaversion {SCHEMA_VERSION}. The services write every "
        "property; one with a default may be absent from a document another writer made. "
        "Ignore properties you do not know."
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


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def generated() -> dict[str, str]:
    """Every generated file (path relative to the repository) and its content."""
    from shared.log.asyncapi import asyncapi_document

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
                "out of date (run `python -m shared.log.contracts`): " + ", ".join(outdated) + "\n"
            )
            return 1
        return 0
    for path in write():
        sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
