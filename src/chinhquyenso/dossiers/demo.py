"""Demo dossiers: ~150 over the last three months at the demo commune's one-stop centre and the
province's, across every status and channel, created through the services with explicit
timestamps (`at=`) so the process logs, due dates, supplements, extensions and lateness are
what the rules produce. Runs after the procedures demo (load_demo follows LOCAL_APPS order);
idempotent (skips when the demo centre already has dossiers); notifications are muted.

Province-level dossiers need officials at the departments: two demo accounts are added
(`chuyenvientinh`, specialist, and `lanhdaotinh`, leader, at the departments whose procedures the
demo uses; `motcuatinh`, one-stop officer at the province centre), password as the other demo
accounts."""

import datetime
import random
import time

from django.db import transaction
from django.utils import timezone

from chinhquyenso.accounts.models import Role, RoleAssignment, User, UserKind
from chinhquyenso.agencies.models import Agency, AgencyKind
from chinhquyenso.procedures.models import OnlineLevel, ProcedureVersion, VersionStatus
from chinhquyenso.workdays.calendar import VN_TZ
from chinhquyenso.workdays.queries import load_calendar

from . import services
from .models import Dossier
from .services.common import muted_notifications
from .workflow import Channel

DEMO_PASSWORD = "ChinhQuyenSo@2025"  # noqa: S105 — the published demo password (portal/demo.py, README)
COUNT = 150
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Quang", "Hồng", "Xuân", "Thanh"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hằng", "Hiếu", "Hoa", "Hùng", "Lan", "Linh", "Long",
         "Mai", "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Yến"]
SUPPLEMENT_ITEMS = [
    ["Bản sao Căn cước của người đi đăng ký"], ["Giấy chứng sinh (bản chính)"],
    ["Tờ khai ký chưa đúng mẫu, đề nghị ký lại", "Bản sao giấy tờ chứng minh nơi cư trú"],
    ["Văn bản ủy quyền có chứng thực"],
]


def _staff(username, full_name, title, role, agencies) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username, DEMO_PASSWORD, full_name=full_name, title=title,
                                        email=f"{username}@demo.chinhquyenso.vn", kind=UserKind.OFFICIAL)
    for agency in agencies:
        RoleAssignment.objects.get_or_create(user=user, role=role, agency=agency,
                                             defaults={"include_subagencies": True})
    return user


def _grant_agency(username, role):
    grant = RoleAssignment.objects.filter(user__username=username, role=role).select_related("agency", "user").first()
    return (grant.user, grant.agency) if grant else (None, None)


class Clock:
    """Moves through office hours only, so every timestamp of the replay is plausible."""

    def __init__(self, cal, rng):
        self.cal, self.rng = cal, rng

    def later(self, instant, lo_hours: float, hi_hours: float):
        return self.cal.add_working_hours(instant, round(self.rng.uniform(lo_hours, hi_hours), 2))


def _received_times(cal, rng, now, n):
    start = (now - datetime.timedelta(days=92)).date()
    days = [start + datetime.timedelta(days=i) for i in range(92) if cal.is_working_day(start + datetime.timedelta(days=i))]
    result = []
    for _ in range(n):
        day = rng.choice(days)
        minute = rng.randrange(0, 8 * 60 + 30)  # 07:30–16:00, some after 15:00
        instant = datetime.datetime.combine(day, datetime.time(7, 30), VN_TZ) + datetime.timedelta(minutes=minute)
        result.append(cal.next_open_instant(instant))
    return sorted(result)


def load(province, stdout) -> None:
    started = time.monotonic()
    versions = list(ProcedureVersion.objects.filter(province=province, status=VersionStatus.PUBLISHED)
                    .prefetch_related("components", "steps").order_by("pk"))
    if not versions:
        stdout.write("Hồ sơ: bỏ qua (chưa có thủ tục đã công bố — hãy nạp dữ liệu mẫu thủ tục trước).")
        return
    officer, centre = _grant_agency("motcua", Role.ONE_STOP_OFFICER)
    specialist, _ = _grant_agency("chuyenvien", Role.SPECIALIST)
    leader, commune_pc = _grant_agency("lanhdao", Role.LEADER)
    citizen = User.objects.filter(username="congdan").first()
    if not all((officer, specialist, leader, citizen)):
        stdout.write("Hồ sơ: bỏ qua (thiếu tài khoản mẫu motcua, chuyenvien, lanhdao, congdan).")
        return
    if Dossier.objects.filter(reception_agency=centre).exists():
        stdout.write("Hồ sơ: đã có dữ liệu mẫu, không tạo thêm.")
        return
    usable = [v for v in versions if v.steps.all() and v.components.all() and not any(
        s.kind == "inter_agency" and not s.agency_id for s in v.steps.all())]  # liên thông to an agency not in the demo
    commune_versions = [v for v in usable if v.level == "xa"]
    province_versions = [v for v in usable if v.level == "tinh" and v.competent_agency_id]
    province_centre = Agency.objects.filter(province=province, kind=AgencyKind.PROVINCE_SERVICE_CENTRE).first()
    departments = {v.competent_agency for v in province_versions}
    p_officer = _staff("motcuatinh", "Lương Thị Thủy", "Chuyên viên Trung tâm PVHCC tỉnh", Role.ONE_STOP_OFFICER,
                       [province_centre]) if province_centre else None
    p_specialist = _staff("chuyenvientinh", "Mai Văn Đông", "Chuyên viên", Role.SPECIALIST, departments)
    p_leader = _staff("lanhdaotinh", "Trịnh Quốc Việt", "Phó Giám đốc Sở", Role.LEADER, departments)
    rng = random.Random(38)
    cal = load_calendar(centre.pk)
    now = timezone.now()
    made = 0
    with muted_notifications(), transaction.atomic():  # all or nothing, so a rerun is never partial
        for i, received in enumerate(_received_times(cal, rng, now, COUNT)):
            at_province = province_versions and province_centre and rng.random() < 0.25
            version = rng.choice(province_versions if at_province else commune_versions)
            people = (p_officer, p_specialist, p_leader, province_centre, version.competent_agency) if at_province \
                else (officer, specialist, leader, centre, commune_pc)
            _one(i, rng, Clock(cal, rng), version, received, now, citizen, *people)
            made += 1
    stdout.write(f"Hồ sơ: {made} hồ sơ mẫu ({time.monotonic() - started:.1f} s).")


def _applicant(rng, i) -> dict:
    name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    return {"name": name, "id_number": f"038{rng.randrange(10**8, 10**9)}", "phone": f"09{rng.randrange(10**7, 10**8)}",
            "address": f"Thôn {rng.randrange(1, 12)}", "subject": ""}


def _one(i, rng, clock, version, received, now, citizen, officer, specialist, leader, reception, resolving):
    """One dossier's life, stopped where `now` is reached."""
    specs = list(version.components.all())
    required = [{"spec": s, "digitized": rng.random() < 0.7} for s in specs if s.required] or \
        [{"spec": specs[0]}] if specs else []
    online = version.online_level != OnlineLevel.NONE and rng.random() < 0.45
    mine = {"name": citizen.full_name, "phone": citizen.phone or "", "email": citizen.email or "",
            "address": "Thôn 3"} if online and rng.random() < 0.35 else None
    t = received

    # Recent dossiers are still on someone's desk: halt before one of the early actions.
    halt = rng.choice(["receive", "receive", "transfer", "transfer", "confirm_payment", "forward", "approve"]) \
        if now - received < datetime.timedelta(days=10) else ""

    def step(action, actor, hours=(0.5, 6), **payload):
        nonlocal t, d
        t = clock.later(t, *hours)
        if t >= now or action == halt:
            raise _Stop
        d = services.perform(d.pk, action, actor=actor, at=t, **payload)

    d = None
    try:
        if online:
            d = services.import_from_national_portal(
                procedure_version=version, reception_agency=reception, resolving_agency=resolving,
                applicant=mine if mine else _applicant(rng, i), applicant_user=citizen if mine else None,
                national_reference=f"DEMO-{version.pk}-{i:04d}", submitted_at=t,
                components=[{"spec": c["spec"], "reused": rng.random() < 0.3} for c in required])
            if rng.random() < 0.08:
                step("refuse", officer, (0.2, 2), reason="Thủ tục không thuộc thẩm quyền giải quyết của cơ quan.")
                return
            if rng.random() < 0.1:
                step("request_supplement", officer, (0.5, 4), items=rng.choice(SUPPLEMENT_ITEMS),
                     reason="Hồ sơ chưa đầy đủ theo quy định.")
                step("supply", officer, (4, 30))
            step("receive", officer, (0.2, 2))
        else:
            channel = Channel.POSTAL if rng.random() < 0.08 else Channel.IN_PERSON
            d = services.receive_at_counter(
                officer=officer, reception_agency=reception, procedure_version=version, resolving_agency=resolving,
                applicant=_applicant(rng, i), components=required, channel=channel, at=t,
                result_delivery="postal" if channel == Channel.POSTAL else "counter")
        if rng.random() < 0.03:
            step("withdraw", officer, (1, 8), reason="Công dân có đơn xin rút hồ sơ.")
            return
        step("transfer", officer, (0.1, 3))
        slow = rng.random() < 0.15
        if not online and rng.random() < 0.14:  # online ones: only within 8 working hours (above)
            step("request_supplement", specialist, (1, 6), items=rng.choice(SUPPLEMENT_ITEMS),
                 reason="Cần bổ sung giấy tờ để đủ căn cứ giải quyết.")
            if rng.random() < 0.3:
                t2 = clock.cal.add_working_days(t.date(), 16)
                due = clock.cal.opening_of(t2)
                if due < now:
                    d = services.perform(d.pk, "stop", actor=None, at=due,
                                         reason="Quá 15 ngày làm việc người nộp không bổ sung hồ sơ theo yêu cầu.")
                return
            step("supply", officer, (3, 40))
        if slow and d.due_at and rng.random() < 0.6:
            before_due = clock.cal.add_working_days(d.due_at.date(), -1)
            when = clock.cal.opening_of(before_due) + datetime.timedelta(hours=1)
            if t < when < now:
                t = when
                new_due = clock.cal.closing_of(clock.cal.add_working_days(d.due_at.date(), rng.randrange(2, 6)))
                d = services.perform(d.pk, "extend", actor=leader, at=t, new_due_at=new_due,
                                     reason="Cần xác minh thêm thông tin với cơ quan liên quan.")
        if rng.random() < 0.08 or halt == "confirm_payment":
            step("request_financial", specialist, (1, 4),
                 obligations=[{"name": "Lệ phí trước bạ", "amount": rng.choice([500000, 1200000, 2500000])}])
            step("confirm_payment", officer, (2, 24), method=rng.choice(["cash", "vietqr"]))
        # Time spent appraising, in working hours: most within the budget, the slow ones beyond it.
        budget = clock.cal.working_time_between(t, d.due_at).total_seconds() / 3600 if d.due_at else 8
        hours = (budget * 0.2, budget * 0.7) if not slow else (budget * 1.05 + 1, budget * 1.4 + 4)
        t = clock.later(t, max(0.2, hours[0]), max(0.5, hours[1]))
        step("forward", specialist, (0.2, 2))
        try:
            step("approve", leader, (0.5, 4), results=[{"name": version.result_name[:200], "electronic": online}],
                 reason="Chờ ý kiến của cơ quan phối hợp.")
        except services.Conflict:
            return  # late without an apology slip: stays on the leader's desk, overdue
        if rng.random() < 0.06:
            return
        step("return_result", officer, (0.5, 10))
        if mine and rng.random() < 0.8:
            step("rate", citizen, (1, 20), rating=1 if rng.random() < 0.85 else 2,
                 comment=rng.choice(["Cán bộ hướng dẫn tận tình.", "Nhanh, đúng hẹn.", "Thủ tục còn rườm rà."]))
    except _Stop:
        return


class _Stop(Exception):
    """The replay reached the present: the dossier stays where it is."""
