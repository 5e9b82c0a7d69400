"""Hải Dương province as the demo holds it: its 12 district-level units, the provincial bodies
its leaders belong to, the approving committees, and the commune-level units the
reorganisation of 2024 touched in the demo.

Unit and committee codes are lower-case ASCII slugs (the contract's id rules); every name is
the Vietnamese one, with its diacritics.

Sources: the 12 district-level units are the province's (2 cities, 1 town, 9 districts).
The reorganisation is Resolution 1250/NQ-UBTVQH15 of the National Assembly Standing
Committee (adopted 24 October 2024, in force from 1 December 2024): 57 commune-level units
became 29 (seed 000: "57 commune-level administrative units into 29 units"); Chí Linh and
Thanh Miện kept theirs. The demo models only the changes of Thành phố Hải Dương it could
source: phường Phạm Ngũ Lão merged into phường Lê Thanh Nghị, and xã Tân Hưng and xã Nam
Đồng became wards. It does not invent the other mergers: naming real communes in mergers
that did not happen would misstate the province.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.domain.events import Committee, RosterUnit


@dataclass(frozen=True, slots=True)
class District:
    """A district-level unit: ``kind`` is huyện, thành phố or thị xã; ``party`` the name of
    its Party committee (Huyện ủy, Thành ủy, Thị ủy)."""

    code: str
    place: str  # "Kim Thành"
    kind: str  # "huyện" | "thành phố" | "thị xã"

    @property
    def name(self) -> str:
        """``Huyện Kim Thành``, ``Thành phố Hải Dương``, ``Thị xã Kinh Môn``."""
        return f"{self.kind[0].upper()}{self.kind[1:]} {self.place}"

    @property
    def party(self) -> str:
        """``Huyện ủy``, ``Thành ủy``, ``Thị ủy``."""
        return {"huyện": "Huyện ủy", "thành phố": "Thành ủy", "thị xã": "Thị ủy"}[self.kind]

    @property
    def people(self) -> str:
        """How its People's Committee is named after a position: ``UBND huyện Kim Thành``."""
        return f"UBND {self.kind} {self.place}"

    @property
    def council(self) -> str:
        return f"HĐND {self.kind} {self.place}"

    @property
    def committee(self) -> str:
        """The code of its Standing Committee: ``huyen-uy-kim-thanh``."""
        prefix = {"huyện": "huyen-uy", "thành phố": "thanh-uy", "thị xã": "thi-uy"}[self.kind]
        return f"{prefix}-{self.code.removeprefix('tp-').removeprefix('tx-')}"

    @property
    def abbreviation(self) -> str:
        """The issuer's abbreviation in its document numbers (``-TB/HU``; a city's or town's
        committee numbers its documents ``/TU`` in its own series)."""
        return "HU" if self.kind == "huyện" else "TU"

    def unit(self) -> RosterUnit:
        return RosterUnit(code=self.code, name=self.name)


DISTRICTS: tuple[District, ...] = (
    District("tp-hai-duong", "Hải Dương", "thành phố"),
    District("tp-chi-linh", "Chí Linh", "thành phố"),
    District("tx-kinh-mon", "Kinh Môn", "thị xã"),
    District("binh-giang", "Bình Giang", "huyện"),
    District("cam-giang", "Cẩm Giàng", "huyện"),
    District("gia-loc", "Gia Lộc", "huyện"),
    District("kim-thanh", "Kim Thành", "huyện"),
    District("nam-sach", "Nam Sách", "huyện"),
    District("ninh-giang", "Ninh Giang", "huyện"),
    District("thanh-ha", "Thanh Hà", "huyện"),
    District("thanh-mien", "Thanh Miện", "huyện"),
    District("tu-ky", "Tứ Kỳ", "huyện"),
)
BY_CODE = {district.code: district for district in DISTRICTS}

PROVINCE = "tinh-uy"
PROVINCE_NAME = "Ban Thường vụ Tỉnh ủy Hải Dương"


def committees() -> tuple[Committee, ...]:
    """The approving committees of every demo year: the Provincial Standing Committee (the
    root) and one Standing Committee per district-level unit below it."""
    below = tuple(
        Committee(
            code=district.committee,
            name=f"Ban Thường vụ {district.party} {district.place}",
            parent=PROVINCE,
        )
        for district in DISTRICTS
    )
    return (Committee(code=PROVINCE, name=PROVINCE_NAME, parent=None), *below)


def committee_name(code: str) -> str:
    for committee in committees():
        if committee.code == code:
            return committee.name
    raise KeyError(code)


def abbreviation(committee: str) -> str:
    """``TU`` for the province (and a city's or town's committee), ``HU`` for a district's."""
    for district in DISTRICTS:
        if district.committee == committee:
            return district.abbreviation
    return "TU"


# --- provincial bodies ------------------------------------------------------------------------

PROVINCIAL_UNITS: dict[str, str] = {
    "tinh-uy": "Tỉnh ủy Hải Dương",
    "van-phong-tinh-uy": "Văn phòng Tỉnh ủy",
    "ban-to-chuc-tinh-uy": "Ban Tổ chức Tỉnh ủy",
    "ban-tuyen-giao-tinh-uy": "Ban Tuyên giáo Tỉnh ủy",
    "ban-dan-van-tinh-uy": "Ban Dân vận Tỉnh ủy",
    "ban-noi-chinh-tinh-uy": "Ban Nội chính Tỉnh ủy",
    "ubkt-tinh-uy": "Ủy ban Kiểm tra Tỉnh ủy",
    "dang-uy-khoi-co-quan": "Đảng ủy Khối các cơ quan tỉnh",
    "dang-uy-khoi-doanh-nghiep": "Đảng ủy Khối Doanh nghiệp tỉnh",
    "truong-chinh-tri": "Trường Chính trị tỉnh",
    "bao-hai-duong": "Báo Hải Dương",
    "ubnd-tinh": "Ủy ban nhân dân tỉnh Hải Dương",
    "hdnd-tinh": "Hội đồng nhân dân tỉnh Hải Dương",
    "van-phong-ubnd-tinh": "Văn phòng UBND tỉnh",
    "van-phong-doan-dbqh-hdnd": "Văn phòng Đoàn ĐBQH và HĐND tỉnh",
    "so-tai-chinh": "Sở Tài chính",
    "so-ke-hoach-dau-tu": "Sở Kế hoạch và Đầu tư",
    "so-noi-vu": "Sở Nội vụ",
    "so-y-te": "Sở Y tế",
    "so-giao-duc-dao-tao": "Sở Giáo dục và Đào tạo",
    "so-nong-nghiep": "Sở Nông nghiệp và Phát triển nông thôn",
    "so-thong-tin-truyen-thong": "Sở Thông tin và Truyền thông",
    "so-tu-phap": "Sở Tư pháp",
    "so-tai-nguyen-moi-truong": "Sở Tài nguyên và Môi trường",
    "so-giao-thong-van-tai": "Sở Giao thông vận tải",
    "so-xay-dung": "Sở Xây dựng",
    "so-cong-thuong": "Sở Công Thương",
    "so-lao-dong-tbxh": "Sở Lao động - Thương binh và Xã hội",
    "so-van-hoa-the-thao-du-lich": "Sở Văn hóa, Thể thao và Du lịch",
    "so-khoa-hoc-cong-nghe": "Sở Khoa học và Công nghệ",
    "so-ngoai-vu": "Sở Ngoại vụ",
    "thanh-tra-tinh": "Thanh tra tỉnh",
    "ban-quan-ly-kcn": "Ban Quản lý các khu công nghiệp tỉnh",
    "ban-qlda-tinh": "Ban Quản lý dự án đầu tư xây dựng tỉnh",
    "trung-tam-hanh-chinh-cong": "Trung tâm Phục vụ hành chính công tỉnh",
    "van-phong-nong-thon-moi": "Văn phòng Điều phối nông thôn mới tỉnh",
    "trung-tam-xuc-tien": "Trung tâm Xúc tiến đầu tư, thương mại và du lịch tỉnh",
    "quy-dau-tu-phat-trien": "Quỹ Đầu tư phát triển tỉnh",
    "dai-phat-thanh-truyen-hinh": "Đài Phát thanh và Truyền hình Hải Dương",
    "benh-vien-da-khoa-tinh": "Bệnh viện Đa khoa tỉnh Hải Dương",
    "truong-dai-hoc-hai-duong": "Trường Đại học Hải Dương",
    "cong-an-tinh": "Công an tỉnh",
    "bo-chi-huy-quan-su": "Bộ Chỉ huy Quân sự tỉnh",
    "toa-an-tinh": "Tòa án nhân dân tỉnh",
    "vien-kiem-sat-tinh": "Viện Kiểm sát nhân dân tỉnh",
    "kho-bac-tinh": "Kho bạc Nhà nước tỉnh",
    "bhxh-tinh": "Bảo hiểm xã hội tỉnh",
    "cuc-thue-tinh": "Cục Thuế tỉnh",
    "cuc-thong-ke-tinh": "Cục Thống kê tỉnh",
    "ngan-hang-nha-nuoc": "Ngân hàng Nhà nước chi nhánh tỉnh Hải Dương",
    "mttq-tinh": "Ủy ban MTTQ Việt Nam tỉnh",
    "lien-doan-lao-dong": "Liên đoàn Lao động tỉnh",
    "hoi-phu-nu-tinh": "Hội Liên hiệp Phụ nữ tỉnh",
    "tinh-doan": "Tỉnh Đoàn Hải Dương",
    "hoi-nong-dan-tinh": "Hội Nông dân tỉnh",
    "hoi-cuu-chien-binh": "Hội Cựu chiến binh tỉnh",
    "lien-minh-htx": "Liên minh Hợp tác xã tỉnh",
    "hoi-chu-thap-do": "Hội Chữ thập đỏ tỉnh",
    "lien-hiep-hoi-khkt": "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh",
    "hoi-van-hoc-nghe-thuat": "Hội Văn học Nghệ thuật tỉnh",
    "hoi-nha-bao": "Hội Nhà báo tỉnh",
    "hoi-luat-gia": "Hội Luật gia tỉnh",
    "ban-bao-ve-suc-khoe": "Ban Bảo vệ, chăm sóc sức khỏe cán bộ tỉnh",
    "cdc-tinh": "Trung tâm Kiểm soát bệnh tật tỉnh",
    "truong-cao-dang-hai-duong": "Trường Cao đẳng Hải Dương",
    "cong-ty-thuy-loi": "Công ty TNHH MTV Khai thác công trình thủy lợi Hải Dương",
    "trung-tam-quy-dat": "Trung tâm Phát triển quỹ đất tỉnh",
}


def provincial_unit(code: str) -> RosterUnit:
    return RosterUnit(code=code, name=PROVINCIAL_UNITS[code])


# --- commune-level units and the 2024 reorganisation ----------------------------------------


@dataclass(frozen=True, slots=True)
class Commune:
    code: str
    name: str
    district: str  # the district-level unit's code


# Units of Thành phố Hải Dương before the reorganisation (the demo's 2022-2024 rosters until
# December 2024) and after it (the roster republished from 1 December 2024).
_CITY = "thành phố Hải Dương"
BEFORE: tuple[Commune, ...] = (
    Commune("tphd-phuong-le-thanh-nghi", f"Phường Lê Thanh Nghị, {_CITY}", "tp-hai-duong"),
    Commune("tphd-phuong-pham-ngu-lao", f"Phường Phạm Ngũ Lão, {_CITY}", "tp-hai-duong"),
    Commune("tphd-xa-tan-hung", f"Xã Tân Hưng, {_CITY}", "tp-hai-duong"),
    Commune("tphd-xa-nam-dong", f"Xã Nam Đồng, {_CITY}", "tp-hai-duong"),
)
AFTER: tuple[tuple[Commune, tuple[str, ...]], ...] = (
    # Phạm Ngũ Lão merged into Lê Thanh Nghị, which keeps its code and name.
    (BEFORE[0], ("tphd-phuong-pham-ngu-lao",)),
    (Commune("tphd-phuong-tan-hung", f"Phường Tân Hưng, {_CITY}", "tp-hai-duong"),
     ("tphd-xa-tan-hung",)),
    (Commune("tphd-phuong-nam-dong", f"Phường Nam Đồng, {_CITY}", "tp-hai-duong"),
     ("tphd-xa-nam-dong",)),
)  # fmt: skip
MOVED: dict[str, str] = {
    "tphd-phuong-pham-ngu-lao": "tphd-phuong-le-thanh-nghi",
    "tphd-xa-tan-hung": "tphd-phuong-tan-hung",
    "tphd-xa-nam-dong": "tphd-phuong-nam-dong",
}
"""Where each replaced unit's leaders belong after the reorganisation."""

REORGANISED_ON = date(2024, 12, 1)
"""Resolution 1250/NQ-UBTVQH15 in force; the demo republishes the 2024 roster then."""
REORGANISED_YEAR = REORGANISED_ON.year


def commune_unit(commune: Commune, replaces: tuple[str, ...] = ()) -> RosterUnit:
    return RosterUnit(code=commune.code, name=commune.name, replaces=replaces)


COMMUNES = {commune.code: commune for commune in BEFORE + tuple(c for c, _ in AFTER)}
