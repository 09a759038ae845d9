"""Procedures built through the service layer, as the app itself creates them."""

from decimal import Decimal

from chinhquyenso.procedures import services
from chinhquyenso.procedures.models import CompetentLevel, FeeKind, OnlineLevel, StepKind
from chinhquyenso.units.tests.factories import ProvinceFactory

_counter = iter(range(1, 10**6))


def field():
    return services.ensure_sector_field(sector_code="TP", sector_name="Tư pháp", field_code="HT", field_name="Hộ tịch")


def steps_for(quarters: int) -> list[dict]:
    """RECEIVE → APPRAISE → APPROVE → RETURN with budgets summing to `quarters` (≥ 1)."""
    budgets = [1, quarters - 3, 1, 1] if quarters >= 4 else [0, quarters - 1, 0, 1]
    return [
        {"order": 1, "kind": StepKind.RECEIVE, "name": "Tiếp nhận hồ sơ", "role": "one_stop_officer", "quarters": budgets[0]},
        {"order": 2, "kind": StepKind.APPRAISE, "name": "Thẩm định", "role": "specialist", "quarters": budgets[1]},
        {"order": 3, "kind": StepKind.APPROVE, "name": "Ký duyệt", "role": "leader", "quarters": budgets[2]},
        {"order": 4, "kind": StepKind.RETURN, "name": "Trả kết quả", "role": "one_stop_officer", "quarters": budgets[3]},
    ]


def make_procedure(province=None, *, name=None, code=None, legal_time="3", publish=False, **content):
    province = province or ProvinceFactory()
    n = next(_counter)
    data = {
        "name": name or f"Thủ tục thử nghiệm số {n}",
        "sector_field": field(),
        "level": CompetentLevel.COMMUNE,
        "legal_time": Decimal(legal_time),
        "result_name": "Giấy chứng nhận",
        "online_level": OnlineLevel.PARTIAL,
    }
    data.update(content)
    version = services.create_procedure(
        province=province, national_code=code or f"9.{n:06d}",
        components=[{"order": 1, "name": "Tờ khai theo mẫu", "originals": 1, "copies": 0}],
        fees=[{"order": 1, "kind": FeeKind.FEE, "name": "Lệ phí", "amount": Decimal(8000)}],
        steps=steps_for(int(Decimal(legal_time) * 4)) if content.get("time_unit", "ngay_lam_viec") == "ngay_lam_viec"
        else steps_for(4),
        **data,
    )
    if publish:
        version = services.publish(version)
    return version
