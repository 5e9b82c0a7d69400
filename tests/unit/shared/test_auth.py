"""Tokens and roles, without a server."""

from __future__ import annotations

import pytest

from shared.auth import Caller, Role, TokenError, Tokens

A = "a" * 24
B = "b" * 24
C = "c" * 24


def test_entries_with_and_without_names_by_comma_or_line() -> None:
    tokens = Tokens.parse(f"registrant:{A}:kim-thanh-office, viewer:{B}\n# a comment\n\nadmin:{C}")
    assert len(tokens) == 3
    assert tokens.find(A) == Caller("kim-thanh-office", Role.registrant)
    viewer = tokens.find(B)
    assert viewer is not None
    assert viewer.role is Role.viewer
    assert viewer.name.startswith("viewer-")
    assert len(viewer.name) == len("viewer-") + 8
    assert tokens.find("nope" * 6) is None
    assert tokens.find("") is None


def test_admin_holds_every_role() -> None:
    admin = Caller("root", Role.admin)
    assert all(admin.holds(role) for role in Role)
    viewer = Caller("v", Role.viewer)
    assert viewer.holds(Role.viewer)
    assert not viewer.holds(Role.registrant)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (f"boss:{A}", "role 'boss'"),
        ("viewer:short", "a token is"),
        (f"viewer:{A}:bad name", "a name is"),
        (f"viewer:{A},admin:{A}", "the same token twice"),
        ("viewer", "a token is"),
    ],
)
def test_malformed_entries_are_refused_without_echoing_the_token(text: str, words: str) -> None:
    with pytest.raises(TokenError, match=words) as refused:
        Tokens.parse(text)
    assert A not in str(refused.value)
