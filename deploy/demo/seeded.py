"""The tasks the seed articles describe, in Vietnamese, with their real figures and dates.

Seed 000 is the 2024 article (Kim Thành, Cẩm Giàng, the Provincial Standing Committee), seed
001 the 2023 one (Hai Duong City, Tứ Kỳ, Thanh Miện, the province). Each figure quotes the
sentence it comes from; figures and dates the seeds do not give are marked ``ASSUMPTION``.
Tasks carried on from an earlier year name it in ``continues``; 2022 holds only the two
tasks the seeds' "consecutive years" reach back to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from deploy.demo.templates import (
    GIAI_NGAN,
    GIAM_SAT,
    GPMB_DIEN_TICH,
    GPMB_DU_AN,
    HOP_KHONG_GIAY,
    KT_DANG_VIEN,
    KT_TO_CHUC,
    NTM_KIEU_MAU,
    NTM_NANG_CAO,
    OCOP,
    VAN_BAN_MANG,
    VON_DTC,
    Metric,
)
from shared.domain.events import Category, Direction, Kind, ProgressStatus, Target

DONE = ProgressStatus.completed
ONGOING = ProgressStatus.in_progress
SE, PB, SS = Category.socio_economic, Category.party_building, Category.social_security
DT, AR, OT = Category.digital_transformation, Category.administrative_reform, Category.other
BT = Kind.breakthrough

GRDP = Metric("Tốc độ tăng trưởng kinh tế (GRDP)", "%", 0, 0)
BOI_THUONG = Metric("Giá trị phương án bồi thường, hỗ trợ GPMB được phê duyệt", "tỷ đồng", 0, 0)
CUOC_HOP = Metric("Số cuộc họp, hội nghị được phục vụ bằng tài liệu điện tử", "cuộc họp", 0, 0)
CT_KIEM_TRA = Metric("Tỷ lệ hoàn thành chương trình kiểm tra, giám sát", "%", 0, 0)
XEP_LOAI = Metric("Đảng bộ tỉnh được xếp loại hoàn thành tốt nhiệm vụ trở lên", "đạt/không đạt",
                  0, 0)  # fmt: skip
SAP_XEP = Metric("Số đơn vị hành chính cấp xã được sắp xếp", "đơn vị", 0, 0)
SAU_SAP_XEP = Metric("Số đơn vị hành chính cấp xã sau sắp xếp", "đơn vị", 0, 0, Direction.at_most)
CHINH_SACH = Metric("Số chính sách an sinh xã hội được ban hành", "chính sách", 0, 0)
QUY_HOACH = Metric("Tiến độ hoàn thành lập Quy hoạch tỉnh", "%", 0, 0)


@dataclass(frozen=True, slots=True)
class Report:
    day: date
    status: ProgressStatus
    note: str
    actuals: tuple[tuple[Metric, float], ...]


@dataclass(frozen=True, slots=True)
class NamedTask:
    name: str  # stable: how later years' tasks name it in ``continues``
    year: int
    post: str  # Post.key of the registrant's seat
    title: str
    category: Category
    kind: Kind
    targets: tuple[Target, ...]
    reports: tuple[Report, ...]
    description: str = ""
    continues: str | None = None

    @property
    def deadline(self) -> date:
        return date(self.year, 12, 31)


def target(metric: Metric, value: float) -> Target:
    return Target(metric=metric.metric, unit=metric.unit, target=value, direction=metric.direction)


def report(day: date, status: ProgressStatus, note: str, *actuals: tuple[Metric, float]) -> Report:
    return Report(day, status, note, actuals)


KIM_THANH_GPMB_TITLE = (
    "Đẩy nhanh tiến độ giải phóng mặt bằng và xây dựng các công trình giao thông trọng điểm "
    "trên địa bàn huyện Kim Thành"
)
KIM_THANH_DTC_TITLE = "Đẩy nhanh giải ngân vốn đầu tư công trên địa bàn huyện Kim Thành"

# --- 2022: the first of the consecutive years ------------------------------------------------

# Seed 000: "This is the third consecutive year that Kim Thanh district has had a high rate
# of public investment disbursement" (2024), so 2022 is the first. ASSUMPTION: the seed gives
# no 2022 figure; the plan met (100%+).
KIM_THANH_DTC_2022 = NamedTask(
    "kim-thanh-dtc-2022", 2022, "kim-thanh/chu-tich", KIM_THANH_DTC_TITLE, SE, BT,
    (target(GIAI_NGAN, 100),),
    (
        report(date(2022, 6, 30), ONGOING, "Giải ngân đạt khá so với bình quân của tỉnh.",
               (GIAI_NGAN, 48.5)),
        report(date(2022, 12, 30), DONE, "Giải ngân vượt kế hoạch vốn năm 2022.",
               (GIAI_NGAN, 104.2)),
    ),
    "Năm thứ nhất huyện Kim Thành chọn giải ngân vốn đầu tư công là nhiệm vụ đột phá.",
)  # fmt: skip

# Seed 001: "2023 is the second consecutive year that Hai Duong City has identified site
# clearance on schedule as a breakthrough task", so 2022 is the first. ASSUMPTION: the seed
# gives no 2022 figure; 10 projects.
HAI_DUONG_GPMB_2022 = NamedTask(
    "tp-hai-duong-gpmb-2022", 2022, "tp-hai-duong/ban-gpmb",
    "Giải phóng mặt bằng đúng tiến độ các dự án trọng điểm của thành phố Hải Dương", SE, BT,
    (target(GPMB_DU_AN, 10),),
    (
        report(date(2022, 7, 15), ONGOING, "Đang tổ chức kiểm đếm, lập phương án bồi thường.",
               (GPMB_DU_AN, 4)),
        report(date(2022, 12, 28), DONE, "Bàn giao mặt bằng đúng tiến độ các dự án đã chọn.",
               (GPMB_DU_AN, 10)),
    ),
    "Năm thứ nhất thành phố Hải Dương chọn GPMB đúng tiến độ là nhiệm vụ đột phá.",
)  # fmt: skip

# --- 2023 (seed 001) ---------------------------------------------------------------------------

# Seed 001: "the city has selected 12 projects to carry out this breakthrough task" and "Hai
# Duong City completed the approval of the compensation and support plan for site clearance with
# an amount of more than 500 billion VND, exceeding the annual plan by nearly 70%", so the
# annual plan was about 500 / 1.7 = 294 billion VND; "land recovery of nearly 1,000 households
# ... Vo Van Kiet Avenue ... Vu Cong Dan Street ... completed on schedule". ASSUMPTION: all 12
# projects cleared on schedule, and the mid-year figures.
HAI_DUONG_GPMB_2023 = NamedTask(
    "tp-hai-duong-gpmb-2023", 2023, "tp-hai-duong/ban-gpmb",
    "Giải phóng mặt bằng đúng tiến độ 12 dự án trọng điểm của thành phố Hải Dương", SE, BT,
    (target(GPMB_DU_AN, 12), target(BOI_THUONG, 294)),
    (
        report(date(2023, 6, 30), ONGOING, "Đã lập kế hoạch GPMB cho từng dự án, gắn trách nhiệm "
               "từng đơn vị, cá nhân.", (GPMB_DU_AN, 5), (BOI_THUONG, 180)),
        report(date(2023, 12, 27), DONE, "Phê duyệt phương án bồi thường, hỗ trợ GPMB hơn 500 "
               "tỷ đồng, vượt gần 70% kế hoạch năm; thu hồi đất của gần 1.000 hộ (Dự án xây dựng "
               "Đại lộ Võ Văn Kiệt, cải tạo, mở rộng đường Vũ Công Đán) hoàn thành đúng tiến độ.",
               (GPMB_DU_AN, 12), (BOI_THUONG, 500)),
    ),
    "Năm thứ hai liên tiếp thành phố Hải Dương xác định GPMB đúng tiến độ là nhiệm vụ đột phá.",
    continues="tp-hai-duong-gpmb-2022",
)  # fmt: skip

# Seed 001: "23 products have achieved OCOP 3 stars or higher (exceeding the target of 18
# products), of which 3 products have been proposed to the province for recognition as OCOP 4
# stars"; the agarwood products of Bao Loc company in Quang Nghiep commune. ASSUMPTION: the
# mid-year figure.
TU_KY_OCOP_2023 = NamedTask(
    "tu-ky-ocop-2023", 2023, "tu-ky/chu-tich",
    "Phát triển sản phẩm OCOP trên địa bàn huyện Tứ Kỳ", SE, BT,
    (target(OCOP, 18),),
    (
        report(date(2023, 8, 15), ONGOING, "Hướng dẫn các chủ thể khảo sát, cấp chứng nhận, xây "
               "dựng thương hiệu sản phẩm.", (OCOP, 9)),
        report(date(2023, 12, 15), DONE, "23 sản phẩm đạt OCOP 3 sao trở lên, vượt chỉ tiêu 18 "
               "sản phẩm; 3 sản phẩm trầm hương của Công ty TNHH Sản xuất, Thương mại và Dịch vụ "
               "Bảo Lộc (xã Quang Nghiệp) được đề nghị tỉnh công nhận OCOP 4 sao.", (OCOP, 23)),
    ),
)  # fmt: skip

# Seed 001: "Thanh Mien district identified improving the quality and effectiveness of
# inspection, supervision and discipline enforcement in the Party as one of the four
# breakthrough tasks"; "The District Party Committee's Inspection Committee inspected 8 party
# members and 3 party organizations when there were signs of violations, an increase of 6 party
# members and 2 party organizations inspected compared to 2022. The Party Committee and the
# grassroots Inspection Committee inspected 10 party organizations and 32 party members". The
# count targets are "at least the 2022 level": 8 - 6 = 2 members and 3 - 2 = 1 organisation.
THANH_MIEN_KIEM_TRA_2023 = NamedTask(
    "thanh-mien-kiem-tra-2023", 2023, "thanh-mien/chu-nhiem-ubkt",
    "Nâng cao chất lượng, hiệu quả công tác kiểm tra, giám sát và thi hành kỷ luật trong Đảng "
    "huyện Thanh Miện", PB, BT,
    (target(CT_KIEM_TRA, 100), target(KT_DANG_VIEN, 2), target(KT_TO_CHUC, 1)),
    (
        report(date(2023, 6, 30), ONGOING, "Bổ sung các cuộc kiểm tra, giám sát theo yêu cầu "
               "nhiệm vụ chính trị.", (CT_KIEM_TRA, 50), (KT_DANG_VIEN, 4), (KT_TO_CHUC, 1)),
        report(date(2023, 12, 22), DONE, "UBKT Huyện ủy kiểm tra 8 đảng viên, 3 tổ chức đảng khi "
               "có dấu hiệu vi phạm, tăng 6 đảng viên, 2 tổ chức đảng so với năm 2022; cấp ủy, "
               "UBKT cơ sở kiểm tra 10 tổ chức đảng, 32 đảng viên; các vi phạm được xử lý nghiêm, "
               "công khai, minh bạch.", (CT_KIEM_TRA, 100), (KT_DANG_VIEN, 8), (KT_TO_CHUC, 3)),
    ),
    "Một trong bốn nhiệm vụ đột phá năm 2023 của Huyện ủy Thanh Miện.",
)  # fmt: skip

# The other three of Thanh Miện's four: ASSUMPTION (seed 001 names only the inspection task).
THANH_MIEN_OTHERS_2023 = (
    NamedTask(
        "thanh-mien-gpmb-2023", 2023, "thanh-mien/ban-qlda",
        "Đẩy nhanh tiến độ GPMB và giải ngân vốn đầu tư công các dự án trọng điểm huyện Thanh "
        "Miện", SE, BT,
        (target(GPMB_DU_AN, 6), target(GIAI_NGAN, 100)),
        (
            report(date(2023, 7, 14), ONGOING, "Đang triển khai đúng tiến độ.", (GPMB_DU_AN, 3),
                   (GIAI_NGAN, 51.2)),
            report(date(2023, 12, 26), DONE, "Hoàn thành các chỉ tiêu đã đăng ký.",
                   (GPMB_DU_AN, 6), (GIAI_NGAN, 100.4)),
        ),
        "Một trong bốn nhiệm vụ đột phá năm 2023 của Huyện ủy Thanh Miện.",
    ),
    NamedTask(
        "thanh-mien-ntm-2023", 2023, "thanh-mien/nong-nghiep",
        "Xây dựng xã nông thôn mới nâng cao, kiểu mẫu trên địa bàn huyện Thanh Miện", SE, BT,
        (target(NTM_NANG_CAO, 3), target(NTM_KIEU_MAU, 1)),
        (
            report(date(2023, 9, 29), ONGOING, "Đang triển khai đúng tiến độ.",
                   (NTM_NANG_CAO, 1), (NTM_KIEU_MAU, 0)),
            report(date(2023, 12, 20), DONE, "Hoàn thành các chỉ tiêu đã đăng ký.",
                   (NTM_NANG_CAO, 3), (NTM_KIEU_MAU, 1)),
        ),
        "Một trong bốn nhiệm vụ đột phá năm 2023 của Huyện ủy Thanh Miện.",
    ),
    NamedTask(
        "thanh-mien-chuyen-doi-so-2023", 2023, "thanh-mien/chanh-van-phong",
        "Chuyển đổi số trong hoạt động của các cơ quan Đảng huyện Thanh Miện", DT, BT,
        (target(HOP_KHONG_GIAY, 70), target(VAN_BAN_MANG, 1800)),
        (
            report(date(2023, 12, 21), ONGOING, "Đang triển khai; một số cơ sở chưa đủ thiết bị.",
                   (HOP_KHONG_GIAY, 64), (VAN_BAN_MANG, 1650)),
        ),
        "Một trong bốn nhiệm vụ đột phá năm 2023 của Huyện ủy Thanh Miện.",
    ),
)  # fmt: skip

# Seed 001: "helping the province's economic growth reach over 9%". ASSUMPTION: the seed says
# only "over 9%"; the demo reports 9.04.
PROVINCE_GROWTH_2023 = NamedTask(
    "tinh-tang-truong-2023", 2023, "tinh-uy/bi-thu",
    "Lãnh đạo các cấp, các ngành hoàn thành các chỉ tiêu phát triển kinh tế - xã hội năm 2023, "
    "tăng trưởng kinh tế trên 9%", SE, BT,
    (target(GRDP, 9),),
    (report(date(2023, 12, 29), DONE, "Tăng trưởng kinh tế trên 9%.", (GRDP, 9.04)),),
)  # fmt: skip

# Seed 001: "completing the formulation of the Provincial Planning for the period 2021-2030,
# with a vision to 2050". ASSUMPTION: the dates.
PROVINCE_PLANNING_2023 = NamedTask(
    "tinh-quy-hoach-2023", 2023, "ubnd-tinh/chu-tich",
    "Hoàn thành lập Quy hoạch tỉnh Hải Dương thời kỳ 2021 - 2030, tầm nhìn đến năm 2050", SE, BT,
    (target(QUY_HOACH, 100),),
    (
        report(date(2023, 6, 30), ONGOING, "Hoàn thiện hồ sơ quy hoạch trình thẩm định.",
               (QUY_HOACH, 70)),
        report(date(2023, 12, 28), DONE, "Hoàn thành lập Quy hoạch tỉnh.", (QUY_HOACH, 100)),
    ),
)  # fmt: skip

# Seed 000 (2024): Kim Thành "will continue to choose 'accelerating the progress of site
# clearance and construction of key traffic works' as a breakthrough task", so it was 2023's
# too. ASSUMPTION: the 2023 figures.
KIM_THANH_GPMB_2023 = NamedTask(
    "kim-thanh-gpmb-2023", 2023, "kim-thanh/chu-tich", KIM_THANH_GPMB_TITLE, SE, BT,
    (target(GPMB_DU_AN, 18), target(GPMB_DIEN_TICH, 150)),
    (
        report(date(2023, 6, 30), ONGOING, "Đang triển khai đúng tiến độ.", (GPMB_DU_AN, 8),
               (GPMB_DIEN_TICH, 61.5)),
        report(date(2023, 12, 28), DONE, "Hoàn thành các chỉ tiêu đã đăng ký.", (GPMB_DU_AN, 18),
               (GPMB_DIEN_TICH, 152.3)),
    ),
)  # fmt: skip

# Seed 000: 2024's "more than 400 billion VND, an increase of about 50 billion VND compared to
# 2023", so about 350 billion VND in 2023; the second of the three consecutive years.
# ASSUMPTION: the 2023 plan (300 billion VND) and the mid-year figures.
KIM_THANH_DTC_2023 = NamedTask(
    "kim-thanh-dtc-2023", 2023, "kim-thanh/chu-tich", KIM_THANH_DTC_TITLE, SE, BT,
    (target(VON_DTC, 300), target(GIAI_NGAN, 100)),
    (
        report(date(2023, 7, 14), ONGOING, "Đang triển khai đúng tiến độ.", (VON_DTC, 150),
               (GIAI_NGAN, 50.0)),
        report(date(2023, 12, 29), DONE, "Giải ngân khoảng 350 tỷ đồng, vượt kế hoạch vốn năm.",
               (VON_DTC, 350), (GIAI_NGAN, 116.7)),
    ),
    "Năm thứ hai liên tiếp huyện Kim Thành chọn giải ngân vốn đầu tư công là nhiệm vụ đột phá.",
    continues="kim-thanh-dtc-2022",
)  # fmt: skip

# --- 2024 (seed 000) ---------------------------------------------------------------------------

# Seed 000: "Kim Thanh district will carry out site clearance for 26 projects with a total area
# of nearly 287 hectares. Of these, 15 projects have been completed with a total area of nearly
# 109 hectares; 11 projects are being implemented with an area of more than 177 hectares";
# "by December 2024, the locality had basically completed site clearance for the East-West Axis
# Road Project Phase 2 with a total land area to be recovered of 233,090 m2 of 555 households".
# ASSUMPTION: the mid-year figures.
KIM_THANH_GPMB_2024 = NamedTask(
    "kim-thanh-gpmb-2024", 2024, "kim-thanh/chu-tich", KIM_THANH_GPMB_TITLE, SE, BT,
    (target(GPMB_DU_AN, 26), target(GPMB_DIEN_TICH, 287)),
    (
        report(date(2024, 6, 28), ONGOING, "Đang triển khai đúng tiến độ.", (GPMB_DU_AN, 7),
               (GPMB_DIEN_TICH, 48.2)),
        report(date(2024, 9, 30), ONGOING, "Đang triển khai đúng tiến độ.", (GPMB_DU_AN, 11),
               (GPMB_DIEN_TICH, 76.5)),
        report(date(2024, 12, 27), ONGOING, "15 dự án (gần 109 ha) hoàn thành GPMB; 11 dự án "
               "(hơn 177 ha) đang thực hiện. Dự án đường trục Đông - Tây giai đoạn 2: cơ bản "
               "hoàn thành GPMB 233.090 m² của 555 hộ chỉ trong hơn 4 tháng.",
               (GPMB_DU_AN, 15), (GPMB_DIEN_TICH, 109)),
    ),
    "Huyện Kim Thành tiếp tục chọn đẩy nhanh tiến độ GPMB và xây dựng các công trình giao thông "
    "trọng điểm là nhiệm vụ đột phá.",
    continues="kim-thanh-gpmb-2023",
)  # fmt: skip

# Seed 000: "the total public investment capital of the district will reach more than 400
# billion VND, an increase of about 50 billion VND compared to 2023, exceeding the plan by
# 229%". We read "exceeding the plan by 229%" as the usual Vietnamese "đạt 229% kế hoạch" (229%
# of the plan), so the plan is 400 / 2.29 = 174.7, rounded to 175 billion VND. "This is the
# third consecutive year". ASSUMPTION: the mid-year figures.
KIM_THANH_DTC_2024 = NamedTask(
    "kim-thanh-dtc-2024", 2024, "kim-thanh/chu-tich", KIM_THANH_DTC_TITLE, SE, BT,
    (target(VON_DTC, 175), target(GIAI_NGAN, 100)),
    (
        report(date(2024, 6, 28), ONGOING, "Đang triển khai đúng tiến độ.", (VON_DTC, 120),
               (GIAI_NGAN, 68.6)),
        report(date(2024, 12, 31), DONE, "Giải ngân hơn 400 tỷ đồng, tăng khoảng 50 tỷ đồng so "
               "với năm 2023, đạt 229% kế hoạch; năm thứ ba liên tiếp huyện có tỷ lệ giải ngân "
               "cao.", (VON_DTC, 400), (GIAI_NGAN, 229)),
    ),
    "Năm thứ ba liên tiếp huyện Kim Thành chọn giải ngân vốn đầu tư công là nhiệm vụ đột phá.",
    continues="kim-thanh-dtc-2023",
)  # fmt: skip

# Seed 000: "striving to reduce an average of 80% of meetings without sending documents and
# paper documents" (the 80% target) and "762 documents were transferred online to serve 124
# meetings and conferences of the District Party Committee, reaching 100% of the number of
# documents that could be sent online, exceeding the plan by 20%". ASSUMPTION: the seed gives
# no targets for the two counts (600 documents, 100 meetings) and no mid-year figures.
CAM_GIANG_HOP_KHONG_GIAY_2024 = NamedTask(
    "cam-giang-hop-khong-giay-2024", 2024, "cam-giang/pho-chanh-van-phong",
    "Đẩy mạnh ứng dụng công nghệ thông tin trong các cuộc họp của Ban Thường vụ, Ban Chấp hành "
    "Đảng bộ huyện Cẩm Giàng (họp không giấy)", DT, BT,
    (target(HOP_KHONG_GIAY, 80), target(VAN_BAN_MANG, 600), target(CUOC_HOP, 100)),
    (
        report(date(2024, 6, 28), ONGOING, "Đang triển khai đúng tiến độ.", (HOP_KHONG_GIAY, 85),
               (VAN_BAN_MANG, 380), (CUOC_HOP, 60)),
        report(date(2024, 12, 20), DONE, "762 văn bản được chuyển qua mạng phục vụ 124 cuộc họp, "
               "hội nghị của Huyện ủy, đạt 100% số tài liệu có thể gửi qua mạng, vượt 20% kế "
               "hoạch.", (HOP_KHONG_GIAY, 100), (VAN_BAN_MANG, 762), (CUOC_HOP, 124)),
    ),
    "Nhiệm vụ đột phá của Văn phòng Huyện ủy Cẩm Giàng năm 2024.",
)  # fmt: skip

# Seed 000: "complete the socio-economic development targets for 2024, with economic growth in
# 2024 reaching over 9%" and "The province's economic growth reached 10.2%, the highest growth
# rate since 2014".
PROVINCE_GROWTH_2024 = NamedTask(
    "tinh-tang-truong-2024", 2024, "tinh-uy/bi-thu",
    "Lãnh đạo các cấp, các ngành hoàn thành các chỉ tiêu phát triển kinh tế - xã hội năm 2024, "
    "tăng trưởng kinh tế trên 9%", SE, BT,
    (target(GRDP, 9),),
    (report(date(2024, 12, 31), DONE, "Tăng trưởng kinh tế đạt 10,2%, cao nhất kể từ năm 2014 và "
            "là năm duy nhất trong giai đoạn này tỉnh đạt tăng trưởng hai con số.",
            (GRDP, 10.2)),),
)  # fmt: skip

# Seed 000: "the Provincial Party Committee completing its tasks well or better" and "The
# provincial Party Committee has been proposed to be classified as having excellently completed
# its tasks". Recorded as a yes/no target (1 = achieved).
PROVINCE_PARTY_2024 = NamedTask(
    "tinh-xay-dung-dang-2024", 2024, "tinh-uy/bi-thu",
    "Làm tốt công tác xây dựng Đảng và hệ thống chính trị, Đảng bộ tỉnh hoàn thành tốt nhiệm vụ "
    "trở lên", PB, BT,
    (target(XEP_LOAI, 1),),
    (report(date(2024, 12, 31), DONE, "Đảng bộ tỉnh được đề nghị xếp loại hoàn thành xuất sắc "
            "nhiệm vụ.", (XEP_LOAI, 1)),),
)  # fmt: skip

# Seed 000: "completing the arrangement of commune-level administrative units" and "Hai Duong
# has completed the reorganization of 57 commune-level administrative units into 29 units".
# Resolution 1250/NQ-UBTVQH15 (24 October 2024) took effect on 1 December 2024.
PROVINCE_COMMUNES_2024 = NamedTask(
    "tinh-sap-xep-xa-2024", 2024, "ubnd-tinh/chu-tich",
    "Hoàn thành sắp xếp đơn vị hành chính cấp xã giai đoạn 2023 - 2025", AR, BT,
    (target(SAP_XEP, 57), target(SAU_SAP_XEP, 29)),
    (
        report(date(2024, 6, 28), ONGOING, "Đang hoàn thiện đề án sắp xếp đơn vị hành chính cấp "
               "xã.", (SAP_XEP, 0), (SAU_SAP_XEP, 57)),
        report(date(2024, 12, 2), DONE, "Nghị quyết số 1250/NQ-UBTVQH15 có hiệu lực từ ngày "
               "01/12/2024: 57 đơn vị hành chính cấp xã được sắp xếp thành 29 đơn vị; tỉnh còn "
               "207 đơn vị hành chính cấp xã.", (SAP_XEP, 57), (SAU_SAP_XEP, 29)),
    ),
)  # fmt: skip

# Seed 000: "promoting the implementation of social security mechanisms and policies" and "The
# province has issued many social security policies". ASSUMPTION: "many" is recorded as a
# target of 5 policies and 6 issued.
PROVINCE_SOCIAL_2024 = NamedTask(
    "tinh-an-sinh-2024", 2024, "ubnd-tinh/chu-tich",
    "Đẩy mạnh thực hiện các cơ chế, chính sách an sinh xã hội", SS, BT,
    (target(CHINH_SACH, 5),),
    (report(date(2024, 12, 26), DONE, "Ban hành nhiều chính sách an sinh xã hội, tháo gỡ vướng "
            "mắc hỗ trợ phát triển.", (CHINH_SACH, 6)),),
)  # fmt: skip

# Seed 000: "improving the quality of supervisions by the Provincial People's Council".
# ASSUMPTION: the seed gives no figure; 4 thematic supervisions planned, 4 carried out.
PROVINCE_SUPERVISION_2024 = NamedTask(
    "tinh-giam-sat-2024", 2024, "hdnd-tinh/chu-tich",
    "Nâng cao chất lượng hoạt động giám sát của HĐND tỉnh", OT, BT,
    (target(GIAM_SAT, 4),),
    (report(date(2024, 12, 10), DONE, "Hoàn thành chương trình giám sát năm.", (GIAM_SAT, 4)),),
)  # fmt: skip

NAMED: tuple[NamedTask, ...] = (
    KIM_THANH_DTC_2022,
    HAI_DUONG_GPMB_2022,
    HAI_DUONG_GPMB_2023,
    TU_KY_OCOP_2023,
    THANH_MIEN_KIEM_TRA_2023,
    *THANH_MIEN_OTHERS_2023,
    PROVINCE_GROWTH_2023,
    PROVINCE_PLANNING_2023,
    KIM_THANH_GPMB_2023,
    KIM_THANH_DTC_2023,
    KIM_THANH_GPMB_2024,
    KIM_THANH_DTC_2024,
    CAM_GIANG_HOP_KHONG_GIAY_2024,
    PROVINCE_GROWTH_2024,
    PROVINCE_PARTY_2024,
    PROVINCE_COMMUNES_2024,
    PROVINCE_SOCIAL_2024,
    PROVINCE_SUPERVISION_2024,
)
