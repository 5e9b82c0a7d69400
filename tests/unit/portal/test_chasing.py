"""The chasing page's parts: stale tasks grouped by leader, who is chosen at first (an e-mail
on the roster), approval's answer said in the reader's words; and the charts' bars."""

from __future__ import annotations

from services.portal.charts import bars
from services.portal.i18n import Translator
from services.portal.routes.reminded import by_leader, emails, names, outcome

ROSTER = {
    "units": [{"code": "gia-loc", "name": "Huyện Gia Lộc"}],
    "leaders": [
        {"id": "an", "name": "Nguyễn Văn An", "email": "an@example.vn"},
        {"id": "Cuong", "name": "Lê Văn Cường"},
    ],
}


def stale(task: str, leader: str, reminded: str | None = None) -> dict[str, object]:
    return {
        "task_id": task,
        "registrant": {"id": leader, "name": leader.title()},
        "unit": {"code": "gia-loc", "name": "Huyện Gia Lộc"},
        "reminded_at": reminded,
    }


def test_stale_tasks_are_grouped_by_leader_with_the_latest_reminder() -> None:
    groups = by_leader(
        [
            stale("t1", "an", "2024-05-01T02:00:00Z"),
            stale("t2", "binh"),
            stale("t3", "AN", "2024-05-03T02:00:00Z"),
        ]
    )
    assert [g["leader"]["id"] for g in groups] == ["an", "binh"]
    assert [t["task_id"] for t in groups[0]["tasks"]] == ["t1", "t3"]
    assert groups[0]["reminded_at"] == "2024-05-03T02:00:00Z"
    assert groups[1]["reminded_at"] is None


def test_leaders_with_an_email_are_chosen_and_named_as_the_roster_has_them() -> None:
    assert emails(ROSTER) == {"an": True, "cuong": False}
    assert emails(None) is None  # the roster not known: every leader chosen at first
    assert names(ROSTER)["cuong"] == "Lê Văn Cường"


def test_the_answer_names_each_leader_skipped_with_why() -> None:
    answer = {
        "sent": 2,
        "skipped": [
            {"leader": "cuong", "why": "no_email"},
            {"leader": "dung", "why": "other_committee"},
            {"leader": "em", "why": "something_new"},
        ],
    }
    said = outcome(answer, names(ROSTER))
    assert said[0] == ("success", "reminders.sent", {"n": 2})
    keys = [key for _, key, _ in said[1:]]
    assert keys == [
        "reminders.skipped_no_email",
        "reminders.skipped_other_committee",
        "reminders.skipped_other",
    ]
    t = Translator("vi")
    texts = [t(key, **values) for _, key, values in said]
    assert texts[0] == "Đã gửi thư nhắc 2 lãnh đạo."
    assert texts[1] == "Không gửi cho 1 lãnh đạo chưa có địa chỉ e-mail: Lê Văn Cường."
    assert "do ban thường vụ khác quản lý: dung" in texts[2]
    assert "(something_new): em" in texts[3]


def test_bars_are_scaled_to_the_largest_and_an_earlier_years_category_is_kept() -> None:
    report = {
        "by_unit": [
            {"name": "Kim Thành", "approved": 4, "previous": {"approved": 2}},
            {"name": "Gia Lộc", "approved": 1, "previous": None},
        ],
        "by_category": [{"category": "socio_economic", "approved": 3}],
    }
    earlier = {"by_category": [{"category": "party_building", "approved": 1}]}
    drawn = bars(report, earlier, Translator("vi"))
    kim, gia = drawn["units"]
    assert (kim["now_class"], kim["before_class"]) == ("pct-100", "pct-50")
    assert (gia["now_class"], gia["before"], gia["before_class"]) == ("pct-25", None, None)
    labels = [row["label"] for row in drawn["categories"]]
    assert labels == ["Phát triển kinh tế - xã hội", "Xây dựng Đảng, hệ thống chính trị"]
    assert drawn["categories"][1]["now"] == 0
    assert bars(report, None, Translator("vi"))["categories"][0]["before"] is None
