"""Task templates for the generated (not seed-named) registrations, in Vietnamese.

A template is a category, a kind, a title (``{u}`` is where the seat is: ``huyện Kim Thành``,
``phường Lê Thanh Nghị``, ``tỉnh``) and up to three measurable metrics with a plausible target
range. A metric always has the same unit of measure wherever it appears, so the report's
``metrics`` section sums cleanly; the seed-named tasks (seeded.py) use the same metrics where
they measure the same thing. The ranges are plausible orders of magnitude for one province:
demo figures, not facts from the seeds.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.events import Category, Direction, Kind

SE, PB, SS = Category.socio_economic, Category.party_building, Category.social_security
DT, AR, OT = Category.digital_transformation, Category.administrative_reform, Category.other
BT, CR = Kind.breakthrough, Kind.creative
MOST = Direction.at_most


@dataclass(frozen=True, slots=True)
class Metric:
    metric: str
    unit: str
    low: float
    high: float
    direction: Direction = Direction.at_least
    decimals: int = 0  # 0: whole numbers


@dataclass(frozen=True, slots=True)
class Template:
    category: Category
    kind: Kind
    title: str
    metrics: tuple[Metric, ...]


def _t(category: Category, kind: Kind, title: str, *metrics: Metric) -> Template:
    return Template(category, kind, title, metrics)


M = Metric
# Localities
GPMB_DU_AN = M("Số dự án hoàn thành GPMB", "dự án", 4, 20)
GPMB_DIEN_TICH = M("Diện tích GPMB hoàn thành", "ha", 15, 150, decimals=1)
VON_DTC = M("Vốn đầu tư công giải ngân", "tỷ đồng", 80, 400)
GIAI_NGAN = M("Tỷ lệ giải ngân vốn đầu tư công so với kế hoạch", "%", 92, 100, decimals=1)
NTM_NANG_CAO = M("Số xã đạt chuẩn nông thôn mới nâng cao", "xã", 2, 8)
NTM_KIEU_MAU = M("Số xã đạt chuẩn nông thôn mới kiểu mẫu", "xã", 1, 3)
OCOP = M("Sản phẩm đạt OCOP 3 sao trở lên", "sản phẩm", 5, 20)
TRUC_TUYEN = M("Tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến", "%", 60, 95)
SO_HOA = M("Số hồ sơ, tài liệu được số hóa", "hồ sơ", 5000, 40000)
QUA_HAN = M("Tỷ lệ hồ sơ giải quyết quá hạn", "%", 1, 3, MOST, 1)
RUT_NGAN = M("Tỷ lệ rút ngắn thời gian giải quyết hồ sơ", "%", 10, 30)
DANG_VIEN_MOI = M("Số đảng viên mới được kết nạp", "đảng viên", 60, 250)
TCCSD_TOT = M("Tỷ lệ tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ trở lên", "%", 80, 95)
NHA_O = M("Số nhà ở cho hộ nghèo, hộ khó khăn được xây mới, sửa chữa", "căn", 10, 80)
HO_NGHEO = M("Tỷ lệ hộ nghèo", "%", 0.5, 2.0, MOST, 2)
THU_HUT = M("Số dự án đầu tư được thu hút", "dự án", 3, 15)
VON_DANG_KY = M("Vốn đầu tư đăng ký", "tỷ đồng", 300, 3000)
RAC = M("Tỷ lệ chất thải rắn sinh hoạt được thu gom, xử lý", "%", 85, 98)
CONG_VIEN = M("Số công viên, không gian xanh công cộng được xây dựng", "công trình", 3, 20)
HOP_KHONG_GIAY = M("Tỷ lệ cuộc họp không sử dụng tài liệu giấy", "%", 60, 90)
VAN_BAN_MANG = M("Số văn bản chuyển qua mạng", "văn bản", 1500, 4000)
GIAM_SAT = M("Số cuộc giám sát chuyên đề", "cuộc", 3, 8)
KIEN_NGHI = M("Tỷ lệ kiến nghị của cử tri được giải quyết", "%", 90, 98)
KT_TO_CHUC = M("Số tổ chức đảng được kiểm tra khi có dấu hiệu vi phạm", "tổ chức đảng", 3, 40)
KT_DANG_VIEN = M("Số đảng viên được kiểm tra khi có dấu hiệu vi phạm", "đảng viên", 5, 80)
KET_LUAN = M("Tỷ lệ kết luận kiểm tra, giám sát được thực hiện", "%", 90, 100)
DON_THU = M("Tỷ lệ đơn thư khiếu nại, tố cáo được giải quyết đúng hạn", "%", 90, 100)
DAO_TAO = M("Số cán bộ được đào tạo, bồi dưỡng", "cán bộ", 200, 500)
LUAN_CHUYEN = M("Số cán bộ được luân chuyển", "cán bộ", 10, 40)
PAR = M("Thứ hạng Chỉ số cải cách hành chính (PAR Index)", "bậc", 8, 20, MOST)
HOC_TAP = M("Tỷ lệ đảng viên học tập, quán triệt nghị quyết", "%", 92, 100)
MO_HINH = M("Số mô hình, điển hình được nhân rộng", "mô hình", 20, 200)
TIN_BAI = M("Số tin, bài đấu tranh phản bác quan điểm sai trái", "tin, bài", 200, 800)
HOI_VIEN = M("Số hội viên, đoàn viên mới được kết nạp", "người", 2000, 10000)
CHINH_TRANG = M("Số tuyến phố được chỉnh trang", "tuyến", 3, 12)
THU_NGAN_SACH_XA = M("Thu ngân sách trên địa bàn", "tỷ đồng", 10, 60, decimals=1)
DAT_DAU_GIA = M("Số thửa đất được đấu giá quyền sử dụng", "thửa", 30, 200)
# Provincial bodies
THU_NS = M("Thu ngân sách so với dự toán", "%", 100, 110)
QUYET_TOAN = M("Số hồ sơ quyết toán dự án được thẩm định", "hồ sơ", 300, 900)
FDI = M("Vốn FDI đăng ký", "triệu USD", 300, 1000)
DN_MOI = M("Số doanh nghiệp thành lập mới", "doanh nghiệp", 800, 1500)
BHYT = M("Tỷ lệ dân số tham gia bảo hiểm y tế", "%", 93, 96, decimals=1)
TRAM_Y_TE = M("Số trạm y tế xã đạt chuẩn quốc gia", "trạm", 10, 40)
HSSK = M("Số hồ sơ sức khỏe điện tử được lập", "hồ sơ", 500000, 1500000)
TRUONG_CHUAN = M("Số trường học đạt chuẩn quốc gia", "trường", 15, 40)
VUNG_SX = M("Diện tích vùng sản xuất tập trung", "ha", 200, 800, decimals=1)
GCN = M("Số giấy chứng nhận quyền sử dụng đất được cấp", "giấy chứng nhận", 2000, 6000)
DUONG = M("Chiều dài tuyến đường hoàn thành", "km", 5, 30, decimals=1)
VIEC_LAM = M("Số lao động được giải quyết việc làm", "lao động", 30000, 36000)
KHACH_DL = M("Lượt khách du lịch", "nghìn lượt", 3000, 4500)
KHCN = M("Số doanh nghiệp ứng dụng khoa học, công nghệ", "doanh nghiệp", 20, 60)
THANH_TRA = M("Số cuộc thanh tra hoàn thành", "cuộc", 30, 80)
THU_HOI = M("Số tiền sai phạm được thu hồi", "tỷ đồng", 10, 50)
CSDL = M("Số cơ sở dữ liệu được kết nối, chia sẻ", "cơ sở dữ liệu", 5, 20)
CHU_KY_SO = M("Số chứng thư chữ ký số được cấp cho cán bộ", "chứng thư", 2000, 6000)
HOC_VIEN = M("Số học viên được đào tạo lý luận chính trị", "học viên", 800, 2500)
TIN_BAI_TT = M("Số tin, bài, phóng sự được đăng, phát", "tin, bài", 3000, 9000)
AN_NINH = M("Tỷ lệ điều tra, khám phá án hình sự", "%", 80, 92)
TAI_NAN = M("Số người chết do tai nạn giao thông giảm so với năm trước", "%", 5, 10)
BHXH = M("Tỷ lệ lực lượng lao động tham gia bảo hiểm xã hội", "%", 40, 50, decimals=1)
XUAT_KHAU = M("Kim ngạch xuất khẩu", "triệu USD", 9000, 12000)
NHA_XA_HOI = M("Số căn hộ nhà ở xã hội hoàn thành", "căn hộ", 300, 1500)
HAI_LONG = M("Tỷ lệ hài lòng của người dân với dịch vụ công", "%", 85, 95)
VAN_BAN_QPPL = M("Số văn bản quy phạm pháp luật được rà soát", "văn bản", 100, 400)
TRO_GIUP_PL = M("Số vụ việc trợ giúp pháp lý", "vụ việc", 100, 300)
DI_TICH = M("Số di tích được tu bổ, tôn tạo", "di tích", 2, 8)
SANG_KIEN = M("Số sáng kiến, đề tài được công nhận", "sáng kiến", 10, 30)

LOCAL = (
    _t(SE, BT, "Đẩy nhanh tiến độ GPMB các dự án trọng điểm trên địa bàn {u}", GPMB_DU_AN,
       GPMB_DIEN_TICH),
    _t(SE, BT, "Đẩy nhanh giải ngân vốn đầu tư công trên địa bàn {u}", VON_DTC, GIAI_NGAN),
    _t(SE, BT, "Xây dựng xã nông thôn mới nâng cao, kiểu mẫu trên địa bàn {u}", NTM_NANG_CAO,
       NTM_KIEU_MAU),
    _t(SE, CR, "Phát triển sản phẩm OCOP gắn với thương hiệu địa phương {u}", OCOP),
    _t(DT, BT, "Chuyển đổi số trong giải quyết thủ tục hành chính tại {u}", TRUC_TUYEN, SO_HOA),
    _t(SE, BT, "Thu hút đầu tư vào các cụm công nghiệp trên địa bàn {u}", THU_HUT, VON_DANG_KY),
    _t(OT, CR, "Chỉnh trang đô thị, bảo đảm vệ sinh môi trường {u}", RAC, CONG_VIEN),
    _t(SS, CR, "Xóa nhà tạm, nhà dột nát cho hộ nghèo, hộ khó khăn {u}", NHA_O, HO_NGHEO),
)  # fmt: skip
LOCAL_PARTY = (
    _t(PB, BT, "Nâng cao chất lượng tổ chức cơ sở đảng và đảng viên {u}", DANG_VIEN_MOI,
       TCCSD_TOT),
    _t(PB, CR, "Đổi mới phương thức lãnh đạo của cấp ủy {u}", HOP_KHONG_GIAY, VAN_BAN_MANG),
    _t(PB, BT, "Tăng cường kiểm tra, giám sát của cấp ủy {u}", KT_TO_CHUC, KET_LUAN),
    _t(AR, BT, "Cải thiện Chỉ số cải cách hành chính của {u}", PAR, QUA_HAN),
    _t(SS, BT, "Thực hiện chính sách an sinh xã hội trên địa bàn {u}", NHA_O, HO_NGHEO),
    _t(PB, CR, "Nhân rộng mô hình dân vận khéo trên địa bàn {u}", MO_HINH),
    _t(SE, BT, "Lãnh đạo hoàn thành chỉ tiêu thu ngân sách trên địa bàn {u}",
       THU_NGAN_SACH_XA),
    _t(PB, BT, "Học tập, quán triệt và thực hiện nghị quyết của Đảng tại {u}", HOC_TAP),
)  # fmt: skip
LOCAL_COUNCIL = (
    _t(OT, BT, "Nâng cao chất lượng giám sát chuyên đề của HĐND {u}", GIAM_SAT, KIEN_NGHI),
    _t(DT, CR, "Kỳ họp HĐND không giấy tại {u}", HOP_KHONG_GIAY),
    _t(OT, CR, "Giải quyết kịp thời kiến nghị của cử tri {u}", KIEN_NGHI),
)
WARD = (
    _t(OT, BT, "Chỉnh trang đô thị văn minh tại {u}", CHINH_TRANG, RAC),
    _t(SE, CR, "Hoàn thành chỉ tiêu thu ngân sách của {u}", THU_NGAN_SACH_XA),
    _t(PB, CR, "Xây dựng tổ chức cơ sở đảng trong sạch, vững mạnh tại {u}", DANG_VIEN_MOI),
    _t(DT, CR, "Chuyển đổi số trong giải quyết thủ tục hành chính của {u}", TRUC_TUYEN),
)
COMMUNE = (
    _t(SE, BT, "Xây dựng {u} đạt chuẩn nông thôn mới kiểu mẫu", NTM_KIEU_MAU, RAC),
    _t(SE, CR, "Đấu giá quyền sử dụng đất tạo nguồn vốn xây dựng hạ tầng {u}", DAT_DAU_GIA),
    _t(PB, CR, "Kết nạp đảng viên mới tại {u}", DANG_VIEN_MOI),
    _t(DT, CR, "Chuyển đổi số trong giải quyết thủ tục hành chính của {u}", TRUC_TUYEN),
)
DISTRICT_OFFICES: dict[str, tuple[Template, ...]] = {
    "party_office": (
        _t(DT, CR, "Họp không giấy của cấp ủy {u}", HOP_KHONG_GIAY, VAN_BAN_MANG),
        _t(AR, CR, "Số hóa tài liệu lưu trữ của cấp ủy {u}", SO_HOA),
        _t(DT, BT, "Ứng dụng chữ ký số trong văn bản của cấp ủy {u}", VAN_BAN_MANG),
        _t(AR, CR, "Nâng cao chất lượng tham mưu tổng hợp của Văn phòng cấp ủy {u}", QUA_HAN),
        _t(DT, CR, "Xây dựng kho dữ liệu số văn kiện của cấp ủy {u}", SO_HOA),
        _t(PB, CR, "Nâng cao chất lượng báo cáo, theo dõi thực hiện nghị quyết của cấp ủy {u}",
           HOC_TAP),
    ),
    "organising_local": (
        _t(PB, BT, "Nâng cao chất lượng đội ngũ cán bộ cơ sở {u}", DAO_TAO, LUAN_CHUYEN),
        _t(PB, CR, "Kết nạp đảng viên trong doanh nghiệp ngoài nhà nước {u}", DANG_VIEN_MOI),
        _t(PB, CR, "Đánh giá, xếp loại tổ chức đảng bằng tiêu chí lượng hóa {u}", TCCSD_TOT),
    ),
    "inspection_local": (
        _t(PB, BT, "Nâng cao hiệu quả kiểm tra, giám sát trong Đảng {u}", KT_TO_CHUC,
           KT_DANG_VIEN),
        _t(PB, CR, "Theo dõi thực hiện kết luận kiểm tra, giám sát {u}", KET_LUAN),
        _t(AR, BT, "Giải quyết đúng hạn đơn thư tố cáo đối với đảng viên {u}", DON_THU),
    ),
    "finance_local": (
        _t(SE, BT, "Tăng thu ngân sách trên địa bàn {u}", THU_NGAN_SACH_XA),
        _t(SE, CR, "Đấu giá quyền sử dụng đất tạo vốn đầu tư hạ tầng {u}", DAT_DAU_GIA),
        _t(AR, CR, "Rút ngắn thời gian thẩm tra quyết toán dự án {u}", RUT_NGAN),
    ),
    "land_local": (
        _t(AR, BT, "Cấp giấy chứng nhận quyền sử dụng đất lần đầu {u}", GCN, QUA_HAN),
        _t(OT, CR, "Thu gom, xử lý rác thải sinh hoạt {u}", RAC),
        _t(SE, CR, "Đấu giá quyền sử dụng đất các khu dân cư mới {u}", DAT_DAU_GIA),
    ),
    "agriculture_local": (
        _t(SE, BT, "Xây dựng xã nông thôn mới nâng cao {u}", NTM_NANG_CAO),
        _t(SE, CR, "Phát triển sản phẩm OCOP của {u}", OCOP),
        _t(SE, BT, "Mở rộng vùng sản xuất tập trung {u}", VUNG_SX),
    ),
    "projects_local": (
        _t(SE, BT, "GPMB và bàn giao mặt bằng đúng tiến độ các dự án {u}", GPMB_DU_AN,
           GPMB_DIEN_TICH),
        _t(SE, BT, "Hoàn thành các công trình giao thông trọng điểm {u}", DUONG, GIAI_NGAN),
        _t(SE, CR, "Quyết toán dứt điểm các dự án hoàn thành {u}", RUT_NGAN),
    ),
    "home_local": (
        _t(AR, BT, "Nâng cao Chỉ số cải cách hành chính của {u}", PAR),
        _t(AR, CR, "Số hóa hồ sơ cán bộ, công chức {u}", SO_HOA),
        _t(AR, CR, "Giảm hồ sơ thủ tục hành chính quá hạn {u}", QUA_HAN, RUT_NGAN),
    ),
}  # fmt: skip

PROVINCIAL: dict[str, tuple[Template, ...]] = {
    "province": (
        _t(SE, BT, "Tháo gỡ vướng mắc cho các dự án đầu tư trọng điểm của tỉnh", GIAI_NGAN),
        _t(AR, BT, "Nâng cao các chỉ số PAR Index, SIPAS của tỉnh", PAR, HAI_LONG),
        _t(DT, CR, "Họp không giấy của lãnh đạo tỉnh", HOP_KHONG_GIAY, VAN_BAN_MANG),
        _t(SE, BT, "Thu hút dự án đầu tư lớn vào các khu công nghiệp", THU_HUT, VON_DANG_KY),
        _t(SS, BT, "Xóa nhà tạm, nhà dột nát trên địa bàn tỉnh", NHA_O, HO_NGHEO),
        _t(SE, CR, "Phát triển sản phẩm OCOP của tỉnh", OCOP),
        _t(OT, BT, "Cải thiện vệ sinh môi trường trên địa bàn tỉnh", RAC),
        _t(SE, BT, "Đẩy nhanh tiến độ các công trình giao thông trọng điểm của tỉnh", DUONG),
        _t(SE, BT, "Phát triển nhà ở xã hội cho công nhân khu công nghiệp", NHA_XA_HOI),
        _t(SE, CR, "Thúc đẩy xuất khẩu hàng hóa của tỉnh", XUAT_KHAU),
    ),
    "province_party": (
        _t(PB, BT, "Xây dựng tổ chức cơ sở đảng trong sạch, vững mạnh toàn tỉnh", TCCSD_TOT),
        _t(PB, CR, "Thực hiện Đề án 02-ĐA/TU về xây dựng đội ngũ cán bộ các cấp", DAO_TAO,
           LUAN_CHUYEN),
        _t(PB, BT, "Kết nạp đảng viên mới trong toàn Đảng bộ tỉnh", DANG_VIEN_MOI),
    ),
    "council": (
        _t(OT, BT, "Nâng cao chất lượng giám sát chuyên đề của HĐND tỉnh", GIAM_SAT, KIEN_NGHI),
        _t(DT, CR, "Kỳ họp HĐND tỉnh không giấy", HOP_KHONG_GIAY),
        _t(OT, CR, "Giải quyết kịp thời kiến nghị của cử tri trong tỉnh", KIEN_NGHI),
        _t(AR, CR, "Chất vấn và trả lời chất vấn về cải cách hành chính", GIAM_SAT),
        _t(OT, BT, "Giám sát việc thực hiện các nghị quyết của HĐND tỉnh", GIAM_SAT),
        _t(DT, CR, "Tiếp nhận, trả lời kiến nghị của cử tri qua nền tảng số", KIEN_NGHI),
        _t(SS, CR, "Giám sát thực hiện chính sách an sinh xã hội", GIAM_SAT, HO_NGHEO),
    ),
    "organising": (
        _t(PB, BT, "Xây dựng đội ngũ cán bộ lãnh đạo, quản lý các cấp (Đề án 02-ĐA/TU)", DAO_TAO,
           LUAN_CHUYEN),
        _t(PB, CR, "Số hóa hồ sơ đảng viên", SO_HOA),
        _t(PB, BT, "Kết nạp đảng viên trong công nhân và thanh niên", DANG_VIEN_MOI),
        _t(PB, CR, "Đánh giá, xếp loại tổ chức cơ sở đảng bằng tiêu chí lượng hóa", TCCSD_TOT),
    ),
    "propaganda": (
        _t(PB, CR, "Đưa nghị quyết của Đảng đến đảng viên qua nền tảng số", HOC_TAP),
        _t(PB, BT, "Nhân rộng mô hình dân vận khéo", MO_HINH),
        _t(OT, CR, "Đấu tranh phản bác quan điểm sai trái, thù địch trên không gian mạng",
           TIN_BAI),
        _t(PB, BT, "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", HOC_TAP,
           MO_HINH),
    ),
    "inspection": (
        _t(PB, BT, "Nâng cao chất lượng kiểm tra, giám sát trong Đảng", KT_TO_CHUC, KT_DANG_VIEN),
        _t(PB, CR, "Theo dõi việc thực hiện kết luận kiểm tra", KET_LUAN),
        _t(AR, BT, "Giải quyết đúng hạn đơn thư khiếu nại, tố cáo", DON_THU, QUA_HAN),
    ),
    "party_office": DISTRICT_OFFICES["party_office"],
    "training": (
        _t(PB, BT, "Đổi mới đào tạo lý luận chính trị", HOC_VIEN),
        _t(DT, CR, "Số hóa bài giảng và tài liệu học tập", SO_HOA),
        _t(OT, CR, "Nghiên cứu khoa học gắn với thực tiễn của tỉnh", SANG_KIEN),
    ),
    "press": (
        _t(OT, BT, "Chuyển đổi số trong hoạt động báo chí", TIN_BAI_TT),
        _t(OT, CR, "Đấu tranh phản bác thông tin sai trái trên báo chí", TIN_BAI),
        _t(DT, CR, "Phát triển nội dung số đa nền tảng", TIN_BAI_TT),
    ),
    "home": (
        _t(AR, BT, "Nâng thứ hạng Chỉ số cải cách hành chính của tỉnh", PAR),
        _t(AR, CR, "Số hóa hồ sơ cán bộ, công chức, viên chức", SO_HOA),
        _t(AR, BT, "Giảm hồ sơ thủ tục hành chính quá hạn", QUA_HAN),
        _t(AR, CR, "Nâng cao mức độ hài lòng của người dân", HAI_LONG),
    ),
    "finance": (
        _t(SE, BT, "Thu ngân sách vượt dự toán", THU_NS),
        _t(AR, CR, "Rút ngắn thời gian thẩm định quyết toán dự án hoàn thành", QUYET_TOAN,
           QUA_HAN),
        _t(SE, BT, "Đẩy nhanh giải ngân vốn đầu tư công", GIAI_NGAN),
        _t(DT, CR, "Thanh toán điện tử các khoản chi ngân sách", TRUC_TUYEN),
    ),
    "investment": (
        _t(SE, BT, "Thu hút dự án đầu tư chất lượng cao", THU_HUT, FDI),
        _t(SE, CR, "Hỗ trợ thành lập doanh nghiệp mới", DN_MOI),
        _t(DT, BT, "Đăng ký doanh nghiệp, đầu tư trực tuyến", TRUC_TUYEN),
        _t(AR, CR, "Rút ngắn thời gian giải quyết thủ tục đầu tư", RUT_NGAN, QUA_HAN),
    ),
    "trade": (
        _t(SE, BT, "Thúc đẩy xuất khẩu hàng hóa", XUAT_KHAU),
        _t(SE, CR, "Xúc tiến thương mại sản phẩm OCOP", OCOP),
        _t(SE, CR, "Xúc tiến đầu tư vào các khu, cụm công nghiệp", THU_HUT),
    ),
    "health": (
        _t(SS, BT, "Nâng tỷ lệ bao phủ bảo hiểm y tế", BHYT),
        _t(SS, CR, "Trạm y tế xã đạt chuẩn quốc gia", TRAM_Y_TE),
        _t(DT, BT, "Lập hồ sơ sức khỏe điện tử cho người dân", HSSK),
        _t(AR, CR, "Nâng cao mức độ hài lòng của người bệnh", HAI_LONG),
    ),
    "insurance": (
        _t(SS, BT, "Mở rộng đối tượng tham gia bảo hiểm xã hội", BHXH),
        _t(SS, CR, "Nâng tỷ lệ bao phủ bảo hiểm y tế toàn dân", BHYT),
        _t(DT, CR, "Giao dịch điện tử về bảo hiểm xã hội", TRUC_TUYEN),
    ),
    "education": (
        _t(SS, BT, "Trường học đạt chuẩn quốc gia", TRUONG_CHUAN),
        _t(DT, CR, "Tuyển sinh đầu cấp trực tuyến", TRUC_TUYEN),
        _t(DT, CR, "Số hóa học bạ và hồ sơ trường học", SO_HOA),
    ),
    "agriculture": (
        _t(SE, BT, "Xây dựng xã nông thôn mới nâng cao, kiểu mẫu", NTM_NANG_CAO, NTM_KIEU_MAU),
        _t(SE, CR, "Phát triển sản phẩm OCOP của tỉnh", OCOP),
        _t(SE, BT, "Sản xuất nông nghiệp tập trung quy mô lớn", VUNG_SX),
    ),
    "digital": (
        _t(DT, CR, "Nền tảng chia sẻ dữ liệu dùng chung của tỉnh", CSDL),
        _t(DT, BT, "Dịch vụ công trực tuyến toàn trình", TRUC_TUYEN, SO_HOA),
        _t(DT, BT, "Chữ ký số cho cán bộ, công chức", CHU_KY_SO),
        _t(AR, CR, "Nâng cao mức độ hài lòng với dịch vụ công", HAI_LONG),
    ),
    "justice": (
        _t(AR, BT, "Cấp phiếu lý lịch tư pháp trực tuyến", TRUC_TUYEN),
        _t(AR, CR, "Rà soát văn bản quy phạm pháp luật của tỉnh", VAN_BAN_QPPL),
        _t(SS, CR, "Trợ giúp pháp lý cho người nghèo và đối tượng chính sách", TRO_GIUP_PL),
        _t(AR, BT, "Giải quyết đúng hạn các vụ việc được thụ lý", QUA_HAN),
    ),
    "land": (
        _t(AR, BT, "Cấp giấy chứng nhận quyền sử dụng đất", GCN, QUA_HAN),
        _t(OT, CR, "Xử lý chất thải rắn sinh hoạt", RAC),
        _t(SE, CR, "Đấu giá quyền sử dụng đất tạo nguồn thu ngân sách", DAT_DAU_GIA),
    ),
    "transport": (
        _t(SE, BT, "Hoàn thành các công trình giao thông trọng điểm", DUONG),
        _t(SE, BT, "Đẩy nhanh giải ngân các dự án giao thông", GIAI_NGAN),
        _t(OT, CR, "Kiềm chế tai nạn giao thông", TAI_NAN),
    ),
    "construction": (
        _t(SS, BT, "Phát triển nhà ở xã hội", NHA_XA_HOI),
        _t(AR, CR, "Cấp giấy phép xây dựng trực tuyến", TRUC_TUYEN, QUA_HAN),
        _t(SE, CR, "Chỉnh trang đô thị", CHINH_TRANG),
    ),
    "labour": (
        _t(SS, BT, "Giải quyết việc làm cho người lao động", VIEC_LAM),
        _t(SS, CR, "Hỗ trợ hộ nghèo thoát nghèo bền vững", NHA_O, HO_NGHEO),
        _t(SS, CR, "Mở rộng bảo hiểm xã hội tự nguyện", BHXH),
    ),
    "culture": (
        _t(SE, BT, "Phát triển du lịch", KHACH_DL),
        _t(OT, CR, "Tu bổ, tôn tạo di tích lịch sử, văn hóa", DI_TICH),
        _t(OT, CR, "Xây dựng đời sống văn hóa cơ sở", MO_HINH),
    ),
    "science": (
        _t(OT, BT, "Ứng dụng khoa học, công nghệ trong doanh nghiệp", KHCN),
        _t(OT, CR, "Sáng kiến, đề tài khoa học phục vụ phát triển tỉnh", SANG_KIEN),
        _t(DT, CR, "Hỗ trợ khởi nghiệp đổi mới sáng tạo", KHCN),
    ),
    "inspectorate": (
        _t(AR, BT, "Hoàn thành kế hoạch thanh tra", THANH_TRA),
        _t(AR, CR, "Thu hồi tiền sai phạm qua thanh tra", THU_HOI),
        _t(AR, BT, "Giải quyết khiếu nại, tố cáo đúng hạn", DON_THU),
    ),
    "security": (
        _t(OT, BT, "Nâng cao tỷ lệ điều tra, khám phá án", AN_NINH),
        _t(OT, CR, "Kiềm chế, giảm tai nạn giao thông", TAI_NAN),
        _t(DT, BT, "Số hóa dữ liệu dân cư phục vụ chuyển đổi số", SO_HOA),
    ),
    "mass": (
        _t(PB, BT, "Phát triển hội viên, đoàn viên mới", HOI_VIEN),
        _t(SS, CR, "Xây nhà Đại đoàn kết cho hộ nghèo", NHA_O),
        _t(OT, CR, "Nhân rộng mô hình, điển hình tiên tiến", MO_HINH),
    ),
}  # fmt: skip

TEMPLATES: dict[str, tuple[Template, ...]] = {
    "local": LOCAL,
    "local_party": LOCAL_PARTY,
    "local_council": LOCAL_COUNCIL,
    "ward": WARD,
    "commune": COMMUNE,
    **DISTRICT_OFFICES,
    **PROVINCIAL,
}
