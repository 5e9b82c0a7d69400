"""What a program in any language sees: plain XRANGE over the streams and plain JSON parsing.
Every document the services write validates against its published schema (docs/schemas).

Reads with no project code: only redis-py, ``json`` and ``jsonschema``.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.e2e.conftest import System, take_spare_year
from tests.e2e.helpers import (
    DECIDED_BY,
    YEAR,
    decide,
    document_at,
    documents,
    progress_body,
    register,
    task_body,
)
from tests.support.people import ADMIN, APPROVER, Pool

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schemas"
STREAMS = {
    "TaskRegistered": "tasks:registered",
    "TaskAmended": "tasks:amended",
    "TaskWithdrawn": "tasks:withdrawn",
    "TaskApproved": "tasks:approved",
    "TaskRejected": "tasks:rejected",
    "TaskReturned": "tasks:returned",
    "ProgressLogged": "tasks:progress",
    "TaskSelfAssessed": "tasks:self-assessed",
    "TaskEvaluated": "tasks:evaluated",
    "YearClosed": "years",
    "RosterPublished": "roster",
}
ENVELOPE_KEYS = {
    "specversion",
    "id",
    "source",
    "type",
    "subject",
    "time",
    "datacontenttype",
    "schemaversion",
    "correlationid",
    "causationid",
    "data",
    "actor",
    "actorrole",
    "taskversion",
    "importedat",
}
UTC_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def validator(event_type: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{event_type}.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


class Written:
    """Every kind of event, written through the HTTP APIs; what each write answered."""

    def __init__(self, system: System, pool: Pool, unit_code: str, spare_year: int) -> None:
        self.chain = f"chain-{unit_code}"
        reg, appr = system.registration, system.approval
        hung, lan = pool.registrant(), pool.registrant()
        traced = {"X-Correlation-ID": self.chain}
        body = task_body(hung, unit_code)
        self.registered = register(reg, hung, body, imported=True, **traced)
        main = self.registered["task_id"]
        self.returned = decide(appr, main, decision="return", reason="Làm rõ chỉ tiêu").json()
        self.amended = self.write(
            reg.put(f"/tasks/{main}", json=task_body(hung, unit_code), headers=hung.headers)
        )
        self.approved = self.write(
            appr.post(
                f"/tasks/{main}/decision",
                json={"decision": "approve", "decided_by": DECIDED_BY, "note": "đạt"},
                headers=APPROVER.headers,
            )
        )
        self.progress = self.write(
            reg.post(
                f"/tasks/{main}/progress",
                json=progress_body(status="at_risk", note="Chậm giải ngân"),
                headers=hung.headers | traced,
            )
        )
        self.self_assessed = self.write(
            reg.post(
                f"/tasks/{main}/self-assessment",
                json={"rating": "good", "summary": "Hoàn thành"},
                headers=hung.headers,
            )
        )
        self.evaluated = self.write(
            appr.post(
                f"/tasks/{main}/evaluation",
                json={"rating": "excellent", "decided_by": DECIDED_BY, "reference": "QĐ 2"},
                headers=APPROVER.headers,
            )
        )
        doomed = register(reg, lan, task_body(lan, unit_code, title="Bị từ chối"))
        self.doomed = doomed
        self.rejected = decide(appr, doomed["task_id"], decision="reject", reason="Trùng").json()
        dropped = register(reg, lan, task_body(lan, unit_code, title="Rút lại"))
        self.withdrawn = self.write(
            reg.post(
                f"/tasks/{dropped['task_id']}/withdrawal",
                json={"reason": "Trùng"},
                headers=lan.headers,
            )
        )
        roster = {
            "units": [{"code": "kim-thanh", "name": "Huyện Kim Thành"}],
            "leaders": [
                {
                    "id": "pham-quang-hung",
                    "name": "Phạm Quang Hưng",
                    "position": "Chủ tịch UBND huyện",
                    "level": "district_leader",
                    "unit": "kim-thanh",
                }
            ],
        }
        self.roster = self.write(
            reg.put(f"/roster/{spare_year}", json=roster, headers=ADMIN.headers)
        )
        self.closed = self.write(
            appr.post(
                f"/years/{spare_year}/closure",
                json={"decided_by": DECIDED_BY},
                headers=ADMIN.headers,
            )
        )

    @staticmethod
    def write(answer: Any) -> dict[str, Any]:
        assert answer.is_success, answer.text
        result: dict[str, Any] = answer.json()
        return result


@pytest.fixture(scope="module")
def written(system: System, pool: Pool) -> Written:
    """Written once for the module's tests, which only read."""
    return Written(system, pool, f"unit-{uuid.uuid4().hex[:10]}", take_spare_year())


@pytest.mark.parametrize("event_type", list(STREAMS))
def test_every_document_validates_against_its_published_schema(
    system: System, written: Written, event_type: str
) -> None:
    check = validator(event_type)
    read = documents(system.redis, system.prefix, STREAMS[event_type])
    assert read, f"nothing in {STREAMS[event_type]}"
    for _, document in read:
        errors = [error.message for error in check.iter_errors(document)]
        assert not errors, (document, errors)


@pytest.mark.parametrize("event_type", list(STREAMS))
def test_every_document_is_a_cloudevents_envelope_of_the_contract(
    system: System, written: Written, event_type: str
) -> None:
    for _, document in documents(system.redis, system.prefix, STREAMS[event_type]):
        assert set(document) == ENVELOPE_KEYS
        assert document["specversion"] == "1.0"
        assert document["type"] == event_type
        assert document["datacontenttype"] == "application/json"
        assert document["schemaversion"] == 1
        assert document["source"] in ("/breakthrough/registration", "/breakthrough/approval")
        assert UTC_TIME.match(document["time"]), document["time"]
        data = document["data"]
        subject = str(data["year"]) if event_type in ("YearClosed", "RosterPublished") else None
        assert document["subject"] == (subject or data["task_id"])


def test_event_ids_are_unique_across_every_stream(system: System, written: Written) -> None:
    ids = [
        document["id"]
        for stream in STREAMS.values()
        for _, document in documents(system.redis, system.prefix, stream)
    ]
    assert len(ids) == len(set(ids))


def test_a_write_answers_the_position_and_id_of_its_event(system: System, written: Written) -> None:
    for answer, stream in [
        (written.registered, "tasks:registered"),
        (written.returned, "tasks:returned"),
        (written.amended, "tasks:amended"),
        (written.approved, "tasks:approved"),
        (written.progress, "tasks:progress"),
        (written.self_assessed, "tasks:self-assessed"),
        (written.evaluated, "tasks:evaluated"),
        (written.rejected, "tasks:rejected"),
        (written.withdrawn, "tasks:withdrawn"),
        (written.roster, "roster"),
        (written.closed, "years"),
    ]:
        document = document_at(system.redis, system.prefix, stream, answer["position"])
        assert document["id"] == answer["event_id"], stream


def test_correlation_and_causation_ids_chain_the_events(system: System, written: Written) -> None:
    def at(stream: str, answer: dict[str, Any]) -> dict[str, Any]:
        return document_at(system.redis, system.prefix, stream, answer["position"])

    registered = at("tasks:registered", written.registered)
    assert (registered["correlationid"], registered["causationid"]) == (written.chain, None)
    assert at("tasks:progress", written.progress)["correlationid"] == written.chain
    amended = at("tasks:amended", written.amended)
    assert at("tasks:returned", written.returned)["causationid"] == registered["id"]
    assert at("tasks:approved", written.approved)["causationid"] == amended["id"], (
        "a decision is caused by the registration as it stands: here its amendment"
    )
    assert at("tasks:rejected", written.rejected)["causationid"] == written.doomed["event_id"]
    assert at("tasks:approved", written.approved)["source"] == "/breakthrough/approval"
    assert at("tasks:approved", written.approved)["data"]["note"] == "đạt"


def test_data_holds_the_contracts_fields(system: System, written: Written) -> None:
    registered = document_at(
        system.redis, system.prefix, "tasks:registered", written.registered["position"]
    )["data"]
    assert registered["year"] == YEAR
    assert registered["registrant"]["name"] == "Phạm Quang Hưng"
    assert registered["targets"][0] == {
        "metric": "projects cleared",
        "unit": "project",
        "target": 26,
        "direction": "at_least",
    }
    progress = document_at(
        system.redis, system.prefix, "tasks:progress", written.progress["position"]
    )["data"]
    contract = ("task_id", "year", "reported_at", "actuals", "status", "note")
    assert {name: progress[name] for name in contract} == {
        "task_id": written.registered["task_id"],
        "year": YEAR,
        "reported_at": f"{YEAR}-09-30",
        "actuals": [{"metric": "projects cleared", "value": 15}],
        "status": "at_risk",
        "note": "Chậm giải ngân",
    }


def test_every_entry_has_exactly_a_type_and_an_event(system: System, written: Written) -> None:
    for stream in STREAMS.values():
        for _, fields in system.redis.xrange(f"{system.prefix}:{stream}"):
            assert set(fields) == {b"type", b"event"}
            json.loads(fields[b"event"].decode("utf-8"))
