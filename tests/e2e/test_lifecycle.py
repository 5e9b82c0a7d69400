"""The whole yearly cycle of contract 1.1 through the HTTP APIs of registration and approval:
each route, its refusals (every one in the one error shape, writing nothing), the illegal
transitions (409 naming the task's state), the roster and the closing of a year."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.e2e.conftest import System
from tests.e2e.helpers import (
    DECIDED_BY,
    YEAR,
    approve,
    decide,
    document_at,
    leader,
    nothing_written,
    of_task,
    progress_body,
    refused,
    register,
    task,
    task_body,
)
from tests.support.people import ADMIN, APPROVER, OTHER_APPROVER, VIEWER, Caller

EVALUATION = {"rating": "excellent", "decided_by": DECIDED_BY, "reference": "QĐ 2000"}
SELF_ASSESSMENT = {"rating": "good", "summary": "Hoàn thành 26/26 dự án"}
WITHDRAWAL = {"reason": "Đăng ký trùng"}
TASK_REGISTERED_DATA = {
    "task_id",
    "year",
    "registrant",
    "unit",
    "title",
    "description",
    "category",
    "kind",
    "targets",
    "deadline",
    "registered_at",
    "managed_by",  # 1.2
    "continues",  # 1.2
}
WHOSE = {"registrant", "unit", "managed_by"}
"""What every later event of a task says of whose task it is (1.2)."""


class Cycle:
    """One registrant's tasks moved through the lifecycle by the right people."""

    def __init__(self, system: System, registrant: Caller, unit_code: str) -> None:
        self.system = system
        self.registrant = registrant
        self.unit_code = unit_code

    def body(self, **overrides: Any) -> dict[str, Any]:
        return task_body(self.registrant, self.unit_code, **overrides)

    def pending(self, *, imported: bool = False, **overrides: Any) -> str:
        body = self.body(**overrides)
        created = register(self.system.registration, self.registrant, body, imported=imported)
        task_id: str = created["task_id"]
        return task_id

    def approved(self) -> str:
        """Registered early in its year (an import), so that its registrant's reports may
        bear any day of the year."""
        task_id = self.pending(imported=True)
        approve(self.system.approval, task_id)
        return task_id

    def returned(self) -> str:
        task_id = self.pending()
        answer = decide(self.system.approval, task_id, decision="return", reason="Chỉ tiêu mơ hồ")
        assert answer.status_code == 200, answer.text
        return task_id

    def rejected(self) -> str:
        task_id = self.pending()
        answer = decide(self.system.approval, task_id, decision="reject", reason="Không đo được")
        assert answer.status_code == 200, answer.text
        return task_id

    def withdrawn(self) -> str:
        task_id = self.pending()
        self.write("POST", f"/tasks/{task_id}/withdrawal", WITHDRAWAL, 201)
        return task_id

    def self_assessed(self) -> str:
        task_id = self.approved()
        self.write("POST", f"/tasks/{task_id}/self-assessment", SELF_ASSESSMENT, 201)
        return task_id

    def evaluated(self) -> str:
        task_id = self.approved()
        answer = self.system.approval.post(
            f"/tasks/{task_id}/evaluation", json=EVALUATION, headers=APPROVER.headers
        )
        assert answer.status_code == 201, answer.text
        return task_id

    def write(self, method: str, path: str, body: Any, status: int) -> dict[str, Any]:
        answer = self.system.registration.request(
            method, path, json=body, headers=self.registrant.headers
        )
        assert answer.status_code == status, answer.text
        result: dict[str, Any] = answer.json()
        return result

    def show(self, task_id: str) -> dict[str, Any]:
        return task(self.system.registration, task_id, self.registrant)


@pytest.fixture
def cycle(system: System, registrant: Caller, unit_code: str) -> Cycle:
    return Cycle(system, registrant, unit_code)


def pending_ids(system: System, year: int = YEAR, **query: str) -> list[str]:
    answer = system.approval.get(
        "/approvals/pending", params={"year": year, **query}, headers=APPROVER.headers
    )
    assert answer.status_code == 200, answer.text
    return [listed["task_id"] for listed in answer.json()]


# --- registering ----------------------------------------------------------------------------


def test_a_registration_answers_its_task_event_and_position(cycle: Cycle) -> None:
    created = register(cycle.system.registration, cycle.registrant, cycle.body())
    assert set(created) == {"task_id", "status", "event_id", "position"}
    assert created["status"] == "registered"
    document = document_at(
        cycle.system.redis, cycle.system.prefix, "tasks:registered", created["position"]
    )
    assert document["id"] == created["event_id"]
    assert document["subject"] == created["task_id"]
    assert set(document["data"]) == TASK_REGISTERED_DATA
    shown = cycle.show(created["task_id"])
    assert (shown["status"], shown["stage"]) == ("pending", "pending")
    assert shown["title"] == "Giải phóng mặt bằng 26 dự án"


def test_unknown_task_is_404_in_the_one_shape(system: System) -> None:
    refused(system.registration.get("/tasks/no-such-task", headers=ADMIN.headers), 404)


# --- amending -------------------------------------------------------------------------------


def test_amending_a_pending_task_records_the_new_registration(cycle: Cycle) -> None:
    task_id = cycle.pending()
    changed = cycle.body(title="Giải phóng mặt bằng 30 dự án", deadline=f"{YEAR}-10-31")
    answer = cycle.write("PUT", f"/tasks/{task_id}", changed, 200)
    assert set(answer) == {"task_id", "status", "event_id", "position"}
    assert (answer["task_id"], answer["status"]) == (task_id, "pending")
    document = document_at(
        cycle.system.redis, cycle.system.prefix, "tasks:amended", answer["position"]
    )
    assert document["type"] == "TaskAmended"
    assert set(document["data"]) == TASK_REGISTERED_DATA - {"registered_at"} | {"amended_at"}
    assert document["data"]["title"] == "Giải phóng mặt bằng 30 dự án"
    shown = cycle.show(task_id)
    assert (shown["title"], shown["deadline"], shown["amendments"]) == (
        "Giải phóng mặt bằng 30 dự án",
        f"{YEAR}-10-31",
        1,
    )


def test_amending_a_returned_task_makes_it_pending_again(cycle: Cycle) -> None:
    task_id = cycle.returned()
    assert task_id not in pending_ids(cycle.system, unit=cycle.unit_code)
    cycle.write("PUT", f"/tasks/{task_id}", cycle.body(title="Đã làm rõ chỉ tiêu"), 200)
    assert cycle.show(task_id)["status"] == "pending"
    assert task_id in pending_ids(cycle.system, unit=cycle.unit_code)


@pytest.mark.parametrize(
    "state", ["approved", "rejected", "withdrawn", "self_assessed", "evaluated"]
)
def test_amending_a_task_past_the_committee_is_409_naming_its_state(
    cycle: Cycle, state: str
) -> None:
    task_id = getattr(cycle, state)()
    with nothing_written(cycle.system.redis, cycle.system.prefix):
        answer = cycle.system.registration.put(
            f"/tasks/{task_id}", json=cycle.body(), headers=cycle.registrant.headers
        )
        refused(answer, 409, f"is {state}", "wrong_state")


def test_amending_an_unknown_task_is_404(cycle: Cycle) -> None:
    with nothing_written(cycle.system.redis, cycle.system.prefix):
        answer = cycle.system.registration.put(
            "/tasks/no-such-task", json=cycle.body(), headers=cycle.registrant.headers
        )
        refused(answer, 404)


def test_an_amendment_cannot_change_the_registrant_or_the_year(cycle: Cycle) -> None:
    task_id = cycle.pending()
    other_year = cycle.body(year=YEAR - 1, deadline=f"{YEAR - 1}-12-31")
    with nothing_written(cycle.system.redis, cycle.system.prefix):
        answer = cycle.system.registration.put(
            f"/tasks/{task_id}", json=other_year, headers=cycle.registrant.headers
        )
        refused(answer, 422, "year_fixed")
        someone_else = task_body("someone-else", cycle.unit_code)
        answer = cycle.system.registration.put(
            f"/tasks/{task_id}", json=someone_else, headers=ADMIN.headers
        )
        refused(answer, 422, "registrant_fixed")


def test_an_amendment_follows_the_rules_of_a_registration(cycle: Cycle) -> None:
    task_id = cycle.pending()
    with nothing_written(cycle.system.redis, cycle.system.prefix):
        answer = cycle.system.registration.put(
            f"/tasks/{task_id}",
            json=cycle.body(deadline=f"{YEAR + 1}-01-15"),
            headers=cycle.registrant.headers,
        )
        refused(answer, 422, "outside the task's year")


# --- withdrawing ----------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["pending", "returned"])
def test_a_pending_or_returned_task_can_be_withdrawn(cycle: Cycle, state: str) -> None:
    task_id = getattr(cycle, state)()
    answer = cycle.write("POST", f"/tasks/{task_id}/withdrawal", WITHDRAWAL, 201)
    assert {"event_id", "position"} <= set(answer)
    document = document_at(
        cycle.system.redis, cycle.system.prefix, "tasks:withdrawn", answer["position"]
    )
    assert document["data"]["reason"] == WITHDRAWAL["reason"]
    assert set(document["data"]) == {"task_id", "year", "reason", "withdrawn_at"} | WHOSE
    assert cycle.show(task_id)["status"] == "withdrawn"
    assert task_id not in pending_ids(cycle.system, unit=cycle.unit_code)


def test_a_withdrawal_frees_the_registrants_slot(cycle: Cycle) -> None:
    first, _second = cycle.pending(), cycle.pending()
    refused(
        cycle.system.registration.post(
            "/tasks", json=cycle.body(), headers=cycle.registrant.headers
        ),
        409,
        "quota",
    )
    cycle.write("POST", f"/tasks/{first}/withdrawal", WITHDRAWAL, 201)
    cycle.pending()


def test_a_rejection_frees_the_registrants_slot(cycle: Cycle) -> None:
    cycle.rejected()
    cycle.pending()
    cycle.pending()


@pytest.mark.parametrize("state", ["approved", "rejected", "withdrawn", "evaluated"])
def test_withdrawing_a_task_past_pending_is_409_naming_its_state(cycle: Cycle, state: str) -> None:
    task_id = getattr(cycle, state)()
    with nothing_written(cycle.system.redis, cycle.system.prefix):
        answer = cycle.system.registration.post(
            f"/tasks/{task_id}/withdrawal", json=WITHDRAWAL, headers=cycle.registrant.headers
        )
        refused(answer, 409, f"is {state}")


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": 5}])
def test_a_withdrawal_needs_a_reason(cycle: Cycle, body: dict[str, Any]) -> None:
    task_id = cycle.pending()
    with nothing_written(cycle.system.redis, cycle.system.prefix):
        answer = cycle.system.registration.post(
            f"/tasks/{task_id}/withdrawal", json=body, headers=cycle.registrant.headers
        )
        refused(answer, 422)


# --- progress -------------------------------------------------------------------------------


def test_progress_on_an_approved_task(cycle: Cycle) -> None:
    task_id = cycle.approved()
    body = progress_body(
        actuals=[
            {"metric": "projects cleared", "value": 15},
            {"metric": "area cleared", "value": 109.5},
        ],
        note="Đang giải phóng mặt bằng",
    )
    answer = cycle.write("POST", f"/tasks/{task_id}/progress", body, 201)
    document = document_at(
        cycle.system.redis, cycle.system.prefix, "tasks:progress", answer["position"]
    )
    assert document["data"]["actuals"] == body["actuals"]
    latest = cycle.show(task_id)["progress"]
    assert (latest["status"], latest["reported_at"]) == ("in_progress", body["reported_at"])


@pytest.mark.parametrize("state", ["pending", "returned", "rejected", "withdrawn"])
def test_progress_on_a_task_not_approved_is_409(cycle: Cycle, state: str) -> None:
    task_id = getattr(cycle, state)()
    with nothing_written(cycle.system.redis, cycle.system.prefix):
        answer = cycle.system.registration.post(
            f"/tasks/{task_id}/progress", json=progress_body(), headers=cycle.registrant.headers
        )
        refused(answer, 409, f"is {state}, not approved")


def test_progress_on_an_evaluated_task_is_409(cycle: Cycle) -> None:
    task_id = cycle.evaluated()
    with nothing_written(cycle.system.redis, cycle.system.prefix):
        answer = cycle.system.registration.post(
            f"/tasks/{task_id}/progress", json=progress_body(), headers=cycle.registrant.headers
        )
        refused(answer, 409, "already evaluated")


def test_progress_on_an_unknown_task_is_404(system: System) -> None:
    with nothing_written(system.redis, system.prefix):
        answer = system.registration.post(
            "/tasks/no-such-task/progress", json=progress_body(), headers=ADMIN.headers
        )
        refused(answer, 404)


# --- self-assessment ------------------------------------------------------------------------


def test_a_self_assessment_may_be_repeated_and_the_latest_counts(cycle: Cycle) -> None:
    task_id = cycle.approved()
    first = cycle.write("POST", f"/tasks/{task_id}/self-assessment", SELF_ASSESSMENT, 201)
    document = document_at(
        cycle.system.redis, cycle.system.prefix, "tasks:self-assessed", first["position"]
    )
    assert set(document["data"]) == {"task_id", "year", "rating", "summary", "assessed_at"} | WHOSE
    better = {"rating": "excellent", "summary": "Vượt chỉ tiêu"}
    cycle.write("POST", f"/tasks/{task_id}/self-assessment", better, 201)
    shown = cycle.show(task_id)
    assert shown["stage"] == "self_assessed"
    assert shown["self_assessment"]["rating"] == "excellent"


@pytest.mark.parametrize("state", ["pending", "returned", "rejected", "withdrawn"])
def test_a_self_assessment_of_a_task_not_approved_is_409(cycle: Cycle, state: str) -> None:
    task_id = getattr(cycle, state)()
    with nothing_written(cycle.system.redis, cycle.system.prefix):
        answer = cycle.system.registration.post(
            f"/tasks/{task_id}/self-assessment",
            json=SELF_ASSESSMENT,
            headers=cycle.registrant.headers,
        )
        refused(answer, 409, f"is {state}, not approved")


def test_a_self_assessment_after_the_evaluation_is_409(cycle: Cycle) -> None:
    task_id = cycle.evaluated()
    with nothing_written(cycle.system.redis, cycle.system.prefix):
        answer = cycle.system.registration.post(
            f"/tasks/{task_id}/self-assessment",
            json=SELF_ASSESSMENT,
            headers=cycle.registrant.headers,
        )
        refused(answer, 409, "already evaluated")


@pytest.mark.parametrize(
    "body",
    [{"rating": "perfect", "summary": "x"}, {"rating": "good"}, {"rating": "good", "summary": ""}],
)
def test_a_malformed_self_assessment_is_422(cycle: Cycle, body: dict[str, Any]) -> None:
    task_id = cycle.approved()
    with nothing_written(cycle.system.redis, cycle.system.prefix):
        answer = cycle.system.registration.post(
            f"/tasks/{task_id}/self-assessment", json=body, headers=cycle.registrant.headers
        )
        refused(answer, 422)


# --- decisions on one task ------------------------------------------------------------------


def test_approving_answers_the_task_status_event_and_position(cycle: Cycle) -> None:
    task_id = cycle.pending()
    answer = approve(cycle.system.approval, task_id)
    assert set(answer) == {"task_id", "status", "event_id", "position"}
    assert (answer["task_id"], answer["status"]) == (task_id, "approved")
    document = document_at(
        cycle.system.redis, cycle.system.prefix, "tasks:approved", answer["position"]
    )
    assert document["data"]["reference"] == "QĐ 190"
    assert cycle.show(task_id)["status"] == "approved"
    assert task_id not in pending_ids(cycle.system, unit=cycle.unit_code)


def test_returning_a_task_records_what_to_revise(cycle: Cycle) -> None:
    task_id = cycle.pending()
    answer = decide(cycle.system.approval, task_id, decision="return", reason="Làm rõ chỉ tiêu")
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "returned"
    [document] = of_task(cycle.system.redis, cycle.system.prefix, "tasks:returned", task_id)
    assert (
        set(document["data"])
        == {
            "task_id",
            "year",
            "decided_by",
            "reason",
            "returned_at",
            "committee",
        }
        | WHOSE
    )
    assert document["data"]["reason"] == "Làm rõ chỉ tiêu"
    shown = cycle.show(task_id)
    assert (shown["status"], shown["verdict"]["reason"]) == ("returned", "Làm rõ chỉ tiêu")


@pytest.mark.parametrize("decision", ["reject", "return"])
def test_a_rejection_or_return_needs_a_reason(cycle: Cycle, decision: str) -> None:
    task_id = cycle.pending()
    with nothing_written(cycle.system.redis, cycle.system.prefix):
        refused(decide(cycle.system.approval, task_id, decision=decision), 422, "needs a reason")


@pytest.mark.parametrize(
    "body",
    [
        {"decision": "maybe"},
        {"decision": "approve", "decided_by": ""},
        {"decision": "approve", "reason": "an approval takes a note"},
        {"decision": "approve", "priority": "high"},
    ],
)
def test_a_malformed_decision_is_422(cycle: Cycle, body: dict[str, Any]) -> None:
    task_id = cycle.pending()
    with nothing_written(cycle.system.redis, cycle.system.prefix):
        refused(decide(cycle.system.approval, task_id, **body), 422)


def test_a_decision_needs_who_decided(cycle: Cycle) -> None:
    task_id = cycle.pending()
    answer = cycle.system.approval.post(
        f"/tasks/{task_id}/decision", json={"decision": "approve"}, headers=APPROVER.headers
    )
    refused(answer, 422, "missing")


def test_deciding_an_unknown_task_is_404(system: System) -> None:
    with nothing_written(system.redis, system.prefix):
        refused(decide(system.approval, "no-such-task", decision="approve"), 404)


@pytest.mark.parametrize(
    "state", ["approved", "rejected", "returned", "withdrawn", "self_assessed", "evaluated"]
)
@pytest.mark.parametrize("decision", ["approve", "reject", "return"])
def test_deciding_a_task_that_is_not_pending_is_409_naming_its_state(
    cycle: Cycle, state: str, decision: str
) -> None:
    task_id = getattr(cycle, state)()
    reason = {} if decision == "approve" else {"reason": "lần hai"}
    with nothing_written(cycle.system.redis, cycle.system.prefix):
        answer = decide(cycle.system.approval, task_id, OTHER_APPROVER, decision=decision, **reason)
        refused(answer, 409, f"task {task_id} is {state}", "wrong_state")


# --- batch decisions ------------------------------------------------------------------------


def batch(system: System, task_ids: list[str], **body: Any) -> httpx.Response:
    return system.approval.post(
        "/decisions",
        json={"task_ids": task_ids, "decided_by": DECIDED_BY, **body},
        headers=APPROVER.headers,
    )


def test_a_batch_approval_writes_one_event_per_task(
    system: System, pool: Any, unit_code: str
) -> None:
    tasks = [Cycle(system, pool.registrant(), unit_code).pending() for _ in range(3)]
    answer = batch(system, tasks, decision="approve", reference="QĐ 190-QĐ/TU")
    assert answer.status_code == 200, answer.text
    decided = answer.json()
    assert [d["task_id"] for d in decided] == tasks
    assert {d["status"] for d in decided} == {"approved"}
    for one in decided:
        document = document_at(system.redis, system.prefix, "tasks:approved", one["position"])
        assert document["id"] == one["event_id"]
        assert document["subject"] == one["task_id"]
        assert document["data"]["reference"] == "QĐ 190-QĐ/TU"
    assert not set(tasks) & set(pending_ids(system, unit=unit_code))


def test_a_batch_of_500_tasks_is_decided_at_once(system: System, unit_code: str) -> None:
    tasks = [
        register(system.registration, ADMIN, task_body(leader(), unit_code))["task_id"]
        for _ in range(500)
    ]
    answer = batch(system, tasks, decision="approve", reference="QĐ 500")
    assert answer.status_code == 200, answer.text
    assert [d["task_id"] for d in answer.json()] == tasks
    assert pending_ids(system, unit=unit_code) == []


def test_a_batch_rejection_needs_a_reason(cycle: Cycle) -> None:
    tasks = [cycle.pending()]
    with nothing_written(cycle.system.redis, cycle.system.prefix):
        refused(batch(cycle.system, tasks, decision="reject"), 422, "needs a reason")
    answer = batch(cycle.system, tasks, decision="reject", reason="Trùng với nhiệm vụ thường xuyên")
    assert answer.status_code == 200, answer.text
    assert cycle.show(tasks[0])["status"] == "rejected"


def test_a_batch_with_an_unknown_task_is_404_naming_it_and_writes_nothing(
    cycle: Cycle,
) -> None:
    known = cycle.pending()
    with nothing_written(cycle.system.redis, cycle.system.prefix):
        answer = batch(cycle.system, [known, "no-such-task"], decision="approve")
        refused(answer, 404, "no-such-task")
    assert cycle.show(known)["status"] == "pending"


def test_a_batch_with_a_decided_task_is_409_naming_it_and_its_state(
    system: System, pool: Any, unit_code: str
) -> None:
    first, second = (
        Cycle(system, pool.registrant(), unit_code),
        Cycle(system, pool.registrant(), unit_code),
    )
    waiting, decided, returned = first.pending(), second.approved(), second.returned()
    with nothing_written(system.redis, system.prefix):
        answer = batch(system, [waiting, decided, returned], decision="approve")
        refused(answer, 409, f"{decided} (approved)", f"{returned} (returned)")
    assert first.show(waiting)["status"] == "pending", "all or nothing"


@pytest.mark.parametrize(
    ("task_ids", "words"),
    [
        ([], "at least 1"),
        ([f"t-{n}" for n in range(501)], "at most 500"),
        (["same-task", "SAME-task"], "listed twice"),
        (["bad id!"], "pattern"),
    ],
    ids=["none", "over 500", "twice", "bad id"],
)
def test_a_malformed_batch_is_422(system: System, task_ids: list[str], words: str) -> None:
    with nothing_written(system.redis, system.prefix):
        refused(batch(system, task_ids, decision="approve"), 422, words)


def test_a_batch_cannot_return_tasks(cycle: Cycle) -> None:
    task_id = cycle.pending()
    refused(batch(cycle.system, [task_id], decision="return", reason="x"), 422)


# --- evaluation -----------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["approved", "self_assessed"])
def test_an_approved_or_self_assessed_task_is_evaluated_once(cycle: Cycle, state: str) -> None:
    task_id = getattr(cycle, state)()
    evaluate = f"/tasks/{task_id}/evaluation"
    answer = cycle.system.approval.post(evaluate, json=EVALUATION, headers=APPROVER.headers)
    assert answer.status_code == 201, answer.text
    document = document_at(
        cycle.system.redis, cycle.system.prefix, "tasks:evaluated", answer.json()["position"]
    )
    assert (
        set(document["data"])
        == {
            "task_id",
            "year",
            "rating",
            "decided_by",
            "reference",
            "note",
            "evaluated_at",
            "committee",
        }
        | WHOSE
    )
    assert cycle.show(task_id)["stage"] == "evaluated"
    with nothing_written(cycle.system.redis, cycle.system.prefix):
        again = cycle.system.approval.post(
            evaluate, json=EVALUATION, headers=OTHER_APPROVER.headers
        )
        refused(again, 409, "already evaluated")


@pytest.mark.parametrize("state", ["pending", "returned", "rejected", "withdrawn"])
def test_evaluating_a_task_not_approved_is_409(cycle: Cycle, state: str) -> None:
    task_id = getattr(cycle, state)()
    with nothing_written(cycle.system.redis, cycle.system.prefix):
        answer = cycle.system.approval.post(
            f"/tasks/{task_id}/evaluation", json=EVALUATION, headers=APPROVER.headers
        )
        refused(answer, 409, f"is {state}, not approved")


def test_evaluating_an_unknown_task_is_404(system: System) -> None:
    answer = system.approval.post(
        "/tasks/no-such-task/evaluation", json=EVALUATION, headers=APPROVER.headers
    )
    refused(answer, 404)


@pytest.mark.parametrize(
    "body", [{"rating": "outstanding", "decided_by": "x"}, {"rating": "good"}, {}]
)
def test_a_malformed_evaluation_is_422(cycle: Cycle, body: dict[str, Any]) -> None:
    task_id = cycle.approved()
    answer = cycle.system.approval.post(
        f"/tasks/{task_id}/evaluation", json=body, headers=APPROVER.headers
    )
    refused(answer, 422)


# --- the pending list -----------------------------------------------------------------------


def test_the_pending_list_holds_only_pending_tasks_oldest_first(
    system: System, pool: Any, unit_code: str
) -> None:
    cycles = [Cycle(system, pool.registrant(), unit_code) for _ in range(4)]
    oldest = cycles[0].pending()
    cycles[0].approved()
    cycles[1].returned()
    cycles[1].withdrawn()
    middle = cycles[2].pending()
    cycles[2].rejected()
    newest = cycles[3].pending()
    assert pending_ids(system, unit=unit_code) == [oldest, middle, newest]


def test_the_pending_list_filters_by_unit_and_category(
    system: System, pool: Any, unit_code: str
) -> None:
    here = Cycle(system, pool.registrant(), unit_code)
    digital = here.pending(category="digital_transformation")
    social = here.pending(category="social_security")
    elsewhere = Cycle(system, pool.registrant(), f"{unit_code}-x").pending()
    assert pending_ids(system, unit=unit_code) == [digital, social]
    assert pending_ids(system, unit=unit_code.upper()) == [digital, social], "any case"
    assert pending_ids(system, unit=unit_code, category="social_security") == [social]
    assert elsewhere not in pending_ids(system, category="digital_transformation")
    shown = system.approval.get(
        "/approvals/pending", params={"year": YEAR, "unit": unit_code}, headers=VIEWER.headers
    )
    assert [t["task_id"] for t in shown.json()] == [digital, social], "viewers read it too"


def test_the_pending_list_of_another_year_is_its_own(cycle: Cycle) -> None:
    task_id = cycle.pending(year=YEAR - 1, deadline=f"{YEAR - 1}-06-30")
    assert task_id in pending_ids(cycle.system, YEAR - 1, unit=cycle.unit_code)
    assert task_id not in pending_ids(cycle.system, unit=cycle.unit_code)


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"year": "abc"},
        {"year": 1999},
        {"year": 2024, "category": "sports"},
        {"year": 2024, "unit": "bad unit"},
    ],
    ids=["no year", "not a year", "before 2000", "unknown category", "bad unit"],
)
def test_a_malformed_pending_query_is_422(system: System, query: dict[str, Any]) -> None:
    answer = system.approval.get("/approvals/pending", params=query, headers=APPROVER.headers)
    refused(answer, 422)


def test_a_registrant_cannot_read_the_pending_list(system: System, registrant: Caller) -> None:
    answer = system.approval.get(
        "/approvals/pending", params={"year": YEAR}, headers=registrant.headers
    )
    refused(answer, 403, "approver or viewer")


# --- the roster -----------------------------------------------------------------------------

ROSTER = {
    "units": [
        {"code": "kim-thanh", "name": "Huyện Kim Thành"},
        {"code": "so-khcn", "name": "Sở Khoa học và Công nghệ"},
    ],
    "leaders": [
        {
            "id": "pham-quang-hung",
            "name": "Phạm Quang Hưng",
            "position": "Chủ tịch UBND huyện",
            "level": "district_leader",
            "unit": "kim-thanh",
        },
        {
            "id": "nguyen-thi-lan",
            "name": "Nguyễn Thị Lan",
            "position": "Giám đốc Sở",
            "level": "department_head",
            "unit": "so-khcn",
        },
    ],
}
FAR_YEAR = 2090
"""A year no registration can be in (after next year): where a roster or a closure is expected
to be refused, so that one accepted by mistake changes nothing another test does."""
CSV_HEADER = "id,name,position,level,unit,unit_name"
CSV_ROWS = [
    "pham-quang-hung,Phạm Quang Hưng,Chủ tịch UBND huyện,district_leader,kim-thanh,Huyện Kim Thành",
    "nguyen-thi-lan,Nguyễn Thị Lan,Giám đốc Sở,department_head,so-khcn,Sở Khoa học và Công nghệ",
    "tran-van-binh,Trần Văn Bình,Phó Chủ tịch UBND huyện,district_leader,kim-thanh,Huyện Kim Thành",
]


def put_roster(
    system: System, year: int, body: Any, caller: Caller = ADMIN, csv: bool = False
) -> httpx.Response:
    if csv:
        return system.registration.put(
            f"/roster/{year}",
            content=body,
            headers=caller.headers | {"content-type": "text/csv; charset=utf-8"},
        )
    return system.registration.put(f"/roster/{year}", json=body, headers=caller.headers)


def csv_document(*rows: str, header: str = CSV_HEADER, bom: bool = True) -> bytes:
    text = "\r\n".join([header, *rows]) + "\r\n"
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


def test_a_roster_in_json_is_published_as_an_event(system: System, spare_year: int) -> None:
    answer = put_roster(system, spare_year, ROSTER)
    assert answer.status_code == 200, answer.text
    published = answer.json()
    assert {k: published[k] for k in ("year", "units", "leaders")} == {
        "year": spare_year,
        "units": 2,
        "leaders": 2,
    }
    document = document_at(system.redis, system.prefix, "roster", published["position"])
    assert document["id"] == published["event_id"]
    assert document["type"] == "RosterPublished"
    # as sent, in its one form: what 1.2 adds at its defaults
    units = [unit | {"replaces": []} for unit in ROSTER["units"]]
    leaders = [leader | {"managed_by": None, "email": None} for leader in ROSTER["leaders"]]
    assert document["data"] == {"year": spare_year, "units": units, "leaders": leaders}
    assert (document["actor"], document["actorrole"]) == (ADMIN.person, "admin")


def test_the_roster_in_force_sent_again_writes_nothing(system: System, spare_year: int) -> None:
    first = put_roster(system, spare_year, ROSTER).json()
    stream = f"{system.prefix}:roster"
    entries = system.redis.xlen(stream)
    again = put_roster(system, spare_year, ROSTER)
    assert again.status_code == 200
    assert again.json() == first, "the roster in force, answered again"
    assert system.redis.xlen(stream) == entries
    changed = {**ROSTER, "leaders": ROSTER["leaders"][:1]}
    replaced = put_roster(system, spare_year, changed).json()
    assert replaced["event_id"] != first["event_id"]
    assert system.redis.xlen(stream) == entries + 1


def test_a_roster_in_csv_with_a_bom_keeps_vietnamese_names(system: System, spare_year: int) -> None:
    answer = put_roster(system, spare_year, csv_document(*CSV_ROWS), csv=True)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["units"], answer.json()["leaders"]) == (2, 3)
    data = document_at(system.redis, system.prefix, "roster", answer.json()["position"])["data"]
    assert data["units"] == [unit | {"replaces": []} for unit in ROSTER["units"]]
    assert data["leaders"][2] == {
        "id": "tran-van-binh",
        "name": "Trần Văn Bình",
        "position": "Phó Chủ tịch UBND huyện",
        "level": "district_leader",
        "unit": "kim-thanh",
        "managed_by": None,
        "email": None,
    }


def test_a_roster_in_csv_without_a_bom_and_columns_in_any_order(
    system: System, spare_year: int
) -> None:
    document = csv_document(
        "Huyện Kim Thành,kim-thanh,district_leader,Chủ tịch UBND huyện,Phạm Quang Hưng,hung",
        header="Unit_Name, UNIT ,level,position,name,id",
        bom=False,
    )
    answer = put_roster(system, spare_year, document, csv=True)
    assert answer.status_code == 200, answer.text


BAD_CSV = {
    "ineligible level": (
        [CSV_ROWS[0], CSV_ROWS[1].replace("department_head", "specialist")],
        "row 3, column level",
        ["row", 3, "level"],
    ),
    "emoji in an id": (
        [CSV_ROWS[0].replace("pham-quang-hung", "hung-😀")],
        "row 2, column id",
        ["row", 2, "id"],
    ),
    "bad unit code": (
        [CSV_ROWS[0], CSV_ROWS[1].replace(",so-khcn,", ",sở khcn,")],
        "row 3, column unit",
        ["row", 3, "unit"],
    ),
    "empty name": (
        [CSV_ROWS[0].replace("Phạm Quang Hưng", " ")],
        "row 2, column name",
        ["row", 2, "name"],
    ),
    "missing unit name": (
        [CSV_ROWS[0].replace(",Huyện Kim Thành", ",")],
        "row 2, column unit_name",
        ["row", 2, "unit_name"],
    ),
    "a row short of a column": (
        [CSV_ROWS[0], CSV_ROWS[1].rsplit(",", 1)[0]],
        "row 3: 5 columns",
        ["row", 3],
    ),
    "a leader twice": (
        [CSV_ROWS[0], CSV_ROWS[0].replace("pham-quang-hung", "PHAM-quang-hung")],
        "also on row 2",
        ["row", 3, "id"],
    ),
    "a unit under two names": (
        [CSV_ROWS[0], CSV_ROWS[2].replace("Huyện Kim Thành", "Huyện Kim Thanh")],
        "row 3: unit 'kim-thanh' is named",
        ["row", 3, "unit_name"],
    ),
}


@pytest.mark.parametrize("case", BAD_CSV, ids=list(BAD_CSV))
def test_every_csv_refusal_names_the_row_and_column(system: System, case: str) -> None:
    rows, words, loc = BAD_CSV[case]
    with nothing_written(system.redis, system.prefix):
        answer = put_roster(system, FAR_YEAR, csv_document(*rows), csv=True)
        [problem] = refused(answer, 422, words)
    assert problem["loc"] == ["body", *loc]


@pytest.mark.parametrize(
    ("document", "words"),
    [
        (
            csv_document(CSV_ROWS[0], header="id,name,position,level,unit"),
            "row 1: the header lacks unit_name",
        ),
        (b"", "empty"),
        (csv_document(), "no leader"),
        (CSV_HEADER.encode() + b"\r\nh\xe0,x,y,district_leader,u,v\r\n", "not UTF-8"),
    ],
    ids=["no unit_name column", "empty", "header only", "latin-1"],
)
def test_a_csv_that_is_no_roster_is_422(system: System, document: bytes, words: str) -> None:
    with nothing_written(system.redis, system.prefix):
        refused(put_roster(system, FAR_YEAR, document, csv=True), 422, words)


def with_leader(**changes: Any) -> dict[str, Any]:
    leaders = [dict(ROSTER["leaders"][0]), dict(ROSTER["leaders"][1]) | changes]
    return {"units": ROSTER["units"], "leaders": leaders}


@pytest.mark.parametrize(
    ("body", "words", "loc"),
    [
        (with_leader(level="specialist"), "district_leader", ["body", "leaders", 1, "level"]),
        (with_leader(unit="ninh-giang"), "does not list", ["body", "leaders", 1, "unit"]),
        (with_leader(id="PHAM-QUANG-HUNG"), "listed twice", ["body", "leaders", 1, "id"]),
        (with_leader(id="lan\u0000"), "pattern", ["body", "leaders", 1, "id"]),
        ({"units": ROSTER["units"], "leaders": []}, "at least 1", ["body", "leaders"]),
        (
            {"units": ROSTER["units"] * 2, "leaders": ROSTER["leaders"]},
            "listed twice",
            ["body", "units", 2, "code"],
        ),
    ],
    ids=["ineligible", "unit not listed", "leader twice", "nul in id", "no leaders", "unit twice"],
)
def test_a_json_roster_breaking_a_rule_is_422_naming_where(
    system: System, body: dict[str, Any], words: str, loc: list[Any]
) -> None:
    with nothing_written(system.redis, system.prefix):
        [problem, *_] = refused(put_roster(system, FAR_YEAR, body), 422, words)
    assert problem["loc"] == loc


def big_roster(leaders: int) -> dict[str, Any]:
    return {
        "units": [{"code": "kim-thanh", "name": "Huyện Kim Thành"}],
        "leaders": [
            {
                "id": f"lanh-dao-{n}",
                "name": "Nguyễn Văn A",
                "position": "Phó Giám đốc Sở",
                "level": "deputy_department_head",
                "unit": "kim-thanh",
            }
            for n in range(leaders)
        ],
    }


def test_a_roster_of_5000_leaders_is_published(system: System, spare_year: int) -> None:
    answer = put_roster(system, spare_year, big_roster(5000))
    assert answer.status_code == 200, answer.text
    assert answer.json()["leaders"] == 5000


def test_a_roster_of_more_than_5000_leaders_is_422(system: System) -> None:
    with nothing_written(system.redis, system.prefix):
        refused(put_roster(system, FAR_YEAR, big_roster(5001)), 422, "at most 5000")


def test_a_csv_roster_of_more_than_5000_rows_is_422_naming_the_limit(system: System) -> None:
    leader = "Nguyễn Văn A,Phó Giám đốc Sở,deputy_department_head,kim-thanh,Huyện Kim Thành"
    rows = [f"lanh-dao-{n},{leader}" for n in range(5001)]
    with nothing_written(system.redis, system.prefix):
        answer = put_roster(system, FAR_YEAR, csv_document(*rows), csv=True)
        refused(answer, 422, "too_many_rows", "at most 5,000")


@pytest.mark.parametrize(
    ("length", "said"),
    [(1_001, ["string_too_long", "row.2.name"]), (131_073, ["csv_row", "at most 1000"])],
    ids=["over the name's 200", "over the csv module's own 131,072"],
)
def test_a_csv_roster_with_a_cell_too_long_is_422(
    system: System, length: int, said: list[str]
) -> None:
    row = f"pham-quang-hung,{'A' * length},Chủ tịch,district_leader,kim-thanh,Kim Thành"
    with nothing_written(system.redis, system.prefix):
        refused(put_roster(system, FAR_YEAR, csv_document(row), csv=True), 422, *said)


def test_a_roster_in_another_format_is_refused(system: System) -> None:
    answer = system.registration.put(
        f"/roster/{FAR_YEAR}",
        content=b"<roster/>",
        headers=ADMIN.headers | {"content-type": "application/xml"},
    )
    refused(answer, 422, "unsupported_media_type")


@pytest.mark.parametrize("caller", [APPROVER, VIEWER], ids=["approver", "viewer"])
def test_only_an_admin_publishes_a_roster(system: System, caller: Caller) -> None:
    with nothing_written(system.redis, system.prefix):
        refused(put_roster(system, FAR_YEAR, ROSTER, caller), 403, "admin")


def test_a_registrant_cannot_publish_a_roster(system: System, registrant: Caller) -> None:
    refused(put_roster(system, FAR_YEAR, ROSTER, registrant), 403, "admin")


def roster_registration(leader_id: str, year: int, **fields: Any) -> dict[str, Any]:
    """A registration that leaves the registrant's name, position, level and unit to the
    roster."""
    body = task_body(leader_id, "unused", year=year, **fields)
    body["registrant"] = {"id": leader_id}
    del body["unit"]
    return body


def test_a_roster_fills_in_a_registration_of_a_leader_on_it(
    system: System, spare_year: int
) -> None:
    assert put_roster(system, spare_year, ROSTER).status_code == 200
    created = register(
        system.registration, ADMIN, roster_registration("Nguyen-Thi-Lan", spare_year)
    )
    data = document_at(system.redis, system.prefix, "tasks:registered", created["position"])["data"]
    assert data["registrant"] == {
        "id": "nguyen-thi-lan",  # ids are stored in one form: lower case
        "name": "Nguyễn Thị Lan",
        "position": "Giám đốc Sở",
        "level": "department_head",
    }
    assert data["unit"] == {"code": "so-khcn", "name": "Sở Khoa học và Công nghệ"}


def test_a_year_with_a_roster_refuses_a_leader_not_on_it(system: System, spare_year: int) -> None:
    assert put_roster(system, spare_year, ROSTER).status_code == 200
    with nothing_written(system.redis, system.prefix):
        answer = system.registration.post(
            "/tasks",
            json=task_body("not-on-roster", "kim-thanh", year=spare_year),
            headers=ADMIN.headers,
        )
        [problem] = refused(answer, 422, "not on the", "not_on_roster")
    assert problem["loc"] == ["body", "registrant", "id"]


def test_a_later_roster_replaces_the_earlier(system: System, spare_year: int) -> None:
    assert put_roster(system, spare_year, ROSTER).status_code == 200
    only_hung = {"units": ROSTER["units"][:1], "leaders": ROSTER["leaders"][:1]}
    assert put_roster(system, spare_year, only_hung).status_code == 200
    answer = system.registration.post(
        "/tasks", json=roster_registration("nguyen-thi-lan", spare_year), headers=ADMIN.headers
    )
    refused(answer, 422, "not_on_roster")
    register(system.registration, ADMIN, roster_registration("pham-quang-hung", spare_year))


def test_a_year_without_a_roster_needs_the_registrant_and_unit_in_full(
    system: System, spare_year: int
) -> None:
    with nothing_written(system.redis, system.prefix):
        answer = system.registration.post(
            "/tasks",
            json=roster_registration("pham-quang-hung", spare_year),
            headers=ADMIN.headers,
        )
        refused(answer, 422, "no roster to take it from")


# --- closing a year -------------------------------------------------------------------------


class ClosedYear:
    """A year with a task in every state a write could still move, then closed. Tasks are
    registered by the admin, each for a leader of its own."""

    def __init__(self, system: System, year: int) -> None:
        self.system, self.year = system, year
        self.leaders: dict[str, str] = {}
        reg = system.registration
        self.pending, self.approved, self.returned, self.self_assessed = (
            self.new() for _ in range(4)
        )
        approve(system.approval, self.approved)
        approve(system.approval, self.self_assessed)
        decide(system.approval, self.returned, decision="return", reason="sửa")
        answer = reg.post(
            f"/tasks/{self.self_assessed}/self-assessment",
            json=SELF_ASSESSMENT,
            headers=ADMIN.headers,
        )
        assert answer.status_code == 201, answer.text
        closed = system.approval.post(
            f"/years/{year}/closure",
            json={"decided_by": DECIDED_BY, "reference": "QĐ tổng kết"},
            headers=ADMIN.headers,
        )
        assert closed.status_code == 201, closed.text
        self.closure = closed.json()

    def body(self, leader_id: str) -> dict[str, Any]:
        return task_body(leader_id, "closing", year=self.year, deadline=f"{self.year}-12-31")

    def new(self) -> str:
        leader_id = leader()
        task_id: str = register(self.system.registration, ADMIN, self.body(leader_id))["task_id"]
        self.leaders[task_id] = leader_id
        return task_id


@pytest.fixture
def closed_year(system: System, spare_year: int) -> ClosedYear:
    return ClosedYear(system, spare_year)


def test_closing_a_year_is_an_event(system: System, closed_year: ClosedYear) -> None:
    answer = closed_year.closure
    assert answer["year"] == closed_year.year
    document = document_at(system.redis, system.prefix, "years", answer["position"])
    assert document["id"] == answer["event_id"]
    assert document["type"] == "YearClosed"
    assert set(document["data"]) == {"year", "decided_by", "reference", "closed_at"}
    assert (document["actor"], document["actorrole"]) == (ADMIN.person, "admin")


def writes_of_a_closed_year(closed: ClosedYear) -> dict[str, tuple[str, str, str, Any]]:
    """(service, method, path, body) of every write of the year, each of which was allowed
    before the closure."""
    year = closed.year
    return {
        "register": ("registration", "POST", "/tasks", closed.body(leader())),
        "amend": (
            "registration",
            "PUT",
            f"/tasks/{closed.pending}",
            closed.body(closed.leaders[closed.pending]),
        ),
        "withdraw": ("registration", "POST", f"/tasks/{closed.returned}/withdrawal", WITHDRAWAL),
        "progress": (
            "registration",
            "POST",
            f"/tasks/{closed.approved}/progress",
            progress_body(reported_at=f"{year}-12-01"),
        ),
        "self-assess": (
            "registration",
            "POST",
            f"/tasks/{closed.approved}/self-assessment",
            SELF_ASSESSMENT,
        ),
        "roster": ("registration", "PUT", f"/roster/{year}", ROSTER),
        "decide": (
            "approval",
            "POST",
            f"/tasks/{closed.pending}/decision",
            {"decision": "approve", "decided_by": DECIDED_BY},
        ),
        "batch": (
            "approval",
            "POST",
            "/decisions",
            {"task_ids": [closed.pending], "decision": "approve", "decided_by": DECIDED_BY},
        ),
        "evaluate": (
            "approval",
            "POST",
            f"/tasks/{closed.self_assessed}/evaluation",
            EVALUATION,
        ),
        "close again": (
            "approval",
            "POST",
            f"/years/{year}/closure",
            {"decided_by": DECIDED_BY},
        ),
    }


def test_every_write_of_a_closed_year_is_409_year_closed(
    system: System, closed_year: ClosedYear
) -> None:
    with nothing_written(system.redis, system.prefix):
        for name, (service, method, path, body) in writes_of_a_closed_year(closed_year).items():
            answer = system.clients[service].request(method, path, json=body, headers=ADMIN.headers)
            assert answer.status_code == 409, (name, answer.text)
            refused(answer, 409, "year_closed", f"year {closed_year.year} is")
    shown = task(system.registration, closed_year.pending, ADMIN)
    assert shown["status"] == "pending", "a closed year's tasks still read"


def test_a_closed_year_leaves_other_years_open(
    system: System, closed_year: ClosedYear, registrant: Caller, unit_code: str
) -> None:
    register(system.registration, registrant, task_body(registrant, unit_code))


def test_only_an_admin_closes_a_year(system: System) -> None:
    with nothing_written(system.redis, system.prefix):
        answer = system.approval.post(
            f"/years/{FAR_YEAR}/closure",
            json={"decided_by": DECIDED_BY},
            headers=APPROVER.headers,
        )
        refused(answer, 403, "admin")


@pytest.mark.parametrize(
    ("year", "body"),
    [(1999, {"decided_by": DECIDED_BY}), (2099, {}), (2099, {"decided_by": ""})],
    ids=["year before 2000", "nobody decided", "empty decided_by"],
)
def test_a_malformed_closure_is_422(system: System, year: int, body: dict[str, Any]) -> None:
    with nothing_written(system.redis, system.prefix):
        answer = system.approval.post(f"/years/{year}/closure", json=body, headers=ADMIN.headers)
        refused(answer, 422)
