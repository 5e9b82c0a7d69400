"""The letters the system sends leaders, in Vietnamese: reminders of what is due and
notifications of what was decided about their tasks. Pure: text in, text out (no I/O, no
clock); the caller gives the dates, already in the province's time zone.

A letter addresses its reader as "Đồng chí <name>", writes dates as dd/mm/yyyy, names tasks
by their titles, and says it was sent by a program. Every text taken from the record (a
name, a title, a reason) is put on its own lines, so nothing in it can pass for part of the
letter; a subject is one line, with a long title shortened.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from shared.domain.events import Rating, ReminderKind

RATINGS: dict[Rating, str] = {
    Rating.excellent: "Hoàn thành xuất sắc nhiệm vụ",
    Rating.good: "Hoàn thành tốt nhiệm vụ",
    Rating.completed: "Hoàn thành nhiệm vụ",
    Rating.not_completed: "Không hoàn thành nhiệm vụ",
}
"""The four ratings in words, as they are written in the Party's evaluations."""

PROGRAMME = "nhiệm vụ đột phá, sáng tạo"
FOOTER = (
    "--\n"
    "Hệ thống theo dõi nhiệm vụ đột phá, sáng tạo.\n"
    "Thư này được gửi tự động; xin đồng chí không trả lời thư này."
)
SUBJECT_TITLE = 80
"""Characters of a title kept in a subject line; the body has it whole."""


@dataclass(frozen=True, slots=True)
class Letter:
    subject: str
    body: str


@dataclass(frozen=True, slots=True)
class TaskRef:
    """The task a letter is about: its title (None when unknown: named by its id) and the
    name of its unit."""

    task_id: str
    title: str | None = None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class TaskDue:
    """A task a reminder names: its title and the day of its latest progress report."""

    task_id: str
    title: str | None = None
    last_reported: date | None = None


def day(value: date) -> str:
    """A date as people write it here: 05/03/2024."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def rating_words(rating: Rating) -> str:
    return RATINGS[rating]


def reminder(
    kind: ReminderKind,
    *,
    leader: str,
    year: int,
    on: date,
    tasks: Sequence[TaskDue] = (),
    link: str | None = None,
) -> Letter:
    """A reminder to a leader on the roster: ``not_registered`` (no live task for ``year``)
    or ``no_recent_progress`` (``tasks`` with no recent report, each named). ``on``: the day
    it is sent."""
    if kind is ReminderKind.not_registered:
        subject = f"Nhắc đăng ký {PROGRAMME} năm {year}"
        lines = [
            f"Đến ngày {day(on)}, đồng chí chưa đăng ký {PROGRAMME} năm {year}.",
            "",
            "Đề nghị đồng chí đăng ký nhiệm vụ (tên nhiệm vụ, lĩnh vực và các chỉ tiêu đo "
            "đếm được) để trình cấp có thẩm quyền xem xét, phê duyệt.",
        ]
        return _letter(subject, leader, lines, link, "Đăng ký tại")
    if not tasks:
        raise ValueError("a no_recent_progress reminder names the tasks it is about")
    subject = f"Nhắc báo cáo tiến độ {PROGRAMME} năm {year}"
    several = len(tasks) > 1
    lines = [
        f"Đến ngày {day(on)}, {'các nhiệm vụ' if several else 'nhiệm vụ'} đột phá, sáng tạo "
        f"năm {year} sau đây của đồng chí chưa có báo cáo tiến độ gần đây:",
        "",
    ]
    for task in tasks:
        last = (
            f"báo cáo gần nhất ngày {day(task.last_reported)}"
            if task.last_reported
            else "chưa có báo cáo nào"
        )
        lines.append(f"  - {_named(task.task_id, task.title)} ({last})")
    lines += [
        "",
        "Đề nghị đồng chí cập nhật kết quả thực hiện các chỉ tiêu của "
        f"{'từng nhiệm vụ' if several else 'nhiệm vụ'}.",
    ]
    return _letter(subject, leader, lines, link, "Báo cáo tại")


def returned(
    *, leader: str, year: int, task: TaskRef, reason: str, on: date, link: str | None = None
) -> Letter:
    """The task was returned to its registrant to revise (``reason``: what to revise)."""
    subject = f"Nhiệm vụ {_short(task)} được trả lại để hoàn thiện"
    lines = [
        f"Nội dung đăng ký {PROGRAMME} năm {year} của đồng chí:",
        "",
        *_task_lines(task),
        "",
        f"đã được trả lại ngày {day(on)} để hoàn thiện, với lý do:",
        "",
        *_quoted(reason),
        "",
        "Đề nghị đồng chí chỉnh sửa nội dung đăng ký theo ý kiến trên và gửi lại để được "
        "xem xét, phê duyệt.",
    ]
    return _letter(subject, leader, lines, link, "Xem và chỉnh sửa tại")


def approved(
    *,
    leader: str,
    year: int,
    task: TaskRef,
    reference: str | None,
    on: date,
    note: str | None = None,
    link: str | None = None,
) -> Letter:
    """The task was approved (``reference``: the decision's number, if one was given)."""
    subject = f"Nhiệm vụ {_short(task)} đã được phê duyệt"
    lines = [
        f"{PROGRAMME.capitalize()} năm {year} của đồng chí:",
        "",
        *_task_lines(task),
        "",
        f"đã được phê duyệt ngày {day(on)}.",
    ]
    lines += _labelled("Văn bản phê duyệt", reference) + _labelled("Ghi chú", note)
    lines += [
        "",
        "Đề nghị đồng chí tổ chức thực hiện và định kỳ báo cáo tiến độ các chỉ tiêu của nhiệm vụ.",
    ]
    return _letter(subject, leader, lines, link, "Theo dõi nhiệm vụ tại")


def evaluated(
    *,
    leader: str,
    year: int,
    task: TaskRef,
    rating: Rating,
    reference: str | None,
    on: date,
    note: str | None = None,
    link: str | None = None,
) -> Letter:
    """The task's result was evaluated: the rating in words."""
    words = rating_words(rating)
    subject = f"Kết quả đánh giá nhiệm vụ {_short(task)}: {words}"
    lines = [
        f"{PROGRAMME.capitalize()} năm {year} của đồng chí:",
        "",
        *_task_lines(task),
        "",
        f"đã được đánh giá ngày {day(on)}, xếp loại: {words}.",
    ]
    lines += _labelled("Văn bản đánh giá", reference) + _labelled("Nhận xét", note)
    return _letter(subject, leader, lines, link, "Xem nhiệm vụ tại")


def _letter(
    subject: str, leader: str, lines: Sequence[str], link: str | None, link_label: str
) -> Letter:
    body = [f"Kính gửi Đồng chí {_one_line(leader)},", "", *lines]
    if link:
        body += ["", f"{link_label}: {_one_line(link)}"]
    body += ["", "Trân trọng.", "", FOOTER]
    return Letter(subject=_one_line(subject), body="\n".join(body) + "\n")


def _named(task_id: str, title: str | None) -> str:
    return f"«{_one_line(title)}»" if title and title.strip() else f"mã {task_id}"


def _short(task: TaskRef) -> str:
    """The task in a subject line: its title, shortened."""
    if not task.title or not task.title.strip():
        return f"mã {task.task_id}"
    title = _one_line(task.title)
    if len(title) > SUBJECT_TITLE:
        title = title[: SUBJECT_TITLE - 1].rstrip() + "…"
    return f"«{title}»"


def _task_lines(task: TaskRef) -> list[str]:
    lines = [f"  {_named(task.task_id, task.title)}"]
    if task.unit:
        lines.append(f"  Đơn vị: {_one_line(task.unit)}")
    lines.append(f"  Mã nhiệm vụ: {task.task_id}")
    return lines


def _labelled(label: str, value: str | None) -> list[str]:
    if not value or not value.strip():
        return []
    text = value.strip()
    if "\n" not in text:
        return [f"{label}: {_one_line(text)}"]
    return [f"{label}:", *_quoted(text)]


def _quoted(text: str) -> list[str]:
    """A text of the record, each of its lines indented (blank ones kept, none added)."""
    lines = [_printable(line).rstrip() for line in text.strip().splitlines()]
    return [f"  {line}" if line else "" for line in lines] or ["  (không ghi)"]


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() or c == "\t" else " " for c in text)


def _one_line(text: str) -> str:
    return " ".join(_printable(text).split())
