"""The demo data set: Hải Dương as the seeds tell it, in Vietnamese, year after year, every
record with its own date; counts from the seeds; deterministic."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import msgspec
import pytest

from deploy.demo import CLOSED, PLANS, Dataset, DemoTask, Year, build_dataset
from deploy.demo.calendar import TZ, add_working_days, working
from deploy.demo.dataset import NAMED_ONLY
from deploy.demo.people import all_posts
from deploy.demo.places import DISTRICTS, PROVINCE, PROVINCE_NAME
from deploy.demo.templates import TEMPLATES
from shared.domain.events import ProgressStatus

ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DISTRICT_NAMES = {
    "Thành phố Hải Dương",
    "Thành phố Chí Linh",
    "Thị xã Kinh Môn",
    "Huyện Bình Giang",
    "Huyện Cẩm Giàng",
    "Huyện Gia Lộc",
    "Huyện Kim Thành",
    "Huyện Nam Sách",
    "Huyện Ninh Giang",
    "Huyện Thanh Hà",
    "Huyện Thanh Miện",
    "Huyện Tứ Kỳ",
}


@pytest.fixture(scope="module")
def data() -> Dataset:
    return build_dataset()


def find(data: Dataset, year: int, unit: str, title_part: str) -> DemoTask:
    found = [
        task
        for task in data.year(year).tasks
        if task.registration.unit.code == unit
        and title_part in task.registration.title
        and task.withdrawal is None
    ]
    assert len(found) == 1, (year, unit, title_part, len(found))
    return found[0]


def final(task: DemoTask) -> dict[str, float]:
    return {actual.metric: actual.value for actual in task.progress[-1].body.actuals}


def targets(task: DemoTask) -> dict[str, float]:
    return {target.metric: target.target for target in task.content.targets}


# --- counts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "approved", "leaders", "twos"), [(2024, 190, 114, 76), (2023, 170, 104, 66)]
)
def test_the_provincial_committee_approves_the_seeds_counts(
    data: Dataset, year: int, approved: int, leaders: int, twos: int
) -> None:
    mine = data.year(year).approved(PROVINCE)
    per_leader = Counter(task.registrant for task in mine)
    assert len(mine) == approved
    assert len(per_leader) == leaders
    assert Counter(per_leader.values()) == {2: twos, 1: leaders - twos}
    plan = PLANS[year]
    tasks = [task for task in data.year(year).tasks if task.managed_by == PROVINCE]
    assert sum(task.rejected for task in tasks) == plan.rejected
    assert sum(task.withdrawal is not None for task in tasks) == plan.withdrawn
    assert sum(task.returned is not None for task in tasks) == plan.returned
    assert len(tasks) == approved + plan.rejected + plan.withdrawn


@pytest.mark.parametrize("year", [2023, 2024])
def test_every_district_committee_approves_its_own_leaders_tasks_besides(
    data: Dataset, year: int
) -> None:
    tasks = data.year(year).tasks
    committees = {task.managed_by for task in tasks if task.approved} - {PROVINCE}
    assert committees == {district.committee for district in DISTRICTS}
    besides = [task for task in tasks if task.approved and task.managed_by != PROVINCE]
    assert len(besides) >= 40
    assert not data.year(year).approved_leaders(PROVINCE) & {t.registrant for t in besides}
    assert any(task.rejected and task.managed_by != PROVINCE for task in tasks)
    assert any(task.returned and task.managed_by != PROVINCE for task in tasks)


def test_thanh_mien_approves_its_four_breakthrough_tasks_of_2023(data: Dataset) -> None:
    """Seed 001: "one of the four breakthrough tasks" of Thanh Miện."""
    assert (2023, "huyen-uy-thanh-mien") in NAMED_ONLY
    mine = [t for t in data.year(2023).tasks if t.managed_by == "huyen-uy-thanh-mien"]
    assert len(mine) == 4
    assert all(task.approved for task in mine)
    assert len({task.registrant for task in mine}) == 4


def test_2022_holds_only_what_the_later_years_continue(data: Dataset) -> None:
    tasks = data.year(2022).tasks
    assert len(tasks) == 2
    continued = {task.continues for year in data.years[1:] for task in year.tasks}
    assert {task.key for task in tasks} <= continued


def test_the_committees_of_every_year(data: Dataset) -> None:
    for year in data.years:
        committees = {c.code: c for c in year.committees}
        roots = [c for c in year.committees if c.parent is None]
        assert [root.code for root in roots] == [PROVINCE]
        assert roots[0].name == "Ban Thường vụ Tỉnh ủy Hải Dương" == PROVINCE_NAME
        assert len(committees) == 13
        assert all(c.parent == PROVINCE for c in year.committees if c is not roots[0])
        assert all(ID.match(code) for code in committees)
        names = {c.name for c in year.committees}
        assert {
            "Ban Thường vụ Thành ủy Hải Dương",
            "Ban Thường vụ Thành ủy Chí Linh",
            "Ban Thường vụ Thị ủy Kinh Môn",
            "Ban Thường vụ Huyện ủy Kim Thành",
            "Ban Thường vụ Huyện ủy Cẩm Giàng",
            "Ban Thường vụ Huyện ủy Thanh Miện",
            "Ban Thường vụ Huyện ủy Tứ Kỳ",
        } <= names
        for task in year.tasks:
            assert task.managed_by in committees


def test_the_twelve_district_level_units() -> None:
    assert {district.name for district in DISTRICTS} == DISTRICT_NAMES
    assert len({district.code for district in DISTRICTS}) == 12


# --- the roster, the reorganisation ----------------------------------------------------------


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_the_first_roster_lists_every_registrant_as_registered(data: Dataset, year: int) -> None:
    found = data.year(year)
    roster = found.rosters[0].body
    leaders = {leader.id: leader for leader in roster.leaders}
    assert len(leaders) == len(roster.leaders), "each leader once"
    units = {unit.code: unit for unit in roster.units}
    assert {leader.unit for leader in roster.leaders} == set(units)
    committees = {c.code for c in found.committees}
    for leader in roster.leaders:
        assert leader.managed_by in committees
        assert leader.email is not None
        assert leader.email == f"{leader.id.replace('-', '.')}@example.vn"
    for task in found.tasks:
        leader = leaders[task.registrant]
        body = task.registration
        assert (leader.name, leader.position, leader.level) == (
            body.registrant.name,
            body.registrant.position,
            body.registrant.level,
        )
        assert (leader.unit, units[leader.unit].name) == (body.unit.code, body.unit.name)
        assert leader.managed_by == task.managed_by
    registering = {task.registrant for task in found.tasks}
    assert registering <= set(leaders)
    if year == 2024:
        mine = {leader.id for leader in roster.leaders if leader.managed_by == PROVINCE}
        assert len(mine) == 120
        assert len(mine - registering) == 6


def test_the_communes_reorganised_in_2024_replace_earlier_units(data: Dataset) -> None:
    """Resolution 1250/NQ-UBTVQH15, in force from 1 December 2024: the 2024 roster is
    published again then, its new units naming the units they took over."""
    first, later = data.year(2024).rosters
    assert later.at.date() >= date(2024, 12, 1) > first.at.date()
    earlier_units = {u.code for y in data.years for r in y.rosters for u in r.body.units}
    replacing = {unit.code: unit.replaces for unit in later.body.units if unit.replaces}
    assert replacing == {
        "tphd-phuong-le-thanh-nghi": ("tphd-phuong-pham-ngu-lao",),
        "tphd-phuong-tan-hung": ("tphd-xa-tan-hung",),
        "tphd-phuong-nam-dong": ("tphd-xa-nam-dong",),
    }
    replaced = {code for codes in replacing.values() for code in codes}
    assert replaced <= {u.code for u in data.year(2023).rosters[0].body.units}
    assert replaced <= earlier_units
    assert not replaced & {unit.code for unit in later.body.units}, "the replaced are gone"
    assert {leader.id for leader in later.body.leaders} == {
        leader.id for leader in first.body.leaders
    }
    before = {leader.id: leader.unit for leader in first.body.leaders}
    for leader in later.body.leaders:
        if before[leader.id] in replaced:
            assert replacing[leader.unit] == (before[leader.id],)
    # no cycles: following replaces from any unit never comes back to it
    graph = {u.code: set(u.replaces) for y in data.years for r in y.rosters for u in r.body.units}
    for start in graph:
        seen: set[str] = set()
        todo = list(graph[start])
        while todo:
            code = todo.pop()
            assert code != start, f"{start} replaces itself through {seen}"
            if code not in seen:
                seen.add(code)
                todo.extend(graph.get(code, ()))


# --- year after year -------------------------------------------------------------------------


def test_continues_points_to_an_earlier_years_task_of_the_same_leader_or_unit(
    data: Dataset,
) -> None:
    continuing = [task for task in data.tasks if task.continues is not None]
    assert len(continuing) >= 15
    for task in continuing:
        assert task.continues is not None
        earlier = data.task(task.continues)
        assert earlier.year < task.year, task.key
        assert (
            earlier.registrant == task.registrant
            or earlier.registration.unit.code == task.registration.unit.code
        ), task.key
        assert earlier.approved, task.key
    generated_2024 = [
        t for t in continuing if t.year == 2024 and "Tiếp tục" in t.content.description
    ]
    assert len(generated_2024) >= 5


def test_the_seeds_consecutive_years(data: Dataset) -> None:
    """Kim Thành's disbursement the third consecutive year, its site clearance continued from
    2023, Hai Duong City's site clearance the second consecutive year."""
    disbursement = find(data, 2024, "kim-thanh", "giải ngân vốn đầu tư công")
    chain = [disbursement]
    while chain[-1].continues is not None:
        chain.append(data.task(chain[-1].continues))
    assert [task.year for task in chain] == [2024, 2023, 2022]
    clearance = find(data, 2024, "kim-thanh", "giải phóng mặt bằng")
    assert clearance.continues == find(data, 2023, "kim-thanh", "giải phóng mặt bằng").key
    city = find(data, 2023, "tp-hai-duong", "12 dự án")
    assert city.continues == find(data, 2022, "tp-hai-duong", "Giải phóng mặt bằng").key


# --- dates -----------------------------------------------------------------------------------


def _in_hai_duong(moment: datetime) -> bool:
    return moment.utcoffset() == timedelta(hours=7)


def test_every_moment_is_a_working_day_in_office_hours_in_hai_duong(data: Dataset) -> None:
    moments = [year.committees_at for year in data.years]
    moments += [roster.at for year in data.years for roster in year.rosters]
    moments += [batch.at for year in data.years for batch in year.batches]
    moments += [year.closure.at for year in data.years if year.closure]
    moments += [moment for task in data.tasks for moment in task.moments()]
    for moment in moments:
        assert moment.tzinfo == TZ
        assert _in_hai_duong(moment)
        assert working(moment.date()), moment
        assert 8 <= moment.hour < 17, moment


def test_each_tasks_acts_are_dated_in_their_year_and_in_order(data: Dataset) -> None:
    for year in data.years:
        first_roster = year.rosters[0].at
        assert year.committees_at < first_roster
        for task in year.tasks:
            moments = task.moments()
            assert list(moments) == sorted(moments), task.key
            assert len(set(moments)) == len(moments), task.key
            assert first_roster < task.registered_at
            assert task.registered_at.year == year.year
            assert task.registered_at.month in (1, 2), task.key
            if task.decision is not None:
                assert task.decision.at.date() <= date(year.year, 3, 31), task.key
                assert task.decision.at.month == 3, task.key
            for report in task.progress:
                # entered the next working day: never "after today" in any zone
                assert report.at.date() == add_working_days(report.body.reported_at, 1)
                assert report.body.reported_at.year == year.year
            if task.self_assessment is not None:
                assert task.self_assessment.at.date() >= date(year.year, 12, 1)
                assert task.self_assessment.at.date() <= date(year.year + 1, 1, 7)
            if task.evaluation is not None:
                assert task.evaluation.at.year == year.year + 1
                assert task.evaluation.at.month == 1
        if year.closure is not None:
            last = max(m for task in year.tasks for m in task.moments())
            assert last < year.closure.at
            assert year.closure.at.date() <= date(year.year + 1, 1, 31)


def test_the_closed_years_are_evaluated_by_each_tasks_committee(data: Dataset) -> None:
    assert tuple(year.year for year in data.years if year.closure) == CLOSED == (2022, 2023)
    names = {c.code: c.name for c in data.years[0].committees}
    for year in data.years:
        for task in year.tasks:
            evaluated = task.evaluation is not None
            assert evaluated == (task.approved and year.closure is not None), task.key
            if task.evaluation is not None:
                assert task.evaluation.body.decided_by == names[task.managed_by]
                assert task.evaluation.body.reference


def test_batches_decide_each_approved_task_once_under_its_committees_number(
    data: Dataset,
) -> None:
    names = {c.code: c.name for c in data.years[0].committees}
    for year in data.years:
        batched = [key for batch in year.batches for key in batch.tasks]
        assert len(batched) == len(set(batched))
        assert set(batched) == {task.key for task in year.approved()}
        by_key = {task.key: task for task in year.tasks}
        for batch in year.batches:
            assert batch.decided_by == names[batch.committee]
            assert re.fullmatch(r"Thông báo số \d+-TB/(TU|HU) ngày \d+/\d+/\d{4}", batch.reference)
            for key in batch.tasks:
                task = by_key[key]
                assert task.managed_by == batch.committee
                assert task.decision is not None
                assert task.decision.at == batch.at
                assert task.decision.batch == batch.key
    province_2024 = [b for b in data.year(2024).batches if b.committee == PROVINCE]
    assert [len(b.tasks) for b in province_2024] == [186, 4], "the amended ones later"


def test_on_time_and_late_completions(data: Dataset) -> None:
    on_time = late = 0
    for task in data.tasks:
        done = [r.body for r in task.progress if r.body.status is ProgressStatus.completed]
        if done:
            if done[0].reported_at <= task.content.deadline:
                on_time += 1
            else:
                late += 1
                assert done[0].reported_at.year == task.year
    assert on_time > 200
    assert late >= 5


# --- quota, determinism ----------------------------------------------------------------------


def test_no_leader_ever_holds_more_than_two_registrations_a_year(data: Dataset) -> None:
    for year in data.years:
        counts = Counter(task.registrant for task in year.tasks)
        assert max(counts.values()) <= 2


def test_deterministic(data: Dataset) -> None:
    again = build_dataset()
    assert again == data
    assert msgspec.json.encode(again) == msgspec.json.encode(data)
    other = build_dataset(seed=7)
    assert other != data
    assert len(other.year(2024).approved(PROVINCE)) == 190
    assert len(other.year(2024).approved_leaders(PROVINCE)) == 114


def test_a_selection_of_years_holds_what_its_tasks_continue() -> None:
    assert build_dataset(years=(2022,)).year_numbers == (2022,)
    assert build_dataset(years=(2024, 2022, 2023)).year_numbers == (2022, 2023, 2024)
    with pytest.raises(ValueError, match=r"continue tasks of \[2022\]: load those years"):
        build_dataset(years=(2023, 2024))
    with pytest.raises(ValueError, match="2019"):
        build_dataset(years=(2019,))


# --- Vietnamese --------------------------------------------------------------------------------

# Words Vietnamese writes without diacritics, and the abbreviations the data uses; any other
# word without them (an English word, a name folded to ASCII) fails the test.
ASCII_WORDS = frozenset(
    """Ban Cao Doanh Du Dung Duy FDI GPMB GRDP Gia Giang Giao HU Huy Index KL Khai Kho Khoa Kim
    Kinh Lan Lao Linh Loan MTTQ MTV Mai Minh NQ Nam Nga Ninh OCOP PAR Phan Phong Quang Quy TB
    TNHH TU Thanh Theo Thu Trung Tu UBKT UBND UBTVQH USD Vinh Y an ba ban bao binh cao chi chia
    cho chung con di do doanh du dung duy gia giai gian giao gom ha hai huy khai khi kho khoa
    khu kinh km lao minh nhanh qua quan quy sai sang sao sau sinh so sung tai tham thanh thao
    theo thi thu tin tra trang tranh trao tri trong trung tu ty uy vi xanh y""".split()  # noqa: SIM905
)
FOLDED = {"Duong", "Hung", "Hoang", "Binh", "Mien", "Ky", "Cam", "Mon", "Sach", "Loc", "Pham",
          "Le", "Hai", "Ha", "Thanh Mien"}  # fmt: skip


def texts(data: Dataset) -> Iterator[str]:
    """Every text people read: names, positions, units, titles, targets, notes, reasons,
    committees and their documents."""
    for year in data.years:
        for committee in year.committees:
            yield committee.name
        for roster in year.rosters:
            yield from (unit.name for unit in roster.body.units)
            for leader in roster.body.leaders:
                yield from (leader.name, leader.position)
        for batch in year.batches:
            yield from (batch.decided_by, batch.reference, batch.note)
        if year.closure:
            yield from (year.closure.decided_by, year.closure.reference)
        for task in year.tasks:
            for body in (task.registration, task.content):
                yield from (body.title, body.description, body.unit.name)
                yield from (body.registrant.name, body.registrant.position)
                for target in body.targets:
                    yield from (target.metric, target.unit)
            for report in task.progress:
                yield report.body.note or ""
            for act in (task.returned, task.decision):
                if act is not None:
                    yield from (act.body.decided_by, act.body.reason or "")
            if task.withdrawal:
                yield task.withdrawal.reason
            if task.self_assessment:
                yield task.self_assessment.body.summary
            if task.evaluation:
                yield task.evaluation.body.decided_by
                yield task.evaluation.body.reference or ""


def test_every_text_is_vietnamese_with_its_diacritics(data: Dataset) -> None:
    found: set[str] = set()
    for text in texts(data):
        assert unicodedata.normalize("NFC", text) == text, text
        assert "_" not in text, f"a slug: {text!r}"
        for word in re.findall(r"[^\W\d_]+", text):
            if word.isascii():
                assert word in ASCII_WORDS, f"{word!r} in {text!r}"
                found.add(word)
    assert not FOLDED & found
    every = " ".join(texts(data))
    for name in ("Hải Dương", "Phạm Quang Hưng", "Lê Văn Hoàng", "Lê Thanh Bình", "Tứ Kỳ",
                 "Thanh Miện", "Cẩm Giàng"):  # fmt: skip
        assert name in every
    assert "Hai Duong" not in every
    assert "Pham Quang Hung" not in every


def test_a_metric_always_has_the_same_unit_of_measure(data: Dataset) -> None:
    units: dict[str, set[str]] = defaultdict(set)
    for task in data.tasks:
        for target in task.content.targets:
            units[target.metric].add(target.unit)
    assert all(len(found) == 1 for found in units.values()), units
    assert units["Số dự án hoàn thành GPMB"] == {"dự án"}
    assert units["Diện tích GPMB hoàn thành"] == {"ha"}
    assert units["Vốn đầu tư công giải ngân"] == {"tỷ đồng"}
    assert units["Sản phẩm đạt OCOP 3 sao trở lên"] == {"sản phẩm"}


def test_titles_are_unique_within_a_unit_and_year(data: Dataset) -> None:
    for year in data.years:
        titles = Counter((t.registration.unit.code, t.registration.title) for t in year.tasks)
        assert [key for key, count in titles.items() if count > 1] == []


def test_people_are_consistent_across_years(data: Dataset) -> None:
    names: dict[str, set[str]] = defaultdict(set)
    units: dict[str, set[str]] = defaultdict(set)
    for task in data.tasks:
        names[task.registrant].add(task.registration.registrant.name)
        units[task.registration.unit.code].add(task.registration.unit.name)
    assert all(len(found) == 1 for found in names.values())
    assert all(ID.match(person) for person in names)
    assert all(len(found) == 1 for found in units.values())
    both = data.year(2023).approved_leaders() & data.year(2024).approved_leaders()
    assert len(both) > 60


def test_variety(data: Dataset) -> None:
    approved = [task for year in data.years for task in year.approved()]
    ended = Counter(t.progress[-1].body.status.value if t.progress else "none" for t in approved)
    assert all(ended[s] >= 10 for s in ("completed", "in_progress", "at_risk", "none"))
    directions = Counter(t.direction.value for task in approved for t in task.content.targets)
    assert directions["at_most"] >= 5
    assert {task.content.category.value for task in approved} == {
        "socio_economic",
        "party_building",
        "social_security",
        "digital_transformation",
        "administrative_reform",
        "other",
    }
    assert {task.registration.registrant.level.value for task in approved} == {
        "deputy_department_head",
        "department_head",
        "district_leader",
        "provincial_leader",
        "standing_committee",
    }
    assert {task.content.kind.value for task in approved} == {"breakthrough", "creative"}


# --- the seeds' figures ----------------------------------------------------------------------


def test_kim_thanh_2024(data: Dataset) -> None:
    clearance = find(data, 2024, "kim-thanh", "giải phóng mặt bằng")
    registrant = clearance.registration.registrant
    assert registrant.name == "Phạm Quang Hưng"
    assert registrant.id == "pham-quang-hung"
    assert registrant.position == "Phó Bí thư Huyện ủy, Chủ tịch UBND huyện Kim Thành"
    assert clearance.managed_by == PROVINCE
    assert targets(clearance) == {"Số dự án hoàn thành GPMB": 26, "Diện tích GPMB hoàn thành": 287}
    assert final(clearance) == {"Số dự án hoàn thành GPMB": 15, "Diện tích GPMB hoàn thành": 109}
    assert clearance.progress[-1].body.status is ProgressStatus.in_progress
    assert "555 hộ" in (clearance.progress[-1].body.note or "")
    investment = find(data, 2024, "kim-thanh", "giải ngân vốn đầu tư công")
    assert targets(investment)["Vốn đầu tư công giải ngân"] == 175  # 400 / 2.29
    assert final(investment)["Vốn đầu tư công giải ngân"] == 400
    assert final(investment)["Tỷ lệ giải ngân vốn đầu tư công so với kế hoạch"] == 229


def test_cam_giang_paperless_meetings_2024(data: Dataset) -> None:
    task = find(data, 2024, "cam-giang", "họp không giấy")
    registrant = task.registration.registrant
    assert registrant.name == "Lê Văn Hoàng"
    assert registrant.position == "Phó Chánh Văn phòng Huyện ủy Cẩm Giàng"
    assert registrant.level.value == "deputy_department_head"
    assert task.managed_by == "huyen-uy-cam-giang"
    assert targets(task)["Tỷ lệ cuộc họp không sử dụng tài liệu giấy"] == 80
    assert final(task) == {
        "Tỷ lệ cuộc họp không sử dụng tài liệu giấy": 100,
        "Số văn bản chuyển qua mạng": 762,
        "Số cuộc họp, hội nghị được phục vụ bằng tài liệu điện tử": 124,
    }


def test_province_2024(data: Dataset) -> None:
    growth = find(data, 2024, "tinh-uy", "tăng trưởng kinh tế trên 9%")
    assert targets(growth) == {"Tốc độ tăng trưởng kinh tế (GRDP)": 9}
    assert final(growth) == {"Tốc độ tăng trưởng kinh tế (GRDP)": 10.2}
    assert growth.registration.registrant.level.value == "standing_committee"
    communes = find(data, 2024, "ubnd-tinh", "đơn vị hành chính cấp xã")
    assert final(communes) == {
        "Số đơn vị hành chính cấp xã được sắp xếp": 57,
        "Số đơn vị hành chính cấp xã sau sắp xếp": 29,
    }
    assert communes.progress[-1].body.reported_at == date(2024, 12, 2)


def test_2023_seed_tasks(data: Dataset) -> None:
    city = find(data, 2023, "tp-hai-duong", "12 dự án")
    assert city.registration.registrant.name == "Lê Thanh Bình"
    assert city.registration.registrant.position == (
        "Giám đốc Ban Quản lý Giải phóng mặt bằng thành phố Hải Dương"
    )
    assert city.managed_by == "thanh-uy-hai-duong"
    assert final(city) == {
        "Số dự án hoàn thành GPMB": 12,
        "Giá trị phương án bồi thường, hỗ trợ GPMB được phê duyệt": 500,
    }
    assert "gần 1.000 hộ" in (city.progress[-1].body.note or "")
    ocop = find(data, 2023, "tu-ky", "OCOP")
    assert targets(ocop) == {"Sản phẩm đạt OCOP 3 sao trở lên": 18}
    assert final(ocop) == {"Sản phẩm đạt OCOP 3 sao trở lên": 23}
    assert "OCOP 4 sao" in (ocop.progress[-1].body.note or "")
    thanh_mien = find(data, 2023, "thanh-mien", "kiểm tra, giám sát và thi hành kỷ luật")
    assert final(thanh_mien)["Số đảng viên được kiểm tra khi có dấu hiệu vi phạm"] == 8
    assert final(thanh_mien)["Số tổ chức đảng được kiểm tra khi có dấu hiệu vi phạm"] == 3
    assert "32 đảng viên" in (thanh_mien.progress[-1].body.note or "")
    assert thanh_mien.managed_by == "huyen-uy-thanh-mien"
    growth = find(data, 2023, "tinh-uy", "tăng trưởng kinh tế trên 9%")
    assert final(growth)["Tốc độ tăng trưởng kinh tế (GRDP)"] > 9
    find(data, 2023, "ubnd-tinh", "Quy hoạch tỉnh Hải Dương thời kỳ 2021 - 2030")


def test_every_year_is_a_year_of_the_data(data: Dataset) -> None:
    for year in data.years:
        assert isinstance(year, Year)
        assert all(task.year == year.year for task in year.tasks)
        assert all(task.key.startswith(f"demo-{year.year}-") for task in year.tasks)
    keys = [task.key for task in data.tasks]
    assert len(keys) == len(set(keys))


def test_product_does_not_read_the_seeds_at_run_time() -> None:
    root = Path(__file__).resolve().parents[3] / "deploy"
    for source in root.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert "/work/shared" not in text
        assert "seeds/" not in text
        assert "open(" not in text


def test_every_unit_has_templates_for_two_tasks_of_each_of_its_seats() -> None:
    """A leader registers at most two tasks a year, and titles are unique within a unit."""
    seats: Counter[tuple[str, str]] = Counter((post.unit.code, post.domain) for post in all_posts())
    for (unit, domain), count in seats.items():
        assert len(TEMPLATES[domain]) >= 2 * count, (unit, domain)
