"""The services take the province's OpenID Connect access tokens: real tokens from a real
provider (``tests/support/oidc.py``), sent to registration and approval running as processes.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from tests.e2e.helpers import task_body
from tests.support.oidc import OidcProvider
from tests.support.redis_server import free_port
from tests.support.services import ServiceProcess

YEAR = time.gmtime().tm_year


@pytest.fixture(scope="module")
def services(
    oidc_provider: OidcProvider, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, ServiceProcess]]:
    """Registration and approval trusting the test provider; persons from
    ``preferred_username``, roles from Keycloak's ``realm_access.roles``, units from ``unit``."""
    folder: Path = tmp_path_factory.mktemp("oidc-services")
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "STREAM_PREFIX": f"oidc{uuid.uuid4().hex[:8]}",
        "OIDC_ISSUER": oidc_provider.issuer,
        "OIDC_AUDIENCE": oidc_provider.audience,
        "OIDC_PERSON_CLAIM": "preferred_username",
        "OIDC_ROLES_CLAIM": "realm_access.roles",
        "OIDC_UNIT_CLAIM": "unit",
        "LOG_FORMAT": "json",
    }
    env.pop("API_TOKENS", None)
    env.pop("ALLOW_ANONYMOUS", None)
    started = {}
    for name in ("registration", "approval"):
        process = ServiceProcess(name, free_port(), {**env, "PORT": "0"}, folder / f"{name}.log")
        process.env["PORT"] = str(process.port)
        started[name] = process.start()
    for process in started.values():
        process.wait_ready()
    yield started
    for process in started.values():
        process.stop()


def token(provider: OidcProvider, person: str, roles: list[str], **options: object) -> str:
    return provider.service_token(
        person, [], realm_roles=roles, person_claim="preferred_username", **options
    )


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def test_a_leader_signed_in_registers_for_themselves_only(
    services: dict[str, ServiceProcess], oidc_provider: OidcProvider
) -> None:
    url = services["registration"].url
    hung = bearer(token(oidc_provider, "Hung-OIDC", ["registrant"]))
    body = task_body("hung-oidc", "kim-thanh", YEAR)
    answer = httpx.post(f"{url}/tasks", json=body, headers=hung)
    assert answer.status_code == 201, answer.text
    other = httpx.post(f"{url}/tasks", json=task_body("lan", "kim-thanh", YEAR), headers=hung)
    assert other.status_code == 403
    assert other.json()["detail"][0]["type"] == "not_yourself"
    task = httpx.get(f"{url}/tasks/{answer.json()['task_id']}", headers=hung)
    assert task.status_code == 200
    assert task.json()["registrant"]["id"] == "hung-oidc"


def test_the_event_records_the_person_and_role_of_the_token(
    services: dict[str, ServiceProcess], oidc_provider: OidcProvider, redis_url: str
) -> None:
    url = services["registration"].url
    hung = bearer(token(oidc_provider, "hung-actor", ["registrant"]))
    answer = httpx.post(
        f"{url}/tasks", json=task_body("hung-actor", "kim-thanh", YEAR), headers=hung
    )
    assert answer.status_code == 201, answer.text
    prefix = services["registration"].env["STREAM_PREFIX"]
    position = answer.json()["position"]
    [(_, fields)] = redis.Redis.from_url(redis_url).xrange(
        f"{prefix}:tasks:registered", position, position
    )
    document = json.loads(fields[b"event"])
    assert (document["actor"], document["actorrole"]) == ("hung-actor", "registrant")


def test_an_approver_decides_others_tasks_but_not_their_own(
    services: dict[str, ServiceProcess], oidc_provider: OidcProvider
) -> None:
    registration, approval = services["registration"].url, services["approval"].url
    both = bearer(token(oidc_provider, "thu-ky-oidc", ["registrant", "approver"]))
    own = httpx.post(
        f"{registration}/tasks", json=task_body("thu-ky-oidc", "van-phong", YEAR), headers=both
    ).json()["task_id"]
    lan = bearer(token(oidc_provider, "lan-oidc", ["registrant"]))
    theirs = httpx.post(
        f"{registration}/tasks", json=task_body("lan-oidc", "thanh-ha", YEAR), headers=lan
    ).json()["task_id"]
    decision = {"decision": "approve", "decided_by": "Ban Thường vụ"}
    refused = httpx.post(f"{approval}/tasks/{own}/decision", json=decision, headers=both)
    assert refused.status_code == 403
    assert refused.json()["detail"][0]["type"] == "own_task"
    approved = httpx.post(f"{approval}/tasks/{theirs}/decision", json=decision, headers=both)
    assert approved.status_code == 200, approved.text


def test_a_viewer_with_a_unit_sees_only_that_units_pending_tasks(
    services: dict[str, ServiceProcess], oidc_provider: OidcProvider
) -> None:
    registration, approval = services["registration"].url, services["approval"].url
    admin = bearer(token(oidc_provider, "quan-tri-oidc", ["admin"]))
    for leader, unit in (("a-leader", "unit-a"), ("b-leader", "unit-b")):
        created = httpx.post(
            f"{registration}/tasks", json=task_body(leader, unit, YEAR), headers=admin
        )
        assert created.status_code == 201, created.text
    viewer = bearer(token(oidc_provider, "staff-a", ["viewer"], unit="Unit-A"))
    listed = httpx.get(f"{approval}/approvals/pending", params={"year": YEAR}, headers=viewer)
    assert listed.status_code == 200
    units = {task["unit"]["code"] for task in listed.json()}
    assert units == {"unit-a"}
    other = httpx.get(
        f"{approval}/approvals/pending", params={"year": YEAR, "unit": "unit-b"}, headers=viewer
    )
    assert other.status_code == 403


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"ttl": 1}, "expired"),
        ({"audience": "https://another.api"}, "another audience"),
    ],
)
def test_tokens_the_service_must_not_trust_get_401(
    services: dict[str, ServiceProcess],
    oidc_provider: OidcProvider,
    options: dict[str, object],
    words: str,
) -> None:
    bad = token(oidc_provider, "hung", ["registrant"], **options)
    if options.get("ttl"):
        time.sleep(32)  # past the expiry and the verifier's 30 s leeway
    answer = httpx.get(f"{services['registration'].url}/tasks/none", headers=bearer(bad))
    assert answer.status_code == 401
    assert words in answer.json()["detail"][0]["msg"]
    assert answer.headers["www-authenticate"] == "Bearer"


def test_a_token_of_another_issuer_gets_401(
    services: dict[str, ServiceProcess], other_oidc_provider: OidcProvider
) -> None:
    foreign = token(other_oidc_provider, "hung", ["admin"])
    answer = httpx.get(
        f"{services['approval'].url}/approvals/pending?year=2024", headers=bearer(foreign)
    )
    assert answer.status_code == 401
    assert "another issuer" in answer.json()["detail"][0]["msg"]


def test_after_the_provider_rotates_its_key_new_tokens_are_taken(
    services: dict[str, ServiceProcess], oidc_provider: OidcProvider
) -> None:
    url = f"{services['approval'].url}/approvals/pending?year=2024"
    client = oidc_provider.service_client(
        "staff-rotate", [], realm_roles=["viewer"], person_claim="preferred_username"
    )
    assert httpx.get(url, headers=bearer(client.token())).status_code == 200
    oidc_provider.rotate_key()
    assert httpx.get(url, headers=bearer(client.token())).status_code == 200


def test_a_token_without_a_known_role_gets_403(
    services: dict[str, ServiceProcess], oidc_provider: OidcProvider
) -> None:
    nobody = token(oidc_provider, "guest", ["guest"])
    answer = httpx.get(
        f"{services['approval'].url}/approvals/pending?year=2024", headers=bearer(nobody)
    )
    assert answer.status_code == 403
