"""Tokens and roles on every route, the audit trail in the events, and a service that will
not start open by accident."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from tests.e2e.helpers import leader, task_body
from tests.e2e.test_reporting_dashboard import chromium
from tests.support.services import API_TOKENS, TOKENS, ServiceProcess, start_system


@pytest.fixture(scope="module")
def secured(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder: Path = tmp_path_factory.mktemp("secured")
    prefix = f"secured{uuid.uuid4().hex[:6]}"
    services = start_system(
        redis_url, prefix, folder, API_TOKENS=API_TOKENS, ALLOW_ANONYMOUS="false"
    )
    yield {"services": services, "prefix": prefix, "redis_url": redis_url}
    for service in services.values():
        service.stop()


def as_role(role: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[role]}"} if role else {}


# service, method, path, body, the roles allowed (admin always is)
ROUTES: list[tuple[str, str, str, dict[str, Any] | None, set[str]]] = [
    ("registration", "POST", "/tasks", task_body("x", "secured"), {"registrant"}),
    ("registration", "POST", "/tasks/t-1/progress", {}, {"registrant"}),
    ("registration", "GET", "/tasks/t-1", None, {"registrant", "approver", "viewer"}),
    ("approval", "GET", "/approvals/pending?year=2024", None, {"approver", "viewer"}),
    ("approval", "POST", "/tasks/t-1/decision", {}, {"approver"}),
    ("reporting", "GET", "/reports/2024", None, {"viewer"}),
    ("reporting", "GET", "/reports/2024.csv", None, {"viewer"}),
    ("reporting", "GET", "/tasks/t-1", None, {"registrant", "approver", "viewer"}),
]


def call(
    secured: dict[str, Any],
    service: str,
    method: str,
    path: str,
    body: Any,
    headers: dict[str, str],
) -> httpx.Response:
    process: ServiceProcess = secured["services"][service]
    return httpx.request(method, f"{process.url}{path}", json=body, headers=headers, timeout=10)


@pytest.mark.parametrize(("service", "method", "path", "body", "allowed"), ROUTES)
def test_every_route_needs_a_valid_token_with_its_role(
    secured: dict[str, Any], service: str, method: str, path: str, body: Any, allowed: set[str]
) -> None:
    no_token = call(secured, service, method, path, body, {})
    assert no_token.status_code == 401
    assert "Bearer" in no_token.json()["detail"]
    wrong = call(
        secured, service, method, path, body, {"Authorization": "Bearer not-a-real-token-at-all"}
    )
    assert wrong.status_code == 401
    basic = call(
        secured, service, method, path, body, {"Authorization": f"Basic {TOKENS['admin']}"}
    )
    assert basic.status_code == 401
    for role in ("registrant", "approver", "viewer", "admin"):
        answer = call(secured, service, method, path, body, as_role(role))
        if role in allowed or role == "admin":
            assert answer.status_code not in (401, 403), (role, answer.text)
        else:
            assert answer.status_code == 403, (role, answer.text)
            assert f"has {role}" in answer.json()["detail"]


@pytest.mark.parametrize("service", ["registration", "approval", "reporting"])
def test_probes_and_metrics_stay_open(secured: dict[str, Any], service: str) -> None:
    url = secured["services"][service].url
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json"):
        assert httpx.get(f"{url}{path}").status_code == 200


def test_the_dashboard_asks_for_a_viewer_token_and_uses_one_given(
    secured: dict[str, Any], tmp_path: Path
) -> None:
    url = secured["services"]["reporting"].url
    page = httpx.get(f"{url}/")
    assert page.status_code == 200, "the page holds no data: its script fetches with the token"
    asked = chromium(f"{url}/?year=2024", tmp_path, "--dump-dom").stdout.decode()
    assert 'id="signin" onsubmit="signIn(event)" style="display: flex;"' in asked
    assert "Sign in with a viewer token" in asked
    assert "data-rendered" not in asked
    wrong_role = chromium(f"{url}/?year=2024#token={TOKENS['approver']}", tmp_path, "--dump-dom")
    assert "no viewer role" in wrong_role.stdout.decode()
    shown = chromium(f"{url}/?year=2024#token={TOKENS['viewer']}", tmp_path, "--dump-dom")
    dom = shown.stdout.decode()
    assert 'data-rendered="2024"' in dom
    assert TOKENS["viewer"] not in dom, "the token leaves the address at once"


def test_events_record_who_wrote_them_never_the_token(secured: dict[str, Any]) -> None:
    registration = secured["services"]["registration"].url
    created = httpx.post(
        f"{registration}/tasks", json=task_body(leader(), "secured"), headers=as_role("registrant")
    )
    assert created.status_code == 201, created.text
    client = redis.Redis.from_url(secured["redis_url"])
    position = created.json()["position"]
    [(_, fields)] = client.xrange(f"{secured['prefix']}:tasks:registered", position, position)
    client.close()
    document = json.loads(fields[b"event"])
    assert document["actor"] == "registrant-e2e"
    assert document["actorrole"] == "registrant"
    assert TOKENS["registrant"].encode() not in fields[b"event"]
    for process in secured["services"].values():
        assert all(token not in process.logs(tail=None) for token in TOKENS.values())


def test_idempotency_keys_are_per_token(secured: dict[str, Any]) -> None:
    registration = secured["services"]["registration"].url
    body = task_body(leader(), "secured")
    key = {"Idempotency-Key": f"shared-{uuid.uuid4().hex}"}
    first = httpx.post(f"{registration}/tasks", json=body, headers=as_role("registrant") | key)
    other = httpx.post(f"{registration}/tasks", json=body, headers=as_role("admin") | key)
    assert first.status_code == other.status_code == 201
    assert first.json()["task_id"] != other.json()["task_id"], "another caller's key is not ours"


def test_a_service_without_tokens_refuses_to_start(tmp_path: Path, redis_url: str) -> None:
    env = {"REDIS_URL": redis_url, "PORT": "1", "LOG_FORMAT": "json", "PATH": "/usr/bin:/bin"}
    for name in ("registration", "approval"):
        ran = subprocess.run(
            [sys.executable, "-m", f"services.{name}"],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert ran.returncode == 2
        assert "refusing to start" in ran.stderr
        assert "ALLOW_ANONYMOUS" in ran.stderr
    bad = {**env, "API_TOKENS": "boss:abcdefghijklmnopqrstuvwxyz"}
    ran = subprocess.run(
        [sys.executable, "-m", "services.registration"],
        env=bad,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert ran.returncode == 2
    assert "role 'boss'" in ran.stderr
    assert "abcdefghijklmnopqrstuvwxyz" not in ran.stderr


def test_tokens_from_a_file(tmp_path: Path, redis_url: str) -> None:
    secrets = tmp_path / "tokens"
    secrets.write_text(f"viewer:{TOKENS['viewer']}:from-file\n# comment\n")
    services = start_system(
        redis_url,
        f"file{uuid.uuid4().hex[:6]}",
        tmp_path / "system",
        API_TOKENS_FILE=str(secrets),
        ALLOW_ANONYMOUS="false",
    )
    try:
        url = services["approval"].url
        assert (
            httpx.get(f"{url}/approvals/pending?year=2024", headers=as_role("viewer")).status_code
            == 200
        )
        assert (
            httpx.get(f"{url}/approvals/pending?year=2024", headers=as_role("admin")).status_code
            == 401
        )
    finally:
        for service in services.values():
            service.stop()
