"""All-or-nothing imports through the service: CSV and Excel files, the import log, re-imports."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyenso.audit.models import AuditEntry
from chinhquyenso.sectordata import queries, services, tabular
from chinhquyenso.sectordata.models import BatchStatus, Channel, ImportBatch, Observation, ObservationRevision
from chinhquyenso.sectordata.validation import RawRow

from .conftest import csv_upload, xlsx_upload

GOOD_CSV = (
    "Mã đơn vị,Tên đơn vị,Kỳ,Giá trị (%),Ghi chú\n"
    "14758,Phường Hàm Rồng,2025-Q1,\"81,5\",Viettel + VNPT\n"
    "14797,Phường Hạc Thành,Quý 1/2025,79.25,\n"
    "14845,Xã Mường Lát,2025-Q1,48,\n"
)
BAD_CSV = GOOD_CSV + (
    "14845,Xã Mường Lát,2025-Q2,148,\n"          # row 5: out of bounds
    "99999,Không có,2025-Q2,50,\n"               # row 6: unknown unit
    "14758,Phường Hàm Rồng,2025-05,50,\n"        # row 7: month in a quarterly series
    "14797,Phường Hạc Thành,2025-Q1,70,\n"       # row 8: duplicate of row 3
    "14500,Phường Hoa Lư,2025-Q1,70,\n"          # row 9: other province
)


def upload(world, f, user="pusher", series="smartphone"):
    return services.import_upload(world[series], f, user=world[user])


def test_good_csv_with_bom_and_vietnamese_headers_is_imported(world):
    result = upload(world, csv_upload(GOOD_CSV, bom=True))
    assert result.accepted, result.errors
    batch = result.batch
    assert (batch.rows_total, batch.rows_created, batch.rows_updated, batch.rows_unchanged) == (3, 3, 0, 0)
    assert batch.submitted_by == world["pusher"] and batch.file_name == "so-lieu.csv" and len(batch.checksum) == 64
    values = dict(Observation.objects.filter(series=world["smartphone"]).values_list("unit__code", "value"))
    assert values == {"14758": Decimal("81.5"), "14797": Decimal("79.3"), "14845": Decimal("48.0")}
    note = Observation.objects.get(unit=world["c1"]).source_note
    assert note == "Viettel + VNPT"
    assert AuditEntry.objects.filter(action="sectordata.import", object_id=str(batch.pk), province_code="38").exists()


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_csv(world, delimiter):
    text = GOOD_CSV.replace('"81,5"', "81.5").replace(",", delimiter)
    assert upload(world, csv_upload(text)).accepted


def test_malformed_csv_stores_nothing_and_reports_every_row(world):
    result = upload(world, csv_upload(BAD_CSV))
    assert not result.accepted
    assert Observation.objects.count() == 0
    report = {(e["row"], e["column"]) for e in result.errors}
    assert report == {(5, "Giá trị"), (6, "Mã đơn vị"), (7, "Kỳ"), (8, "Mã đơn vị"), (9, "Mã đơn vị")}
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.REJECTED and batch.rows_total == 8 and batch.rows_rejected == 5
    assert batch.errors == result.errors
    assert AuditEntry.objects.filter(action="sectordata.import_rejected", object_id=str(batch.pk)).exists()


def test_malformed_excel_stores_nothing(world):
    rows = [["Mã đơn vị", "Kỳ", "Giá trị", "Ghi chú"],
            [14758, "2025-Q1", 5, ""],
            [14797, "2025-Q1", 2.5, ""],             # row 3: counts are integers
            [14845, datetime.datetime(2025, 2, 1), 3, ""]]  # row 4: not the first day of a quarter
    result = upload(world, xlsx_upload(rows), series="bts")
    assert not result.accepted and Observation.objects.count() == 0
    assert [(e["row"], e["column"]) for e in result.errors] == [(3, "Giá trị"), (4, "Kỳ")]


def test_good_excel_with_number_codes_dates_and_percent_cells(world):
    rows = [["STT", "Mã xã", "Tên xã", "Kỳ số liệu", "Giá trị"],
            [1, 14758, "Phường Hàm Rồng", datetime.datetime(2025, 4, 1), 0.815],
            [2, "14797", "Phường Hạc Thành", "2025-Q2", 0.7],
            [None, None, None, None, None],
            [3, 14845, "Xã Mường Lát", "Q2/2025", 0.4]]
    result = upload(world, xlsx_upload(rows, percent_col=4))
    assert result.accepted, result.errors
    values = dict(Observation.objects.values_list("unit__code", "value"))
    assert values == {"14758": Decimal("81.5"), "14797": Decimal("70.0"), "14845": Decimal("40.0")}


def test_reimporting_the_same_batch_is_idempotent_and_changes_append_revisions(world):
    first = upload(world, csv_upload(GOOD_CSV))
    again = upload(world, csv_upload(GOOD_CSV))
    assert again.accepted
    assert (again.batch.rows_created, again.batch.rows_updated, again.batch.rows_unchanged) == (0, 0, 3)
    assert Observation.objects.count() == 3 and ObservationRevision.objects.count() == 0
    corrected = upload(world, csv_upload(GOOD_CSV.replace("14845,Xã Mường Lát,2025-Q1,48", "14845,x,2025-Q1,52")))
    assert (corrected.batch.rows_created, corrected.batch.rows_updated, corrected.batch.rows_unchanged) == (0, 1, 2)
    obs = Observation.objects.get(unit=world["c3"])
    assert obs.value == Decimal("52.0") and obs.revision == 2 and obs.batch == corrected.batch
    revision = ObservationRevision.objects.get()
    assert (revision.previous_value, revision.previous_batch, revision.value) == (
        Decimal("48.0"), first.batch, Decimal("52.0"))
    assert ImportBatch.objects.filter(status=BatchStatus.IMPORTED).count() == 3


def test_a_rejected_correction_leaves_the_previous_values(world):
    upload(world, csv_upload(GOOD_CSV))
    result = upload(world, csv_upload(GOOD_CSV.replace("48", "480")))
    assert not result.accepted
    assert Observation.objects.get(unit=world["c3"]).value == Decimal("48.0")


@pytest.mark.parametrize("name, data, reason", [
    ("so-lieu.csv", b"", "Tệp rỗng"),
    ("so-lieu.pdf", b"%PDF-1.7\n...", "Chỉ nhận tệp .csv"),
    ("so-lieu.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Excel 97–2003"),
    ("so-lieu.xlsx", b"PK\x03\x04garbage", "bị hỏng"),
    ("so-lieu.xlsx", b"not a zip at all", "bị hỏng"),
    ("so-lieu.csv", b"M\xe3 \xf0\xf5n vi\xf2,Ky\xf2,Gia\xec tri\xf2\n14758,2025-Q1,5\n", "không phải mã UTF-8"),  # Windows-1258
    ("so-lieu.csv", "Mã đơn vị,Kỳ,Giá trị\n".encode("utf-16"), "UTF-16"),
    ("so-lieu.csv", "Đơn vị,Kỳ,Số\n14758,2025-Q1,5\n".encode(), "Thiếu cột: Mã đơn vị, Giá trị"),
    ("so-lieu.csv", b"\n\n  \n", "không có dòng tiêu đề"),
    ("so-lieu.csv", "Mã đơn vị,Kỳ,Giá trị\n".encode(), "Không có dòng số liệu"),
    ("so-lieu.csv", b'M\xc3\xa3 \xc4\x91\xc6\xa1n v\xe1\xbb\x8b,K\xe1\xbb\xb3,Gi\xc3\xa1 tr\xe1\xbb\x8b\n"14758,2025', "sai định dạng"),
])
def test_bad_files_are_refused_whole_and_logged(world, name, data, reason):
    result = upload(world, SimpleUploadedFile(name, data))
    assert not result.accepted
    assert any(reason.lower() in e["message"].lower() for e in result.errors), result.errors
    assert Observation.objects.count() == 0
    assert ImportBatch.objects.get().status == BatchStatus.REJECTED


def test_huge_file_is_refused_by_its_size_before_reading(world, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 100)
    big = SimpleUploadedFile("so-lieu.csv", GOOD_CSV.encode() * 10)
    result = upload(world, big)
    assert "quá lớn" in result.errors[0]["message"] and Observation.objects.count() == 0


def test_zip_bomb_workbook_is_refused(world, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_XLSX_UNCOMPRESSED", 1000)
    result = upload(world, xlsx_upload([["Mã đơn vị", "Kỳ", "Giá trị"]] + [[14758, "2025-Q1", 1]] * 200))
    assert "giải nén quá lớn" in result.errors[0]["message"]


@pytest.mark.parametrize("user", ["health", "leader", "foreign", "citizen", "commune"])
def test_only_the_owner_agency_may_push(world, user):
    with pytest.raises(PermissionDenied):
        upload(world, csv_upload(GOOD_CSV), user=user)
    assert ImportBatch.objects.count() == 0


def test_ioc_operator_of_the_province_may_push(world):
    assert upload(world, csv_upload(GOOD_CSV), user="ioc").accepted


def test_inactive_series_accepts_nothing(world):
    series = world["smartphone"]
    services.define_series(**{f: getattr(series, f) for f in (
        "province", "code", "name", "sector", "levels", "granularity", "unit_of_measure", "value_type", "source",
        "owner_agency")}, is_active=False)
    with pytest.raises(PermissionDenied):  # no longer in pushable_series
        upload(world, csv_upload(GOOD_CSV))
    series.refresh_from_db()
    result = services.import_rows(series, [RawRow(1, "14758", "2025-Q1", 5)], user=None, channel=Channel.DEMO)
    assert "ngừng thu thập" in result.errors[0]["message"]


def test_queries_for_the_dashboard(world):
    upload(world, csv_upload(GOOD_CSV))
    upload(world, csv_upload(GOOD_CSV.replace("2025-Q1", "2025-Q2").replace("Quý 1/2025", "2025-Q2")))
    c1, province = world["c1"], world["province"]
    values = list(queries.series_for(c1, "ty-le-smartphone").values_list("period_start", "value"))
    assert values == [(datetime.date(2025, 1, 1), Decimal("81.5")), (datetime.date(2025, 4, 1), Decimal("81.5"))]
    assert queries.series_for(c1, "ty-le-smartphone", (datetime.date(2025, 4, 1), None)).count() == 1
    assert queries.series_for(province, "ty-le-smartphone", include_communes=True).count() == 6
    assert queries.latest(c1, "ty-le-smartphone").period_start == datetime.date(2025, 4, 1)
    assert queries.latest(c1, "so-tram-bts") is None
    # Non-public series: nothing for anonymous readers, the figures for the province's officials.
    services.import_rows(world["cameras"], [RawRow(1, "14758", "2025-Q1", 40), RawRow(2, "14797", "2025-Q1", 60)],
                         user=None, channel=Channel.DEMO)
    assert queries.latest(c1, "so-camera") is None
    assert queries.latest(c1, "so-camera", user=world["foreign"]) is None
    assert queries.latest(c1, "so-camera", user=world["leader"]).value == 40
    totals = queries.province_totals(world["cameras"])
    assert totals == {datetime.date(2025, 1, 1): {"units": 2, "total": Decimal("100")}}
    assert queries.province_totals(world["smartphone"])[datetime.date(2025, 1, 1)]["total"] is None
    assert [s.code for s in queries.series_definitions(province)] == ["so-tram-bts", "ty-le-smartphone"]
