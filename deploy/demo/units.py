"""Units of Hai Duong province and the leadership posts the demo registrants hold.

Unit codes are stable lowercase ASCII slugs of the Vietnamese names (``kim-thanh``,
``so-tai-chinh``); each code always carries the same display name, so reports grouped
by unit stay consistent. A :class:`Post` is one seat (unit, position, level); the person
in it is drawn once from a seeded generator (or fixed, for people the seeds name) and
keeps the same registrant id in every year.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from shared.domain.events import Level, Unit


@dataclass(frozen=True, slots=True)
class Post:
    key: str  # stable key of the seat, e.g. "kim-thanh/chairman"
    unit: Unit
    position: str
    level: Level
    domain: str  # which task templates fit the seat (see templates.py)


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    post: Post


# The 12 district-level localities: 2 cities, 1 town, 9 districts.
LOCALITIES: tuple[Unit, ...] = tuple(
    Unit(code=code, name=name)
    for code, name in (
        ("tp-hai-duong", "Hai Duong City"),
        ("tp-chi-linh", "Chi Linh City"),
        ("tx-kinh-mon", "Kinh Mon Town"),
        ("kim-thanh", "Kim Thanh District"),
        ("cam-giang", "Cam Giang District"),
        ("tu-ky", "Tu Ky District"),
        ("thanh-mien", "Thanh Mien District"),
        ("binh-giang", "Binh Giang District"),
        ("gia-loc", "Gia Loc District"),
        ("nam-sach", "Nam Sach District"),
        ("ninh-giang", "Ninh Giang District"),
        ("thanh-ha", "Thanh Ha District"),
    )
)

LOCAL_SEATS: tuple[tuple[str, str, Level], ...] = (
    ("secretary", "Secretary of the {u} Party Committee", Level.district_leader),
    (
        "chairman",
        "Deputy Secretary of the {u} Party Committee and Chairman of the {u} People's Committee",
        Level.district_leader,
    ),
    (
        "standing-deputy",
        "Standing Deputy Secretary of the {u} Party Committee",
        Level.district_leader,
    ),
    ("vice-chairman", "Vice Chairman of the {u} People's Committee", Level.district_leader),
    (
        "inspection",
        "Chairman of the Inspection Committee of the {u} Party Committee",
        Level.department_head,
    ),
)

# Provincial bodies: (code, name, domain, seats as (seat key, position, level)).
_DIRECTOR = (("director", "Director of the {u}", Level.department_head),)
_DEPUTY = (("deputy", "Deputy Director of the {u}", Level.deputy_department_head),)
_DEPUTY2 = (("deputy-2", "Deputy Director of the {u}", Level.deputy_department_head),)
_BOARD = (
    ("head", "Head of the {u}", Level.provincial_leader),
    ("deputy", "Deputy Head of the {u}", Level.deputy_department_head),
)
PROVINCIAL: tuple[tuple[str, str, str, tuple[tuple[str, str, Level], ...]], ...] = (
    ("tinh-uy", "Hai Duong Provincial Party Committee", "province", (
        ("secretary", "Secretary of the Provincial Party Committee", Level.standing_committee),
        ("standing-deputy", "Standing Deputy Secretary of the Provincial Party Committee",
         Level.standing_committee),
        ("chief-of-office", "Chief of Office of the Provincial Party Committee",
         Level.provincial_leader),
    )),
    ("ubnd-tinh", "Hai Duong Provincial People's Committee", "province", (
        ("chairman", "Deputy Secretary of the Provincial Party Committee and Chairman of the "
         "Provincial People's Committee", Level.standing_committee),
        ("vice-1", "Vice Chairman of the Provincial People's Committee", Level.provincial_leader),
        ("vice-2", "Vice Chairman of the Provincial People's Committee", Level.provincial_leader),
        ("vice-3", "Vice Chairman of the Provincial People's Committee", Level.provincial_leader),
    )),
    ("hdnd-tinh", "Hai Duong Provincial People's Council", "council", (
        ("chairman", "Deputy Secretary of the Provincial Party Committee and Chairman of the "
         "Provincial People's Council", Level.standing_committee),
        ("vice", "Vice Chairman of the Provincial People's Council", Level.provincial_leader),
    )),
    ("ban-to-chuc-tinh-uy", "Organising Committee of the Provincial Party Committee",
     "organising", _BOARD),
    ("ban-tuyen-giao-tinh-uy", "Propaganda Department of the Provincial Party Committee",
     "propaganda", _BOARD),
    ("ban-dan-van-tinh-uy", "Mass Mobilisation Committee of the Provincial Party Committee",
     "propaganda", _BOARD),
    ("ban-noi-chinh-tinh-uy", "Internal Affairs Committee of the Provincial Party Committee",
     "inspection", _BOARD),
    ("uy-ban-kiem-tra-tinh-uy", "Inspection Committee of the Provincial Party Committee",
     "inspection", (
        ("head", "Chairman of the {u}", Level.provincial_leader),
        ("deputy", "Vice Chairman of the {u}", Level.deputy_department_head),
    )),
    ("so-tai-chinh", "Department of Finance", "finance", _DIRECTOR + _DEPUTY + _DEPUTY2),
    ("so-ke-hoach-dau-tu", "Department of Planning and Investment", "investment",
     _DIRECTOR + _DEPUTY + _DEPUTY2),
    ("so-noi-vu", "Department of Home Affairs", "home", _DIRECTOR + _DEPUTY),
    ("so-y-te", "Department of Health", "health", _DIRECTOR + _DEPUTY + _DEPUTY2),
    ("so-giao-duc-dao-tao", "Department of Education and Training", "education",
     _DIRECTOR + _DEPUTY + _DEPUTY2),
    ("so-nong-nghiep", "Department of Agriculture and Rural Development", "agriculture",
     _DIRECTOR + _DEPUTY + _DEPUTY2),
    ("so-thong-tin-truyen-thong", "Department of Information and Communications", "digital",
     _DIRECTOR + _DEPUTY),
    ("so-tu-phap", "Department of Justice", "justice", _DIRECTOR + _DEPUTY),
    ("so-tai-nguyen-moi-truong", "Department of Natural Resources and Environment", "land",
     _DIRECTOR + _DEPUTY),
    ("so-giao-thong-van-tai", "Department of Transport", "transport", _DIRECTOR + _DEPUTY),
    ("so-xay-dung", "Department of Construction", "construction", _DIRECTOR + _DEPUTY),
    ("so-cong-thuong", "Department of Industry and Trade", "investment", _DIRECTOR + _DEPUTY),
    ("so-lao-dong-tbxh", "Department of Labour, Invalids and Social Affairs", "labour",
     _DIRECTOR + _DEPUTY),
    ("so-van-hoa-the-thao-du-lich", "Department of Culture, Sports and Tourism", "culture",
     _DIRECTOR + _DEPUTY),
    ("so-khoa-hoc-cong-nghe", "Department of Science and Technology", "science",
     _DIRECTOR + _DEPUTY),
    ("thanh-tra-tinh", "Provincial Inspectorate", "inspectorate", (
        ("director", "Chief Inspector of the {u}", Level.department_head),
        ("deputy", "Deputy Chief Inspector of the {u}", Level.deputy_department_head),
    )),
    ("ban-quan-ly-kcn", "Provincial Industrial Zones Management Board", "investment", (
        ("head", "Head of the {u}", Level.department_head),
    )),
    ("mttq-tinh", "Provincial Vietnam Fatherland Front Committee", "mass", (
        ("chairman", "Chairman of the {u}", Level.provincial_leader),
    )),
    ("hoi-phu-nu-tinh", "Provincial Women's Union", "mass", (
        ("chairman", "Chairwoman of the {u}", Level.department_head),
    )),
    ("tinh-doan", "Provincial Youth Union", "mass", (
        ("secretary", "Secretary of the {u}", Level.department_head),
    )),
    ("hoi-nong-dan-tinh", "Provincial Farmers' Association", "mass", (
        ("chairman", "Chairman of the {u}", Level.department_head),
    )),
)  # fmt: skip

# Seats the seeds mention that are not among the regular seats above.
EXTRA_POSTS: tuple[Post, ...] = (
    # Seed 000: "Comrade Le Van Hoang, Deputy Chief of Office of Cam Giang District Party
    # Committee".
    Post(
        "cam-giang/deputy-chief-of-office",
        LOCALITIES[4],
        "Deputy Chief of Office of the Cam Giang District Party Committee",
        Level.deputy_department_head,
        "party-office",
    ),
    # Seed 001: "Mr. Le Thanh Binh, Director of the City Site Clearance Board".
    Post(
        "tp-hai-duong/site-clearance-board",
        LOCALITIES[0],
        "Director of the Hai Duong City Site Clearance Board",
        Level.department_head,
        "local",
    ),
)

# People the seeds name, spelled exactly as the seeds spell them (the English seed texts
# carry no diacritics, so none are guessed).
FIXED_NAMES: dict[str, str] = {
    # Seed 000: "Comrade Pham Quang Hung, Deputy Secretary of the District Party Committee and
    # Chairman of the People's Committee of Kim Thanh District".
    "kim-thanh/chairman": "Pham Quang Hung",
    "cam-giang/deputy-chief-of-office": "Le Van Hoang",
    "tp-hai-duong/site-clearance-board": "Le Thanh Binh",
}


def all_posts() -> tuple[Post, ...]:
    posts: list[Post] = []
    for unit in LOCALITIES:
        for seat, position, level in LOCAL_SEATS:
            posts.append(
                Post(f"{unit.code}/{seat}", unit, position.format(u=unit.name), level, "local")
            )
    for code, name, domain, seats in PROVINCIAL:
        unit = Unit(code=code, name=name)
        for seat, position, level in seats:
            posts.append(Post(f"{code}/{seat}", unit, position.format(u=name), level, domain))
    posts.extend(EXTRA_POSTS)
    return tuple(posts)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Common Vietnamese family names (repeated ones are drawn more often), middle and given names.
SURNAMES = _words(
    "Nguyễn Nguyễn Nguyễn Trần Trần Lê Lê Phạm Phạm Hoàng Vũ Vũ Đặng Bùi Đỗ Ngô Dương Đinh "
    "Trịnh Lương Phan Đoàn Mạc Nhữ Tăng Lưu Triệu Hà Cao Tạ"
)
MIDDLE_NAMES_M = _words("Văn Đức Quang Minh Hữu Thanh Xuân Tiến Công Thế Ngọc Duy Mạnh Trọng Anh")
MIDDLE_NAMES_F = ("Thị", "Thu", "Thị Thu", "Ngọc", "Thanh", "Hồng", "Minh", "Thị Hồng")
GIVEN_NAMES_M = _words(
    "Hùng Hải Dũng Tuấn Thắng Long Nam Cường Sơn Trung Khánh Hiếu Hưng Toàn Thành Việt Đông "
    "Quân Huy Tùng Phong Lâm Kiên Chiến Thịnh Tâm Định Lợi Vinh Tú Đạt Hoà"
)
GIVEN_NAMES_F = _words(
    "Hà Hương Lan Mai Thảo Phương Hạnh Nga Huyền Yến Thủy Loan Dung Liên Hằng Vân"
)


def slug(text: str) -> str:
    """ASCII slug: ``"Phạm Quang Hùng"`` -> ``"pham-quang-hung"``."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(ch if ch.isalnum() else " " for ch in ascii_text.lower()).split()
    return "-".join(words)


def staff(rng: random.Random) -> tuple[Person, ...]:
    """One person per post; names unique by slug, so the slug is the registrant id."""
    people: list[Person] = []
    taken = {slug(name) for name in FIXED_NAMES.values()}
    for post in all_posts():
        name = FIXED_NAMES.get(post.key)
        while name is None or (post.key not in FIXED_NAMES and slug(name) in taken):
            female = rng.random() < 0.2 or post.unit.code == "hoi-phu-nu-tinh"
            middle = rng.choice(MIDDLE_NAMES_F if female else MIDDLE_NAMES_M)
            given = rng.choice(GIVEN_NAMES_F if female else GIVEN_NAMES_M)
            name = f"{rng.choice(SURNAMES)} {middle} {given}"
        taken.add(slug(name))
        people.append(Person(id=slug(name), name=name, post=post))
    return tuple(people)
