"""The registry of indicators: Decision 766/QĐ-TTg (six groups, 100 points) and the figures our
sources quote. Definitions are transcribed from vn-regulations §3 [S]; points and thresholds are
DATA here, each tagged with how sure it is ([V] verified, [S] secondary, [I] our inference,
[NF] not found) — change a row, not the code, when the decision is read."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

GROUPS = (
    ("1", _("Công khai, minh bạch"), 18),
    ("2", _("Tiến độ giải quyết"), 20),
    ("3", _("Dịch vụ công trực tuyến"), 12),
    ("4", _("Thanh toán trực tuyến"), 10),
    ("5", _("Số hóa hồ sơ"), 22),
    ("6", _("Mức độ hài lòng"), 18),
)


@dataclass(frozen=True)
class Definition:
    code: str
    group: str  # "1".."6" for 766 items; "" for the other figures
    name: str
    numerator: str
    denominator: str
    points: float = 0
    threshold: float | None = None  # percent
    certainty: str = "S"  # of the formula and points
    threshold_certainty: str = ""
    unit: str = "%"  # "%" or "ngày"
    source: str = "vn-regulations §3"
    kind: str = "dossier"  # dossier | catalogue | pakn | report | document | none
    notes: str = ""
    tags: tuple[str, ...] = field(default=())

    @property
    def formula(self) -> str:
        if self.unit != "%":
            return f"{self.numerator} / {self.denominator}"
        return f"{self.numerator} / {self.denominator} × 100%"

    @property
    def scoring(self) -> str:
        if not self.points:
            return str(_("Theo dõi, không tính điểm"))
        if self.threshold is not None:
            return str(_("Đạt ngưỡng %(t)s%% trở lên: %(p)s điểm; dưới ngưỡng: tỷ lệ ÷ ngưỡng × %(p)s")
                       % {"t": f"{self.threshold:g}", "p": f"{self.points:g}"})
        return str(_("Tỷ lệ × %(p)s điểm") % {"p": f"{self.points:g}"})


D = Definition
DEFINITIONS: tuple[Definition, ...] = (
    # 1. Công khai, minh bạch (18)
    D("1.1", "1", _("TTHC công bố đúng hạn"),
      _("TTHC có ngày quyết định công bố ≤ ngày hiệu lực của văn bản quy định − 5 ngày làm việc"),
      _("TTHC công bố trong kỳ"), 6, kind="none",
      notes=_("Nền tảng chưa ghi ngày hiệu lực của văn bản quy định TTHC nên chưa tính được.")),
    D("1.2", "1", _("TTHC cập nhật, công khai đúng hạn"),
      _("TTHC công khai trong 5 ngày làm việc kể từ ngày quyết định công bố"), _("TTHC phải công khai trong kỳ"),
      4, kind="none", notes=_("Nền tảng chưa ghi ngày ký quyết định công bố (chỉ ghi số quyết định).")),
    D("1.3", "1", _("TTHC công khai đầy đủ các bộ phận tạo thành"),
      _("TTHC đang công bố có đủ tên, trình tự, cách thức, thành phần hồ sơ, thời hạn, đối tượng, cơ quan thực hiện"),
      _("TTHC đang công bố"), 2, kind="catalogue"),
    D("1.4", "1", _("Hồ sơ đồng bộ lên Cổng DVCQG"), _("Hồ sơ tiếp nhận trong kỳ đã đồng bộ lên Cổng DVCQG"),
      _("Hồ sơ tiếp nhận trong kỳ"), 6,
      notes=_("Mẫu số theo QĐ 766 là số lớn hơn giữa hệ thống báo cáo quốc gia và Cổng DVCQG; nền tảng chỉ biết "
              "hồ sơ của mình.")),
    # 2. Tiến độ giải quyết (20)
    D("2.1", "2", _("Hồ sơ xử lý trước hạn, đúng hạn"),
      _("Hồ sơ kết thúc trong kỳ đúng hạn + hồ sơ chưa kết thúc còn trong hạn tại cuối kỳ"),
      _("Hồ sơ kết thúc trong kỳ + hồ sơ chưa kết thúc tại cuối kỳ"), 20,
      notes=_("Đúng hạn: thời điểm kết thúc − thời gian chờ bổ sung ≤ ngày hẹn trả; yêu cầu bổ sung từ lần thứ "
              "hai tính là trễ hạn; đang chờ bổ sung thì kết thúc tại ngày yêu cầu; chưa kết thúc thì xét tại "
              "cuối kỳ (§2.4).")),
    D("2.2", "2", _("Thời gian giải quyết trung bình"), _("Tổng thời gian từ tiếp nhận đến xử lý xong"),
      _("Số hồ sơ xử lý xong trong kỳ"), 0, unit="ngày"),
    # 3. Dịch vụ công trực tuyến (12): only the API's toàn trình metric carries points [S].
    D("3.1", "3", _("TTHC cung cấp dịch vụ công trực tuyến"), _("TTHC có DVCTT một phần hoặc toàn trình"),
      _("TTHC thuộc thẩm quyền"), 0, threshold=80, threshold_certainty="S", kind="catalogue",
      notes=_("Điểm từng chỉ số nhóm 3 chưa được xác nhận [NF]; điểm của nhóm tính ở chỉ số 3.4.")),
    D("3.2", "3", _("DVCTT có phát sinh hồ sơ trực tuyến"), _("DVCTT có ít nhất 1 hồ sơ trực tuyến trong kỳ"),
      _("DVCTT (TTHC có mức trực tuyến)"), 0, kind="catalogue"),
    D("3.3", "3", _("Hồ sơ nộp trực tuyến"), _("Hồ sơ tiếp nhận trong kỳ qua kênh trực tuyến (kênh 2)"),
      _("Hồ sơ tiếp nhận trong kỳ"), 0, threshold=50, threshold_certainty="S",
      notes=_("QĐ 766 nhân mẫu số với tỷ lệ đồng bộ; ở đây không nhân.")),
    D("3.4", "3", _("Hồ sơ xử lý trực tuyến toàn trình"),
      _("Hồ sơ nộp trực tuyến của TTHC toàn trình, nhận kết quả trực tuyến hoặc qua bưu chính"),
      _("Hồ sơ của TTHC đủ điều kiện toàn trình"), 12, certainty="S"),
    # 4. Thanh toán trực tuyến (10)
    D("4.1", "4", _("TTHC có nghĩa vụ tài chính đã tích hợp thanh toán trên Cổng DVCQG"),
      _("TTHC có dữ liệu phí đã đồng bộ"), _("TTHC có phí, lệ phí"), 2, threshold=80, threshold_certainty="S",
      kind="none", notes=_("Nền tảng chưa ghi việc đồng bộ dữ liệu phí lên CSDL quốc gia.")),
    D("4.2", "4", _("TTHC có giao dịch thanh toán trực tuyến"), _("TTHC có ít nhất 1 hồ sơ thanh toán trực tuyến"),
      _("TTHC có phí, lệ phí"), 2, threshold=80, threshold_certainty="S", kind="catalogue"),
    D("4.3", "4", _("Hồ sơ thanh toán trực tuyến"), _("Hồ sơ có phí đã thanh toán trực tuyến (DuocThanhToanTrucTuyen 1, 2)"),
      _("Hồ sơ tiếp nhận trong kỳ có phí, lệ phí (trừ mức thu 0 đồng)"), 6),
    # 5. Số hóa hồ sơ (22)
    D("5.1", "5", _("Hồ sơ có kết quả điện tử"), _("Hồ sơ có kết quả điện tử"),
      _("Hồ sơ tiếp nhận trong kỳ của TTHC trả kết quả bản giấy"), 6),
    D("5.2", "5", _("Hồ sơ số hóa"), _("Hồ sơ có thành phần được số hóa và có kết quả điện tử"),
      _("Hồ sơ tiếp nhận trong kỳ"), 4, threshold=80, threshold_certainty="S"),
    D("5.3", "5", _("Cung cấp dịch vụ chứng thực bản sao điện tử"), _("Có cung cấp"), _("—"), 2, kind="none",
      notes=_("Nền tảng chưa ghi việc cung cấp dịch vụ chứng thực bản sao điện tử.")),
    D("5.4", "5", _("Tái sử dụng dữ liệu số hóa"), _("Hồ sơ có ít nhất 1 thành phần tái sử dụng dữ liệu số hóa"),
      _("Hồ sơ tiếp nhận trong kỳ"), 2, threshold=80, threshold_certainty="S"),
    D("5.5", "5", _("Kết nối kho dữ liệu cá nhân trên Cổng DVCQG"),
      _("Hồ sơ có thành phần lấy từ kho dữ liệu cá nhân (DuocLayTuKhoDMQG)"), _("Hồ sơ tiếp nhận trong kỳ"), 4),
    D("5.6", "5", _("TTHC kết nối dữ liệu dân cư"), _("TTHC có hồ sơ của tài khoản xác thực VNeID"),
      _("TTHC cho cá nhân"), 2, kind="catalogue"),
    D("5.7", "5", _("Hồ sơ sử dụng dữ liệu dân cư"), _("Hồ sơ của tài khoản xác thực VNeID"),
      _("Hồ sơ tiếp nhận trong kỳ"), 2),
    # 6. Mức độ hài lòng (18)
    D("6.1", "6", _("PAKN được phân loại"), _("PAKN đã phân loại (tiếp nhận hoặc từ chối có lý do)"),
      _("PAKN tiếp nhận trong kỳ"), 0, kind="pakn"),
    D("6.2", "6", _("PAKN xử lý đúng hạn"), _("PAKN xử lý đúng hạn + PAKN đang xử lý còn trong hạn"),
      _("PAKN tiếp nhận trong kỳ (phản ánh hiện trường + hỏi đáp về TTHC)"), 6, kind="pakn"),
    D("6.3", "6", _("Hài lòng về xử lý PAKN"),
      _("PAKN − (không hài lòng vượt hài lòng) − PAKN trễ hạn − PAKN phản ánh lại"), _("PAKN tiếp nhận trong kỳ"),
      6, kind="pakn", certainty="I",
      notes=_("Công thức gốc chép lại không rõ; cách hiểu ở đây là [I].")),
    D("6.4", "6", _("Hài lòng về tiếp nhận, giải quyết TTHC"),
      _("100% − (tỷ lệ hồ sơ trễ hạn + tỷ lệ hồ sơ có PAKN hoặc không hài lòng)"), _("—"), 6, threshold=90,
      threshold_certainty="S"),
    # Figures quoted by the sources (no points).
    D("HL", "", _("Người dân đánh giá hài lòng"), _("Hồ sơ được đánh giá hài lòng"), _("Hồ sơ được đánh giá"), 0),
    D("PA.1", "", _("Phản ánh hiện trường đã xử lý"), _("Phản ánh đã có kết quả"),
      _("Phản ánh tiếp nhận trong kỳ (trừ bị từ chối, đã gộp)"), 0, kind="report"),
    D("PA.2", "", _("Phản ánh xử lý đúng hạn"), _("Phản ánh có kết quả đúng hạn"), _("Phản ánh đã có kết quả"), 0,
      kind="report"),
    D("PA.3", "", _("Hài lòng về xử lý phản ánh"), _("Phản ánh được đánh giá hài lòng"), _("Phản ánh được đánh giá"),
      0, kind="report"),
    D("VB.1", "", _("Văn bản đi ký số"), _("Văn bản đi đã phát hành có tệp chính ký số"), _("Văn bản đi đã phát hành"),
      0, kind="document"),
    D("VB.2", "", _("Văn bản gửi liên thông điện tử"),
      _("Văn bản đi gửi cơ quan bên ngoài qua trục liên thông điện tử"),
      _("Văn bản đi đã phát hành có nơi nhận bên ngoài"), 0, kind="document"),
)

REGISTRY: dict[str, Definition] = {d.code: d for d in DEFINITIONS}
assert len(REGISTRY) == len(DEFINITIONS)
# The IOC headline row (the figures leaders quote).
HEADLINE = ("3.2", "3.3", "3.4", "2.1", "5.2", "5.1", "5.4", "4.3", "HL", "PA.2")
