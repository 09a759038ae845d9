"""Demo data (DEMO, invented): villages of the first four communes of the demo province, a
community digital technology team in most of them (so coverage stays below 100 %), members and
an activity log for the last months, a yearly plan for the demo commune and the province with
tasks in every state, a question bank, one finished quiz with about 100 entries and one open quiz.

Village names are plausible but INVENTED ("Thôn 1", "Thôn Đông", "Tổ dân phố số 3", "Bản Na
Mèo"), flagged is_demo; people's names and phones are invented too (phones 098xxxxxxx).
Deterministic (fixed random seeds) and idempotent: each part is skipped when already there."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from chinhquyenso.accounts.models import User
from chinhquyenso.agencies.models import Agency, AgencyKind
from chinhquyenso.units.models import AdministrativeUnit, Level
from chinhquyenso.workdays.queries import today as vn_today

from .models import (
    ACTIVITY_KEYS,
    MemberRole,
    Plan,
    Quiz,
    TaskStatus,
    Team,
    TeamActivity,
    TeamMember,
    Village,
    VillageKind,
)
from .services import plans as plan_services
from .services import quizzes as quiz_services
from .services import teams as team_services

N_COMMUNES = 4
DIRECTIONS = ["Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ", "Tiền", "Hậu"]
HIGHLAND = ["Na Mèo", "Sa Ná", "Pù Nhi", "Cốc Lùng", "Son", "Bá", "Muống", "Hón", "Chiềng", "Poọng"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Lò", "Hà", "Cầm", "Lương"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Hồng"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Linh", "Long", "Mai",
         "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thắng", "Thảo", "Trang", "Tuấn", "Yến"]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def village_names(commune: AdministrativeUnit, index: int) -> list[tuple[str, str]]:
    """Deterministic invented names: wards get residential groups, the others villages and, for
    one commune in four, highland "bản"."""
    rng = random.Random(f"villages:{commune.code}")
    if commune.kind == "phường":
        n = 18 + rng.randrange(8)
        names = [(f"Tổ dân phố số {i}", VillageKind.TO_DAN_PHO) for i in range(1, n + 1)]
        names += [(f"Khu phố {d}", VillageKind.KHU_PHO) for d in DIRECTIONS[:3]]
        return names
    n = 10 + rng.randrange(8)
    names = [(f"Thôn {i}", VillageKind.THON) for i in range(1, n + 1)]
    names += [(f"Thôn {d}", VillageKind.THON) for d in DIRECTIONS[: 4 + rng.randrange(4)]]
    if index % 4 == 3:
        names += [(f"Bản {h}", VillageKind.BAN) for h in HIGHLAND]
    return names


def _admin() -> User | None:
    return User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()


def load(province: AdministrativeUnit, stdout) -> None:
    actor = _admin()
    if actor is None:
        stdout.write("community: no superuser, demo skipped")
        return
    # The demo commune of portal/demo.py (the first by code, where the demo officials work) plus
    # the first rural communes, so wards (tổ dân phố) and villages (thôn, bản) both appear.
    current = AdministrativeUnit.objects.current().filter(level=Level.COMMUNE, province=province).order_by("code")
    first = current.first()
    communes = [first] if first else []
    communes += list(current.filter(kind="xã").exclude(pk=getattr(first, "pk", None))[: N_COMMUNES - 1])
    today = vn_today()
    for index, commune in enumerate(communes):
        _villages_and_teams(actor, commune, index, today)
    _plans(actor, province, communes, today)
    _quizzes(actor, province, communes)
    stdout.write(f"community: {Village.objects.filter(province=province).count()} thôn, "
                 f"{Team.objects.filter(province=province).count()} tổ, "
                 f"{Quiz.objects.filter(province=province).count()} cuộc thi")


@transaction.atomic
def _villages_and_teams(actor, commune: AdministrativeUnit, index: int, today: datetime.date) -> None:
    if not Village.objects.filter(commune=commune).exists():
        rows = []
        for name, kind in village_names(commune, index):
            v = Village(province_id=commune.province_id, commune=commune, name=name, kind=kind, is_demo=True)
            v.normalise()
            rows.append(v)
        Village.objects.bulk_create(rows)
    if Team.objects.filter(commune=commune).exists():
        return
    rng = random.Random(f"teams:{commune.code}")
    villages = list(Village.objects.filter(commune=commune).order_by("pk"))
    decision_no = 100 + index * 50
    members, activities = [], []
    for i, village in enumerate(villages):
        if i % 5 == 4 or (index == 3 and i % 3 == 2):  # some villages still have no team
            continue
        decided = today - datetime.timedelta(days=200 + rng.randrange(300))
        decision_no += 1
        team = team_services.create_team(actor, village, decision_number=f"{decision_no}/QĐ-UBND",
                                         decision_date=decided)
        roles = [MemberRole.LEADER, MemberRole.YOUTH_UNION, MemberRole.WOMEN_UNION]
        roles += rng.sample([MemberRole.POLICE, MemberRole.FARMERS_UNION, MemberRole.VETERANS, MemberRole.OTHER],
                            rng.randrange(3))
        for role in roles:
            members.append(TeamMember(province_id=commune.province_id, team=team, full_name=_name(rng), role=role,
                                      phone=f"098{rng.randrange(10**7):07d}", joined_on=decided))
        for month_back in range(5):
            for _ in range(rng.randrange(3)):
                day = today - datetime.timedelta(days=month_back * 30 + rng.randrange(30))
                if day < decided:
                    continue
                counts = {"sessions": 1 + rng.randrange(3), "people_helped": rng.randrange(5, 60),
                          "vneid_activations": rng.randrange(0, 20), "online_dossiers": rng.randrange(0, 12),
                          "cashless_payments": rng.randrange(0, 15), "households_reached": rng.randrange(0, 40)}
                assert set(counts) == set(ACTIVITY_KEYS)
                activities.append(TeamActivity(province_id=commune.province_id, commune=commune, team=team, date=day,
                                               notes=rng.choice(["", "Hướng dẫn tại nhà văn hóa thôn",
                                                                 "Hỗ trợ tại nhà cho người cao tuổi",
                                                                 "Phối hợp Đoàn Thanh niên, buổi tối"]),
                                               created_by=actor, **counts))
    TeamMember.objects.bulk_create(members)
    TeamActivity.objects.bulk_create(activities)


# (title, owner short code or "" for the plan's agency, person, days from today, final state)
COMMUNE_TASKS = [
    ("Kiện toàn Ban chỉ đạo chuyển đổi số xã", "", "Nguyễn Văn Hùng", -150, "done"),
    ("Thành lập Tổ công nghệ số cộng đồng ở tất cả thôn, tổ dân phố", "", "Phạm Thị Lan", -60, "overdue"),
    ("Tuyên truyền, hướng dẫn người dân kích hoạt tài khoản VNeID mức 2", "", "Phạm Thị Lan", 45, "in_progress"),
    ("Tăng tỷ lệ hồ sơ trực tuyến toàn trình lên 70%", "", "Trần Văn Bình", 90, "in_progress"),
    ("Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực", "", "Hoàng Thị Mai", -20, "overdue"),
    ("Tổ chức cuộc thi tìm hiểu về chuyển đổi số cho cán bộ và nhân dân", "", "Phạm Thị Lan", -30, "done_late"),
    ("Triển khai thanh toán không dùng tiền mặt tại chợ xã", "", "Trần Văn Bình", 120, "not_started"),
    ("Báo cáo kết quả chuyển đổi số năm", "", "Nguyễn Văn Hùng", 150, "not_started"),
]
PROVINCE_TASKS = [
    ("Ban hành kế hoạch chuyển đổi số năm của tỉnh", "VP", "Văn phòng UBND tỉnh", -200, "done"),
    ("Nâng cấp Trung tâm dữ liệu tỉnh, bảo đảm an toàn thông tin cấp độ 3", "SKHCN", "Phòng Chuyển đổi số", -15, "overdue"),
    ("Kết nối Hệ thống giải quyết TTHC với Cổng Dịch vụ công quốc gia sau sắp xếp", "SKHCN", "", 30, "in_progress"),
    ("Bố trí kinh phí cho Tổ công nghệ số cộng đồng", "STC", "Phòng Ngân sách", -40, "overdue"),
    ("Đào tạo kỹ năng số cho cán bộ cấp xã", "SNV", "", 75, "in_progress"),
    ("Đánh giá mức độ chuyển đổi số cấp xã", "SKHCN", "", 160, "not_started"),
]


def _clamp(day: datetime.date, year: int) -> datetime.date:
    return min(max(day, datetime.date(year, 1, 2)), datetime.date(year + 1, 12, 31))


def _plan(actor, agency: Agency, title: str, tasks, today: datetime.date, agencies: dict[str, Agency]) -> None:
    year = today.year
    if Plan.objects.filter(unit=agency.unit, year=year).exists():
        return
    plan = plan_services.create_plan(actor, agency, year=year, title=title,
                                     decision_number=f"{15 + len(tasks)}/KH-UBND", decision_date=datetime.date(year, 1, 2))
    for title_, owner, person, offset, state in tasks:
        deadline = _clamp(today + datetime.timedelta(days=offset), year)
        task = plan_services.add_task(actor, plan, title=title_, owner_agency=agencies.get(owner, agency),
                                      owner_person=person, deadline=deadline)
        start = max(datetime.date(year, 1, 2), min(today, deadline - datetime.timedelta(days=20)))
        if state in ("in_progress", "overdue", "done", "done_late"):
            plan_services.report_progress(actor, task, status=TaskStatus.IN_PROGRESS, progress=40,
                                          note="Đã giao phòng chuyên môn triển khai, đang thực hiện.", today=start)
        if state in ("done", "done_late"):
            finished = deadline + datetime.timedelta(days=6 if state == "done_late" else -3)
            finished = min(max(finished, start), today)
            plan_services.report_progress(actor, task, status=TaskStatus.DONE, progress=100,
                                          note="Đã hoàn thành, có văn bản báo cáo kết quả.",
                                          evidence_number=f"{task.number}/BC-UBND", evidence_date=finished,
                                          today=finished)


def _plans(actor, province: AdministrativeUnit, communes, today: datetime.date) -> None:
    agencies = {a.short_name: a for a in Agency.objects.filter(province=province, kind=AgencyKind.DEPARTMENT)}
    ubnd = Agency.objects.filter(unit=province, kind=AgencyKind.PROVINCE_PC).first()
    if ubnd is not None:
        _plan(actor, ubnd, f"Kế hoạch chuyển đổi số năm {today.year} của {province.full_name}", PROVINCE_TASKS, today,
              agencies)
    if communes:
        pc = Agency.objects.filter(unit=communes[0], kind=AgencyKind.COMMUNE_PC).first()
        if pc is not None:
            _plan(actor, pc, f"Kế hoạch chuyển đổi số năm {today.year} của {communes[0].full_name}", COMMUNE_TASKS,
                  today, {})


# Facts from vn-regulations §0–§5 and public guidance; each (topic, question, [(choice, correct)]).
QUESTIONS = [
    ("Chính quyền số", "Từ ngày 01/7/2025, chính quyền địa phương được tổ chức mấy cấp?",
     [("Hai cấp: tỉnh và xã", True), ("Ba cấp: tỉnh, huyện, xã", False), ("Một cấp", False)]),
    ("Chính quyền số", "Tổ công nghệ số cộng đồng được thành lập ở đâu?",
     [("Mỗi thôn, bản, tổ dân phố", True), ("Chỉ ở trung tâm xã", False), ("Chỉ ở tỉnh", False)]),
    ("Chính quyền số", "Ai quyết định thành lập Tổ công nghệ số cộng đồng?",
     [("Chủ tịch UBND cấp xã", True), ("Bộ trưởng", False), ("Trưởng thôn", False)]),
    ("Dịch vụ công", "Dịch vụ công trực tuyến “toàn trình” nghĩa là gì?",
     [("Nộp, xử lý và nhận kết quả hoàn toàn trên môi trường mạng", True),
      ("Chỉ nộp hồ sơ trực tuyến, nhận kết quả trực tiếp", False), ("Chỉ tra cứu thông tin", False)]),
    ("Dịch vụ công", "Người dân có thể nộp hồ sơ thủ tục hành chính trực tuyến qua những kênh nào?",
     [("Cổng Dịch vụ công quốc gia", True), ("Ứng dụng VNeID (với dịch vụ được tích hợp)", True),
      ("Gửi tin nhắn cho người quen", False)]),
    ("Dịch vụ công", "Tài khoản định danh điện tử mức 2 trên VNeID dùng để làm gì?",
     [("Đăng nhập Cổng Dịch vụ công và thực hiện thủ tục trực tuyến", True), ("Chơi trò chơi", False),
      ("Thay thế hộ chiếu khi xuất cảnh", False)]),
    ("An toàn thông tin", "Khi nhận tin nhắn đề nghị cung cấp mã OTP, bạn nên làm gì?",
     [("Không cung cấp mã OTP cho bất kỳ ai", True), ("Gửi ngay để được hỗ trợ", False),
      ("Đăng mã lên mạng xã hội", False)]),
    ("An toàn thông tin", "Mật khẩu nào an toàn hơn?",
     [("Chuỗi dài có chữ hoa, chữ thường, số và ký tự đặc biệt", True), ("Ngày sinh của bạn", False),
      ("123456", False)]),
    ("An toàn thông tin", "Dấu hiệu nào cho thấy một trang web có thể là giả mạo cơ quan nhà nước?",
     [("Tên miền không kết thúc bằng .gov.vn", True), ("Yêu cầu chuyển tiền để “mở khóa” hồ sơ", True),
      ("Có biểu tượng quốc huy", False)]),
    ("Kinh tế số", "Thanh toán không dùng tiền mặt gồm những hình thức nào?",
     [("Chuyển khoản ngân hàng", True), ("Ví điện tử", True), ("Quét mã QR", True), ("Đưa tiền mặt tận tay", False)]),
    ("Kinh tế số", "Khi bán hàng trên sàn thương mại điện tử, hộ kinh doanh cần lưu ý gì?",
     [("Thông tin sản phẩm trung thực, rõ nguồn gốc", True), ("Không cần xuất xứ hàng hóa", False),
      ("Không cần kê khai thuế", False)]),
    ("Xã hội số", "Sổ sức khỏe điện tử giúp người dân điều gì?",
     [("Theo dõi thông tin khám chữa bệnh của mình", True), ("Thay thế thẻ ngân hàng", False),
      ("Đăng ký kết hôn", False)]),
    ("Xã hội số", "Phong trào “Bình dân học vụ số” nhằm mục đích gì?",
     [("Phổ cập kỹ năng số cho mọi người dân", True), ("Dạy ngoại ngữ", False), ("Tuyển dụng công chức", False)]),
    ("Hạ tầng số", "Mạng cáp quang đến hộ gia đình viết tắt là gì?",
     [("FTTH", True), ("ATM", False), ("GPS", False)]),
    ("Chính quyền số", "Phản ánh hiện trường của người dân được tiếp nhận qua đâu?",
     [("Ứng dụng, cổng phản ánh của tỉnh", True), ("Đường dây nóng của tỉnh", True), ("Chỉ qua thư tay", False)]),
    ("Dịch vụ công", "Người dân có thể thanh toán phí, lệ phí thủ tục hành chính trực tuyến không?",
     [("Có, qua chức năng thanh toán trực tuyến của Cổng Dịch vụ công", True), ("Không bao giờ", False)]),
    ("An toàn thông tin", "Nên làm gì với phần mềm trên điện thoại?",
     [("Chỉ cài từ kho ứng dụng chính thức và cập nhật thường xuyên", True),
      ("Cài từ đường link lạ gửi qua tin nhắn", False)]),
    ("Chính quyền số", "Chữ ký số cá nhân dùng để làm gì?",
     [("Ký văn bản, hồ sơ điện tử có giá trị pháp lý", True), ("Trang trí ảnh đại diện", False)]),
    ("Xã hội số", "Học sinh có thể học trực tuyến qua hình thức nào?",
     [("Nền tảng học trực tuyến của nhà trường", True), ("Truyền hình giáo dục", True), ("Không có hình thức nào", False)]),
    ("Kinh tế số", "Hóa đơn điện tử có giá trị như hóa đơn giấy không?",
     [("Có", True), ("Không", False)]),
]


def _quizzes(actor, province: AdministrativeUnit, communes) -> None:
    if not communes or Quiz.objects.filter(province=province).exists():
        return
    ubnd = Agency.objects.filter(unit=province, kind=AgencyKind.PROVINCE_PC).first()
    if ubnd is None:
        return
    questions = [quiz_services.create_question(actor, province, topic=t, text=q, choices=c) for t, q, c in QUESTIONS]
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    finished = quiz_services.create_quiz(
        actor, ubnd, title="Cuộc thi trực tuyến “Tìm hiểu về chuyển đổi số” (đợt 1)",
        description="Dành cho cán bộ, công chức và nhân dân trong tỉnh. Mỗi người dự thi một lần.",
        opens_at=now - datetime.timedelta(days=45), closes_at=now - datetime.timedelta(days=31),
        duration_minutes=15, question_count=10, questions=questions)
    quiz_services.create_quiz(
        actor, ubnd, title="Cuộc thi trực tuyến “Bình dân học vụ số” (đợt 2)",
        description="Tìm hiểu kỹ năng số cơ bản: dịch vụ công trực tuyến, VNeID, an toàn thông tin, thanh toán số.",
        opens_at=now - datetime.timedelta(days=2), closes_at=now + datetime.timedelta(days=20),
        duration_minutes=10, question_count=8, questions=questions)
    rng = random.Random("quiz-entries")
    correct = {q.pk: [c.pk for c in q.choices.all() if c.is_correct] for q in questions}
    wrong = {q.pk: [c.pk for c in q.choices.all() if not c.is_correct][:1] for q in questions}
    weights = [5, 3, 2, 2][: len(communes)]
    with transaction.atomic():
        for i in range(100):
            start = finished.opens_at + datetime.timedelta(minutes=rng.randrange(13 * 24 * 60))
            commune = rng.choices(communes, weights=weights)[0]
            entry, _created = quiz_services.start_entry(
                finished, commune=commune, phone=f"0980{i:06d}", full_name=_name(rng), now=start)
            skill = rng.random()
            answers = {qid: (correct[qid] if rng.random() < 0.45 + 0.5 * skill else wrong[qid])
                       for qid in entry.question_ids}
            # A few never press "Nộp bài": they are finished at their deadline below.
            if i % 17 == 16:
                for qid, ids in list(answers.items())[:6]:
                    quiz_services.save_answer(entry.token, qid, ids, now=start + datetime.timedelta(minutes=3))
                continue
            took = datetime.timedelta(seconds=rng.randrange(150, 900))
            quiz_services.submit(entry.token, answers, now=start + took)
        quiz_services.finish_expired(quiz=finished, now=now)
