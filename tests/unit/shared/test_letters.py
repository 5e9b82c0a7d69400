"""The letters in Vietnamese: who is addressed and how, what is due or what was decided,
dates as dd/mm/yyyy, the task titles, the rating in words; and nothing from the record can
break a subject line or pass for part of the letter."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.events import Rating, ReminderKind
from shared.domain.letters import (
    RATINGS,
    TaskDue,
    TaskRef,
    approved,
    day,
    evaluated,
    reminder,
    returned,
)

HUNG = "Phạm Quang Hưng"
TASK = TaskRef("t-2024-kt-1", "Giải phóng mặt bằng 26 dự án", "Huyện Kim Thành")


def test_dates_are_written_day_month_year() -> None:
    assert day(date(2024, 3, 5)) == "05/03/2024"
    assert day(date(2024, 12, 31)) == "31/12/2024"


def test_a_returned_task_says_why_in_full() -> None:
    letter = returned(
        leader=HUNG,
        year=2024,
        task=TASK,
        reason="Chỉ tiêu chưa đo đếm được.\nBổ sung diện tích (ha) cần giải phóng.",
        on=date(2024, 3, 5),
    )
    assert letter == returned(
        leader=HUNG,
        year=2024,
        task=TASK,
        reason="Chỉ tiêu chưa đo đếm được.\nBổ sung diện tích (ha) cần giải phóng.",
        on=date(2024, 3, 5),
    )
    assert letter.subject == "Nhiệm vụ «Giải phóng mặt bằng 26 dự án» được trả lại để hoàn thiện"
    assert letter.body == (
        "Kính gửi Đồng chí Phạm Quang Hưng,\n"
        "\n"
        "Nội dung đăng ký nhiệm vụ đột phá, sáng tạo năm 2024 của đồng chí:\n"
        "\n"
        "  «Giải phóng mặt bằng 26 dự án»\n"
        "  Đơn vị: Huyện Kim Thành\n"
        "  Mã nhiệm vụ: t-2024-kt-1\n"
        "\n"
        "đã được trả lại ngày 05/03/2024 để hoàn thiện, với lý do:\n"
        "\n"
        "  Chỉ tiêu chưa đo đếm được.\n"
        "  Bổ sung diện tích (ha) cần giải phóng.\n"
        "\n"
        "Đề nghị đồng chí chỉnh sửa nội dung đăng ký theo ý kiến trên và gửi lại để được "
        "xem xét, phê duyệt.\n"
        "\n"
        "Trân trọng.\n"
        "\n"
        "--\n"
        "Hệ thống theo dõi nhiệm vụ đột phá, sáng tạo.\n"
        "Thư này được gửi tự động; xin đồng chí không trả lời thư này.\n"
    )


def test_an_approval_names_the_decision_and_the_day() -> None:
    letter = approved(
        leader=HUNG,
        year=2024,
        task=TASK,
        reference="Quyết định số 123-QĐ/TU",
        note="Ưu tiên các dự án giao thông trọng điểm",
        on=date(2024, 3, 20),
        link="https://portal.haiduong.example.vn/tasks/t-2024-kt-1",
    )
    assert letter.subject == "Nhiệm vụ «Giải phóng mặt bằng 26 dự án» đã được phê duyệt"
    assert letter.body.startswith("Kính gửi Đồng chí Phạm Quang Hưng,\n")
    assert "đã được phê duyệt ngày 20/03/2024." in letter.body
    assert "Văn bản phê duyệt: Quyết định số 123-QĐ/TU\n" in letter.body
    assert "Ghi chú: Ưu tiên các dự án giao thông trọng điểm\n" in letter.body
    assert (
        "Theo dõi nhiệm vụ tại: https://portal.haiduong.example.vn/tasks/t-2024-kt-1\n"
        in letter.body
    )


def test_an_approval_without_reference_or_note_says_nothing_of_them() -> None:
    letter = approved(leader=HUNG, year=2024, task=TASK, reference=None, on=date(2024, 3, 20))
    assert "Văn bản phê duyệt" not in letter.body
    assert "Ghi chú" not in letter.body
    assert "None" not in letter.body


@pytest.mark.parametrize(
    ("rating", "words"),
    [
        (Rating.excellent, "Hoàn thành xuất sắc nhiệm vụ"),
        (Rating.good, "Hoàn thành tốt nhiệm vụ"),
        (Rating.completed, "Hoàn thành nhiệm vụ"),
        (Rating.not_completed, "Không hoàn thành nhiệm vụ"),
    ],
)
def test_an_evaluation_gives_the_rating_in_words(rating: Rating, words: str) -> None:
    letter = evaluated(
        leader=HUNG,
        year=2024,
        task=TASK,
        rating=rating,
        reference="Kết luận số 45-KL/TU",
        on=date(2025, 1, 15),
    )
    assert RATINGS[rating] == words
    assert letter.subject == f"Kết quả đánh giá nhiệm vụ «Giải phóng mặt bằng 26 dự án»: {words}"
    assert f"đã được đánh giá ngày 15/01/2025, xếp loại: {words}.\n" in letter.body
    assert "Văn bản đánh giá: Kết luận số 45-KL/TU\n" in letter.body
    assert "năm 2024" in letter.body


def test_a_reminder_to_register() -> None:
    letter = reminder(ReminderKind.not_registered, leader=HUNG, year=2024, on=date(2024, 2, 15))
    assert letter.subject == "Nhắc đăng ký nhiệm vụ đột phá, sáng tạo năm 2024"
    assert letter.body.startswith("Kính gửi Đồng chí Phạm Quang Hưng,\n\n")
    assert (
        "Đến ngày 15/02/2024, đồng chí chưa đăng ký nhiệm vụ đột phá, sáng tạo năm 2024."
        in letter.body
    )


def test_a_reminder_to_report_names_each_task_and_its_last_report() -> None:
    letter = reminder(
        ReminderKind.no_recent_progress,
        leader=HUNG,
        year=2024,
        on=date(2024, 9, 30),
        tasks=[
            TaskDue("t1", "Giải phóng mặt bằng 26 dự án", date(2024, 6, 30)),
            TaskDue("t2", "Giải ngân 400 tỷ đồng vốn đầu tư công", None),
        ],
    )
    assert letter.subject == "Nhắc báo cáo tiến độ nhiệm vụ đột phá, sáng tạo năm 2024"
    assert "các nhiệm vụ đột phá, sáng tạo năm 2024 sau đây" in letter.body
    assert "  - «Giải phóng mặt bằng 26 dự án» (báo cáo gần nhất ngày 30/06/2024)\n" in letter.body
    assert "  - «Giải ngân 400 tỷ đồng vốn đầu tư công» (chưa có báo cáo nào)\n" in letter.body
    assert "của từng nhiệm vụ." in letter.body
    one = reminder(
        ReminderKind.no_recent_progress,
        leader=HUNG,
        year=2024,
        on=date(2024, 9, 30),
        tasks=[TaskDue("t1", "Giải phóng mặt bằng 26 dự án")],
    )
    assert "Đến ngày 30/09/2024, nhiệm vụ đột phá" in one.body
    with pytest.raises(ValueError, match="names the tasks"):
        reminder(ReminderKind.no_recent_progress, leader=HUNG, year=2024, on=date(2024, 9, 30))


def test_a_task_without_a_known_title_is_named_by_its_id() -> None:
    letter = approved(
        leader=HUNG, year=2024, task=TaskRef("t-9"), reference=None, on=date(2024, 3, 1)
    )
    assert letter.subject == "Nhiệm vụ mã t-9 đã được phê duyệt"
    assert "  mã t-9\n" in letter.body


def test_a_long_title_is_shortened_in_the_subject_only() -> None:
    title = "Đẩy nhanh tiến độ giải phóng mặt bằng " * 8
    letter = approved(
        leader=HUNG, year=2024, task=TaskRef("t", title), reference=None, on=date(2024, 3, 1)
    )
    assert len(letter.subject) < 130
    assert letter.subject.count("…") == 1
    assert title.strip() in letter.body


@given(
    name=st.text(max_size=60),
    title=st.text(max_size=300),
    reason=st.text(min_size=1, max_size=500),
)
def test_no_text_of_the_record_breaks_a_line_it_should_not(
    name: str, title: str, reason: str
) -> None:
    letter = returned(
        leader=name, year=2024, task=TaskRef("t", title), reason=reason, on=date(2024, 1, 2)
    )
    assert letter.subject.isprintable()
    assert "\n" not in letter.subject
    lines = letter.body.split("\n")
    assert lines[0].startswith("Kính gửi Đồng chí ")
    assert lines[0].isprintable()
    assert all(line.isprintable() or "\t" in line for line in lines)
    start = lines.index("đã được trả lại ngày 02/01/2024 để hoàn thiện, với lý do:") + 2
    end = next(n for n in range(start, len(lines)) if lines[n].startswith("Đề nghị đồng chí"))
    quoted = lines[start : end - 1]
    assert quoted, "the reason has a line at least"
    assert all(line == "" or line.startswith("  ") for line in quoted), "the reason is set apart"
