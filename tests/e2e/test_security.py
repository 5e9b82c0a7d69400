"""Tokens and roles on every route of registration and approval, secrets kept out of logs and
events, and a service that will not start open, or with a token it cannot read."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import System, secured_system
from tests.e2e.helpers import refused, register, task_body
from tests.support.people import ADMIN, APPROVER, VIEWER, Caller

# service, method, path, the roles allowed (an admin always is). Bodies are empty: a caller
# let in gets a 422 (or a 404), never a write.
ROUTES: list[tuple[str, str, str, set[str]]] = [
    ("registration", "POST", "/tasks", {"registrant"}),
    ("registration", "PUT", "/tasks/t-1", {"registrant"}),
    ("registration", "GET", "/tasks/t-1", {"registrant", "approver", "viewer"}),
    ("registration", "POST", "/tasks/t-1/withdrawal", {"registrant"}),
    ("registration", "POST", "/tasks/t-1/progress", {"registrant"}),
    ("registration", "POST", "/tasks/t-1/self-assessment", {"registrant"}),
    ("registration", "PUT", "/roster/2090", set()),
    ("approval", "GET", "/approvals/pending?year=2024", {"approver", "viewer"}),
    ("approval", "POST", "/tasks/t-1/decision", {"approver"}),
    ("approval", "POST", "/decisions", {"approver"}),
    ("approval", "POST", "/tasks/t-1/evaluation", {"approver"}),
    ("approval", "POST", "/years/2090/closure", set()),
]
IDS = [f"{method} {path}" for _, method, path, _ in ROUTES]


def call(
    system: System, service: str, method: str, path: str, headers: dict[str, str]
) -> httpx.Response:
    body = None if method == "GET" else {}
    return system.clients[service].request(method, path, json=body, headers=headers)


@pytest.mark.parametrize(("service", "method", "path", "allowed"), ROUTES, ids=IDS)
def test_a_request_without_a_valid_bearer_token_is_401(
    system: System, service: str, method: str, path: str, allowed: set[str]
) -> None:
    for headers in (
        {},
        {"Authorization": "Bearer not-a-real-token-at-all"},
        {"Authorization": "Bearer"},
        {"Authorization": f"Basic {ADMIN.token}"},
        {"Authorization": ADMIN.token},
    ):
        answer = call(system, service, method, path, headers)
        refused(answer, 401, "unauthenticated")
        assert answer.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(("service", "method", "path", "allowed"), ROUTES, ids=IDS)
def test_each_route_lets_in_only_its_roles_and_the_admin(
    system: System, registrant: Caller, service: str, method: str, path: str, allowed: set[str]
) -> None:
    for role, caller in [
        ("registrant", registrant),
        ("approver", APPROVER),
        ("viewer", VIEWER),
        ("admin", ADMIN),
    ]:
        answer = call(system, service, method, path, caller.headers)
        if role in allowed or role == "admin":
            assert answer.status_code not in (401, 403), (role, answer.text)
        else:
            refused(answer, 403, f"the caller has {role}", "forbidden")


@pytest.mark.parametrize("service", ["registration", "approval"])
def test_probes_metrics_and_the_documents_stay_open(system: System, service: str) -> None:
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"):
        assert system.clients[service].get(path).status_code == 200, path


def test_no_token_is_ever_logged_or_written(
    system: System, registrant: Caller, unit_code: str
) -> None:
    register(system.registration, registrant, task_body(registrant, unit_code))
    call(system, "approval", "GET", "/approvals/pending?year=2024", {"Authorization": "Bearer x"})
    logs = "".join(s.logs(tail=None) for s in system.services.values())
    events = b"".join(
        fields[b"event"] for _, fields in system.redis.xrange(f"{system.prefix}:tasks:registered")
    )
    for token in (registrant.token, APPROVER.token, ADMIN.token):
        assert token not in logs
        assert token.encode() not in events


def test_idempotency_keys_are_scoped_to_the_caller(
    system: System, registrant: Caller, unit_code: str
) -> None:
    body = task_body(registrant, unit_code)
    key = {"Idempotency-Key": f"shared-{uuid.uuid4().hex}"}
    first = register(system.registration, registrant, body, **key)
    other = register(system.registration, ADMIN, body, **key)
    assert first["task_id"] != other["task_id"], "another caller's key is not ours"


# --- starting ---------------------------------------------------------------------------------


def start(name: str, redis_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        "PATH": os.environ.get("PATH", ""),
        "TIMEZONE": os.environ["TIMEZONE"],
        "REDIS_URL": redis_url,
        "PORT": "1",
        "LOG_FORMAT": "json",
    }
    return subprocess.run(
        [sys.executable, "-m", f"services.{name}"],
        env=base | env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )


@pytest.mark.parametrize("name", ["registration", "approval"])
def test_a_service_without_tokens_refuses_to_start(redis_url: str, name: str) -> None:
    ran = start(name, redis_url)
    assert ran.returncode == 2
    assert "refusing to start" in ran.stderr
    assert "ALLOW_ANONYMOUS" in ran.stderr


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"TOKEN_SIGN_IN": "false"}, "nobody could sign in"),
        ({"OIDC_ISSUER": "https://id.example.gov.vn/realms/tinh-uy"}, "OIDC_CLIENT_ID"),
    ],
    ids=["no way to sign in", "an issuer without its client"],
)
def test_a_portal_nobody_could_sign_in_to_refuses_to_start(
    redis_url: str, settings: dict[str, str], words: str
) -> None:
    ran = start("portal", redis_url, **settings)
    assert ran.returncode == 2, ran.stderr
    assert "refusing to start" in ran.stderr
    assert words in ran.stderr


@pytest.mark.parametrize(
    ("tokens", "words"),
    [
        ("boss:abcdefghijklmnopqrstuvwxyz", "role 'boss'"),
        ("viewer:short", "16-200"),
        ("viewer:abcdefghijklmnopqrstuvwxyz:bad person!", "a person is 1-64"),
        (
            "viewer:abcdefghijklmnopqrstuvwxyz,admin:abcdefghijklmnopqrstuvwxyz:x",
            "the same token twice",
        ),
    ],
    ids=["unknown role", "short token", "bad person", "token twice"],
)
def test_a_token_list_it_cannot_read_stops_the_service_without_leaking_it(
    redis_url: str, tokens: str, words: str
) -> None:
    ran = start("registration", redis_url, API_TOKENS=tokens)
    assert ran.returncode == 2
    assert words in ran.stderr
    assert "abcdefghijklmnopqrstuvwxyz" not in ran.stderr + ran.stdout


def test_tokens_from_a_file(redis_url: str, tmp_path: Path) -> None:
    secrets = tmp_path / "tokens"
    secrets.write_text(f"# the viewers\n{VIEWER.entry}\n\n{APPROVER.entry}\n")
    system = secured_system(
        redis_url,
        tmp_path / "system",
        f"file{uuid.uuid4().hex[:6]}",
        services=("approval",),
        API_TOKENS="",
        API_TOKENS_FILE=str(secrets),
    )
    try:
        pending = "/approvals/pending?year=2024"
        assert system.approval.get(pending, headers=VIEWER.headers).status_code == 200
        assert system.approval.get(pending, headers=APPROVER.headers).status_code == 200
        refused(system.approval.get(pending, headers=ADMIN.headers), 401)
    finally:
        system.close()


def test_anonymous_only_by_explicit_choice(redis_url: str, tmp_path: Path) -> None:
    """ALLOW_ANONYMOUS=true makes every request an anonymous admin: for local demos only (this
    test checks that, and that tokens, once given, win over it)."""
    open_system = secured_system(
        redis_url,
        tmp_path / "open",
        f"anon{uuid.uuid4().hex[:6]}",
        services=("approval",),
        API_TOKENS="",
        ALLOW_ANONYMOUS="true",
    )
    try:
        answer = open_system.approval.get("/approvals/pending?year=2024")
        assert answer.status_code == 200
    finally:
        open_system.close()
    closed = secured_system(
        redis_url,
        tmp_path / "closed",
        f"anon{uuid.uuid4().hex[:6]}",
        services=("approval",),
        ALLOW_ANONYMOUS="true",
    )
    try:
        refused(closed.approval.get("/approvals/pending?year=2024"), 401)
    finally:
        closed.close()
