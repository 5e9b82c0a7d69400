"""People, not tokens (contract 1.1): every token stands for a person, who acts only as the
rules let them, and every event records who made it (read back with plain XRANGE).

Issue 11's first two failures: a registrant token registered tasks *as another leader*
(filling that leader's quota) and logged progress on a third person's task; an approver
approved a task they had registered themselves.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import System
from tests.e2e.helpers import (
    DECIDED_BY,
    approve,
    decide,
    document_at,
    nothing_written,
    of_task,
    progress_body,
    refused,
    register,
    task,
    task_body,
    today,
)
from tests.support.people import (
    ADMIN,
    APPROVER,
    OTHER_APPROVER,
    SERVICE_APPROVER,
    VIEWER,
    Caller,
    Pool,
)


@pytest.fixture
def lan(pool: Pool) -> Caller:
    """Another registrant, with a quota of her own."""
    return pool.registrant()


@pytest.fixture
def member(pool: Pool) -> tuple[Caller, Caller]:
    """A member of the committee who also registers tasks: (as approver, as registrant)."""
    return pool.member()


THIS_YEAR = today().year


def registered(system: System, who: Caller, unit_code: str, **overrides: Any) -> str:
    task_id: str = register(system.registration, who, task_body(who, unit_code, **overrides))[
        "task_id"
    ]
    return task_id


def approved(system: System, who: Caller, unit_code: str) -> str:
    """Registered by ``who`` this year (so that their reports may bear today's date, the day
    they registered it), then approved."""
    task_id = registered(system, who, unit_code, year=today().year)
    approve(system.approval, task_id)
    return task_id


def reported_today(**overrides: Any) -> dict[str, Any]:
    """A progress report of a task of this year, dated today."""
    return progress_body(reported_at=today().isoformat(), **overrides)


# --- a registrant acts only for themselves ---------------------------------------------------


def test_a_registrant_registers_for_themselves(
    system: System, registrant: Caller, unit_code: str
) -> None:
    created = register(system.registration, registrant, task_body(registrant, unit_code))
    document = document_at(system.redis, system.prefix, "tasks:registered", created["position"])
    assert document["data"]["registrant"]["id"] == registrant.id
    assert document["actor"] == registrant.id
    assert document["actorrole"] == "registrant"


def test_a_registrant_cannot_register_as_another_leader_nor_fill_their_quota(
    system: System, registrant: Caller, lan: Caller, unit_code: str
) -> None:
    with nothing_written(system.redis, system.prefix):
        for title in ("Một", "Hai"):
            answer = system.registration.post(
                "/tasks", json=task_body(lan, unit_code, title=title), headers=registrant.headers
            )
            problems = refused(answer, 403, "not_yourself")
            assert problems[0]["loc"] == ["body", "registrant", "id"]
    for title in ("Một", "Hai"):
        register(system.registration, lan, task_body(lan, unit_code, title=title))


@pytest.mark.parametrize(
    ("route", "method", "body"),
    [
        ("progress", "POST", progress_body(status="completed")),
        ("self-assessment", "POST", {"rating": "excellent", "summary": "Vượt chỉ tiêu"}),
    ],
    ids=["progress", "self-assessment"],
)
def test_a_registrant_cannot_write_on_anothers_approved_task(
    system: System,
    registrant: Caller,
    lan: Caller,
    unit_code: str,
    route: str,
    method: str,
    body: dict[str, Any],
) -> None:
    task_id = approved(system, lan, unit_code)
    with nothing_written(system.redis, system.prefix):
        answer = system.registration.request(
            method, f"/tasks/{task_id}/{route}", json=body, headers=registrant.headers
        )
        refused(answer, 403, "not_yours", lan.id)
    shown = task(system.registration, task_id, lan)
    assert shown["progress"]["status"] is None
    assert shown["self_assessment"] is None


def test_a_registrant_cannot_amend_anothers_task(
    system: System, registrant: Caller, lan: Caller, unit_code: str
) -> None:
    task_id = registered(system, lan, unit_code)
    with nothing_written(system.redis, system.prefix):
        answer = system.registration.put(
            f"/tasks/{task_id}",
            json=task_body(lan, unit_code, title="Đổi bởi người khác"),
            headers=registrant.headers,
        )
        refused(answer, 403, "not_yours")
    assert task(system.registration, task_id, lan)["amendments"] == 0


def test_a_registrant_cannot_withdraw_anothers_task(
    system: System, registrant: Caller, lan: Caller, unit_code: str
) -> None:
    task_id = registered(system, lan, unit_code)
    with nothing_written(system.redis, system.prefix):
        answer = system.registration.post(
            f"/tasks/{task_id}/withdrawal", json={"reason": "không"}, headers=registrant.headers
        )
        refused(answer, 403, "not_yours")
    assert task(system.registration, task_id, lan)["status"] == "pending"


def test_a_registrant_sees_their_own_task_but_not_anothers(
    system: System, registrant: Caller, lan: Caller, unit_code: str
) -> None:
    task_id = registered(system, lan, unit_code)
    assert task(system.registration, task_id, lan)["registrant"]["id"] == lan.id
    refused(
        system.registration.get(f"/tasks/{task_id}", headers=registrant.headers), 403, "not_yours"
    )


@pytest.mark.parametrize("reader", [APPROVER, VIEWER, ADMIN], ids=["approver", "viewer", "admin"])
def test_a_caller_who_is_not_only_a_registrant_sees_every_task(
    system: System, lan: Caller, unit_code: str, reader: Caller
) -> None:
    task_id = registered(system, lan, unit_code)
    assert task(system.registration, task_id, reader)["task_id"] == task_id


def test_a_committee_member_sees_anothers_task_with_the_approver_token_only(
    system: System, member: tuple[Caller, Caller], lan: Caller, unit_code: str
) -> None:
    as_approver, as_registrant = member
    task_id = registered(system, lan, unit_code)
    assert task(system.registration, task_id, as_approver)["task_id"] == task_id
    refused(system.registration.get(f"/tasks/{task_id}", headers=as_registrant.headers), 403)


# --- an approver never decides, returns or evaluates their own registration ------------------


@pytest.mark.parametrize(
    "decision",
    [
        {"decision": "approve", "reference": "QĐ 190"},
        {"decision": "reject", "reason": "trùng lặp"},
        {"decision": "return", "reason": "chỉ tiêu chưa rõ"},
    ],
    ids=["approve", "reject", "return"],
)
def test_an_approver_cannot_decide_a_task_they_registered(
    system: System, member: tuple[Caller, Caller], unit_code: str, decision: dict[str, Any]
) -> None:
    as_approver, as_registrant = member
    task_id = registered(system, as_registrant, unit_code)
    with nothing_written(system.redis, system.prefix):
        refused(decide(system.approval, task_id, as_approver, **decision), 403, "own_task")
    assert task(system.registration, task_id, as_approver)["status"] == "pending"
    assert decide(system.approval, task_id, OTHER_APPROVER, **decision).status_code == 200


def test_an_approver_cannot_decide_their_own_task_in_a_batch(
    system: System, member: tuple[Caller, Caller], lan: Caller, unit_code: str
) -> None:
    as_approver, as_registrant = member
    own = registered(system, as_registrant, unit_code)
    other = registered(system, lan, unit_code)
    with nothing_written(system.redis, system.prefix):
        answer = system.approval.post(
            "/decisions",
            json={"task_ids": [other, own], "decision": "approve", "decided_by": DECIDED_BY},
            headers=as_approver.headers,
        )
        refused(answer, 403, "own_task", own)
    assert task(system.registration, other, lan)["status"] == "pending", "all or nothing"


def test_an_approver_cannot_evaluate_a_task_they_registered(
    system: System, member: tuple[Caller, Caller], unit_code: str
) -> None:
    as_approver, as_registrant = member
    task_id = approved(system, as_registrant, unit_code)
    evaluation = {"rating": "excellent", "decided_by": DECIDED_BY}
    with nothing_written(system.redis, system.prefix):
        answer = system.approval.post(
            f"/tasks/{task_id}/evaluation", json=evaluation, headers=as_approver.headers
        )
        refused(answer, 403, "own_task")
    answer = system.approval.post(
        f"/tasks/{task_id}/evaluation", json=evaluation, headers=APPROVER.headers
    )
    assert answer.status_code == 201, answer.text


def test_a_committee_member_reports_on_their_own_task_as_its_registrant(
    system: System, member: tuple[Caller, Caller], unit_code: str
) -> None:
    _, as_registrant = member
    task_id = approved(system, as_registrant, unit_code)
    answer = system.registration.post(
        f"/tasks/{task_id}/progress", json=reported_today(), headers=as_registrant.headers
    )
    assert answer.status_code == 201, answer.text


# --- an admin acts for anyone; the event's actor is the admin ---------------------------------


def test_an_admin_registers_for_a_leader_who_stays_the_registrant(
    system: System, registrant: Caller, unit_code: str
) -> None:
    body = task_body(registrant, unit_code, year=THIS_YEAR)
    created = register(system.registration, ADMIN, body)
    document = document_at(system.redis, system.prefix, "tasks:registered", created["position"])
    assert document["actor"] == ADMIN.person
    assert document["actorrole"] == "admin"
    assert document["data"]["registrant"]["id"] == registrant.id
    progress = system.registration.post(
        f"/tasks/{created['task_id']}/withdrawal",
        json={"reason": "Đăng ký nhầm"},
        headers=registrant.headers,
    )
    assert progress.status_code == 201, "the leader still owns the task an admin registered"


def test_an_admin_writes_on_anyones_task_as_the_admin(
    system: System, registrant: Caller, unit_code: str
) -> None:
    task_id = approved(system, registrant, unit_code)
    answer = system.registration.post(
        f"/tasks/{task_id}/progress", json=reported_today(), headers=ADMIN.headers
    )
    assert answer.status_code == 201, answer.text
    document = document_at(system.redis, system.prefix, "tasks:progress", answer.json()["position"])
    assert (document["actor"], document["actorrole"]) == (ADMIN.person, "admin")
    assert task(system.registration, task_id, registrant)["registrant"]["id"] == registrant.id


# --- registrant ids are compared case-insensitively --------------------------------------------


def test_two_spellings_of_one_registrant_share_one_quota(system: System, unit_code: str) -> None:
    register(system.registration, ADMIN, task_body("Hung-Quota-Case", unit_code, title="Một"))
    register(system.registration, ADMIN, task_body("HUNG-QUOTA-CASE", unit_code, title="Hai"))
    with nothing_written(system.redis, system.prefix):
        third = system.registration.post(
            "/tasks",
            json=task_body("hung-quota-case", unit_code, title="Ba"),
            headers=ADMIN.headers,
        )
        refused(third, 409, "quota")


def test_a_registrant_is_themselves_in_any_case(
    system: System, registrant: Caller, unit_code: str
) -> None:
    shouted, year = registrant.id.upper(), THIS_YEAR
    created = register(system.registration, registrant, task_body(shouted, unit_code, year=year))
    approve(system.approval, created["task_id"])
    answer = system.registration.post(
        f"/tasks/{created['task_id']}/progress", json=reported_today(), headers=registrant.headers
    )
    assert answer.status_code == 201, "the task of HUNG is hung's"
    second = system.registration.post(
        "/tasks",
        json=task_body(registrant.id.capitalize(), unit_code, year=year),
        headers=registrant.headers,
    )
    assert second.status_code == 201
    third = system.registration.post(
        "/tasks", json=task_body(registrant.id, unit_code, year=year), headers=registrant.headers
    )
    refused(third, 409, "quota")


def test_an_approver_is_themselves_in_any_case(
    system: System, member: tuple[Caller, Caller], unit_code: str
) -> None:
    as_approver, _ = member
    task_id = register(system.registration, ADMIN, task_body(as_approver.id.upper(), unit_code))[
        "task_id"
    ]
    refused(decide(system.approval, task_id, as_approver, decision="approve"), 403, "own_task")


# --- every event records who made it -----------------------------------------------------------


def test_every_event_records_its_actor_and_role(
    system: System, registrant: Caller, lan: Caller, unit_code: str
) -> None:
    prefix, log = system.prefix, system.redis
    reg = system.registration
    first = registered(system, registrant, unit_code, title="Trả lại rồi sửa", year=THIS_YEAR)
    decided = decide(system.approval, first, SERVICE_APPROVER, decision="return", reason="sửa")
    assert decided.status_code == 200, decided.text
    amended = reg.put(
        f"/tasks/{first}",
        json=task_body(registrant, unit_code, title="Đã sửa", year=THIS_YEAR),
        headers=registrant.headers,
    )
    assert amended.status_code == 200, amended.text
    approve(system.approval, first)
    for path, body in (
        ("progress", reported_today(status="completed")),
        ("self-assessment", {"rating": "good", "summary": "Hoàn thành"}),
    ):
        answer = reg.post(f"/tasks/{first}/{path}", json=body, headers=registrant.headers)
        assert answer.status_code == 201, answer.text
    evaluated = system.approval.post(
        f"/tasks/{first}/evaluation",
        json={"rating": "good", "decided_by": DECIDED_BY},
        headers=OTHER_APPROVER.headers,
    )
    assert evaluated.status_code == 201, evaluated.text
    second = registered(system, lan, unit_code, title="Rút")
    withdrawn = reg.post(
        f"/tasks/{second}/withdrawal", json={"reason": "trùng"}, headers=lan.headers
    )
    assert withdrawn.status_code == 201
    third = registered(system, lan, unit_code, title="Bác")
    assert decide(system.approval, third, decision="reject", reason="không đo được").is_success

    robot = "approver-" + hashlib.sha256(SERVICE_APPROVER.token.encode()).hexdigest()[:8]
    expected = {
        (first, "tasks:registered"): (registrant.id, "registrant"),
        (first, "tasks:returned"): (robot, "approver"),
        (first, "tasks:amended"): (registrant.id, "registrant"),
        (first, "tasks:approved"): (APPROVER.id, "approver"),
        (first, "tasks:progress"): (registrant.id, "registrant"),
        (first, "tasks:self-assessed"): (registrant.id, "registrant"),
        (first, "tasks:evaluated"): (OTHER_APPROVER.id, "approver"),
        (second, "tasks:withdrawn"): (lan.id, "registrant"),
        (third, "tasks:rejected"): (APPROVER.id, "approver"),
    }
    for (task_id, key), who in expected.items():
        [document] = of_task(log, prefix, key, task_id)
        assert (document["actor"], document["actorrole"]) == who, key
    assert SERVICE_APPROVER.token not in str(of_task(log, prefix, "tasks:returned", first))


# --- a registrant token stands for a person, always ------------------------------------------


def starting(name: str, tokens: str, redis_url: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "TIMEZONE": os.environ["TIMEZONE"],
        "REDIS_URL": redis_url,
        "PORT": "1",
        "LOG_FORMAT": "json",
        "API_TOKENS": tokens,
    }
    return subprocess.run(
        [sys.executable, "-m", f"services.{name}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )


@pytest.mark.parametrize("name", ["registration", "approval"])
def test_a_registrant_token_without_a_person_is_refused_at_start(redis_url: str, name: str) -> None:
    secret = "registrant-secret-0123456789"
    ran = starting(name, f"admin:admin-secret-0123456789:quan-tri,registrant:{secret}", redis_url)
    assert ran.returncode == 2, ran.stderr
    assert "refusing to start" in ran.stderr
    assert "a registrant is always a person" in ran.stderr
    assert "entry 2" in ran.stderr
    assert secret not in ran.stderr + ran.stdout, "the token is never logged"


def test_me_says_who_a_token_stands_for(system: System, lan: Caller) -> None:
    mine = system.registration.get("/me", headers=lan.headers)
    assert mine.status_code == 200
    assert mine.json() == {
        "actor": lan.id,
        "person": lan.id,
        "roles": ["registrant"],
        "unit": None,
        "committee": None,
    }
    service = system.approval.get("/me", headers=VIEWER.headers).json()
    assert service["person"] is None
    assert service["actor"].startswith("viewer-")
    assert system.approval.get("/me").status_code == 401
