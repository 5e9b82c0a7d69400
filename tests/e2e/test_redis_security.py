"""Redis with a password and TLS, through REDIS_URL alone (rediss://:password@host/0?...)."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import httpx
import pytest
import trustme

from tests.e2e.conftest import secured_system
from tests.e2e.helpers import approve, leader, progress_body, register, task, task_body
from tests.support.people import ADMIN, api_tokens
from tests.support.redis_server import PrivateRedis
from tests.support.services import WRITERS, launch


@pytest.fixture
def tls_redis(tmp_path: Path) -> PrivateRedis:
    authority = trustme.CA()
    issued = authority.issue_cert("127.0.0.1", "localhost")
    certificate, key, ca = tmp_path / "redis.crt", tmp_path / "redis.key", tmp_path / "ca.pem"
    issued.cert_chain_pems[0].write_to_path(str(certificate))
    issued.private_key_pem.write_to_path(str(key))
    authority.cert_pem.write_to_path(str(ca))
    return PrivateRedis(
        tmp_path / "data", password="correct-horse-battery", tls=(certificate, key, ca)
    )


def test_the_writers_work_over_tls_with_a_password(tls_redis: PrivateRedis, tmp_path: Path) -> None:
    tls_redis.start()
    system = secured_system(tls_redis.url, tmp_path / "services", f"tls{uuid.uuid4().hex[:6]}")
    try:
        created = register(system.registration, ADMIN, task_body(leader(), "tls-unit"))
        approve(system.approval, created["task_id"])
        logged = system.registration.post(
            f"/tasks/{created['task_id']}/progress", json=progress_body(), headers=ADMIN.headers
        )
        assert logged.status_code == 201, logged.text
        assert task(system.registration, created["task_id"], ADMIN)["status"] == "approved"
        for service in system.services.values():
            assert "correct-horse-battery" not in service.logs(tail=None)
    finally:
        system.close()
        tls_redis.stop()


WRITES = {
    "registration": ("/tasks/t-1/withdrawal", {"reason": "x"}),
    "approval": ("/tasks/t-1/decision", {"decision": "approve", "decided_by": "x"}),
}


def test_a_wrong_password_keeps_the_services_up_and_not_ready(
    tls_redis: PrivateRedis, tmp_path: Path
) -> None:
    tls_redis.start()
    wrong = tls_redis.url.replace("correct-horse-battery", "wrong-password")
    services = launch(
        wrong,
        f"tls{uuid.uuid4().hex[:6]}",
        tmp_path / "services",
        services=WRITERS,
        API_TOKENS=api_tokens(),
        ALLOW_ANONYMOUS="false",
    )
    try:
        for service in services.values():
            service.wait_answering()
            ready = httpx.get(f"{service.url}/readyz", timeout=10)
            assert ready.status_code == 503
            reason = ready.json()["reason"]
            assert "WRONGPASS" in reason or "invalid" in reason.lower(), reason
            assert "wrong-password" not in reason + service.logs(tail=None)
            path, body = WRITES[service.name]
            write = httpx.post(f"{service.url}{path}", json=body, headers=ADMIN.headers)
            assert write.status_code == 503, write.text
        time.sleep(1)
        assert all(service.alive for service in services.values()), "no service exits"
    finally:
        for service in services.values():
            service.stop()
        tls_redis.stop()
