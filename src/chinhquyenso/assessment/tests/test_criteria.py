"""Criteria sets: import/export round trips, malformed files (clear report, nothing stored),
versions frozen once published."""

import copy
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chinhquyenso.assessment import services, transfer
from chinhquyenso.assessment.models import CriteriaGroup, CriteriaSet, Indicator, SetStatus
from chinhquyenso.assessment.tests.conftest import SMALL_SET, small_set_bytes
from chinhquyenso.audit.models import AuditEntry


def _bad(mutate) -> bytes:
    data = copy.deepcopy(SMALL_SET)
    mutate(data)
    return json.dumps(data, ensure_ascii=False).encode()


def test_demo_files_have_the_documented_shape():
    from pathlib import Path

    folder = Path(transfer.__file__).parent / "data"
    th = transfer.parse((folder / "thanh-hoa-xa.json").read_bytes())
    assert [(g["name"], len(g["indicators"])) for g in th["groups"]] == [
        ("Chính quyền số", 11), ("Kinh tế số", 6), ("Xã hội số", 12), ("Hạ tầng số", 8)]
    dti = transfer.parse((folder / "dti-tinh-2025.json").read_bytes())
    assert len(dti["groups"]) == 8
    assert sum(len(g["indicators"]) for g in dti["groups"]) == 47
    assert sum(i["max_points"] for g in dti["groups"] for i in g["indicators"]) == 1000


def test_import_creates_a_draft_version_and_publish_retires_the_previous(world):
    assert world.set.version == 1 and world.set.status == SetStatus.PUBLISHED
    assert world.set.max_points == 70
    second = services.import_criteria(small_set_bytes(name="Bộ tiêu chí thử (sửa đổi)"), province=world.province)
    assert second.version == 2 and second.status == SetStatus.DRAFT
    services.publish_set(second)
    world.set.refresh_from_db()
    assert world.set.status == SetStatus.RETIRED
    assert AuditEntry.objects.filter(action="assessment.criteria_publish", object_id=str(second.pk)).exists()


def test_published_set_is_frozen(world):
    indicator = Indicator.objects.filter(criteria_set=world.set).first()
    indicator.max_points = 99
    with pytest.raises(ValidationError):
        indicator.save()
    with pytest.raises(ValidationError):
        services.publish_set(world.set)


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["groups"][0]["indicators"][0].update(max_points="mười"), "điểm tối đa (max_points) “mười”"),
    (lambda d: d["groups"][0]["indicators"][1].update(method="bac_thang"), "cách tính điểm (method) “bac_thang”"),
    (lambda d: d["groups"][0]["indicators"][1].update(steps=[{"from": "2", "points": "50"}]), "bậc thứ 1 không hợp lệ"),
    (lambda d: d["groups"][0]["indicators"][2].update(options=[{"key": "ct", "label": "Chủ tịch", "points": "10"}]),
     "ít nhất hai phương án"),
    (lambda d: d["groups"][0]["indicators"][3].update(source_key="khong_co"), "khóa nguồn tính toán “khong_co”"),
    (lambda d: d["groups"][1]["indicators"][0].update(threshold="150"), "ngưỡng (threshold)"),
    (lambda d: d["groups"][0]["indicators"][0].update(evidence=["chu_ky"]), "minh chứng (evidence)"),
    (lambda d: d["groups"][1]["indicators"][1].update(code="1.1"), "mã chỉ tiêu 1.1 bị lặp"),
    (lambda d: d["set"].update(subject="huyen"), "đối tượng đánh giá (subject)"),
    (lambda d: d["set"].update(decision_date="31/02/2023"), "decision_date “31/02/2023”"),
    (lambda d: d["groups"][0]["indicators"][0].update(method="yes_no", source_kind="computed",
                                                      source_key="ho_so_toan_trinh"), "tỷ lệ, ngưỡng hoặc bảng bậc"),
])
def test_malformed_json_reports_the_field_and_stores_nothing(world, mutate, message):
    before = (CriteriaSet.objects.count(), CriteriaGroup.objects.count(), Indicator.objects.count())
    with pytest.raises(transfer.ImportFailed) as caught:
        services.import_criteria(_bad(mutate), province=world.province)
    assert any(message in e for e in caught.value.errors), caught.value.errors
    assert (CriteriaSet.objects.count(), CriteriaGroup.objects.count(), Indicator.objects.count()) == before


def test_every_problem_is_reported_at_once(world):
    def mutate(d):
        d["groups"][0]["indicators"][0]["max_points"] = "-1"
        d["groups"][1]["indicators"][1]["name"] = ""
    with pytest.raises(transfer.ImportFailed) as caught:
        services.import_criteria(_bad(mutate), province=world.province)
    assert len(caught.value.errors) == 2
    assert caught.value.errors[0].startswith("Nhóm thứ 1, chỉ tiêu thứ 1 (chỉ tiêu 1.1)")
    assert caught.value.errors[1].startswith("Nhóm thứ 2, chỉ tiêu thứ 2 (chỉ tiêu 4.2)")


@pytest.mark.parametrize("content, message", [
    (b"not a file", "không phải JSON hoặc bảng tính"),
    (b"{broken", "Tệp JSON không đọc được"),
    (b'{"format": "other"}', "không đúng định dạng"),
    (b"PK\x03\x04garbage", "không phải bảng tính Excel"),
])
def test_unreadable_files(world, content, message):
    with pytest.raises(transfer.ImportFailed) as caught:
        services.import_criteria(content, province=world.province)
    assert message in caught.value.errors[0]
    assert CriteriaSet.objects.count() == 1


def test_json_and_excel_round_trip(world):
    data = transfer.export(world.set)
    again = transfer.validate(transfer.read(transfer.to_json(data)))
    from_xlsx = transfer.validate(transfer.read(transfer.to_xlsx(data)))
    assert again == from_xlsx
    assert [i["code"] for g in from_xlsx["groups"] for i in g["indicators"]] == ["1.1", "1.2", "1.3", "1.4", "4.1", "4.2"]
    steps = from_xlsx["groups"][0]["indicators"][1]["steps"]
    assert steps[0] == {"from": "1", "points": "5"} and len(steps) == 4
    assert from_xlsx["groups"][0]["indicators"][2]["options"][1] == {"key": "pct", "label": "Phó Chủ tịch", "points": "5"}
    copy_ = services.import_criteria(transfer.to_xlsx(data), province=world.province)
    assert copy_.version == 2 and copy_.indicators.count() == 6 and copy_.max_points == world.set.max_points


def test_malformed_excel_reports_sheet_and_row(world):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(transfer.to_xlsx(transfer.export(world.set))))
    book[transfer.SHEET_INDICATORS]["D3"] = "abc"  # max_points of the 2nd indicator (row 3)
    book[transfer.SHEET_INDICATORS]["A7"] = "ZZZ"  # group of the 6th indicator
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(transfer.ImportFailed) as caught:
        services.import_criteria(out.getvalue(), province=world.province)
    errors = caught.value.errors
    assert any(e.startswith("Trang tính «Chi_tieu», dòng 3 (chỉ tiêu 1.2): điểm tối đa") for e in errors), errors
    assert any(e.startswith("Trang tính «Chi_tieu», dòng 7 (chỉ tiêu 4.2): không có nhóm mã “ZZZ”") for e in errors)
    assert CriteriaSet.objects.count() == 1


def test_only_province_administrators_import(world):
    with pytest.raises(PermissionDenied):
        services.import_criteria(small_set_bytes(), province=world.province, user=world.clerk1)
    assert services.import_criteria(small_set_bytes(), province=world.province, user=world.reviewer).version == 2


def test_reviewer_must_hold_a_review_role_at_a_province_agency(world):
    with pytest.raises(ValidationError):
        services.assign_reviewer(world.set, world.clerk1, world.skhcn)  # no role at Sở KH&CN
    with pytest.raises(ValidationError):
        services.assign_reviewer(world.set, world.clerk1, world.pc1)  # a commune cannot review
