"""The published event contracts, written from the code: one JSON Schema per event type
(``docs/schemas/<Type>.json``, ``shared.log.schemas``) and an AsyncAPI 3.0 document of
every stream (``docs/asyncapi.json``, ``shared.log.asyncapi``).

    python -m shared.log.contracts           # (re)write the files
    python -m shared.log.contracts --check   # exit 1 when the committed files differ (CI)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from shared.log.asyncapi import asyncapi_document
from shared.log.schemas import TYPES, event_schema

ROOT = Path(__file__).resolve().parents[2]  # the repository


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def generated() -> dict[str, str]:
    """Every generated file (path relative to the repository) and its content."""
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
