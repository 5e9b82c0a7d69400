"""The services' refusals in Vietnamese, beside the field they concern."""

from __future__ import annotations

import httpx

from services.portal.apis import Problem, problems_of
from services.portal.i18n import Translator
from services.portal.refusals import explain, field_of, place
from services.portal.task_form import field_names

T = Translator("vi")
FIELDS = set(field_names())


def test_a_loc_names_a_form_field() -> None:
    assert field_of(["body", "targets", 0, "target"]) == "targets.0.target"
    assert field_of(["body", "registrant", "name"]) == "registrant.name"
    assert field_of(["body"]) is None
    assert field_of(["header", "Idempotency-Key"]) is None
    assert field_of(["query", "year"]) is None
    assert field_of([]) is None


def test_a_refusal_goes_beside_its_field_in_vietnamese() -> None:
    placed = place(
        [
            Problem(("body", "targets", 1, "target"), "must be > 0", "greater_than"),
            Problem(("body", "title"), "too long", "string_too_long"),
            Problem(("body", "registrant", "name"), "required", "missing"),
        ],
        FIELDS,
        T,
    )
    assert placed.fields == {
        "targets.1.target": "Phải lớn hơn 0.",
        "title": "Quá dài: tối đa 300 ký tự.",
        "registrant.name": "Bắt buộc: năm này chưa có danh sách lãnh đạo dự kiến đăng ký để hệ "
        "thống tự lấy thông tin.",
    }
    assert placed.general == []


def test_a_refusal_about_no_field_goes_to_the_summary_or_beside_the_year() -> None:
    placed = place(
        [
            Problem((), "registrant holds 2 live tasks", "quota"),
            Problem((), "task is returned", "wrong_state"),
        ],
        FIELDS,
        T,
    )
    assert placed.fields == {"year": T("refusal.quota")}
    assert placed.general == [T("refusal.wrong_state")]
    assert "tải lại trang" in placed.general[0]


def test_a_refusal_of_a_whole_is_shown_at_its_first_part() -> None:
    placed = place(
        [
            Problem(("body", "unit"), "required", "missing"),
            Problem(("body", "targets"), "at least 1", "too_short"),
            Problem(("body", "targets", 0), "not an object", "model_type"),
        ],
        FIELDS,
        T,
    )
    assert set(placed.fields) == {"unit.code", "targets.0.metric"}


def test_one_message_per_field_the_first() -> None:
    placed = place(
        [Problem(("body", "title"), "a", "missing"), Problem(("body", "title"), "b", "enum")],
        FIELDS,
        T,
    )
    assert placed.fields == {"title": "Chưa nhập thông tin này."}


def test_an_unknown_code_is_named_in_a_general_message() -> None:
    assert explain(Problem((), "?", "brand_new_rule"), T) == (
        "Yêu cầu bị từ chối (mã: brand_new_rule)."
    )
    assert explain(Problem((), "?", "year_closed"), Translator("en")) == (
        "This year is closed: nothing more can be written."
    )


def test_the_error_shape_is_read_whatever_the_body() -> None:
    shaped = httpx.Response(
        409, json={"detail": [{"loc": ["body", "year"], "msg": "closed", "type": "year_closed"}]}
    )
    assert problems_of(shaped) == [Problem(("body", "year"), "closed", "year_closed")]
    assert problems_of(httpx.Response(404, json={"detail": "Not Found"})) == [
        Problem((), "Not Found", "http_error")
    ]
    assert problems_of(httpx.Response(502, text="<html>bad gateway</html>"))[0].type == (
        "http_error"
    )
