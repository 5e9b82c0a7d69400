"""The system behind the portal's browser tests: the three services and the portal as real
processes against the tests' private Redis, trusting static tokens (one per role, and one
per leader so that tests never share a leader's quota) and, when Node.js is here, the test
OpenID provider; and the calls that put tasks in the state a test starts from."""

from __future__ import annotations

import os
import secrets
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.support import clock
from tests.support.oidc import OidcProvider
from tests.support.redis_server import free_port
from tests.support.services import ServiceProcess
from tests.support.smtp import SmtpTestServer

SERVICES = ("registration", "approval", "reporting")
DISTRICT = "huyen-uy-kim-thanh"
"""The committee of the district secretariat's token (a year's committees name it)."""
PEOPLE = {
    "admin": ("admin", "quan-tri-e2e", None),
    "approver": ("approver", "thu-ky-e2e", None),
    "viewer": ("viewer", "nhan-vien-e2e", None),
    "district": ("approver", "thu-ky-kim-thanh-e2e", DISTRICT),
}
MAIL_FROM = "Văn phòng Tỉnh ủy <nhiemvu@haiduong.example.vn>"
LEADERS = [f"lanh-dao-{number:02d}" for number in range(1, 100)]
TODAY = clock.today()  # the programme's, in the session's TIMEZONE
YEAR = TODAY.year


def token_of(name: str) -> str:
    return f"portal-e2e-{name}-0123456789"


def api_tokens() -> str:
    entries = [
        f"{role}:{token_of(name)}:{person}" + (f":{committee}" if committee else "")
        for name, (role, person, committee) in PEOPLE.items()
    ]
    entries += [f"registrant:{token_of(leader)}:{leader}" for leader in LEADERS]
    return ",".join(entries)


class ReportingCannotStart(RuntimeError):
    """The reporting service of this branch does not start: the portal's pages need it."""


class PortalSystem:
    def __init__(
        self,
        redis_url: str,
        folder: Path,
        provider: OidcProvider | None,
        smtp: SmtpTestServer | None = None,
    ) -> None:
        self.redis_url = redis_url
        self.smtp = smtp
        self.folder = folder
        self.provider = provider
        self.prefix = f"portal{uuid.uuid4().hex[:8]}"
        self.services: dict[str, ServiceProcess] = {}
        self.portal: ServiceProcess | None = None
        self._leaders = iter(LEADERS)
        self._base: dict[str, str] = {}
        self.session_key = folder / "session-key"

    @property
    def url(self) -> str:
        assert self.portal is not None
        return self.portal.url

    def start(self) -> PortalSystem:
        base = {
            **os.environ,
            "REDIS_URL": self.redis_url,
            "STREAM_PREFIX": self.prefix,
            "HOST": "127.0.0.1",
            "LOG_FORMAT": "json",
            "API_TOKENS": api_tokens(),
        }
        base.pop("ALLOW_ANONYMOUS", None)
        if self.smtp is not None:  # approval mails reminders through it
            base |= {"SMTP_URL": self.smtp.url(), "MAIL_FROM": MAIL_FROM}
        if self.provider is not None:
            base |= {
                "OIDC_ISSUER": self.provider.issuer,
                "OIDC_AUDIENCE": self.provider.audience,
                "OIDC_PERSON_CLAIM": "preferred_username",
                "OIDC_ROLES_CLAIM": "realm_access.roles",
                "OIDC_UNIT_CLAIM": "unit",
                "OIDC_COMMITTEE_CLAIM": "committee",
            }
        for name in SERVICES:
            port = free_port()
            env = base | {"PORT": str(port)}
            self.services[name] = ServiceProcess(name, port, env, self.folder / f"{name}.log")
            self.services[name].start()
        try:
            for name, service in self.services.items():
                try:
                    service.wait_ready(timeout=60)
                except (RuntimeError, TimeoutError) as error:
                    if name == "reporting":
                        raise ReportingCannotStart(service.logs(1500)) from error
                    raise
            self._base = base
            self.session_key.write_text(secrets.token_urlsafe(48))
            self.session_key.chmod(0o600)
            self.portal = self._start_portal(base)
        except BaseException:
            self.stop()
            raise
        return self

    def _start_portal(
        self,
        base: dict[str, str],
        name: str = "portal",
        client: dict[str, Any] | None = None,
        **settings: str,
    ) -> ServiceProcess:
        """A portal process on the services; ``client``: options of its OpenID client at
        the tests' provider (refresh tokens always); ``settings``: environment to add."""
        port = free_port()
        public = f"http://127.0.0.1:{port}"
        env = {key: value for key, value in base.items() if not key.startswith("OIDC_")}
        env.pop("API_TOKENS", None)
        env |= {
            "PORT": str(port),
            "REGISTRATION_URL": self.services["registration"].url,
            "APPROVAL_URL": self.services["approval"].url,
            "REPORTING_URL": self.services["reporting"].url,
            "PUBLIC_URL": public,
            "TOKEN_SIGN_IN": "link",
            "SESSION_KEY_FILE": str(self.session_key),
        }
        if self.provider is not None:
            client_id = self.provider.browser_client(
                f"{public}/sign-in/callback", refresh=True, **(client or {})
            )
            env |= {
                "OIDC_ISSUER": self.provider.issuer,
                "OIDC_AUDIENCE": self.provider.audience,
                "OIDC_CLIENT_ID": client_id,
            }
        env |= settings
        portal = ServiceProcess("portal", port, env, self.folder / f"{name}.log").start()
        portal.wait_ready(timeout=30)
        return portal

    @contextmanager
    def another_portal(
        self, client: dict[str, Any] | None = None, **settings: str
    ) -> Iterator[ServiceProcess]:
        """A second portal on the same services and sessions' Redis, with other settings
        (a time zone, an OpenID client whose tokens are short-lived...), for one test."""
        portal = self._start_portal(self._base, "portal-2", client, **settings)
        try:
            yield portal
        finally:
            portal.stop()

    def stop(self) -> None:
        for process in [self.portal, *self.services.values()]:
            if process is not None:
                process.stop()

    def leader(self) -> str:
        """A leader no other test has used (their own quota of live tasks)."""
        return next(self._leaders)

    @contextmanager
    def client(self, service: str, name: str) -> Iterator[httpx.Client]:
        headers = {"Authorization": f"Bearer {token_of(name)}"}
        with httpx.Client(base_url=self.services[service].url, headers=headers, timeout=15) as c:
            yield c

    def call(self, service: str, name: str, method: str, path: str, **options: Any) -> Any:
        with self.client(service, name) as client:
            answer = client.request(method, path, **options)
        assert answer.is_success, f"{method} {path}: {answer.status_code} {answer.text}"
        return answer.json()

    def register(
        self,
        leader: str,
        *,
        year: int = YEAR,
        unit: tuple[str, str] = ("kim-thanh", "Huyện Kim Thành"),
        title: str | None = None,
        category: str = "socio_economic",
        targets: list[dict[str, Any]] | None = None,
        recorded_at: str | None = None,
        from_roster: bool = False,
        continues: str | None = None,
    ) -> str:
        """A task of ``leader``'s, registered by them now, or (``recorded_at``, an RFC 3339
        moment) imported by an admin as a record of that moment; ``from_roster``: who they
        are and their unit left to the year's roster; ``continues``: an earlier task."""
        body = {
            "year": year,
            "registrant": {
                "id": leader,
                "name": f"Lãnh đạo {leader[-2:]}",
                "position": "Phó Chủ tịch UBND huyện",
                "level": "district_leader",
            },
            "unit": {"code": unit[0], "name": unit[1]},
            "title": title or f"Giải phóng mặt bằng các dự án trọng điểm ({leader})",
            "category": category,
            "kind": "breakthrough",
            "targets": targets
            or [
                {"metric": "Dự án hoàn thành GPMB", "unit": "dự án", "target": 26},
                {"metric": "Diện tích GPMB", "unit": "ha", "target": 287.5},
            ],
            "deadline": f"{year}-12-31",
        }
        if from_roster:
            body["registrant"] = {"id": leader}
            del body["unit"]
        if continues is not None:
            body["continues"] = continues
        caller, headers = leader, {}
        if recorded_at is not None:
            caller, headers = "admin", {"Recorded-At": recorded_at}
        answer = self.call("registration", caller, "POST", "/tasks", json=body, headers=headers)
        self.settle(answer["task_id"], answer["position"])
        task_id: str = answer["task_id"]
        return task_id

    def publish(
        self,
        year: int,
        *,
        committees: list[dict[str, Any]] | None = None,
        roster: dict[str, Any] | None = None,
    ) -> None:
        """The year's committees and roster, as an admin publishes them."""
        if committees is not None:
            body = {"committees": committees}
            self.call("registration", "admin", "PUT", f"/committees/{year}", json=body)
        if roster is not None:
            self.call("registration", "admin", "PUT", f"/roster/{year}", json=roster)

    def decide(
        self, task_id: str, decision: str, *, recorded_at: str | None = None, **fields: Any
    ) -> None:
        """The committee's decision, now (as the secretary), or (``recorded_at``) imported
        by an admin as a record of that moment."""
        body = {"decision": decision, "decided_by": "Ban Thường vụ Tỉnh ủy", **fields}
        caller, headers = str(fields.pop("by", "approver")), {}
        if recorded_at is not None:
            caller, headers = "admin", {"Recorded-At": recorded_at}
        path = f"/tasks/{task_id}/decision"
        answer = self.call("approval", caller, "POST", path, json=body, headers=headers)
        self.settle(task_id, answer["position"])

    def report_progress(self, task_id: str, leader: str, actuals: list[dict[str, Any]]) -> None:
        body = {"reported_at": TODAY.isoformat(), "status": "in_progress", "actuals": actuals}
        answer = self.call("registration", leader, "POST", f"/tasks/{task_id}/progress", json=body)
        self.settle(task_id, answer["position"])

    def settle(self, task_id: str, position: str) -> None:
        """Wait until reporting (and registration, for decisions) show this write."""
        self.call("reporting", "viewer", "GET", f"/tasks/{task_id}", params={"after": position})

    def task(self, task_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self.call("reporting", "viewer", "GET", f"/tasks/{task_id}")
        return found

    def wait_status(self, task_id: str, stage: str, within: float = 10) -> dict[str, Any]:
        deadline = time.monotonic() + within
        while True:
            task = self.task(task_id)
            if task["stage"] == stage or time.monotonic() > deadline:
                return task
            time.sleep(0.1)
