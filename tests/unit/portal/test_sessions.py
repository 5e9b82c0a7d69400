"""Sessions, CSRF tokens, cookies, and where people go: the pure parts."""

from __future__ import annotations

import time

import pytest

from services.portal.openid import new_login
from services.portal.pages import landing, safe_next, with_query
from services.portal.session_layer import cookies_of, secure, set_cookie
from services.portal.sessions import Person, Session, csrf_matches, expired_login, new_secret


def session() -> Session:
    return Session(id=new_secret(), csrf=new_secret())


def test_a_form_is_accepted_only_with_its_sessions_csrf_token() -> None:
    mine, other = session(), session()
    assert csrf_matches(mine, mine.csrf)
    assert not csrf_matches(mine, other.csrf)
    assert not csrf_matches(mine, "")
    assert not csrf_matches(mine, None)
    assert not csrf_matches(mine, mine.csrf[:-1])


def test_signing_in_gives_a_new_id_and_csrf_token_and_ends_the_sign_in_under_way() -> None:
    anonymous = session()
    anonymous.login = new_login("/dashboard")
    old_id, old_csrf = anonymous.id, anonymous.csrf
    who = Person(actor="hung", person="hung", roles=["registrant"])
    anonymous.sign_in("a-token", who)
    assert anonymous.signed_in
    assert anonymous.id != old_id
    assert anonymous.csrf != old_csrf
    assert anonymous.replaced == old_id  # deleted from Redis when saved
    assert anonymous.login is None
    assert anonymous.dirty


def test_secrets_are_long_and_never_repeat() -> None:
    made = {new_secret() for _ in range(1000)}
    assert len(made) == 1000
    assert all(len(secret) >= 43 for secret in made)


def test_messages_are_shown_once() -> None:
    mine = session()
    mine.flash("success", "leader.registered")
    assert [f.key for f in mine.take_flashes()] == ["leader.registered"]
    assert mine.take_flashes() == []


def test_a_sign_in_under_way_expires_after_ten_minutes() -> None:
    login = new_login("/")
    assert not expired_login(login)
    assert expired_login(login, now=time.time() + 601)
    assert expired_login(None)
    assert new_login("/").state != login.state
    assert len(login.verifier) >= 43


def test_cookies_are_http_only_lax_and_secure_under_tls() -> None:
    assert set_cookie("portal_session", "abc", max_age=None, secure=True) == (
        "portal_session=abc; Path=/; SameSite=Lax; HttpOnly; Secure"
    )
    assert set_cookie("portal_lang", "en", max_age=60, secure=False, http_only=False) == (
        "portal_lang=en; Path=/; SameSite=Lax; Max-Age=60"
    )
    assert set_cookie("portal_session", "", max_age=0, secure=False).endswith("Max-Age=0; HttpOnly")


@pytest.mark.parametrize(
    ("scheme", "policy", "expected"),
    [
        ("https", "auto", True),
        ("http", "auto", False),
        ("http", "always", True),
        ("https", "never", False),
    ],
)
def test_secure_follows_the_scheme_unless_told(scheme: str, policy: str, expected: bool) -> None:
    assert secure({"scheme": scheme}, policy) is expected


def test_cookies_are_read_and_a_malformed_header_is_ignored() -> None:
    scope = {"headers": [(b"cookie", b"portal_session=abc; portal_lang=en"), (b"cookie", b'x="')]}
    assert cookies_of(scope) == {"portal_session": "abc", "portal_lang": "en"}


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/my/tasks?year=2024", "/my/tasks?year=2024"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_after_signing_in_only_a_path_of_this_site(given: str | None, expected: str) -> None:
    assert safe_next(given) == expected


@pytest.mark.parametrize(
    ("roles", "path"),
    [
        (["registrant"], "/my/tasks"),
        (["approver"], "/secretariat/pending"),
        (["viewer"], "/dashboard"),
        (["admin"], "/secretariat/pending"),
        (["registrant", "viewer"], "/my/tasks"),
    ],
)
def test_each_person_lands_on_their_page(roles: list[str], path: str) -> None:
    who = Person(actor="someone", person="someone", roles=roles)
    assert landing(who) == path
    assert landing(who, 2024) == f"{path}?year=2024"


def test_queries_leave_out_empty_values() -> None:
    assert with_query("/dashboard", year=2024, category=None, as_of="") == "/dashboard?year=2024"
    assert with_query("/missing") == "/missing"
