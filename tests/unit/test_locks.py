"""requirements/runtime.txt (the image) and requirements/dev.txt (make) agree with
pyproject.toml: every dependency pinned within its range, with hashes, and the runtime pins
the same in both. A dependency added to pyproject.toml without `make lock` fails here."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ROOT / "requirements" / "runtime.txt"
DEV = ROOT / "requirements" / "dev.txt"
ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


@dataclass(frozen=True)
class Pin:
    version: str
    hashes: int


def pins(lock: Path) -> dict[str, Pin]:
    found: dict[str, Pin] = {}
    name = ""
    version = ""
    hashes = 0
    for line in [*lock.read_text().splitlines(), "end==0"]:
        if match := ENTRY.match(line):
            if name:
                found[name] = Pin(version, hashes)
            name, version, hashes = canonicalize_name(match[1]), match[2], 0
        hashes += line.count("--hash=sha256:")
    return found


def declared(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    texts = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return [Requirement(text) for text in texts]


@pytest.mark.parametrize(("lock", "extra"), [(RUNTIME, None), (DEV, None), (DEV, "dev")])
def test_every_dependency_is_pinned_within_its_range(lock: Path, extra: str | None) -> None:
    locked = pins(lock)
    for requirement in declared(extra):
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in {lock.name}: run `make lock`"
        version = locked[name].version
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{name}=={version} in {lock.name} is outside {requirement.specifier}: `make lock`"
        )


@pytest.mark.parametrize("lock", [RUNTIME, DEV])
def test_every_pin_carries_hashes(lock: Path) -> None:
    locked = pins(lock)
    assert locked
    assert not [name for name, pin in locked.items() if pin.hashes == 0]


def test_the_dev_lock_holds_the_runtime_pins_unchanged() -> None:
    runtime, dev = pins(RUNTIME), pins(DEV)
    changed = {name: (pin.version, dev.get(name)) for name, pin in runtime.items()}
    assert not {
        name: versions
        for name, versions in changed.items()
        if versions[1] is None or versions[1].version != versions[0]
    }


def test_the_image_and_make_install_from_the_locks() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "COPY requirements/runtime.txt" in dockerfile
    assert "--require-hashes" in dockerfile
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r $(DEV_LOCK)" in makefile
    assert "--no-deps -e ." in makefile
