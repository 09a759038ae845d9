"""Writes for villages and community digital technology teams (CV 793/BTTTT-THH, 05/3/2022 [S]).

Every function checks that the actor may manage the commune (queries.can_manage_commune: the
commune's People's Committee is among the agencies they see), runs in one transaction, locks the
row it changes and records an audit entry."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from chinhquyenso.accounts.validators import normalize_phone, validate_phone
from chinhquyenso.audit.services import record, snapshot
from chinhquyenso.core.text import fold, nfc
from chinhquyenso.units.models import AdministrativeUnit, Level
from chinhquyenso.workdays.queries import today as vn_today

from .. import queries, tabular
from ..models import ACTIVITY_KEYS, MemberRole, Team, TeamActivity, TeamMember, Village, VillageKind

MAX_COUNT = 100_000  # a single log entry above this is a typing error, not a village's day


def _check_commune(actor, commune: AdministrativeUnit) -> None:
    if commune.level != Level.COMMUNE:
        raise ValidationError(_("Đơn vị phải là xã, phường hoặc đặc khu."))
    if not queries.can_manage_commune(actor, commune):
        raise PermissionDenied(_("Bạn không quản lý xã, phường này."))


KIND_WORDS = {fold(label): value for value, label in VillageKind.choices} | {
    "to dan pho": VillageKind.TO_DAN_PHO, "tdp": VillageKind.TO_DAN_PHO, "khu pho": VillageKind.KHU_PHO,
}


def guess_kind(name: str) -> str:
    folded = fold(name)
    for prefix, kind in sorted(KIND_WORDS.items(), key=lambda kv: -len(kv[0])):
        if folded.startswith(prefix + " "):
            return kind
    return VillageKind.THON


def _parse_kind(text: str, name: str) -> str:
    if not text:
        return guess_kind(name)
    kind = KIND_WORDS.get(fold(text)) or (text if text in VillageKind.values else None)
    if kind is None:
        raise ValidationError(_("Loại “%(k)s” không hợp lệ (thôn, bản, làng, tổ dân phố, ấp, khu phố, khác).") % {"k": text})
    return kind


def create_village(actor, commune: AdministrativeUnit, *, name: str, kind: str = "", code: str = "",
                   is_demo: bool = False) -> Village:
    _check_commune(actor, commune)
    village = Village(province_id=commune.province_id, commune=commune, name=name, code=code, is_demo=is_demo)
    village.normalise()
    if not village.name or len(village.name) > 120:
        raise ValidationError(_("Tên thôn, tổ dân phố phải có từ 1 đến 120 ký tự."))
    village.kind = _parse_kind(nfc(kind), village.name)
    with transaction.atomic():
        if Village.objects.filter(commune=commune, name_folded=village.name_folded).exists():
            raise ValidationError(_("Xã đã có “%(n)s”.") % {"n": village.name})
        try:
            with transaction.atomic():
                village.save()
        except IntegrityError as exc:
            raise ValidationError(_("Xã đã có “%(n)s”.") % {"n": village.name}) from exc
        record("community.village.create", village, after=snapshot(village), actor=actor)
    return village


def import_villages(actor, commune: AdministrativeUnit, data: bytes) -> dict:
    """All-or-nothing import of a commune's village list. Returns {"created", "skipped"} or raises
    ValidationError whose messages name each bad row; on error nothing is stored."""
    _check_commune(actor, commune)
    try:
        rows = tabular.read(data)
    except tabular.FileError as exc:
        raise ValidationError(str(exc)) from exc
    errors: list[str] = []
    wanted: dict[str, Village] = {}
    for number, cells in rows:
        name = nfc(cells.get("name", ""))
        if not name or len(name) > 120:
            errors.append(_("Dòng %(n)s: tên phải có từ 1 đến 120 ký tự.") % {"n": number})
            continue
        try:
            kind = _parse_kind(nfc(cells.get("kind", "")), name)
        except ValidationError as exc:
            errors.append(_("Dòng %(n)s: %(e)s") % {"n": number, "e": " ".join(exc.messages)})
            continue
        village = Village(province_id=commune.province_id, commune=commune, name=name, kind=kind,
                          code=cells.get("code", "")[:20])
        village.normalise()
        if village.name_folded in wanted:
            errors.append(_("Dòng %(n)s: “%(v)s” trùng với một dòng trước.") % {"n": number, "v": name})
            continue
        wanted[village.name_folded] = village
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Lock the commune's existing list so two imports of the same file cannot both insert.
        existing = set(Village.objects.select_for_update().filter(commune=commune).values_list("name_folded", flat=True))
        new = [v for key, v in wanted.items() if key not in existing]
        Village.objects.bulk_create(new)
        record("community.village.import", commune, after={"created": len(new), "skipped": len(wanted) - len(new)},
               actor=actor, province_code=commune.province.code if commune.province_id else "")
    return {"created": len(new), "skipped": len(wanted) - len(new)}


def _check_date(value: datetime.date | None, label: str) -> datetime.date:
    if not isinstance(value, datetime.date):
        raise ValidationError(_("Thiếu %(f)s.") % {"f": label})
    if value > vn_today():
        raise ValidationError(_("%(f)s không được ở tương lai.") % {"f": label.capitalize()})
    if value.year < 2000:
        raise ValidationError(_("%(f)s không hợp lệ.") % {"f": label.capitalize()})
    return value


def create_team(actor, village: Village, *, decision_number: str, decision_date: datetime.date,
                name: str = "", note: str = "") -> Team:
    """Set up the village's team by the commune chairman's decision (CV 793/BTTTT-THH: "Chủ tịch
    UBND xã quyết định thành lập"). Decision number and date are required."""
    _check_commune(actor, village.commune)
    decision_number = nfc(decision_number)
    if not decision_number or len(decision_number) > 50:
        raise ValidationError(_("Số quyết định thành lập là bắt buộc (tối đa 50 ký tự)."))
    _check_date(decision_date, _("ngày quyết định"))
    with transaction.atomic():
        locked = Village.objects.select_for_update().get(pk=village.pk)
        if not locked.is_active:
            raise ValidationError(_("Thôn này không còn hoạt động."), code="inactive")
        if Team.objects.filter(village=locked, dissolved_on__isnull=True).exists():
            raise ValidationError(_("%(v)s đã có tổ công nghệ số cộng đồng.") % {"v": locked.name}, code="exists")
        team = Team(
            province_id=locked.province_id, commune_id=locked.commune_id, village=locked,
            name=nfc(name) or _("Tổ công nghệ số cộng đồng %(v)s") % {"v": locked.name},
            decision_number=decision_number, decision_date=decision_date, note=nfc(note),
        )
        try:
            with transaction.atomic():
                team.save()
        except IntegrityError as exc:
            raise ValidationError(_("%(v)s đã có tổ công nghệ số cộng đồng.") % {"v": locked.name}, code="exists") from exc
        record("community.team.create", team, after=snapshot(team), actor=actor)
    return team


def dissolve_team(actor, team: Team, *, on: datetime.date, note: str = "") -> Team:
    _check_commune(actor, team.commune)
    _check_date(on, _("ngày giải thể"))
    with transaction.atomic():
        locked = Team.objects.select_for_update().get(pk=team.pk)
        if locked.dissolved_on is not None:
            raise ValidationError(_("Tổ đã giải thể."), code="dissolved")
        if on < locked.decision_date:
            raise ValidationError(_("Ngày giải thể không được trước ngày quyết định thành lập."))
        before = snapshot(locked)
        locked.dissolved_on = on
        locked.note = nfc(f"{locked.note}\n{note}") if note else locked.note
        locked.save(update_fields=["dissolved_on", "note"])
        record("community.team.dissolve", locked, before=before, after=snapshot(locked), actor=actor)
    return locked


def add_member(actor, team: Team, *, full_name: str, role: str, phone: str = "",
               joined_on: datetime.date | None = None) -> TeamMember:
    _check_commune(actor, team.commune)
    full_name = nfc(full_name)
    if not full_name or len(full_name) > 150:
        raise ValidationError(_("Họ và tên phải có từ 1 đến 150 ký tự."))
    if role not in MemberRole.values:
        raise ValidationError(_("Vai trò không hợp lệ."))
    if phone:
        validate_phone(phone)
        phone = normalize_phone(phone)
    with transaction.atomic():
        locked = Team.objects.select_for_update().get(pk=team.pk)
        if locked.dissolved_on is not None:
            raise ValidationError(_("Tổ đã giải thể, không thêm thành viên."), code="dissolved")
        member = TeamMember.objects.create(province_id=locked.province_id, team=locked, full_name=full_name,
                                           role=role, phone=phone, joined_on=joined_on)
        record("community.member.add", member, after=snapshot(member, ["id", "team", "full_name", "role"]), actor=actor)
    return member


def remove_member(actor, member: TeamMember, *, on: datetime.date | None = None) -> TeamMember:
    """Members leave (left_on); the row stays so earlier rosters remain true."""
    _check_commune(actor, member.team.commune)
    with transaction.atomic():
        locked = TeamMember.objects.select_for_update().get(pk=member.pk)
        if locked.left_on is not None:
            raise ValidationError(_("Thành viên đã thôi tham gia."), code="left")
        locked.left_on = on or vn_today()
        locked.save(update_fields=["left_on"])
        record("community.member.leave", locked, after={"left_on": locked.left_on.isoformat()}, actor=actor)
    return locked


def log_activity(actor, team: Team, *, date: datetime.date, notes: str = "", **counts: int) -> TeamActivity:
    """Append one entry to the team's activity log (counts ≥ 0, at least one above 0)."""
    _check_commune(actor, team.commune)
    unknown = set(counts) - set(ACTIVITY_KEYS)
    if unknown:
        raise ValidationError(_("Chỉ tiêu không hợp lệ: %(k)s.") % {"k": ", ".join(sorted(unknown))})
    values = {}
    for key in ACTIVITY_KEYS:
        value = counts.get(key, 0)
        if value is None or value == "":
            value = 0
        if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > MAX_COUNT:
            raise ValidationError(_("Số liệu phải là số nguyên từ 0 đến %(m)s.") % {"m": f"{MAX_COUNT:,}".replace(",", ".")})
        values[key] = value
    if not any(values.values()):
        raise ValidationError(_("Nhập ít nhất một số liệu lớn hơn 0."))
    _check_date(date, _("ngày hoạt động"))
    with transaction.atomic():
        locked = Team.objects.select_for_update().get(pk=team.pk)
        if date < locked.decision_date:
            raise ValidationError(_("Ngày hoạt động không được trước ngày thành lập tổ."))
        if locked.dissolved_on is not None and date >= locked.dissolved_on:
            raise ValidationError(_("Tổ đã giải thể trước ngày này."))
        activity = TeamActivity.objects.create(
            province_id=locked.province_id, commune_id=locked.commune_id, team=locked, date=date,
            notes=nfc(notes)[:2000], created_by=actor if getattr(actor, "pk", None) else None, **values,
        )
        record("community.activity.log", activity, after=snapshot(activity), actor=actor)
    return activity
