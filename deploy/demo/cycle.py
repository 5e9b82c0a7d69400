"""What the committees and the leaders write around the registrations, in Vietnamese: the
reasons of returns, rejections and withdrawals, the amended registration, self-assessments
and the committee's ratings, and the numbers of its documents.

ASSUMPTIONS (the seeds give none of these): a handful of returns, rejections and withdrawals a
year; the ratings follow how a task ended (seed 000: leaders who "excellently completed"
tasks); document numbers are fictional, in the form Party committees number them
(``Thông báo số 1587-TB/TU ngày 15/3/2024``).
"""

from __future__ import annotations

import random
from datetime import date

from deploy.demo.calendar import vn_date
from deploy.demo.models import AssessmentBody, RegistrationBody
from deploy.demo.places import abbreviation
from shared.domain.events import Rating, Target

REJECTION_REASONS = (
    "Chỉ tiêu trùng với nhiệm vụ thường xuyên hằng năm của đơn vị; đề nghị đăng ký nhiệm vụ "
    "tạo đột phá rõ nét.",
    "Chỉ tiêu chưa lượng hóa được để đánh giá kết quả cuối năm.",
    "Trùng với nhiệm vụ đã được người đứng đầu đơn vị đăng ký.",
)
RETURN_REASONS = (
    "Đề nghị lượng hóa chỉ tiêu bằng số liệu kiểm chứng được vào cuối năm.",
    "Chỉ tiêu thấp hơn kế hoạch năm của đơn vị; đề nghị nâng mức chỉ tiêu.",
)
WITHDRAWAL_REASONS = (
    "Gộp vào nhiệm vụ đột phá khác của đơn vị sau khi trao đổi với Ban Thường vụ.",
    "Dự án được chuyển sang kế hoạch đầu tư công năm sau.",
)
WIDER = " (mở rộng phạm vi)"
"""The title of a second registration its registrant then withdraws."""

# How a task ended -> the committee's ratings and their weights.
RATINGS: dict[str | None, tuple[tuple[Rating, ...], tuple[float, ...]]] = {
    "completed": ((Rating.excellent, Rating.good), (0.35, 0.65)),
    "in_progress": ((Rating.good, Rating.completed), (0.3, 0.7)),
    "at_risk": ((Rating.completed, Rating.not_completed), (0.4, 0.6)),
    None: ((Rating.completed, Rating.not_completed), (0.5, 0.5)),
}


def approval_note(year: int) -> str:
    return f"Phê duyệt nhiệm vụ đột phá, sáng tạo năm {year} theo Đề án số 02-ĐA/TU."


def notice(committee: str, number: int, day: date) -> str:
    """``Thông báo số 1587-TB/TU ngày 15/3/2024``."""
    return f"Thông báo số {number}-TB/{abbreviation(committee)} ngày {vn_date(day)}"


def conclusion(committee: str, number: int, day: date) -> str:
    """``Kết luận số 712-KL/TU ngày 26/1/2024``."""
    return f"Kết luận số {number}-KL/{abbreviation(committee)} ngày {vn_date(day)}"


def amended(body: RegistrationBody) -> RegistrationBody:
    """The registration revised as the committee asked: its first target raised by a tenth
    (by one at least)."""
    first, *rest = body.targets
    raised = first.target * 1.1
    if isinstance(first.target, int):
        value: int | float = max(round(raised), first.target + 1)
    else:
        value = max(round(raised, 2), round(first.target + 0.01, 2))
    targets = (
        Target(metric=first.metric, unit=first.unit, target=value, direction=first.direction),
        *rest,
    )
    description = f"{body.description} Đã điều chỉnh chỉ tiêu theo ý kiến của Ban Thường vụ."
    result: RegistrationBody = body.model_copy(
        update={"targets": targets, "description": description}
    )
    return result


def self_assessment(ended: str | None) -> AssessmentBody:
    if ended == "completed":
        return AssessmentBody(
            rating=Rating.excellent, summary="Hoàn thành đầy đủ các chỉ tiêu đã đăng ký."
        )
    return AssessmentBody(rating=Rating.good, summary="Cơ bản hoàn thành các chỉ tiêu đã đăng ký.")


def rating(rng: random.Random, ended: str | None) -> Rating:
    ratings, weights = RATINGS[ended]
    return rng.choices(ratings, weights)[0]
