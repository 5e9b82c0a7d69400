"""``POST /reminders`` against a real SMTP server: who is mailed and who is skipped (and why),
one reminder of a kind a day, a ``ReminderSent`` per mail accepted and none for one refused,
the server down or unset (503, nothing recorded), and reporting's ``reminded_at``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import System, secured_system
from tests.e2e.helpers import (
    DECIDED_BY,
    documents,
    publish_roster,
    register,
    task_body,
)
from tests.support.clock import local_moment
from tests.support.people import ADMIN, APPROVER, VIEWER
from tests.support.services import SERVICES
from tests.support.smtp import Catcher, SmtpTestServer, smtp_server

YEAR = 2018  # a year of this module's own
UNIT = "kim-thanh"


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpTestServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def mailing(
    redis_url: str, tmp_path_factory: pytest.TempPathFactory, smtp: SmtpTestServer
) -> Iterator[System]:
    running = secured_system(
        redis_url,
        tmp_path_factory.mktemp("reminders"),
        f"remind{uuid.uuid4().hex[:8]}",
        services=SERVICES,
        SMTP_URL=smtp.url(),
        MAIL_FROM="Ban Tổ chức Tỉnh ủy <nhiemvu@haiduong.example.vn>",
    )
    yield running
    running.close()


def leader(
    ident: str, name: str, email: str | None, managed_by: str | None = "tinh-uy"
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": ident,
        "name": name,
        "position": "Trưởng phòng",
        "level": "department_head",
        "unit": UNIT,
    }
    entry |= {"managed_by": managed_by} if managed_by else {}
    return entry | ({"email": email} if email else {})


@pytest.fixture(scope="module")
def programme(mailing: System) -> dict[str, str]:
    """The year's committees and roster; a task of Bình's, approved early in the year (an
    import) and never reported on since: stale."""
    committees = {
        "committees": [
            {"code": "tinh-uy", "name": "Ban Thường vụ Tỉnh ủy", "parent": None},
            {"code": "huyen-uy", "name": "Ban Thường vụ Huyện ủy", "parent": "tinh-uy"},
        ]
    }
    answer = mailing.registration.put(f"/committees/{YEAR}", json=committees, headers=ADMIN.headers)
    assert answer.status_code == 200, answer.text
    roster = {
        "units": [{"code": UNIT, "name": "Huyện Kim Thành"}],
        "leaders": [
            leader("an", "Nguyễn Văn An", "an@kimthanh.example.vn"),
            leader("binh", "Trần Thị Bình", "binh@kimthanh.example.vn"),
            leader("cuong", "Lê Văn Cường", None),
            leader("dung", "Phạm Văn Dũng", "dung@kimthanh.example.vn", managed_by="huyen-uy"),
        ],
    }
    publish_roster(mailing.registration, YEAR, roster)
    body = task_body("binh", UNIT, year=YEAR)
    body["registrant"] = {"id": "binh"}
    del body["unit"]
    task = register(mailing.registration, ADMIN, body, imported=True)["task_id"]
    decided = mailing.approval.post(
        f"/tasks/{task}/decision",
        json={"decision": "approve", "decided_by": DECIDED_BY, "reference": "QĐ 1"},
        headers=ADMIN.headers | {"Recorded-At": local_moment(date(YEAR, 2, 1), 9)},
    )
    assert decided.status_code == 200, decided.text
    return {"task": task}


def remind(system: System, kind: str, leaders: list[str], **extra: Any) -> Any:
    body = {"year": YEAR, "kind": kind, "leaders": leaders, **extra}
    return system.approval.post("/reminders", json=body, headers=APPROVER.headers)


def reminders(system: System) -> list[dict[str, Any]]:
    return [document for _, document in documents(system.redis, system.prefix, "reminders")]


def test_each_leader_missing_is_mailed_once_and_the_others_are_skipped_saying_why(
    mailing: System, programme: dict[str, str], smtp: SmtpTestServer
) -> None:
    before = smtp.catcher.count()
    answer = remind(mailing, "not_registered", ["an", "binh", "cuong", "dung", "ai-khac", "AN"])
    assert answer.status_code == 202, answer.text
    body = answer.json()
    position = body["position"]
    assert body == {
        "position": position,
        "sent": 1,
        "skipped": [
            {"leader": "binh", "why": "not_missing"},
            {"leader": "cuong", "why": "no_email"},
            {"leader": "dung", "why": "other_committee"},
            {"leader": "ai-khac", "why": "not_on_roster"},
        ],
    }
    smtp.catcher.wait_for(before + 1)
    mail = smtp.catcher.received[-1]
    assert mail.recipients == ("an@kimthanh.example.vn",)
    assert "Đồng chí Nguyễn Văn An" in mail.body
    assert str(YEAR) in mail.subject
    [sent] = [d for d in reminders(mailing) if d["data"]["leader"] == "an"]
    assert (sent["data"]["kind"], sent["actor"], sent["actorrole"]) == (
        "not_registered",
        APPROVER.person,
        "approver",
    )
    [entry] = [p for p, d in documents(mailing.redis, mailing.prefix, "reminders") if d == sent]
    assert position == entry, "the answer names where the reminder was written"
    again = remind(mailing, "not_registered", ["an"])
    assert again.json() == {
        "sent": 0,
        "skipped": [{"leader": "an", "why": "already_today"}],
        "position": None,
    }
    assert smtp.catcher.count() == before + 1, "never twice a day"
    assert len([d for d in reminders(mailing) if d["data"]["leader"] == "an"]) == 1


def test_a_stale_task_is_named_in_its_leaders_reminder_and_reporting_shows_when(
    mailing: System, programme: dict[str, str], smtp: SmtpTestServer
) -> None:
    before = smtp.catcher.count()
    answer = remind(mailing, "no_recent_progress", ["binh", "an"])
    body = answer.json()
    assert body == {
        "sent": 1,
        "skipped": [{"leader": "an", "why": "not_missing"}],
        "position": body["position"],
    }
    assert body["position"] is not None
    smtp.catcher.wait_for(before + 1)
    mail = smtp.catcher.received[-1]
    assert mail.recipients == ("binh@kimthanh.example.vn",)
    assert "Giải phóng mặt bằng 26 dự án" in mail.body
    [sent] = [d for d in reminders(mailing) if d["data"]["kind"] == "no_recent_progress"]
    assert sent["data"]["task_ids"] == [programme["task"]]

    missing = mailing.reporting.get(
        f"/reports/{YEAR}/missing", params={"after": body["position"]}, headers=VIEWER.headers
    ).json()
    [stale] = missing["no_recent_progress"]
    assert stale["reminded_at"] is not None, "read once reporting holds the reminder"
    registered = {item["leader"]["id"]: item for item in missing["not_registered"]}
    assert registered["an"]["reminded_at"] is not None
    assert registered["cuong"]["reminded_at"] is None


def test_the_server_down_is_a_503_with_the_reason_and_no_event(
    redis_url: str, tmp_path: Path, smtp: SmtpTestServer
) -> None:
    down = Catcher(answer="421 4.3.2 shutting down")
    with smtp_server(down) as refusing:
        system = secured_system(
            redis_url,
            tmp_path,
            f"remind{uuid.uuid4().hex[:8]}",
            SMTP_URL=refusing.url(),
            MAIL_FROM="nhiemvu@haiduong.example.vn",
        )
        try:
            roster = {
                "units": [{"code": UNIT, "name": "Huyện Kim Thành"}],
                "leaders": [leader("an", "Nguyễn Văn An", "an@kimthanh.example.vn", None)],
            }
            publish_roster(system.registration, YEAR, roster)
            answer = remind(system, "not_registered", ["an"])
            assert answer.status_code == 503, answer.text
            assert answer.headers["Retry-After"]
            assert "421" in answer.json()["detail"][0]["msg"]
            assert reminders(system) == []
            down.answer = None
            assert remind(system, "not_registered", ["an"]).json()["sent"] == 1, (
                "the claim was given back: the leader is mailed once the server takes it"
            )
        finally:
            system.close()


def test_without_a_mail_server_reminders_are_a_503_saying_so(
    redis_url: str, tmp_path: Path
) -> None:
    system = secured_system(redis_url, tmp_path, f"remind{uuid.uuid4().hex[:8]}")
    try:
        answer = remind(system, "not_registered", ["an"])
        assert answer.status_code == 503
        assert "SMTP_URL" in answer.json()["detail"][0]["msg"]
        assert reminders(system) == []
    finally:
        system.close()
