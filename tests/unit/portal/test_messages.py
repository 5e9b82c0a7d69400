"""The catalogs: the same keys and fields in both languages, every key the pages use, every
refusal code the services answer, and every code of the domain named."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from services.portal.messages import CATALOGS
from shared.domain.events import (
    DATA_TYPES,
    Category,
    Direction,
    Kind,
    Level,
    ProgressStatus,
    Rating,
)

ROOT = Path(__file__).resolve().parents[3]
PORTAL = ROOT / "services" / "portal"
VI, EN = CATALOGS["vi"], CATALOGS["en"]


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys_and_fields() -> None:
    assert set(VI) == set(EN)
    for key, text in VI.items():
        assert fields(text) == fields(EN[key]), key


def used_keys() -> set[str]:
    found: set[str] = set()
    for template in (PORTAL / "templates").rglob("*.html"):
        found |= set(
            re.findall(r"""_\(\s*["']([a-z0-9_]+\.[a-z0-9_.]+)["']""", template.read_text())
        )
    literal = re.compile(
        r"""["']((?:error|sign_in|leader|secretariat|decision|nav|xlsx)\.[a-z_0-9]+)["']"""
    )
    for module in PORTAL.rglob("*.py"):
        if "messages" not in module.parts:
            found |= set(literal.findall(module.read_text()))
    # not keys: template names, and prefixes a template completes ("form.target_" ~ part)
    return {key for key in found if not key.endswith((".html", "_"))}


def test_every_key_the_pages_and_routes_use_is_in_the_catalogs() -> None:
    missing = sorted(key for key in used_keys() if key not in VI)
    assert not missing


def refusal_codes() -> set[str]:
    codes: set[str] = set()
    for folder in ("shared", "services/registration", "services/approval"):
        for module in (ROOT / folder).rglob("*.py"):
            codes |= set(re.findall(r'code="([a-z_]+)"', module.read_text()))
    return codes


def test_every_refusal_code_of_the_services_is_translated() -> None:
    untranslated = sorted(code for code in refusal_codes() if f"refusal.{code}" not in VI)
    assert not untranslated
    assert {"quota", "wrong_state", "not_on_roster", "year_closed", "own_task"} <= refusal_codes()


@pytest.mark.parametrize(
    ("kind", "codes"),
    [
        ("category", [c.value for c in Category]),
        ("kind", [k.value for k in Kind]),
        ("level", [v.value for v in Level]),
        ("rating", [r.value for r in Rating]),
        ("progress", [s.value for s in ProgressStatus]),
        ("direction", [d.value for d in Direction]),
        ("status", ["pending", "returned", "approved", "rejected", "withdrawn"]),
        ("stage", ["pending", "returned", "approved", "rejected", "withdrawn", "self_assessed",
                   "evaluated"]),
        ("role", ["registrant", "approver", "viewer", "admin"]),
        ("event", [name for name in DATA_TYPES if name.startswith(("Task", "Progress"))]),
    ],
)  # fmt: skip
def test_every_code_of_the_domain_has_a_name(kind: str, codes: list[str]) -> None:
    assert [code for code in codes if f"{kind}.{code}" not in VI] == []


def test_the_four_ratings_read_as_the_party_writes_them() -> None:
    assert [VI[f"rating.{r.value}"] for r in Rating] == [
        "Hoàn thành xuất sắc nhiệm vụ",
        "Hoàn thành tốt nhiệm vụ",
        "Hoàn thành nhiệm vụ",
        "Không hoàn thành nhiệm vụ",
    ]
