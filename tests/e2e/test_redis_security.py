"""Redis with a password and TLS, through REDIS_URL alone (rediss://:password@host/0?...)."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
import trustme

from tests.e2e.helpers import decide, leader, register, task_body, wait_status
from tests.support.redis_server import PrivateRedis
from tests.support.services import start_system


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


def test_the_whole_flow_over_tls_with_a_password(tls_redis: PrivateRedis, tmp_path: Path) -> None:
    tls_redis.start()
    services = start_system(tls_redis.url, f"tls{uuid.uuid4().hex[:6]}", tmp_path / "services")
    try:
        registration = httpx.Client(base_url=services["registration"].url)
        approval = httpx.Client(base_url=services["approval"].url)
        created = register(registration, task_body(leader(), "tls-unit"))
        assert decide(approval, created["task_id"], decision="approve").status_code == 200
        wait_status(registration, created["task_id"], "approved")
        report = httpx.get(
            f"{services['reporting'].url}/reports/2024",
            params={"unit": "tls-unit", "after": created["position"]},
        ).json()
        assert report["tasks"]["approved"] == 1
        for service in services.values():
            assert "correct-horse-battery" not in service.logs(tail=None)
    finally:
        for service in services.values():
            service.stop()
        tls_redis.stop()


def test_a_wrong_password_keeps_the_service_up_and_not_ready(
    tls_redis: PrivateRedis, tmp_path: Path
) -> None:
    tls_redis.start()
    wrong = tls_redis.url.replace("correct-horse-battery", "wrong-password")
    try:
        with pytest.raises(TimeoutError) as never_ready:
            start_system(wrong, f"tls{uuid.uuid4().hex[:6]}", tmp_path / "services", ready_within=4)
        assert "WRONGPASS" in str(never_ready.value) or "invalid" in str(never_ready.value).lower()
        assert "wrong-password" not in str(never_ready.value)
    finally:
        tls_redis.stop()
