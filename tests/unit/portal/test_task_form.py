"""The registration form: the services' rules checked before the call, and the body."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.portal.i18n import Translator
from services.portal.task_form import TaskForm, targets_shown, values_of
from services.portal.web import lines

TODAY = date(2024, 6, 1)
VI = Translator("vi")


def typed(**changes: str) -> dict[str, str]:
    values = {
        "year": "2024",
        "title": "Đẩy nhanh giải phóng mặt bằng",
        "category": "socio_economic",
        "kind": "breakthrough",
        "deadline": "31/12/2024",
        "targets.0.metric": "Dự án",
        "targets.0.unit": "dự án",
        "targets.0.target": "26",
        "targets.1.metric": "Diện tích",
        "targets.1.unit": "ha",
        "targets.1.target": "1.287,5",
        "targets.1.direction": "at_least",
    }
    return values | changes


def test_a_complete_form_makes_the_body_of_post_tasks() -> None:
    form = TaskForm(typed(), VI)
    body = form.body("hung", TODAY)
    assert form.ok
    assert body == {
        "year": 2024,
        "registrant": {"id": "hung"},
        "title": "Đẩy nhanh giải phóng mặt bằng",
        "description": "",
        "category": "socio_economic",
        "kind": "breakthrough",
        "targets": [
            {"metric": "Dự án", "unit": "dự án", "target": 26, "direction": "at_least"},
            {"metric": "Diện tích", "unit": "ha", "target": 1287.5, "direction": "at_least"},
        ],
        "deadline": "2024-12-31",
    }


def test_the_registrant_and_unit_are_sent_when_given() -> None:
    form = TaskForm(
        typed(
            **{
                "registrant.name": "Phạm Quang Hưng",
                "registrant.position": "Chủ tịch UBND huyện",
                "registrant.level": "district_leader",
                "unit.code": "kim-thanh",
                "unit.name": "Huyện Kim Thành",
            }
        ),
        VI,
    )
    body = form.body("hung", TODAY)
    assert body is not None
    assert body["registrant"] == {
        "id": "hung",
        "name": "Phạm Quang Hưng",
        "position": "Chủ tịch UBND huyện",
        "level": "district_leader",
    }
    assert body["unit"] == {"code": "kim-thanh", "name": "Huyện Kim Thành"}


def refused(**changes: str) -> dict[str, str]:
    form = TaskForm(typed(**changes), VI)
    assert form.body("hung", TODAY) is None
    return form.errors


def test_the_services_rules_are_checked_first() -> None:
    assert refused(title="")["title"] == "Chưa nhập thông tin này."
    assert refused(title="x" * 301)["title"] == "Quá dài: tối đa 300 ký tự."
    assert refused(category="tourism")["category"] == "Hãy chọn một giá trị trong danh sách."
    assert refused(deadline="31/12/2025")["deadline"] == "Hạn hoàn thành phải nằm trong năm 2024."
    assert refused(deadline="31/13/2024")["deadline"].startswith("Ngày không hợp lệ")
    assert refused(year="2026")["year"] == "Năm phải từ 2000 đến 2025."
    assert refused(**{"targets.1.target": "0"})["targets.1.target"] == "Phải lớn hơn 0."
    assert refused(**{"targets.1.target": "26 dự án"})["targets.1.target"].startswith("Không phải")
    assert refused(**{"targets.1.target": "2.000.000.000.000.000"})["targets.1.target"] == (
        "Quá lớn: tối đa 1.000.000.000.000.000."
    )
    assert refused(**{"targets.1.metric": "Dự án"})["targets.1.metric"] == (
        "Trùng tên với một chỉ tiêu khác."
    )
    assert refused(**{"targets.1.unit": ""})["targets.1.unit"] == "Chưa nhập thông tin này."
    assert refused(**{"unit.code": "Kim Thành", "unit.name": "Huyện Kim Thành"})["unit.code"]
    assert refused(**{"unit.name": "Huyện Kim Thành"})["unit.code"] == "Chưa nhập thông tin này."


def test_at_least_one_target() -> None:
    empty = {f"targets.{i}.{part}": "" for i in range(2) for part in ("metric", "unit", "target")}
    assert refused(**empty)["targets.0.metric"] == "Nhập ít nhất một chỉ tiêu."


def test_english_readers_type_english_numbers() -> None:
    form = TaskForm(typed(**{"targets.1.target": "1,287.5"}), Translator("en"))
    body = form.body("hung", TODAY)
    assert body is not None
    assert body["targets"][1]["target"] == 1287.5


def test_a_task_fills_the_form_to_amend_it_and_gives_the_same_body() -> None:
    task: dict[str, Any] = {
        "year": 2024,
        "registrant": {
            "id": "hung",
            "name": "Hưng",
            "position": "Chủ tịch",
            "level": "district_leader",
        },
        "unit": {"code": "kim-thanh", "name": "Huyện Kim Thành"},
        "title": "Giải phóng mặt bằng",
        "description": "Mô tả",
        "category": "socio_economic",
        "kind": "creative",
        "targets": [
            {"metric": "Diện tích", "unit": "ha", "target": 287.25, "direction": "at_most"}
        ],
        "deadline": "2024-09-30",
    }
    values = values_of(task, VI)
    assert values["deadline"] == "30/09/2024"
    assert values["targets.0.target"] == "287,25"
    body = TaskForm(values, VI).body("hung", TODAY)
    assert body is not None
    assert body["targets"] == task["targets"]
    assert body["registrant"] == task["registrant"]
    assert body["deadline"] == task["deadline"]


def test_rows_of_targets_shown_are_those_filled_and_one_more() -> None:
    assert targets_shown({}) == 3
    assert targets_shown({"targets.4.metric": "x"}) == 6
    assert targets_shown({"targets.9.metric": "x"}) == 10


def test_a_description_keeps_its_lines_and_a_title_is_one_line() -> None:
    """A browser posts a textarea's line breaks as CRLF (``web.lines`` makes them LF, which
    the services take in multi-line fields); a title is one line: its breaks are spaces."""
    posted = typed(
        title="Đẩy nhanh\r\n giải phóng\tmặt bằng", description="Dòng 1\r\nDòng 2\rDòng 3"
    )
    form = TaskForm({name: lines(value) for name, value in posted.items()}, VI)
    body = form.body("hung", TODAY)
    assert body is not None
    assert body["title"] == "Đẩy nhanh giải phóng mặt bằng"
    assert body["description"] == "Dòng 1\nDòng 2\nDòng 3"


def test_a_task_carried_on_is_sent_and_an_id_that_is_none_refused() -> None:
    body = TaskForm(typed(continues="3f0c-task"), VI).body("hung", TODAY)
    assert body is not None
    assert body["continues"] == "3f0c-task"
    refused = TaskForm(typed(continues="not an id"), VI)
    assert refused.body("hung", TODAY) is None
    assert "continues" in refused.errors
