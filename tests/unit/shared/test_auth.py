"""Tokens and roles, without a server."""

from __future__ import annotations

import pytest

from shared.domain.people import Actor, Role
from shared.edge.identity import TokenError, Tokens

A = "a" * 24
B = "b" * 24
C = "c" * 24


def test_entries_with_and_without_persons_by_comma_or_line() -> None:
    tokens = Tokens.parse(f"registrant:{A}:Pham-Quang-Hung, viewer:{B}\n# a comment\n\nadmin:{C}")
    assert len(tokens) == 3
    hung = tokens.find(A)
    assert hung == Actor("pham-quang-hung", frozenset({Role.registrant}), person="pham-quang-hung")
    viewer = tokens.find(B)
    assert viewer is not None
    assert viewer.roles == {Role.viewer}
    assert viewer.person is None  # a service, named after its token
    assert viewer.id.startswith("viewer-")
    assert len(viewer.id) == len("viewer-") + 8
    assert tokens.find("nope" * 6) is None
    assert tokens.find("") is None


def test_admin_holds_every_role() -> None:
    admin = Actor("root", frozenset({Role.admin}))
    assert all(admin.holds(role) for role in Role)
    viewer = Actor("v", frozenset({Role.viewer}))
    assert viewer.holds(Role.viewer)
    assert not viewer.holds(Role.registrant)


def test_a_viewer_with_a_unit_sees_only_it() -> None:
    assert Actor("v", frozenset({Role.viewer}), unit="Kim-Thanh").unit_scope == "kim-thanh"
    assert Actor("v", frozenset({Role.viewer, Role.approver}), unit="x").unit_scope is None
    assert Actor("v", frozenset({Role.viewer})).unit_scope is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (f"boss:{A}", "role 'boss'"),
        ("viewer:short", "a token is"),
        (f"viewer:{A}:bad name", "a person is"),
        (f"registrant:{A}", "a registrant token needs its person"),
        (f"viewer:{A},admin:{A}", "the same token twice"),
        ("viewer", "a token is"),
    ],
)
def test_malformed_entries_are_refused_without_echoing_the_token(text: str, words: str) -> None:
    with pytest.raises(TokenError, match=words) as refused:
        Tokens.parse(text)
    assert A not in str(refused.value)
