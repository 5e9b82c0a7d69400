"""Reading the bearer from verified claims: claim paths, person, roles and unit."""

from __future__ import annotations

from typing import Any

import pytest

from shared.edge.oidc import OidcVerifier
from shared.edge.oidc_claims import (
    ClaimPaths,
    TokenRejected,
    VerifiedToken,
    bearer_of,
    claim_at,
)

KEYCLOAK: dict[str, Any] = {
    "sub": "5f1c-uuid",
    "preferred_username": "hung",
    "realm_access": {"roles": ["registrant", "offline_access"]},
    "resource_access": {"portal.breakthrough": {"roles": ["viewer"]}},
    "https://breakthrough.example/roles": ["approver"],
    "unit": "kim-thanh",
}


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("sub", "5f1c-uuid"),
        ("realm_access.roles", ["registrant", "offline_access"]),
        ("realm_access", {"roles": ["registrant", "offline_access"]}),
        ("resource_access.portal.breakthrough.roles", ["viewer"]),
        ("https://breakthrough.example/roles", ["approver"]),
        ("realm_access.nothing", None),
        ("nothing.roles", None),
        ("unit.code", None),
        ("realm_access.", None),
        ("", None),
    ],
)
def test_claim_paths(path: str, value: Any) -> None:
    assert claim_at(KEYCLOAK, path) == value


def test_a_whole_name_wins_over_a_nested_path() -> None:
    claims = {"a.b": "flat", "a": {"b": "nested"}}
    assert claim_at(claims, "a.b") == "flat"
    assert claim_at({"a": {"b": "nested"}}, "a.b") == "nested"


def test_a_later_split_is_tried_when_an_earlier_one_leads_nowhere() -> None:
    claims = {"a": {"x": 1}, "a.b": {"c": "deep"}}
    assert claim_at(claims, "a.b.c") == "deep"


def test_the_bearer_from_keycloak_style_claims() -> None:
    bearer = bearer_of(
        KEYCLOAK, ClaimPaths(person="preferred_username", roles="realm_access.roles", unit="unit")
    )
    assert bearer == VerifiedToken("hung", frozenset({"registrant", "offline_access"}), "kim-thanh")


def test_one_role_as_a_string_and_no_roles_at_all() -> None:
    paths = ClaimPaths(person="sub", roles="roles")
    assert bearer_of({"sub": "p", "roles": "viewer"}, paths) == (
        VerifiedToken("p", frozenset({"viewer"}), None)
    )
    assert (
        bearer_of({"sub": "p"}, ClaimPaths(person="sub", roles="roles", unit="unit")).roles
        == frozenset()
    )


def test_no_unit_claim_configured_ignores_a_unit_in_the_token() -> None:
    assert bearer_of(KEYCLOAK, ClaimPaths(person="sub", roles="roles", unit=None)).unit is None


@pytest.mark.parametrize(
    ("claims", "words"),
    [
        ({"roles": ["viewer"]}, "names no person (claim 'sub')"),
        ({"sub": ""}, "names no person"),
        ({"sub": "  "}, "names no person"),
        ({"sub": 42}, "names no person"),
        ({"sub": ["a"]}, "names no person"),
        ({"sub": "p", "roles": ["viewer", 3]}, "roles (claim 'roles') are not a list of names"),
        ({"sub": "p", "roles": {"viewer": True}}, "are not a list of names"),
        ({"sub": "p", "roles": ["viewer", ""]}, "are not a list of names"),
        ({"sub": "p", "unit": 7}, "unit (claim 'unit') is not a name"),
        ({"sub": "p", "unit": ""}, "is not a name"),
    ],
)
def test_malformed_claims_reject_the_token(claims: dict[str, Any], words: str) -> None:
    with pytest.raises(TokenRejected, match=words.replace("(", r"\(").replace(")", r"\)")):
        bearer_of(claims, ClaimPaths(person="sub", roles="roles", unit="unit"))


@pytest.mark.parametrize(
    ("token", "looks"),
    [
        ("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl", True),
        ("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", True),
        ("registrant-token-0123456789", False),
        ("a.b", False),
        ("a.b.c.d", False),
        ("a+b.c/d.e=f", False),
        (".b.c", False),
        ("a." + "b" * 20_000 + ".c", False),
    ],
)
def test_looks_like_jwt(token: str, looks: bool) -> None:
    assert OidcVerifier.looks_like_jwt(token) is looks
