"""The leaders of the demo: one seat (:class:`Post`) per leader, the committee that manages it,
and the person in it.

Who manages whom (seed 000): the Provincial Standing Committee approves the tasks of "the
Standing Committee of the Provincial Party Committee, members of the Provincial Party
Standing Committee, leaders and managers at the level of heads under the management of the
Provincial Party Standing Committee" (114 of them in 2024). So its seats here are the
provincial leaders, the heads of the provincial bodies and the four leaders of each
district-level unit; the deputies and the heads of a district's offices, and the leaders of
its wards and communes, are managed by that district's Standing Committee (seed 001: Thanh
Miện's own breakthrough tasks, Hai Duong City's site clearance board).

Seats keep their person in every year, drawn once from a seeded generator, except the
people the seeds name, spelled as Vietnamese spells them: Phạm Quang Hưng, Lê Văn Hoàng,
Lê Thanh Bình. A person's id is the ASCII slug of their name (``pham-quang-hung``), their
e-mail an example.vn address.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from deploy.demo.places import (
    BEFORE,
    DISTRICTS,
    PROVINCE,
    Commune,
    District,
    commune_unit,
    provincial_unit,
)
from shared.domain.events import Leader, Level, RosterUnit

SC = Level.standing_committee
PL = Level.provincial_leader
DL = Level.district_leader
DH = Level.department_head
DD = Level.deputy_department_head


@dataclass(frozen=True, slots=True)
class Post:
    key: str  # stable key of the seat: "kim-thanh/chu-tich"
    unit: RosterUnit
    position: str
    level: Level
    managed_by: str  # the committee that approves the seat's tasks
    domain: str  # which task templates fit the seat (templates.py)
    where: str  # how titles name the place: "huyện Kim Thành", "tỉnh"


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    email: str
    post: Post

    def leader(self, post: Post | None = None) -> Leader:
        """The person as a roster lists them (in ``post``, or their own seat)."""
        seat = post or self.post
        return Leader(
            id=self.id,
            name=self.name,
            position=seat.position,
            level=seat.level,
            unit=seat.unit.code,
            managed_by=seat.managed_by,
            email=self.email,
        )


# --- the provincial committee's seats ----------------------------------------------------------

BTV = "Ủy viên Ban Thường vụ Tỉnh ủy"
TUV = "Tỉnh ủy viên"
# (unit code, seat, position, level, domain)
PROVINCIAL_SEATS: tuple[tuple[str, str, str, Level, str], ...] = (
    ("tinh-uy", "bi-thu", "Bí thư Tỉnh ủy", SC, "province"),
    ("tinh-uy", "pho-bi-thu-thuong-truc", "Phó Bí thư Thường trực Tỉnh ủy", SC, "province_party"),
    ("ubnd-tinh", "chu-tich", "Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh", SC, "province"),
    ("ubnd-tinh", "pho-chu-tich-thuong-truc", f"{BTV}, Phó Chủ tịch Thường trực UBND tỉnh", SC,
     "province"),
    ("ubnd-tinh", "pho-chu-tich-1", f"{TUV}, Phó Chủ tịch UBND tỉnh", PL, "province"),
    ("ubnd-tinh", "pho-chu-tich-2", f"{TUV}, Phó Chủ tịch UBND tỉnh", PL, "province"),
    ("hdnd-tinh", "chu-tich", "Phó Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh", SC, "council"),
    ("hdnd-tinh", "pho-chu-tich-1", f"{TUV}, Phó Chủ tịch HĐND tỉnh", PL, "council"),
    ("hdnd-tinh", "pho-chu-tich-2", "Phó Chủ tịch HĐND tỉnh", PL, "council"),
    ("ban-to-chuc-tinh-uy", "truong-ban", f"{BTV}, Trưởng Ban Tổ chức Tỉnh ủy", SC, "organising"),
    ("ban-tuyen-giao-tinh-uy", "truong-ban", f"{BTV}, Trưởng Ban Tuyên giáo Tỉnh ủy", SC,
     "propaganda"),
    ("ban-dan-van-tinh-uy", "truong-ban", f"{BTV}, Trưởng Ban Dân vận Tỉnh ủy", SC, "propaganda"),
    ("ban-noi-chinh-tinh-uy", "truong-ban", f"{BTV}, Trưởng Ban Nội chính Tỉnh ủy", SC,
     "inspection"),
    ("ubkt-tinh-uy", "chu-nhiem", f"{BTV}, Chủ nhiệm Ủy ban Kiểm tra Tỉnh ủy", SC, "inspection"),
    ("van-phong-tinh-uy", "chanh-van-phong", f"{TUV}, Chánh Văn phòng Tỉnh ủy", PL, "party_office"),
    ("dang-uy-khoi-co-quan", "bi-thu", "Bí thư Đảng ủy Khối các cơ quan tỉnh", DH, "organising"),
    ("dang-uy-khoi-doanh-nghiep", "bi-thu", "Bí thư Đảng ủy Khối Doanh nghiệp tỉnh", DH,
     "organising"),
    ("truong-chinh-tri", "hieu-truong", "Hiệu trưởng Trường Chính trị tỉnh", DH, "training"),
    ("bao-hai-duong", "tong-bien-tap", "Tổng Biên tập Báo Hải Dương", DH, "press"),
    ("van-phong-ubnd-tinh", "chanh-van-phong", "Chánh Văn phòng UBND tỉnh", DH, "home"),
    ("van-phong-doan-dbqh-hdnd", "chanh-van-phong", "Chánh Văn phòng Đoàn ĐBQH và HĐND tỉnh", DH,
     "council"),
    ("so-tai-chinh", "giam-doc", "Giám đốc Sở Tài chính", DH, "finance"),
    ("so-ke-hoach-dau-tu", "giam-doc", "Giám đốc Sở Kế hoạch và Đầu tư", DH, "investment"),
    ("so-noi-vu", "giam-doc", "Giám đốc Sở Nội vụ", DH, "home"),
    ("so-y-te", "giam-doc", "Giám đốc Sở Y tế", DH, "health"),
    ("so-giao-duc-dao-tao", "giam-doc", "Giám đốc Sở Giáo dục và Đào tạo", DH, "education"),
    ("so-nong-nghiep", "giam-doc", "Giám đốc Sở Nông nghiệp và Phát triển nông thôn", DH,
     "agriculture"),
    ("so-thong-tin-truyen-thong", "giam-doc", "Giám đốc Sở Thông tin và Truyền thông", DH,
     "digital"),
    ("so-tu-phap", "giam-doc", "Giám đốc Sở Tư pháp", DH, "justice"),
    ("so-tai-nguyen-moi-truong", "giam-doc", "Giám đốc Sở Tài nguyên và Môi trường", DH, "land"),
    ("so-giao-thong-van-tai", "giam-doc", "Giám đốc Sở Giao thông vận tải", DH, "transport"),
    ("so-xay-dung", "giam-doc", "Giám đốc Sở Xây dựng", DH, "construction"),
    ("so-cong-thuong", "giam-doc", "Giám đốc Sở Công Thương", DH, "trade"),
    ("so-lao-dong-tbxh", "giam-doc", "Giám đốc Sở Lao động - Thương binh và Xã hội", DH, "labour"),
    ("so-van-hoa-the-thao-du-lich", "giam-doc", "Giám đốc Sở Văn hóa, Thể thao và Du lịch", DH,
     "culture"),
    ("so-khoa-hoc-cong-nghe", "giam-doc", "Giám đốc Sở Khoa học và Công nghệ", DH, "science"),
    ("so-ngoai-vu", "giam-doc", "Giám đốc Sở Ngoại vụ", DH, "trade"),
    ("thanh-tra-tinh", "chanh-thanh-tra", "Chánh Thanh tra tỉnh", DH, "inspectorate"),
    ("ban-quan-ly-kcn", "truong-ban", "Trưởng Ban Quản lý các khu công nghiệp tỉnh", DH,
     "investment"),
    ("ban-qlda-tinh", "giam-doc", "Giám đốc Ban Quản lý dự án đầu tư xây dựng tỉnh", DH,
     "transport"),
    ("trung-tam-hanh-chinh-cong", "giam-doc", "Giám đốc Trung tâm Phục vụ hành chính công tỉnh",
     DH, "digital"),
    ("van-phong-nong-thon-moi", "chanh-van-phong", "Chánh Văn phòng Điều phối nông thôn mới tỉnh",
     DH, "agriculture"),
    ("trung-tam-xuc-tien", "giam-doc",
     "Giám đốc Trung tâm Xúc tiến đầu tư, thương mại và du lịch tỉnh", DH, "trade"),
    ("quy-dau-tu-phat-trien", "giam-doc", "Giám đốc Quỹ Đầu tư phát triển tỉnh", DH, "finance"),
    ("dai-phat-thanh-truyen-hinh", "giam-doc", "Giám đốc Đài Phát thanh và Truyền hình Hải Dương",
     DH, "press"),
    ("benh-vien-da-khoa-tinh", "giam-doc", "Giám đốc Bệnh viện Đa khoa tỉnh Hải Dương", DH,
     "health"),
    ("truong-dai-hoc-hai-duong", "hieu-truong", "Hiệu trưởng Trường Đại học Hải Dương", DH,
     "training"),
    ("truong-cao-dang-hai-duong", "hieu-truong", "Hiệu trưởng Trường Cao đẳng Hải Dương", DH,
     "training"),
    ("cong-an-tinh", "giam-doc", f"{BTV}, Giám đốc Công an tỉnh", SC, "security"),
    ("bo-chi-huy-quan-su", "chi-huy-truong", f"{BTV}, Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh", SC,
     "security"),
    ("toa-an-tinh", "chanh-an", f"{TUV}, Chánh án Tòa án nhân dân tỉnh", PL, "justice"),
    ("vien-kiem-sat-tinh", "vien-truong", f"{TUV}, Viện trưởng Viện Kiểm sát nhân dân tỉnh", PL,
     "justice"),
    ("kho-bac-tinh", "giam-doc", "Giám đốc Kho bạc Nhà nước tỉnh", DH, "finance"),
    ("bhxh-tinh", "giam-doc", "Giám đốc Bảo hiểm xã hội tỉnh", DH, "insurance"),
    ("cuc-thue-tinh", "cuc-truong", "Cục trưởng Cục Thuế tỉnh", DH, "finance"),
    ("cuc-thong-ke-tinh", "cuc-truong", "Cục trưởng Cục Thống kê tỉnh", DH, "digital"),
    ("ngan-hang-nha-nuoc", "giam-doc", "Giám đốc Ngân hàng Nhà nước chi nhánh tỉnh Hải Dương", DH,
     "finance"),
    ("mttq-tinh", "chu-tich", f"{BTV}, Chủ tịch Ủy ban MTTQ Việt Nam tỉnh", SC, "mass"),
    ("lien-doan-lao-dong", "chu-tich", "Chủ tịch Liên đoàn Lao động tỉnh", DH, "mass"),
    ("hoi-phu-nu-tinh", "chu-tich", "Chủ tịch Hội Liên hiệp Phụ nữ tỉnh", DH, "mass"),
    ("tinh-doan", "bi-thu", "Bí thư Tỉnh Đoàn Hải Dương", DH, "mass"),
    ("hoi-nong-dan-tinh", "chu-tich", "Chủ tịch Hội Nông dân tỉnh", DH, "mass"),
    ("hoi-cuu-chien-binh", "chu-tich", "Chủ tịch Hội Cựu chiến binh tỉnh", DH, "mass"),
    ("lien-minh-htx", "chu-tich", "Chủ tịch Liên minh Hợp tác xã tỉnh", DH, "agriculture"),
    ("hoi-chu-thap-do", "chu-tich", "Chủ tịch Hội Chữ thập đỏ tỉnh", DH, "mass"),
    ("lien-hiep-hoi-khkt", "chu-tich", "Chủ tịch Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh", DH,
     "science"),
    ("hoi-van-hoc-nghe-thuat", "chu-tich", "Chủ tịch Hội Văn học Nghệ thuật tỉnh", DH, "culture"),
    ("hoi-nha-bao", "chu-tich", "Chủ tịch Hội Nhà báo tỉnh", DH, "press"),
    ("hoi-luat-gia", "chu-tich", "Chủ tịch Hội Luật gia tỉnh", DH, "justice"),
    ("ban-bao-ve-suc-khoe", "truong-ban", "Trưởng Ban Bảo vệ, chăm sóc sức khỏe cán bộ tỉnh", DH,
     "health"),
    ("cdc-tinh", "giam-doc", "Giám đốc Trung tâm Kiểm soát bệnh tật tỉnh", DH, "health"),
    ("cong-ty-thuy-loi", "giam-doc",
     "Giám đốc Công ty TNHH MTV Khai thác công trình thủy lợi Hải Dương", DH, "agriculture"),
    ("trung-tam-quy-dat", "giam-doc", "Giám đốc Trung tâm Phát triển quỹ đất tỉnh", DH, "land"),
)  # fmt: skip


def _district_leaders(d: District) -> tuple[tuple[str, str, Level, str], ...]:
    """The four leaders of a district-level unit the Provincial Standing Committee manages."""
    secretary = f"Bí thư {d.party} {d.place}"
    if d.code == "tp-hai-duong":  # the provincial capital's secretary sits on the province's
        secretary = f"{BTV}, {secretary}"  # Standing Committee
    return (
        ("bi-thu", secretary, SC if d.code == "tp-hai-duong" else DL, "local_party"),
        ("pho-bi-thu-thuong-truc", f"Phó Bí thư Thường trực {d.party} {d.place}", DL,
         "local_party"),
        ("chu-tich", f"Phó Bí thư {d.party}, Chủ tịch {d.people}", DL, "local"),
        ("chu-tich-hdnd", f"Chủ tịch {d.council}", DL, "local_council"),
    )  # fmt: skip


# --- the district committees' seats ------------------------------------------------------------


def _office_seat(d: District, seat: str) -> tuple[str, Level, str]:
    """(position, level, domain) of a seat in a district's offices."""
    economy = "Nông nghiệp và Phát triển nông thôn" if d.kind == "huyện" else "Kinh tế"
    seats = {
        "chanh-van-phong": (f"Chánh Văn phòng {d.party} {d.place}", DH, "party_office"),
        "pho-chanh-van-phong": (f"Phó Chánh Văn phòng {d.party} {d.place}", DD, "party_office"),
        "truong-ban-to-chuc": (f"Trưởng Ban Tổ chức {d.party} {d.place}", DH, "organising_local"),
        "chu-nhiem-ubkt": (f"Chủ nhiệm Ủy ban Kiểm tra {d.party} {d.place}", DH,
                           "inspection_local"),
        "tai-chinh-ke-hoach": (f"Trưởng phòng Tài chính - Kế hoạch {d.kind} {d.place}", DH,
                               "finance_local"),
        "tai-nguyen-moi-truong": (f"Trưởng phòng Tài nguyên và Môi trường {d.kind} {d.place}", DH,
                                  "land_local"),
        "nong-nghiep": (f"Trưởng phòng {economy} {d.kind} {d.place}", DH, "agriculture_local"),
        "ban-qlda": (f"Giám đốc Ban Quản lý dự án đầu tư xây dựng {d.kind} {d.place}", DH,
                     "projects_local"),
        "pho-truong-phong-noi-vu": (f"Phó Trưởng phòng Nội vụ {d.kind} {d.place}", DD,
                                    "home_local"),
        # Seed 001: "Mr. Le Thanh Binh, Director of the City Site Clearance Board".
        "ban-gpmb": (f"Giám đốc Ban Quản lý Giải phóng mặt bằng {d.kind} {d.place}", DH,
                     "projects_local"),
    }  # fmt: skip
    return seats[seat]


# The seats of each district committee (ASSUMPTION: the seeds name only Cẩm Giàng's deputy
# chief of office and the city's site clearance board; the rest are the usual offices).
OFFICE_SEATS: dict[str, tuple[str, ...]] = {
    "tp-hai-duong": ("ban-gpmb", "chanh-van-phong", "tai-chinh-ke-hoach"),
    "tp-chi-linh": ("chanh-van-phong", "truong-ban-to-chuc", "ban-qlda", "tai-nguyen-moi-truong"),
    "tx-kinh-mon": ("chanh-van-phong", "chu-nhiem-ubkt", "ban-qlda", "pho-truong-phong-noi-vu"),
    "binh-giang": ("truong-ban-to-chuc", "nong-nghiep", "tai-chinh-ke-hoach"),
    "cam-giang": ("pho-chanh-van-phong", "chanh-van-phong", "tai-chinh-ke-hoach", "ban-qlda"),
    "gia-loc": ("chanh-van-phong", "nong-nghiep", "tai-nguyen-moi-truong"),
    "kim-thanh": ("ban-qlda", "tai-nguyen-moi-truong", "chanh-van-phong",
                  "pho-truong-phong-noi-vu"),
    "nam-sach": ("truong-ban-to-chuc", "nong-nghiep", "ban-qlda"),
    "ninh-giang": ("chanh-van-phong", "chu-nhiem-ubkt", "nong-nghiep"),
    "thanh-ha": ("nong-nghiep", "tai-chinh-ke-hoach", "chu-nhiem-ubkt", "pho-chanh-van-phong"),
    "thanh-mien": ("chu-nhiem-ubkt", "ban-qlda", "nong-nghiep", "chanh-van-phong",
                   "truong-ban-to-chuc"),
    "tu-ky": ("nong-nghiep", "chanh-van-phong", "tai-chinh-ke-hoach"),
}  # fmt: skip


def _commune_seat(commune: Commune) -> tuple[str, str, str]:
    """(position, domain, where) of the Party secretary of a ward or commune."""
    kind, place = commune.name.split(",")[0].split(" ", 1)
    domain = "ward" if kind == "Phường" else "commune"
    return f"Bí thư Đảng ủy {kind.lower()} {place}", domain, f"{kind.lower()} {place}"


def all_posts() -> tuple[Post, ...]:
    posts: list[Post] = []
    for code, seat, position, level, domain in PROVINCIAL_SEATS:
        posts.append(Post(f"{code}/{seat}", provincial_unit(code), position, level, PROVINCE,
                          domain, "tỉnh"))  # fmt: skip
    for d in DISTRICTS:
        where = f"{d.kind} {d.place}"
        for seat, position, level, domain in _district_leaders(d):
            posts.append(Post(f"{d.code}/{seat}", d.unit(), position, level, PROVINCE, domain,
                              where))  # fmt: skip
    for d in DISTRICTS:
        where = f"{d.kind} {d.place}"
        for seat in OFFICE_SEATS[d.code]:
            position, level, domain = _office_seat(d, seat)
            posts.append(Post(f"{d.code}/{seat}", d.unit(), position, level, d.committee, domain,
                              where))  # fmt: skip
        for commune in (c for c in BEFORE if c.district == d.code):
            position, domain, place = _commune_seat(commune)
            posts.append(Post(f"{commune.code}/bi-thu", commune_unit(commune), position, DH,
                              d.committee, domain, place))  # fmt: skip
    return tuple(posts)


def moved_post(post: Post, unit: RosterUnit, position: str) -> Post:
    """The seat a leader holds after their unit was reorganised."""
    return Post(post.key, unit, position, post.level, post.managed_by, post.domain, post.where)


# --- names -------------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Common Vietnamese family names (repeated ones are drawn more often), middle and given names.
SURNAMES = _words(
    "Nguyễn Nguyễn Nguyễn Trần Trần Lê Lê Phạm Phạm Hoàng Vũ Vũ Đặng Bùi Đỗ Ngô Dương Đinh "
    "Trịnh Lương Phan Đoàn Mạc Nhữ Tăng Lưu Triệu Hà Tạ Vương"
)
MIDDLE_NAMES_M = _words("Văn Đức Quang Minh Hữu Thanh Xuân Tiến Công Thế Ngọc Duy Mạnh Trọng Đình")
MIDDLE_NAMES_F = ("Thị", "Thu", "Thị Thu", "Ngọc", "Thanh", "Hồng", "Minh", "Thị Hồng")
GIVEN_NAMES_M = _words(
    "Hùng Hải Dũng Tuấn Thắng Cường Sơn Trung Khánh Hiếu Hưng Toàn Thành Việt Đông Quân Huy Tùng "
    "Phong Lâm Kiên Chiến Thịnh Tâm Định Lợi Vinh Tú Đạt Hòa Đức Lực Thuận Bảo Quyết"
)
GIVEN_NAMES_F = _words("Hà Hương Lan Mai Thảo Phương Hạnh Nga Huyền Yến Thủy Loan Dung Liên Hằng")

# People the seeds name (seed 000: "Comrade Pham Quang Hung, Deputy Secretary of the District
# Party Committee and Chairman of the People's Committee of Kim Thanh District", "Comrade Le
# Van Hoang, Deputy Chief of Office of Cam Giang District Party Committee"; seed 001: "Mr. Le
# Thanh Binh, Director of the City Site Clearance Board"), with their Vietnamese diacritics.
FIXED_NAMES: dict[str, str] = {
    "kim-thanh/chu-tich": "Phạm Quang Hưng",
    "cam-giang/pho-chanh-van-phong": "Lê Văn Hoàng",
    "tp-hai-duong/ban-gpmb": "Lê Thanh Bình",
}
FEMALE_SEATS = frozenset({"hoi-phu-nu-tinh/chu-tich"})


def slug(text: str) -> str:
    """ASCII slug: ``"Phạm Quang Hưng"`` -> ``"pham-quang-hung"``."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(ch if ch.isalnum() else " " for ch in ascii_text.lower()).split()
    return "-".join(words)


def staff(rng: random.Random) -> tuple[Person, ...]:
    """One person per seat; names unique by slug, so the slug is the person's id."""
    people: list[Person] = []
    taken = {slug(name) for name in FIXED_NAMES.values()}
    for post in all_posts():
        name = FIXED_NAMES.get(post.key)
        while name is None or (post.key not in FIXED_NAMES and slug(name) in taken):
            female = rng.random() < 0.2 or post.key in FEMALE_SEATS
            middle = rng.choice(MIDDLE_NAMES_F if female else MIDDLE_NAMES_M)
            given = rng.choice(GIVEN_NAMES_F if female else GIVEN_NAMES_M)
            name = f"{rng.choice(SURNAMES)} {middle} {given}"
        taken.add(slug(name))
        ident = slug(name)
        people.append(Person(ident, name, f"{ident.replace('-', '.')}@example.vn", post))
    return tuple(people)
