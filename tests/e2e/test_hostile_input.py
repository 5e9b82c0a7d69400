"""Hostile input at every write of registration and approval: each is a 4xx in the one error
shape, and writes nothing (the length of every stream is checked before and after).

Issue 11: ``NaN``, ``Infinity``, ``1e999``, an integer of 400 digits or a lone surrogate
escape anywhere in a body answered 500 (the validation-error handler echoed the input and
could not serialise it); a bad ``Idempotency-Key`` answered a 422 whose ``detail`` was a
string; registrant ids and unit codes accepted NUL and emoji; quantities had no bound.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import System
from tests.e2e.helpers import (
    DECIDED_BY,
    approve,
    leader,
    nothing_written,
    problems,
    progress_body,
    refused,
    register,
    task,
    task_body,
)
from tests.support.people import ADMIN

FAR_YEAR = 2090
"""A year no registration can be in: a roster or closure of it accepted by mistake changes
nothing another test does."""
SENTINEL = "@@hostile@@"
HOSTILE = {
    "NaN": "NaN",
    "Infinity": "Infinity",
    "-Infinity": "-Infinity",
    "1e999": "1e999",
    "-1e999": "-1e999",
    "400-digit integer": "9" * 400,
    "negative 400-digit integer": "-" + "9" * 400,
    "5000-digit integer": "9" * 5000,
    "lone surrogate": '"\\ud800"',
    "lone low surrogate": '"\\udfff"',
    "surrogate inside text": '"Kim Th\\ud800nh"',
}
"""JSON text (or what Python's JSON reader takes for it) that no field may hold, by name."""


@dataclass
class Write:
    """A write request that would be accepted as it is, and the places in its body where a
    hostile value is put instead of the valid one."""

    service: str
    method: str
    path: str
    body: dict[str, Any]
    fields: list[tuple[str | int, ...]]

    def send(self, system: System, content: bytes, **headers: str) -> httpx.Response:
        return system.clients[self.service].request(
            self.method,
            self.path,
            content=content,
            headers=ADMIN.headers | {"content-type": "application/json"} | headers,
        )

    def with_value(self, where: tuple[str | int, ...], literal: str) -> bytes:
        """The body with the JSON text ``literal`` at ``where`` (a new key if not there)."""
        body = json.loads(json.dumps(self.body))
        node = body
        for step in where[:-1]:
            node = node[step]
        node[where[-1]] = SENTINEL
        return json.dumps(body).replace(json.dumps(SENTINEL), literal).encode()


@dataclass
class Tasks:
    pending: str
    approved: str
    registrant: str


@pytest.fixture
def tasks(system: System, unit_code: str) -> Tasks:
    """A pending and an approved task of a leader of this test's own."""
    someone = leader()
    pending = register(system.registration, ADMIN, task_body(someone, unit_code))["task_id"]
    approved = register(system.registration, ADMIN, task_body(someone, unit_code))["task_id"]
    approve(system.approval, approved)
    return Tasks(pending, approved, someone)


def writes(tasks: Tasks, unit_code: str) -> dict[str, Write]:
    registration = task_body(leader(), unit_code)
    amendment = task_body(tasks.registrant, unit_code, title="Sửa đổi")
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
    return {
        "register": Write(
            "registration",
            "POST",
            "/tasks",
            registration,
            [
                ("year",),
                ("registrant", "id"),
                ("registrant", "name"),
                ("unit", "code"),
                ("title",),
                ("description",),
                ("targets", 0, "target"),
                ("targets", 1, "metric"),
                ("deadline",),
                ("extra",),
            ],
        ),
        "amend": Write(
            "registration",
            "PUT",
            f"/tasks/{tasks.pending}",
            amendment,
            [("title",), ("targets", 1, "target"), ("unit", "name")],
        ),
        "progress": Write(
            "registration",
            "POST",
            f"/tasks/{tasks.approved}/progress",
            progress_body(note="Đúng tiến độ"),
            [
                ("reported_at",),
                ("actuals", 0, "value"),
                ("actuals", 0, "metric"),
                ("status",),
                ("note",),
            ],
        ),
        "withdraw": Write(
            "registration",
            "POST",
            f"/tasks/{tasks.pending}/withdrawal",
            {"reason": "Trùng lặp"},
            [("reason",), ("extra",)],
        ),
        "self-assess": Write(
            "registration",
            "POST",
            f"/tasks/{tasks.approved}/self-assessment",
            {"rating": "good", "summary": "Hoàn thành"},
            [("rating",), ("summary",)],
        ),
        "roster": Write(
            "registration",
            "PUT",
            f"/roster/{FAR_YEAR}",
            roster,
            [("units", 0, "code"), ("leaders", 0, "name"), ("leaders", 0, "level")],
        ),
        "decide": Write(
            "approval",
            "POST",
            f"/tasks/{tasks.pending}/decision",
            {"decision": "approve", "decided_by": DECIDED_BY, "reference": "QĐ 1"},
            [("decision",), ("decided_by",), ("reference",), ("note",)],
        ),
        "decide many": Write(
            "approval",
            "POST",
            "/decisions",
            {"task_ids": [tasks.pending], "decision": "approve", "decided_by": DECIDED_BY},
            [("task_ids", 0), ("decided_by",), ("note",)],
        ),
        "evaluate": Write(
            "approval",
            "POST",
            f"/tasks/{tasks.approved}/evaluation",
            {"rating": "excellent", "decided_by": DECIDED_BY},
            [("rating",), ("decided_by",), ("reference",)],
        ),
        "close": Write(
            "approval",
            "POST",
            f"/years/{FAR_YEAR}/closure",
            {"decided_by": DECIDED_BY},
            [("decided_by",), ("reference",)],
        ),
    }


WRITES = [
    "register",
    "amend",
    "progress",
    "withdraw",
    "self-assess",
    "roster",
    "decide",
    "decide many",
    "evaluate",
    "close",
]
KEYED = [name for name in WRITES if name not in ("roster", "close")]
"""The writes that take an Idempotency-Key."""


@pytest.fixture
def log_untouched(system: System, tasks: Tasks) -> Iterator[None]:
    """No stream moves during the test (once its tasks are set up)."""
    with nothing_written(system.redis, system.prefix):
        yield


@pytest.mark.parametrize("name", [name for name in WRITES if name != "close"])
def test_each_write_as_given_here_is_accepted(
    system: System, tasks: Tasks, unit_code: str, name: str
) -> None:
    """The control: the bodies below are refused for their hostile value alone. (Closing a
    year is final, so the closure's control is the closure tests of test_lifecycle.py.)"""
    write = writes(tasks, unit_code)[name]
    answer = write.send(system, json.dumps(write.body).encode())
    assert answer.is_success, answer.text


@pytest.mark.parametrize("value", HOSTILE, ids=list(HOSTILE))
@pytest.mark.parametrize("name", WRITES)
@pytest.mark.usefixtures("log_untouched")
def test_a_value_json_cannot_hold_is_422_wherever_it_is(
    system: System, tasks: Tasks, unit_code: str, name: str, value: str
) -> None:
    write = writes(tasks, unit_code)[name]
    for where in write.fields:
        answer = write.send(system, write.with_value(where, HOSTILE[value]))
        assert answer.status_code == 422, (where, answer.status_code, answer.text)
        problems(answer)


@pytest.mark.parametrize("value", HOSTILE, ids=list(HOSTILE))
@pytest.mark.usefixtures("log_untouched")
def test_a_hostile_key_is_422(system: System, tasks: Tasks, unit_code: str, value: str) -> None:
    write = writes(tasks, unit_code)["register"]
    literal = HOSTILE[value] if HOSTILE[value].startswith('"') else f'"{HOSTILE[value]}"'
    content = json.dumps(write.body)[:-1] + f", {literal}: {HOSTILE[value]}}}"
    answer = write.send(system, content.encode())
    refused(answer, 422)


DEEP = {
    "nested arrays": "[" * 100_000 + "]" * 100_000,
    "nested objects": '{"a":' * 50_000 + "1" + "}" * 50_000,
    "truncated": '{"year": 2024',
    "not UTF-8": "\udcff\udcfe",
    "empty": "",
}


@pytest.mark.parametrize("content", DEEP, ids=list(DEEP))
@pytest.mark.parametrize("name", WRITES)
@pytest.mark.usefixtures("log_untouched")
def test_a_body_that_is_not_readable_json_is_422(
    system: System, tasks: Tasks, unit_code: str, name: str, content: str
) -> None:
    write = writes(tasks, unit_code)[name]
    raw = DEEP[content].encode("utf-8", "surrogateescape")
    answer = write.send(system, raw)
    refused(answer, 422)


WRONG_TYPES: dict[str, tuple[str, Any]] = {
    "an array": ("", []),
    "a string": ("", "năm 2024"),
    "a number": ("", 2024),
    "null": ("", None),
    "true": ("", True),
    "registrant as a string": ("registrant", "pham-quang-hung"),
    "targets as an object": ("targets", {"metric": "x", "unit": "u", "target": 1}),
    "a target as a number": ("targets", [1]),
    "year as an array": ("year", [2024]),
    "year with a fraction": ("year", 2024.5),
    "title as an object": ("title", {"vi": "Giải phóng mặt bằng"}),
    "title as a number": ("title", 26),
    "deadline as an object": ("deadline", {"year": 2024}),
    "kind as a list": ("kind", ["breakthrough"]),
}


@pytest.mark.parametrize("case", WRONG_TYPES, ids=list(WRONG_TYPES))
@pytest.mark.usefixtures("log_untouched")
def test_a_body_of_wrong_json_types_is_422(system: System, unit_code: str, case: str) -> None:
    field, value = WRONG_TYPES[case]
    body: Any = value if not field else task_body(leader(), unit_code) | {field: value}
    answer = system.registration.post("/tasks", json=body, headers=ADMIN.headers)
    refused(answer, 422)


# --- identifiers: the character rules of path ids -------------------------------------------

BAD_IDS = {
    "NUL": "hung\u0000",
    "emoji": "hung-😀",
    "Vietnamese letters": "hùng",
    "a space": "pham quang hung",
    "a new line": "hung\n",
    "a colon and braces": "{evil}:hung",
    "empty": "",
    "65 characters": "h" * 65,
}


@pytest.mark.parametrize("identifier", BAD_IDS, ids=list(BAD_IDS))
@pytest.mark.usefixtures("log_untouched")
def test_a_registrant_id_outside_the_path_id_rules_is_422(
    system: System, unit_code: str, identifier: str
) -> None:
    answer = system.registration.post(
        "/tasks", json=task_body(BAD_IDS[identifier], unit_code), headers=ADMIN.headers
    )
    [problem] = refused(answer, 422)
    assert problem["loc"] == ["body", "registrant", "id"]


@pytest.mark.parametrize("identifier", BAD_IDS, ids=list(BAD_IDS))
@pytest.mark.usefixtures("log_untouched")
def test_a_unit_code_outside_the_path_id_rules_is_422(system: System, identifier: str) -> None:
    answer = system.registration.post(
        "/tasks", json=task_body(leader(), BAD_IDS[identifier]), headers=ADMIN.headers
    )
    [problem] = refused(answer, 422)
    assert problem["loc"] == ["body", "unit", "code"]


@pytest.mark.parametrize("identifier", BAD_IDS, ids=list(BAD_IDS))
@pytest.mark.usefixtures("log_untouched")
def test_roster_ids_outside_the_path_id_rules_are_422(system: System, identifier: str) -> None:
    bad = BAD_IDS[identifier]
    leader_row = {
        "id": "hung",
        "name": "Phạm Quang Hưng",
        "position": "Chủ tịch",
        "level": "district_leader",
        "unit": "kim-thanh",
    }
    for body in (
        {"units": [{"code": bad, "name": "Huyện"}], "leaders": [leader_row | {"unit": bad}]},
        {"units": [{"code": "kim-thanh", "name": "Huyện"}], "leaders": [leader_row | {"id": bad}]},
    ):
        answer = system.registration.put(f"/roster/{FAR_YEAR}", json=body, headers=ADMIN.headers)
        refused(answer, 422)


@pytest.mark.parametrize(
    "path",
    [
        "/tasks/hung%00",
        "/tasks/%F0%9F%98%80",
        "/tasks/h%C3%B9ng",
        "/tasks/%FF",
        "/tasks/" + "t" * 65,
    ],
)
def test_a_task_id_outside_the_rules_is_422_on_every_route(system: System, path: str) -> None:
    for service, method, suffix in [
        ("registration", "GET", ""),
        ("registration", "PUT", ""),
        ("registration", "POST", "/progress"),
        ("registration", "POST", "/withdrawal"),
        ("registration", "POST", "/self-assessment"),
        ("approval", "POST", "/decision"),
        ("approval", "POST", "/evaluation"),
    ]:
        answer = system.clients[service].request(
            method, path + suffix, json={}, headers=ADMIN.headers
        )
        [*_, problem] = refused(answer, 422)
        assert ["path", "task_id"] in [p["loc"] for p in problems(answer)], (method, suffix)
        assert problem


@pytest.mark.usefixtures("log_untouched")
def test_a_batch_naming_a_task_outside_the_rules_is_422(system: System, tasks: Tasks) -> None:
    for bad in BAD_IDS.values():
        answer = system.approval.post(
            "/decisions",
            json={"task_ids": [tasks.pending, bad], "decision": "approve", "decided_by": "x"},
            headers=ADMIN.headers,
        )
        [problem] = refused(answer, 422)
        assert problem["loc"][:2] == ["body", "task_ids"]


@pytest.mark.parametrize("unit", ["kim%00", "%F0%9F%98%80", "%ED%A0%80", "a%20b"])
def test_a_pending_query_for_a_unit_outside_the_rules_is_422(system: System, unit: str) -> None:
    answer = system.approval.get(f"/approvals/pending?year=2024&unit={unit}", headers=ADMIN.headers)
    [problem] = refused(answer, 422)
    assert problem["loc"] == ["query", "unit"]


# --- quantities: finite, at most 1e15 in size ----------------------------------------------


@pytest.mark.parametrize(
    ("target", "status"),
    [
        (1e15, 201),
        (10**15, 201),
        (0.001, 201),
        (1e15 + 1, 422),
        (10**16, 422),
        (1.7e308, 422),
        (0, 422),
        (-1, 422),
    ],
)
def test_a_target_is_a_finite_number_above_0_and_at_most_1e15(
    system: System, unit_code: str, target: float, status: int
) -> None:
    body = task_body(leader(), unit_code)
    body["targets"][0]["target"] = target
    answer = system.registration.post("/tasks", json=body, headers=ADMIN.headers)
    assert answer.status_code == status, answer.text
    if status == 422:
        assert refused(answer, 422)[0]["loc"] == ["body", "targets", 0, "target"]


@pytest.mark.parametrize(
    ("value", "status"),
    [(1e15, 201), (0, 201), (1e15 + 1, 422), (1.7e308, 422), (10**400, 422), (-0.5, 422)],
)
def test_a_reported_value_is_a_finite_number_from_0_to_1e15(
    system: System, tasks: Tasks, value: float, status: int
) -> None:
    body = progress_body(actuals=[{"metric": "area cleared", "value": value}])
    answer = system.registration.post(
        f"/tasks/{tasks.approved}/progress", json=body, headers=ADMIN.headers
    )
    assert answer.status_code == status, answer.text


def test_huge_values_on_two_tasks_sharing_a_metric_are_refused(
    system: System, unit_code: str
) -> None:
    """Issue 11: 1.7e308 on two approved tasks that share a metric broke the report for good
    (its sum overflowed); the write side now refuses either."""
    shared = [
        register(system.registration, ADMIN, task_body(leader(), unit_code))["task_id"]
        for _ in range(2)
    ]
    for task_id in shared:
        approve(system.approval, task_id)
    body = progress_body(actuals=[{"metric": "area cleared", "value": 1.7e308}])
    with nothing_written(system.redis, system.prefix):
        for task_id in shared:
            answer = system.registration.post(
                f"/tasks/{task_id}/progress", json=body, headers=ADMIN.headers
            )
            refused(answer, 422, "less than or equal to 1000000000000000")
    shown = [task(system.registration, t, ADMIN) for t in shared]
    assert all(target["latest"] is None for view in shown for target in view["targets"])


# --- huge bodies ------------------------------------------------------------------------------

MEGABYTE = 1024 * 1024


@pytest.mark.parametrize("name", WRITES)
@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.usefixtures("log_untouched")
def test_a_body_over_a_megabyte_is_413(
    system: System, tasks: Tasks, unit_code: str, name: str, chunked: bool
) -> None:
    write = writes(tasks, unit_code)[name]
    content = json.dumps(write.body | {"padding": "x" * MEGABYTE}).encode()
    if chunked:

        def pieces() -> Iterator[bytes]:
            for start in range(0, len(content), 64 * 1024):
                yield content[start : start + 64 * 1024]

        answer = system.clients[write.service].request(
            write.method,
            write.path,
            content=pieces(),
            headers=ADMIN.headers | {"content-type": "application/json"},
        )
        assert "content-length" not in answer.request.headers
    else:
        answer = write.send(system, content)
    refused(answer, 413, "nothing was written", "too_large")


# --- Idempotency-Key ------------------------------------------------------------------------

BAD_KEYS = {
    "201 characters": "k" * 201,
    "empty": "",
    "a space": "retry 1",
    "non-ASCII": "lần-1",
}


@pytest.mark.parametrize("key", BAD_KEYS, ids=list(BAD_KEYS))
@pytest.mark.parametrize("name", KEYED)
@pytest.mark.usefixtures("log_untouched")
def test_a_bad_idempotency_key_is_422_in_the_one_shape(
    system: System, tasks: Tasks, unit_code: str, name: str, key: str
) -> None:
    write = writes(tasks, unit_code)[name]
    raw: dict[str, str | bytes] = {**ADMIN.headers, "Idempotency-Key": BAD_KEYS[key].encode()}
    answer = system.clients[write.service].request(
        write.method, write.path, json=write.body, headers=raw
    )
    [problem] = refused(answer, 422)
    assert problem["loc"] == ["header", "Idempotency-Key"]


# --- odd but valid text -----------------------------------------------------------------------


def test_odd_text_is_stored_as_given_and_logged_as_escaped_json(
    system: System, unit_code: str
) -> None:
    odd = 'Kim Thành}{"x":1}\u202e\u2028 <script>\U0001f600'
    body = task_body(leader(), unit_code, title=odd)
    body["registrant"]["name"] = odd
    created = register(system.registration, ADMIN, body)
    shown = task(system.registration, created["task_id"], ADMIN)
    assert shown["title"] == odd.strip()
    assert shown["registrant"]["name"] == odd.strip()
    for service in system.services.values():
        for line in service.logs(tail=None).split("\n")[:-1]:  # the last may be half written
            if line.strip():
                json.loads(line)  # every line is one JSON document: nothing broke out
                assert line.isascii(), "client text is escaped, no separator survives raw"


CONTROL = {
    "a NUL in a title": ("title", "Kim Thành\x00"),
    "an escape in a name": ("name", "Phạm\x1b[31m Hưng"),
    "a C1 control in a title": ("title", "Kim\x85Thành"),
    "a line feed in a title": ("title", "Kim Thành\ngiữa"),
    "a carriage return in a description": ("description", "Dòng 1\r\nDòng 2"),
}


@pytest.mark.parametrize("case", CONTROL, ids=list(CONTROL))
def test_a_control_character_in_a_text_is_422_and_nothing_is_written(
    system: System, unit_code: str, case: str
) -> None:
    """A title with a NUL was taken, and from then on the year's Excel export answered 500
    for everyone (the log is never trimmed): control characters are refused at the door
    (a line feed and a tab only where text has lines: descriptions, notes, reasons)."""
    field, text = CONTROL[case]
    body = task_body(leader(), unit_code)
    if field == "name":
        body["registrant"]["name"] = text
    else:
        body[field] = text
    with nothing_written(system.redis, system.prefix):
        [problem] = refused(
            system.registration.post("/tasks", json=body, headers=ADMIN.headers),
            422,
            "string_pattern_mismatch",
        )
    assert problem["loc"][-1] == field
    lines = task_body(leader(), unit_code, description="Dòng 1\nDòng 2\tcột")
    register(system.registration, ADMIN, lines)


@pytest.mark.parametrize("service", ["registration", "approval"])
def test_an_unknown_route_or_method_answers_in_the_one_shape(system: System, service: str) -> None:
    client = system.clients[service]
    refused(client.get("/nowhere", headers=ADMIN.headers), 404, "not_found")
    known = {"registration": "/tasks/t-1", "approval": "/decisions"}[service]
    refused(client.delete(known, headers=ADMIN.headers), 405, "method_not_allowed")
