"""The procedure catalogue: the demo's published versions are the templates; new procedures are
copies of them with new local codes ("1.000656.012.34.00.H56"), a qualifier in the name, their
components, fees and internal steps, published before the generated period. About 70% of the new
ones are province-level (a department is competent), the rest commune-level — a province
publishes some 1,900–2,000 TTHC, most of them at province level.

Dossiers then concentrate on a few procedures (Zipf-like weights, the demo's everyday commune
procedures — birth, marriage, certification — first), as real one-stop counters do."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection

from chinhquyenso.core.text import fold
from chinhquyenso.procedures.models import (
    ComponentSpec,
    FeeSpec,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    VersionStatus,
)

from .base import Context, N, Writer, copy_columns, esc, row_of

MODELS = (Procedure, ProcedureVersion, ComponentSpec, FeeSpec, ProcessStep)
QUALIFIERS = [
    "cấp lại", "cấp đổi", "điều chỉnh nội dung", "gia hạn", "trường hợp có yếu tố nước ngoài", "thực hiện liên thông",
    "đối với tổ chức", "đối với cá nhân", "bổ sung thông tin", "cấp bản sao", "trường hợp đặc biệt", "lần đầu",
    "thay đổi thông tin", "xác nhận", "đăng ký mới", "thu hồi", "chuyển đổi", "công nhận lại",
]


@dataclass
class VersionInfo:
    id: int
    procedure_id: int
    level: str
    competent_agency_id: int | None
    legal_time: Decimal
    legal_time_s: str
    time_unit: str
    online: str
    in_person: bool
    postal: bool
    result_name: str
    result_electronic: bool
    fee_total: str
    fees: list = field(default_factory=list)  # (spec_id, kind, code, name, amount)
    comps: list = field(default_factory=list)  # (spec_id, name, originals, copies, required)
    steps: list = field(default_factory=list)  # (id, kind, role, department_name)
    days: int = 5  # legal time in working days, roughly (for processing durations)


def _days(legal_time: Decimal, unit: str) -> int:
    if unit == "ngay_lam_viec":
        return max(1, int(legal_time))
    if unit == "ngay":
        return max(1, int(legal_time * 5 / 7))
    if unit == "thang":
        return max(1, int(legal_time * 22))
    return 1  # hours


def _load(province) -> list[VersionInfo]:
    versions = list(ProcedureVersion.objects.filter(province=province, status=VersionStatus.PUBLISHED).order_by("id"))
    by_id = {}
    for v in versions:
        by_id[v.pk] = VersionInfo(
            id=v.pk, procedure_id=v.procedure_id, level=v.level, competent_agency_id=v.competent_agency_id,
            legal_time=v.legal_time, legal_time_s=str(v.legal_time), time_unit=v.time_unit, online=v.online_level,
            in_person=v.accepts_in_person, postal=v.accepts_postal, result_name=esc(v.result_name[:500]),
            result_electronic=v.result_electronic, fee_total="0", days=_days(v.legal_time, v.time_unit))
    ids = list(by_id)
    total: dict[int, Decimal] = {}
    for spec in FeeSpec.objects.filter(version_id__in=ids).order_by("version_id", "order"):
        by_id[spec.version_id].fees.append((spec.pk, spec.kind, esc(spec.code), esc(spec.name[:500]), str(spec.amount)))
        total[spec.version_id] = total.get(spec.version_id, Decimal(0)) + spec.amount
    for vid, amount in total.items():
        by_id[vid].fee_total = str(amount)
    for spec in ComponentSpec.objects.filter(version_id__in=ids).order_by("version_id", "order"):
        by_id[spec.version_id].comps.append((spec.pk, esc(spec.name[:1000]), str(spec.originals), str(spec.copies),
                                             spec.required))
    for step in ProcessStep.objects.filter(version_id__in=ids).order_by("version_id", "order"):
        by_id[step.version_id].steps.append((step.pk, step.kind, step.role, esc(step.department_name)))
    return list(by_id.values())


def generate(ctx: Context, w: Writer, total: int) -> dict:
    """Make the province's published catalogue `total` procedures long (the demo's count if it is
    already that long); fills ctx.versions with every published version in force."""
    rng = ctx.rng("procedures")
    existing = ProcedureVersion.objects.filter(province=ctx.province, status=VersionStatus.PUBLISHED).count()
    new = max(0, total - existing)
    templates = list(ProcedureVersion.objects.filter(province=ctx.province, status=VersionStatus.PUBLISHED)
                     .select_related("procedure").order_by("id"))
    if not templates:
        raise SystemExit("Tỉnh chưa có thủ tục đã công bố: chạy `manage.py load_demo` trước.")
    if new:
        _copy(ctx, w, rng, templates, new)
    ctx.versions = _load(ctx.province)
    return {"procedures_new": new, "procedures_published": len(ctx.versions)}


def _copy(ctx: Context, w: Writer, rng, templates, new: int) -> None:
    commune_t = [t for t in templates if t.level == "xa"] or templates
    province_t = [t for t in templates if t.level == "tinh"] or templates
    comps = {}
    for c in ComponentSpec.objects.filter(version__in=templates).order_by("order"):
        comps.setdefault(c.version_id, []).append(c)
    fees = {}
    for f in FeeSpec.objects.filter(version__in=templates).order_by("order"):
        fees.setdefault(f.version_id, []).append(f)
    steps = {}
    for s in ProcessStep.objects.filter(version__in=templates).order_by("order"):
        steps.setdefault(s.version_id, []).append(s)
    used = set(Procedure.objects.filter(province=ctx.province).values_list("national_code", "local_suffix"))
    suffix = ctx.province_pc.code.rsplit(".", 1)[-1]  # "H56": the province's letter code in agency codes
    published = datetime.datetime.combine(ctx.start - datetime.timedelta(days=30), datetime.time(8), datetime.UTC)
    published_s = published.isoformat(sep=" ") if w.pg else published.replace(tzinfo=None).isoformat(sep=" ")

    t_proc = w.table(Procedure, ["id", "province_id", "national_code", "local_suffix", "managing_agency_id"])
    t_ver = w.table(ProcedureVersion, copy_columns(ProcedureVersion))
    t_comp = w.table(ComponentSpec, copy_columns(ComponentSpec))
    t_fee = w.table(FeeSpec, copy_columns(FeeSpec))
    t_step = w.table(ProcessStep, copy_columns(ProcessStep))
    pids, vids = w.ids(Procedure, new), w.ids(ProcedureVersion, new)
    links = []
    k = 0
    for i in range(new):
        provincial = rng.random() < 0.7
        tpl = rng.choice(province_t if provincial else commune_t)
        while True:
            k += 1
            local = f"{k // 100:03d}.{k % 100:02d}.00.{suffix}"
            if (tpl.procedure.national_code, local) not in used:
                used.add((tpl.procedure.national_code, local))
                break
        pid, vid = pids[i], vids[i]
        dept = rng.choice(ctx.departments) if provincial else None
        manager = dept.pk if dept else ctx.province_pc.pk
        t_proc.add(str(pid), str(ctx.province.pk), esc(tpl.procedure.national_code), local, str(manager))
        name = f"{tpl.name} ({rng.choice(QUALIFIERS)})"[:500]
        level = "tinh" if provincial else "xa"
        t_ver.add(*row_of(t_ver, tpl, {
            "id": str(vid), "procedure_id": str(pid), "province_id": str(ctx.province.pk), "number": "1",
            "status": VersionStatus.PUBLISHED, "published_at": published_s, "retired_at": N,
            "name": esc(name), "name_folded": esc(fold(name)[:500]), "level": level,
            "competent_agency_kind": "so_nganh" if provincial else "ubnd_xa",
            "competent_agency_id": str(dept.pk) if dept else N,
            "competent_agency_text": esc(dept.name) if dept else esc("Ủy ban nhân dân cấp xã"),
            "publishing_decision": esc(f"Quyết định công bố danh mục TTHC số {100 + i % 900}/QĐ-UBND"),
            "source_note": esc("Dữ liệu tổng hợp (bench/synth) sao từ thủ tục mẫu"),
        }))
        for c in comps.get(tpl.pk, []):
            t_comp.add(*row_of(t_comp, c, {"id": str(w.next_id(ComponentSpec)), "version_id": str(vid),
                                           "province_id": str(ctx.province.pk)}))
        for f in fees.get(tpl.pk, []):
            t_fee.add(*row_of(t_fee, f, {"id": str(w.next_id(FeeSpec)), "version_id": str(vid),
                                         "province_id": str(ctx.province.pk)}))
        for s in steps.get(tpl.pk, []):
            t_step.add(*row_of(t_step, s, {"id": str(w.next_id(ProcessStep)), "version_id": str(vid),
                                           "province_id": str(ctx.province.pk)}))
        links.append((vid, pid))
    from django.db import transaction

    with transaction.atomic():
        for t in (t_proc, t_ver, t_comp, t_fee, t_step):
            t.flush()
        with connection.cursor() as cur:
            cur.executemany(f"UPDATE {Procedure._meta.db_table} SET current_version_id = %s WHERE id = %s",  # noqa: S608
                            links)
    w.reset_sequences(Procedure, ProcedureVersion, ComponentSpec, FeeSpec, ProcessStep)


def weights(ctx: Context, rng) -> tuple[list, list]:
    """(versions, cumulative weights): level first (80% of dossiers at commune level), then a
    Zipf-like weight by rank; the demo's procedures rank first (they are the everyday ones)."""
    commune = [v for v in ctx.versions if v.level == "xa"]
    province = [v for v in ctx.versions if v.level == "tinh" and v.competent_agency_id]
    out_v, out_w = [], []
    for group, share in ((commune, 0.8 if province else 1.0), (province, 0.2 if commune else 1.0)):
        if not group:
            continue
        ranked = sorted(group, key=lambda v: v.id)
        head, tail = ranked[:40], ranked[40:]
        rng.shuffle(tail)
        raw = [1 / (r + 1) ** 1.05 for r in range(len(ranked))]
        scale = share / sum(raw)
        for v, x in zip(head + tail, raw, strict=True):
            out_v.append(v)
            out_w.append(x * scale)
    cum, acc = [], 0.0
    for x in out_w:
        acc += x
        cum.append(acc)
    return out_v, cum


__all__ = ["VersionInfo", "generate", "weights"]
