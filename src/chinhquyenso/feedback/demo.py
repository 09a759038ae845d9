"""Demo data: a category tree with default handling agencies, and a few dozen reports in every
state across several communes, made through the services (so histories and deadlines are real).

Categories follow the typical list of vn-regulations §6 [I]; the category → agency table is
demo data in the shape of the appendix Huế publishes with its QĐ [S]. Idempotent: categories are
found by code, reports are only made when the province has none."""

import datetime
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from chinhquyenso.accounts.models import User
from chinhquyenso.agencies.models import Agency, AgencyKind
from chinhquyenso.units.models import AdministrativeUnit, Level

from . import notices, services
from .models import Category, CategoryKind, CategoryQuestion, CategoryRoute, Report

# (group code, group name, icon, [(code, name, description, department short code, commune-level?)])
TREE = [
    ("moi-truong", "Môi trường", "🌳", [
        ("rac-thai", "Rác thải, vệ sinh môi trường", "Rác thải tồn đọng, đổ trộm rác, điểm tập kết tự phát", "SNNMT", True),
        ("o-nhiem", "Ô nhiễm không khí, nguồn nước", "Khói, bụi, mùi hôi, xả thải ra sông, kênh", "SNNMT", False),
        ("cay-xanh", "Cây xanh", "Cây gãy đổ, cây nguy hiểm, chặt hạ trái phép", "SXD", True),
    ]),
    ("ha-tang", "Hạ tầng đô thị", "🏗️", [
        ("giao-thong", "Hư hỏng đường, cầu, hè phố", "Ổ gà, sụt lún, nắp hố ga hỏng, biển báo hư hỏng", "SXD", False),
        ("chieu-sang", "Điện chiếu sáng công cộng", "Đèn đường không sáng, cột đèn nghiêng, dây điện võng", "SXD", True),
        ("thoat-nuoc", "Cấp thoát nước, ngập úng", "Ngập sau mưa, vỡ ống nước, cống tắc", "SXD", True),
    ]),
    ("trat-tu", "Trật tự đô thị, xây dựng", "🚧", [
        ("lan-chiem", "Lấn chiếm vỉa hè, lòng đường", "Buôn bán, để xe, quảng cáo lấn chiếm", None, True),
        ("xay-dung", "Xây dựng trái phép", "Xây dựng không phép, sai phép, đổ vật liệu ra đường", "SXD", True),
    ]),
    ("dich-vu", "Dịch vụ công, y tế, giáo dục", "🏥", [
        ("y-te", "Y tế, an toàn thực phẩm", "Cơ sở y tế, ngộ độc, vệ sinh an toàn thực phẩm", "SYT", False),
        ("thu-tuc", "Thủ tục hành chính", "Thái độ phục vụ, thủ tục chậm, yêu cầu giấy tờ ngoài quy định", "VP", False),
    ]),
]

OUT_OF_SCOPE = [
    ("khieu-nai-to-cao", "Khiếu nại, tố cáo",
     "Khiếu nại gửi theo Luật Khiếu nại 2011, tố cáo theo Luật Tố cáo 2018 đến cơ quan có thẩm quyền hoặc "
     "Ban Tiếp công dân tỉnh; không tiếp nhận qua kênh phản ánh hiện trường."),
    ("bi-mat-nha-nuoc", "Thông tin bí mật nhà nước",
     "Không gửi thông tin thuộc bí mật nhà nước qua kênh này (Luật Bảo vệ bí mật nhà nước 2018); liên hệ trực "
     "tiếp cơ quan công an."),
]

SAMPLES = {
    "rac-thai": ["Rác thải sinh hoạt tồn đọng nhiều ngày ở đầu ngõ, bốc mùi hôi.",
                 "Có người đổ trộm phế thải xây dựng ven đường vào ban đêm.",
                 "Điểm tập kết rác tự phát cạnh chợ, ruồi nhặng nhiều."],
    "o-nhiem": ["Cơ sở sản xuất xả khói đen vào buổi tối, khu dân cư rất khó thở.",
                "Nước kênh chuyển màu đen, có mùi hôi, nghi có cơ sở xả thải."],
    "cay-xanh": ["Cây xà cừ lớn bị nghiêng sau bão, có nguy cơ đổ vào nhà dân.",
                 "Cành cây khô gãy treo lơ lửng trên vỉa hè trước trường học."],
    "giao-thong": ["Ổ gà lớn giữa đường, nhiều xe máy suýt ngã khi trời mưa.",
                   "Nắp hố ga bị vỡ, không có biển cảnh báo.",
                   "Mặt đường bị sụt lún sau đợt mưa lớn, dài khoảng 5 mét."],
    "chieu-sang": ["Cả dãy đèn đường không sáng gần một tuần, đi lại buổi tối rất nguy hiểm.",
                   "Cột đèn bị nghiêng sau va chạm giao thông."],
    "thoat-nuoc": ["Mưa 30 phút là ngập sâu, nước tràn vào nhà dân.", "Cống thoát nước bị tắc, nước đọng bốc mùi."],
    "lan-chiem": ["Quán ăn bày bàn ghế chiếm hết vỉa hè, người đi bộ phải xuống lòng đường.",
                  "Ô tô đỗ thường xuyên trên vỉa hè trước cổng trường."],
    "xay-dung": ["Công trình đổ cát, đá tràn ra lòng đường, không che chắn.",
                 "Nhà đang xây thêm tầng, nghi không có giấy phép."],
    "y-te": ["Cơ sở bán đồ ăn vặt trước cổng trường không đảm bảo vệ sinh."],
    "thu-tuc": ["Bộ phận một cửa yêu cầu nộp thêm bản sao giấy tờ ngoài quy định."],
}

# The state each demo report is driven to, in order (cycled).
STATES = ["new", "new", "accepted", "assigned", "in_progress", "in_progress", "returned", "result_submitted",
          "published", "published", "published_rated", "published_unhappy", "closed", "refused", "merged",
          "published", "in_progress", "published_rated"]


def _photo(seed: int) -> SimpleUploadedFile:
    rnd = random.Random(seed)
    image = Image.new("RGB", (640, 480), (rnd.randint(90, 160), rnd.randint(110, 170), rnd.randint(90, 150)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rnd.randint(0, 600), rnd.randint(200, 460)
        draw.ellipse((x, y, x + rnd.randint(20, 80), y + rnd.randint(10, 40)), fill=(rnd.randint(60, 200),) * 3)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=75)
    return SimpleUploadedFile(f"hien-truong-{seed}.jpg", out.getvalue(), content_type="image/jpeg")


@transaction.atomic
def load_categories(province: AdministrativeUnit, communes: list[AdministrativeUnit]) -> dict[str, Category]:
    agencies = {a.short_name: a for a in Agency.objects.filter(province=province, kind=AgencyKind.DEPARTMENT)}
    ubnd = Agency.objects.filter(province=province, kind=AgencyKind.PROVINCE_PC).first()
    commune_pcs = {a.unit_id: a for a in Agency.objects.filter(unit__in=communes, kind=AgencyKind.COMMUNE_PC)}
    made: dict[str, Category] = {}
    for order, (gcode, gname, icon, leaves) in enumerate(TREE):
        group, _ = Category.objects.get_or_create(province=province, code=gcode,
                                                  defaults={"name": gname, "icon": icon, "order": order})
        for i, (code, name, desc, dept, local) in enumerate(leaves):
            cat, created = Category.objects.get_or_create(
                province=province, code=code,
                defaults={"name": name, "parent": group, "description": desc, "order": i, "icon": icon,
                          "keywords": name.lower()},
            )
            made[code] = cat
            if not created:
                continue
            fallback = agencies.get(dept) or ubnd
            if fallback is not None:
                CategoryRoute.objects.create(category=cat, unit=province, agency=fallback)
            if local:
                for unit_id, pc in commune_pcs.items():
                    CategoryRoute.objects.create(category=cat, unit_id=unit_id, agency=pc)
            if code == "giao-thong":
                CategoryQuestion.objects.create(category=cat, code="muc-do", label="Mức độ hư hỏng",
                                                datatype="singlevaluelist",
                                                choices=[["nhe", "Nhẹ"], ["nang", "Nặng, nguy hiểm"]])
    for i, (code, name, guidance) in enumerate(OUT_OF_SCOPE, start=len(TREE)):
        Category.objects.get_or_create(province=province, code=code, defaults={
            "name": name, "kind": CategoryKind.OUT_OF_SCOPE, "guidance": guidance, "order": 90 + i, "icon": "⚠️"})
    return made


def _drive(report: Report, state: str, at: datetime.datetime, ioc: User, handler: User, agency: Agency,
           merge_into: Report | None) -> None:
    now = timezone.now()
    step = min(datetime.timedelta(hours=3), (now - at) / 40)
    if state == "new":
        return
    if state == "refused":
        services.refuse(report.pk, ioc, reason="insufficient", note="Không xác định được vị trí", now=at + step)
        return
    if state == "merged" and merge_into is not None:
        services.merge(report.pk, merge_into.pk, ioc, now=at + step)
        return
    services.accept(report.pk, ioc, now=at + step)
    if state == "accepted":
        return
    urgency = "khan" if report.pk % 5 == 0 else "binh_thuong"
    services.assign(report.pk, ioc, agency=agency, urgency=urgency, now=at + 2 * step)
    if state == "assigned":
        return
    if state == "returned":
        services.send_back(report.pk, handler, note="Nội dung thuộc thẩm quyền của Sở Xây dựng", now=at + 3 * step)
        return
    services.start(report.pk, handler, now=at + 3 * step)
    if state == "in_progress":
        return
    done = min(at + (5 + report.pk % 9) * 8 * step, now - 6 * step)
    services.submit_result(report.pk, handler, result="Đã kiểm tra hiện trường, chỉ đạo xử lý dứt điểm; "
                           "lập biên bản và yêu cầu cam kết không tái phạm.", now=done)
    if state == "result_submitted":
        return
    if state == "closed":
        services.close(report.pk, ioc, note="Kết quả có thông tin cá nhân của bên liên quan", now=done + step)
        return
    services.publish(report.pk, ioc, now=done + step)
    if state == "published_rated":
        services.rate(report.pk, satisfied=True, comment="Cảm ơn chính quyền xử lý nhanh", now=done + 4 * step)
    elif state == "published_unhappy":
        services.rate(report.pk, satisfied=False, comment="Sự việc vẫn tái diễn", now=done + 4 * step)


def load(province: AdministrativeUnit, stdout) -> None:
    communes = list(AdministrativeUnit.objects.current().filter(
        level=Level.COMMUNE, province=province, latitude__isnull=False).order_by("code")[:5])
    if not communes:
        return
    cats = load_categories(province, communes)
    if Report.objects.filter(province=province).exists():
        return
    ioc, handler = User.objects.filter(username="ioc").first(), User.objects.filter(username="chuyenvien").first()
    if ioc is None or handler is None:
        return
    handler_agency = handler.role_assignments.first().agency
    rnd = random.Random(38)
    now = timezone.now()
    codes = [c for c in SAMPLES if c in cats]
    made: list[Report] = []
    total = 36
    with transaction.atomic(), notices.muted():
        handler_commune = next((c for c in communes if c.pk == handler_agency.unit_id), communes[0])
        for i in range(total):
            state = STATES[i % len(STATES)]
            # The demo specialist "chuyenvien" works at the first commune's People's Committee, so the
            # reports that need a handler happen there; the others are spread over five communes.
            needs_handler = state not in ("new", "accepted", "assigned", "refused", "merged")
            commune = handler_commune if needs_handler else communes[i % len(communes)]
            code = codes[i % len(codes)]
            category = cats[code]
            text = SAMPLES[code][i % len(SAMPLES[code])]
            at = now - datetime.timedelta(days=60 - i * 1.6, hours=rnd.randint(0, 8))
            lat = float(commune.latitude) + rnd.uniform(-0.01, 0.01)
            lon = float(commune.longitude) + rnd.uniform(-0.01, 0.01)
            extra = {"attributes": {"muc-do": "nang"}} if code == "giao-thong" else {}
            report = services.submit_report(
                province=province, category=category, description=text, latitude=f"{lat:.6f}",
                longitude=f"{lon:.6f}", address=f"Gần số {rnd.randint(1, 200)}, {commune.full_name}",
                name=rnd.choice(["Nguyễn Thị Hồng", "Trần Văn Nam", "Lê Minh Quân", "Phạm Thu Trang"]),
                phone=f"09{rnd.randint(10000000, 99999999)}", client_ip="", uploads=[_photo(i)] if i % 4 == 0 else [],
                trusted_client=True, now=at, **extra,
            )
            agency = handler_agency if needs_handler else (
                Agency.objects.filter(unit=commune, kind=AgencyKind.COMMUNE_PC).first() or handler_agency)
            target = next((r for r in made if r.status in ("assigned", "in_progress", "new", "accepted")), None)
            _drive(report, state, at, ioc, handler, agency, target)
            report.refresh_from_db()
            made.append(report)
    stdout.write(f"Phản ánh hiện trường: {len(cats)} lĩnh vực, {total} phản ánh mẫu.")
