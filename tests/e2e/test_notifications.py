"""``python -m services.notifications`` as a real process, against a real Redis and a real
SMTP server (aiosmtpd in the test process). The events are written straight into the
streams, two fields each, as any producer would.

What the contract promises, each tested here: a returned, approved or evaluated task mails
its registrant (the roster's e-mail for the task's year) in Vietnamese with the reason, the
decision's reference or the rating; each mail accepted is recorded as ``NotificationSent``;
a leader without e-mail is skipped; none for events appended before the group was first
created; one mail per event, never two across restarts (kill -9); and an SMTP server that
is down is retried, then the event parked with the reason, nothing recorded as sent.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import msgspec
import pytest
import redis

from shared.domain.events import (
    Leader,
    Rating,
    Registrant,
    RosterPublished,
    RosterUnit,
    TaskApproved,
    TaskEvaluated,
    TaskRegistered,
    TaskReturned,
    Unit,
    encode,
    new_event,
)
from tests.support.clock import today
from tests.support.factories import registration_body
from tests.support.redis_server import free_port
from tests.support.services import ServiceProcess
from tests.support.smtp import Catcher, Received, SmtpTestServer, smtp_server

ROOT = Path(__file__).resolve().parents[2]
YEAR = 2024
HUNG = Leader(
    id="pham-quang-hung",
    name="Phạm Quang Hưng",
    position="Chủ tịch UBND huyện Kim Thành",
    level="district_leader",  # type: ignore[arg-type]
    unit="kim-thanh",
    email="hung.pq@kimthanh.example.vn",
)
LAN = Leader(
    id="nguyen-thi-lan",
    name="Nguyễn Thị Lan",
    position="Bí thư Huyện ủy Cẩm Giàng",
    level="district_leader",  # type: ignore[arg-type]
    unit="cam-giang",
    email=None,
)
UNITS = (
    RosterUnit(code="kim-thanh", name="Huyện Kim Thành"),
    RosterUnit(code="cam-giang", name="Huyện Cẩm Giàng"),
)
MAIL_FROM = "Văn phòng Tỉnh ủy <nhiemvu@haiduong.example.vn>"


class Log:
    """The streams of one test's prefix, written and read with plain redis-py."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.client = client
        self.prefix = prefix

    def append(self, data: Any, *, actor: str = "approver-1") -> str:
        """Append an event of ``data``; its id."""
        event = new_event(
            data,
            source="/breakthrough/test",
            correlation_id=str(uuid.uuid4()),
            time=datetime.now(UTC),
            actor=actor,
        )
        stream = {
            "TaskRegistered": "tasks:registered",
            "TaskReturned": "tasks:returned",
            "TaskApproved": "tasks:approved",
            "TaskEvaluated": "tasks:evaluated",
            "RosterPublished": "roster",
        }[event.type]
        self.client.xadd(f"{self.prefix}:{stream}", {"type": event.type, "event": encode(event)})
        return event.id

    def roster(self, *leaders: Leader, year: int = YEAR) -> None:
        self.append(RosterPublished(year=year, units=UNITS, leaders=leaders), actor="admin-1")

    def task(self, leader: Leader, title: str, year: int = YEAR) -> Task:
        """A registered task of ``leader``: its id."""
        task_id = f"t-{uuid.uuid4().hex[:10]}"
        unit = next(u for u in UNITS if u.code == leader.unit)
        body = registration_body(leader.id, year) | {
            "task_id": task_id,
            "title": title,
            "registrant": whose(leader),
            "unit": {"code": unit.code, "name": unit.name},
            "registered_at": datetime.now(UTC).isoformat(),
        }
        self.append(msgspec.convert(body, TaskRegistered, strict=False), actor=leader.id)
        return Task(task_id, leader, Unit(code=unit.code, name=unit.name), year)

    def entries(self, stream: str) -> list[tuple[str, dict[str, Any]]]:
        return [
            (entry_id.decode(), json.loads(fields[b"event"]))
            for entry_id, fields in self.client.xrange(f"{self.prefix}:{stream}")
        ]

    def sent(self) -> list[dict[str, Any]]:
        return [document for _, document in self.entries("notifications")]

    def dead_letters(self) -> list[dict[str, Any]]:
        return [document["data"] for _, document in self.entries("dead-letter")]

    def pending(self, stream: str) -> int:
        summary = self.client.xpending(f"{self.prefix}:{stream}", "notifications")
        return int(summary["pending"])


def whose(leader: Leader) -> dict[str, str]:
    return {
        "id": leader.id,
        "name": leader.name,
        "position": leader.position,
        "level": "district_leader",
    }


@dataclass(frozen=True)
class Task:
    task_id: str
    leader: Leader
    unit: Unit
    year: int

    def facts(self) -> dict[str, Any]:
        """What every 1.2 event of the task carries besides its own fields."""
        registrant = Registrant(
            id=self.leader.id,
            name=self.leader.name,
            position=self.leader.position,
            level=self.leader.level,
        )
        return {
            "task_id": self.task_id,
            "year": self.year,
            "registrant": registrant,
            "unit": self.unit,
            "managed_by": "root",
        }

    def returned(self, reason: str) -> TaskReturned:
        now = datetime.now(UTC)
        return TaskReturned(**self.facts(), decided_by="tt-tinh-uy", reason=reason, returned_at=now)

    def approved(self, reference: str | None = "Quyết định số 123-QĐ/TU") -> TaskApproved:
        now = datetime.now(UTC)
        return TaskApproved(
            **self.facts(), decided_by="tt-tinh-uy", reference=reference, approved_at=now
        )

    def evaluated(self, rating: Rating) -> TaskEvaluated:
        return TaskEvaluated(
            **self.facts(),
            rating=rating,
            decided_by="tt-tinh-uy",
            reference="Kết luận số 45-KL/TU",
            evaluated_at=datetime.now(UTC),
        )


@dataclass
class Notifications:
    """The service under test: started, killed and started again at will."""

    log: Log
    folder: Path
    redis_url: str
    smtp: SmtpTestServer
    process: ServiceProcess | None = None
    runs: int = 0

    def start(self, **settings: str) -> ServiceProcess:
        self.runs += 1
        env = {
            **os.environ,
            "REDIS_URL": self.redis_url,
            "STREAM_PREFIX": self.log.prefix,
            "PORT": str(free_port()),
            "LOG_FORMAT": "json",
            "SMTP_URL": self.smtp.url(),
            "MAIL_FROM": MAIL_FROM,
            "SMTP_TIMEOUT": "3",
            "NOTIFICATION_CONSUMER": "notifications-test",
            "NOTIFICATION_ATTEMPTS": "3",
            "NOTIFICATION_BACKOFF": "0.2",
            "NOTIFICATION_RECLAIM_MS": "12000",
            "PORTAL_URL": "https://portal.haiduong.example.vn",
            **settings,
        }
        port = int(env["PORT"])
        log_path = self.folder / f"notifications-{self.runs}.log"
        self.process = ServiceProcess("notifications", port, env, log_path).start()
        self.process.wait_ready()
        return self.process

    @property
    def service(self) -> ServiceProcess:
        assert self.process is not None
        return self.process

    def lines(self) -> list[dict[str, Any]]:
        """Every JSON log line of every run."""
        found = []
        for path in sorted(self.folder.glob("notifications-*.log")):
            for line in path.read_text(errors="replace").splitlines():
                if line.startswith("{"):
                    found.append(json.loads(line))
        return found

    def said(self, message: str, **fields: Any) -> list[dict[str, Any]]:
        return [
            line
            for line in self.lines()
            if line.get("message") == message and all(line.get(k) == v for k, v in fields.items())
        ]

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()


def eventually(check: Callable[[], Any], timeout: float = 30.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout}s: {what or check}")


@pytest.fixture
def log(redis_url: str, prefix: str) -> Iterator[Log]:
    client = redis.Redis.from_url(redis_url)
    yield Log(client, prefix)
    client.close()


@pytest.fixture
def catcher() -> Catcher:
    return Catcher()


@pytest.fixture
def smtp(catcher: Catcher) -> Iterator[SmtpTestServer]:
    with smtp_server(catcher) as server:
        yield server


@pytest.fixture
def notifications(
    log: Log, smtp: SmtpTestServer, redis_url: str, tmp_path: Path
) -> Iterator[Notifications]:
    service = Notifications(log, tmp_path, redis_url, smtp)
    yield service
    service.stop()


def test_each_decision_mails_the_registrant_in_vietnamese(
    log: Log, notifications: Notifications, catcher: Catcher
) -> None:
    log.roster(HUNG, LAN)
    notifications.start()
    task = log.task(HUNG, "Giải phóng mặt bằng 26 dự án")
    returned = log.append(task.returned("Chỉ tiêu diện tích chưa rõ: ghi số ha cần giải phóng."))
    approved = log.append(task.approved("Quyết định số 123-QĐ/TU"))
    evaluated = log.append(task.evaluated(Rating.good))
    catcher.wait_for(3)

    for mail in catcher.received:
        assert mail.to == "Phạm Quang Hưng <hung.pq@kimthanh.example.vn>"
        assert mail.recipients == ("hung.pq@kimthanh.example.vn",)
        assert mail.body.startswith("Kính gửi Đồng chí Phạm Quang Hưng,\n")
        assert str(mail.message["From"]) == MAIL_FROM

    def about(words: str) -> Received:
        [mail] = [mail for mail in catcher.received if words in mail.subject]
        return mail

    returned_mail = about("được trả lại")
    approved_mail = about("đã được phê duyệt")
    evaluated_mail = about("Kết quả đánh giá")
    assert (
        returned_mail.subject
        == "Nhiệm vụ «Giải phóng mặt bằng 26 dự án» được trả lại để hoàn thiện"
    )
    assert "  Chỉ tiêu diện tích chưa rõ: ghi số ha cần giải phóng.\n" in returned_mail.body
    assert approved_mail.subject == "Nhiệm vụ «Giải phóng mặt bằng 26 dự án» đã được phê duyệt"
    assert "Văn bản phê duyệt: Quyết định số 123-QĐ/TU\n" in approved_mail.body
    assert evaluated_mail.subject == (
        "Kết quả đánh giá nhiệm vụ «Giải phóng mặt bằng 26 dự án»: Hoàn thành tốt nhiệm vụ"
    )
    assert "xếp loại: Hoàn thành tốt nhiệm vụ." in evaluated_mail.body
    assert f"ngày {today():%d/%m/%Y}" in approved_mail.body, "dates as dd/mm/yyyy, in TIMEZONE"
    assert f"https://portal.haiduong.example.vn/tasks/{task.task_id}" in approved_mail.body
    assert "  Đơn vị: Huyện Kim Thành\n" in approved_mail.body

    sent = eventually(lambda: len(log.sent()) == 3 and log.sent(), what="3 NotificationSent")
    assert {d["data"]["event_id"]: d["data"]["kind"] for d in sent} == {
        returned: "returned",
        approved: "approved",
        evaluated: "evaluated",
    }
    schema = json.loads((ROOT / "docs/schemas/NotificationSent.json").read_text())
    for document in sent:
        jsonschema.validate(document, schema)  # the published 1.2 document
        assert document["type"] == "NotificationSent"
        assert document["subject"] == task.task_id
        assert document["actor"] == "notifications"
        assert document["causationid"] == document["data"]["event_id"]
        assert document["taskversion"] is None
        assert document["data"]["task_id"] == task.task_id
        assert document["data"]["leader"] == "pham-quang-hung"
        assert document["data"]["sent_at"].endswith("Z")
    ids = {mail.message["Message-ID"].strip() for mail in catcher.received}
    assert ids == {
        f"<notification.{e}@haiduong.example.vn>" for e in (returned, approved, evaluated)
    }
    for event_id in (returned, approved, evaluated):
        [line] = notifications.said("notification sent", event_id=event_id)
        assert line["leader"] == "pham-quang-hung"
        assert line["service"] == "notifications"
    metrics = httpx.get(f"{notifications.service.url}/metrics").text
    assert 'notifications_total{kind="approved",outcome="sent"} 1.0' in metrics
    assert httpx.get(f"{notifications.service.url}/readyz").json() == {"status": "ready"}


def test_a_leader_without_email_is_skipped_and_logged(
    log: Log, notifications: Notifications, catcher: Catcher
) -> None:
    stranger = Leader(
        id="not-listed",
        name="Trần Văn Ba",
        position="Phó Giám đốc Sở",
        level=HUNG.level,
        unit="kim-thanh",
        email="ba@example.vn",
    )
    log.roster(HUNG, LAN)
    notifications.start()
    lans = log.task(LAN, "Chuyển đổi số trong các cuộc họp")
    no_email = log.append(lans.approved())
    not_listed = log.append(log.task(stranger, "Cải cách hành chính").approved())
    no_roster = log.append(log.task(HUNG, "Nhiệm vụ năm sau", year=2025).approved())
    hungs = log.append(log.task(HUNG, "Giải phóng mặt bằng 26 dự án").approved())
    catcher.wait_for(1)
    eventually(lambda: len(log.sent()) == 1, what="Hưng's NotificationSent")

    [mail] = catcher.received
    assert mail.recipients == ("hung.pq@kimthanh.example.vn",)
    assert [d["data"]["event_id"] for d in log.sent()] == [hungs]
    skipped = {line["event_id"]: line["why"] for line in notifications.said("notification skipped")}
    assert skipped == {no_email: "no_email", not_listed: "not_on_roster", no_roster: "no_roster"}
    assert log.pending("tasks:approved") == 0, "skipped events are acknowledged"
    assert log.dead_letters() == []


def test_no_mail_for_events_appended_before_the_group_was_first_created(
    log: Log, notifications: Notifications, catcher: Catcher
) -> None:
    log.roster(HUNG)
    old = log.task(HUNG, "Nhiệm vụ cũ")
    log.append(old.returned("Bổ sung chỉ tiêu"))
    log.append(old.approved())
    log.append(old.evaluated(Rating.excellent))
    notifications.start()
    new = log.task(HUNG, "Nhiệm vụ mới")
    for_new = [log.append(new.approved()), log.append(new.evaluated(Rating.completed))]
    catcher.wait_for(2)
    eventually(lambda: len(log.sent()) == 2, what="two NotificationSent")
    # each stream is read in order: once the newer entries are mailed, an older one of the
    # same stream never will be
    assert sorted(d["data"]["event_id"] for d in log.sent()) == sorted(for_new)
    assert all("Nhiệm vụ mới" in mail.subject for mail in catcher.received)
    created = notifications.said("consumer group created")
    assert {line["stream"].rsplit(":", 2)[-2:][-1] for line in created} == {
        "returned",
        "approved",
        "evaluated",
    }
    notifications.stop()
    notifications.start()
    assert len(notifications.said("consumer group created")) == 3, "made on the first start only"


def test_one_mail_per_event_across_kill_9(
    log: Log, notifications: Notifications, catcher: Catcher
) -> None:
    log.roster(HUNG)
    task = log.task(HUNG, "Giải phóng mặt bằng 26 dự án")
    notifications.start()
    first = [log.append(task.returned("Làm rõ chỉ tiêu")), log.append(task.approved())]
    catcher.wait_for(2)
    eventually(lambda: len(log.sent()) == 2, what="both recorded")
    notifications.service.kill()
    notifications.start()
    # the first event's entry again (a replay, a producer's retry): known, not mailed
    [(_, fields)] = log.client.xrange(f"{log.prefix}:tasks:returned")
    log.client.xadd(f"{log.prefix}:tasks:returned", fields)
    eventually(lambda: notifications.said("notification known", event_id=first[0]))
    later = log.append(task.evaluated(Rating.excellent))
    catcher.wait_for(3)
    eventually(lambda: len(log.sent()) == 3, what="the third recorded")
    ids = [mail.message["Message-ID"].strip() for mail in catcher.received]
    assert sorted(ids) == sorted(f"<notification.{e}@haiduong.example.vn>" for e in [*first, later])


def test_a_delivery_killed_while_retrying_is_taken_up_again_and_mailed_once(
    log: Log, notifications: Notifications, catcher: Catcher
) -> None:
    log.roster(HUNG)
    task = log.task(HUNG, "Giải phóng mặt bằng 26 dự án")
    catcher.answer = "451 4.3.0 try again later"
    # a long wait after the first failure: the process is killed during it
    notifications.start(NOTIFICATION_BACKOFF="60", NOTIFICATION_RECLAIM_MS="200000")
    event_id = log.append(task.approved())
    eventually(lambda: notifications.said("mail failed, retrying", event_id=event_id))
    notifications.service.kill()
    assert log.pending("tasks:approved") == 1, "neither acknowledged nor recorded"
    assert log.sent() == []
    catcher.answer = None
    # started again with a short reclaim: the entry, idle since the killed delivery, is
    # taken up by the new process and mailed
    notifications.start(NOTIFICATION_RECLAIM_MS="3000", SMTP_TIMEOUT="0.5")
    catcher.wait_for(1)
    eventually(lambda: len(log.sent()) == 1, what="recorded")
    eventually(lambda: log.pending("tasks:approved") == 0, what="acknowledged")
    assert [d["data"]["event_id"] for d in log.sent()] == [event_id]
    assert catcher.count("attempts") == 2, "one refused before the kill, one accepted after"


def test_killed_while_the_server_held_the_message_it_is_parked_not_sent_twice(
    log: Log, notifications: Notifications, catcher: Catcher
) -> None:
    """The crash window: the server has the message, the process dies before its answer.
    Whether the mail was delivered is unknown; it is never sent a second time, and the
    dead letter says so (an operator decides)."""
    log.roster(HUNG)
    task = log.task(HUNG, "Giải phóng mặt bằng 26 dự án")
    catcher.hold = threading.Event()
    notifications.start(NOTIFICATION_RECLAIM_MS="200000")
    event_id = log.append(task.approved())
    catcher.wait_for(1, what="handed")
    notifications.service.kill()  # the server has the whole message, and no answer went
    catcher.hold.set()
    catcher.hold = None
    notifications.start(NOTIFICATION_RECLAIM_MS="3000", SMTP_TIMEOUT="0.5")
    [dead] = eventually(log.dead_letters, what="parked")
    assert dead["group"] == "notifications"
    assert json.loads(dead["fields"]["event"])["id"] == event_id
    assert dead["error"].startswith("uncertain: notifications-test began handing this mail")
    assert "it may have been delivered, so it is not sent again" in dead["error"]
    eventually(lambda: log.pending("tasks:approved") == 0, what="acknowledged once parked")
    assert catcher.count("handed") == 1, "not handed over a second time"
    assert log.sent() == []
    [line] = notifications.said("notification parked", event_id=event_id)
    assert line["reason"] == dead["error"]


def test_smtp_down_is_retried_then_parked_with_the_reason_and_replayable(
    log: Log, notifications: Notifications, catcher: Catcher, redis_url: str
) -> None:
    log.roster(HUNG)
    task = log.task(HUNG, "Giải phóng mặt bằng 26 dự án")
    notifications.smtp.stop()  # the server is down: nothing listens on its port
    notifications.start()
    event_id = log.append(task.approved())
    [dead] = eventually(log.dead_letters, what="parked")
    port = notifications.smtp.port
    assert dead["error"].startswith(f"not sent (3 attempts): connecting to smtp://127.0.0.1:{port}")
    assert dead["stream"] == f"{log.prefix}:tasks:approved"
    assert json.loads(dead["fields"]["event"])["id"] == event_id
    retries = notifications.said("mail failed, retrying", event_id=event_id)
    assert [line["attempt"] for line in retries] == [1, 2]
    assert log.sent() == []
    assert log.pending("tasks:approved") == 0, "parked, then acknowledged"
    metrics = httpx.get(f"{notifications.service.url}/metrics").text
    assert 'notifications_total{kind="approved",outcome="parked"} 1.0' in metrics
    assert 'mail_failures_total{error="MailUnreachable"} 3.0' in metrics

    # the server back, an operator replays the dead letter: mailed once
    notifications.smtp.start()
    [dead_id] = [entry_id for entry_id, _ in log.entries("dead-letter")]
    replay = subprocess.run(
        [sys.executable, "-m", "shared.log.dead_letters", "replay", dead_id, "--by", "admin-1"],
        env={**os.environ, "REDIS_URL": redis_url, "STREAM_PREFIX": log.prefix},
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert re.match(rf"{dead_id} -> \d+-\d+", replay.stdout)
    catcher.wait_for(1)
    eventually(lambda: len(log.sent()) == 1, what="recorded after the replay")
    assert log.sent()[0]["data"]["event_id"] == event_id


def test_an_entry_that_is_no_event_is_parked_and_the_next_is_mailed(
    log: Log, notifications: Notifications, catcher: Catcher
) -> None:
    log.roster(HUNG)
    notifications.start()
    log.client.xadd(f"{log.prefix}:tasks:approved", {"type": "TaskApproved", "event": "{oops"})
    good = log.append(log.task(HUNG, "Giải phóng mặt bằng").approved())
    catcher.wait_for(1)
    [dead] = eventually(log.dead_letters, what="parked")
    assert dead["error"].startswith("not a valid event: invalid TaskApproved document")
    eventually(lambda: [d["data"]["event_id"] for d in log.sent()] == [good])


def test_ready_only_while_every_subscriber_runs(log: Log, notifications: Notifications) -> None:
    service = notifications.start()
    assert httpx.get(f"{service.url}/readyz").status_code == 200
    assert httpx.get(f"{service.url}/healthz").json() == {"status": "alive"}
    log.client.xgroup_destroy(f"{log.prefix}:tasks:evaluated", "notifications")

    def not_ready() -> Any:
        answer = httpx.get(f"{service.url}/readyz")
        return answer.status_code == 503 and answer.json()

    body = eventually(not_ready, what="503 once the group is gone")
    assert body["status"] == "not ready"
    assert f"the subscriber of {log.prefix}:tasks:evaluated stopped" in body["reason"]


def test_without_a_mail_server_it_refuses_to_start_and_says_why(
    redis_url: str, prefix: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "MAIL_"))}
    env |= {"REDIS_URL": redis_url, "STREAM_PREFIX": prefix, "LOG_FORMAT": "json"}
    env |= {"PORT": str(free_port())}
    done = subprocess.run(
        [sys.executable, "-m", "services.notifications"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    [line] = [json.loads(x) for x in done.stderr.splitlines() if "refusing to start" in x]
    assert line["reason"] == (
        "notifications cannot mail anyone: SMTP_URL is not set: no mail server to send through"
    )
