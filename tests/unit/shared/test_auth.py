"""Tokens and roles, without a server."""

from __future__ import annotations

import pytest

from shared.domain.people import Actor, Role, is_identifier
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


def test_an_identity_with_a_unit_or_a_committee_is_scoped_whatever_its_roles() -> None:
    assert Actor("v", frozenset({Role.viewer}), unit="kim-thanh").scoped
    assert Actor("v", frozenset({Role.viewer, Role.registrant}), unit="x").scoped
    assert Actor("v", frozenset({Role.approver}), committee="kim-thanh").scoped
    assert not Actor("v", frozenset({Role.viewer})).scoped
    assert not Actor("a", frozenset({Role.admin}), unit="x").scoped


def test_an_identity_value_is_taken_only_if_it_is_wholly_an_identifier() -> None:
    assert is_identifier("pham-quang-hung")
    for value in ("hung\n", "hung ", "", "x" * 65, "hùng", None, 7):
        assert not is_identifier(value)


def test_a_token_may_name_its_persons_committee() -> None:
    tokens = Tokens.parse(f"approver:{A}:Thu-Ky:Kim-Thanh,viewer:{B}:nhan-vien")
    approver, viewer = tokens.find(A), tokens.find(B)
    assert approver is not None
    assert viewer is not None
    assert (approver.person, approver.committee) == ("thu-ky", "kim-thanh")
    assert viewer.committee is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (f"boss:{A}", "role 'boss'"),
        ("viewer:short", "a token is"),
        (f"viewer:{A}:bad name", "a person is"),
        (f"approver:{A}:thu-ky:bad name", "a committee"),
        (f"registrant:{A}", "a registrant token needs its person"),
        (f"viewer:{A},admin:{A}", "the same token twice"),
        ("viewer", "a token is"),
    ],
)
def test_malformed_entries_are_refused_without_echoing_the_token(text: str, words: str) -> None:
    with pytest.raises(TokenError, match=words) as refused:
        Tokens.parse(text)
    assert A not in str(refused.value)
