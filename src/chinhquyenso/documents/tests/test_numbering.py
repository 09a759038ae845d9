"""Numbering rules of NĐ 30/2020 (Art. 8 item 3, Art. 15, Art. 22, Phụ lục III), with real dates."""

import datetime as dt
import threading

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from chinhquyenso.documents import numbering, services
from chinhquyenso.documents.models import Direction, DocumentType, Register, Secrecy
from chinhquyenso.workdays.calendar import VN_TZ

pytestmark = pytest.mark.django_db


def _type(code, abbreviation):
    return DocumentType(code=code, name=code, abbreviation=abbreviation)


@pytest.mark.parametrize(
    ("n", "doc_type", "issuer", "unit", "expected"),
    [
        (5, _type("quyet-dinh", "QĐ"), "UBND", "", "05/QĐ-UBND"),
        (12, _type("ke-hoach", "KH"), "UBND", "", "12/KH-UBND"),
        (123, _type("cong-van", ""), "UBND", "VP", "123/UBND-VP"),
        (1, _type("cong-van", ""), "ubnd", "vhxh", "01/UBND-VHXH"),
        (9, _type("quy-dinh", "QyĐ"), "SKHCN", "", "09/QyĐ-SKHCN"),
        (10, _type("to-trinh", "TTr"), "UBND", "", "10/TTr-UBND"),
        (1000, _type("thong-bao", "TB"), "UBND", "", "1000/TB-UBND"),
        (3, _type("thu-cong", ""), "UBND", "", "03/UBND"),
    ],
)
def test_number_and_symbol_format(n, doc_type, issuer, unit, expected):
    assert numbering.number_symbol(n, doc_type, issuer, unit) == expected


@pytest.mark.parametrize("bad", ["UB ND", "UBND/VP", "", "UBND--VP", "UBND_VP"])
def test_symbols_with_spaces_or_odd_characters_are_refused(bad):
    with pytest.raises(ValidationError):
        numbering.symbol_for(_type("quyet-dinh", "QĐ"), bad)


def test_official_letter_needs_the_drafting_unit():
    with pytest.raises(ValidationError):
        numbering.symbol_for(_type("cong-van", ""), "UBND", "")


def test_zero_is_not_a_number():
    with pytest.raises(ValueError):
        numbering.format_number(0)


def test_the_29_types_of_article_7_are_seeded(types):
    assert len(types) == 29
    assert types["quyet-dinh"].abbreviation == "QĐ"
    assert types["quy-dinh"].abbreviation == "QyĐ"
    assert types["cong-van"].abbreviation == "" and types["cong-van"].is_official_letter
    assert types["to-trinh"].abbreviation == "TTr"


def _allocate(agency, year, direction=Direction.OUTGOING, confidential=False):
    with transaction.atomic():
        return numbering.allocate(agency, year, direction, confidential=confidential)[1]


def test_one_series_per_agency_per_year_per_direction_and_confidential_apart(org):
    ubnd, other = org["ubnd"], org["other"]
    assert [_allocate(ubnd, 2026) for _ in range(3)] == [1, 2, 3]
    assert _allocate(other, 2026) == 1  # another agency
    assert _allocate(ubnd, 2027) == 1  # another year
    assert _allocate(ubnd, 2026, Direction.INCOMING) == 1  # số đến is its own series
    assert _allocate(ubnd, 2026, confidential=True) == 1  # classified series
    assert _allocate(ubnd, 2026) == 4
    assert Register.objects.get(agency=ubnd, year=2026, direction=Direction.OUTGOING, confidential=False).last_number == 4


def test_a_rolled_back_registration_gives_its_number_back(org):
    ubnd = org["ubnd"]
    assert _allocate(ubnd, 2026) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        numbering.allocate(ubnd, 2026, Direction.OUTGOING)
        raise RuntimeError("fail after allocation")
    assert _allocate(ubnd, 2026) == 2  # no gap


@pytest.mark.django_db(transaction=True)
def test_allocate_refuses_to_run_outside_a_transaction(org):
    with pytest.raises(RuntimeError):
        numbering.allocate(org["ubnd"], 2026, Direction.OUTGOING)


def _register(org, types, when, secrecy=Secrecy.NONE):
    with time_machine.travel(when, tick=False):
        return services.register_incoming(
            agency=org["ubnd"], doc_type=types["cong-van"], subject="Về việc báo cáo", issuing_agency_name="Sở Nội vụ",
            number_symbol="15/SNV-VP", actor=org["clerk"], secrecy=secrecy,
            forward_to=org["leader"] if secrecy != Secrecy.NONE else None,
        )


def test_incoming_numbers_roll_over_on_1_january(org, types):
    # 31/12/2025 (Wednesday) then 02/01/2026 (Friday; 01/01 is a holiday) in Vietnam time.
    late = [_register(org, types, dt.datetime(2025, 12, 31, 16, 0, tzinfo=VN_TZ)) for _ in range(2)]
    assert [d.register_number_display for d in late] == ["01", "02"]
    assert late[0].register.year == 2025
    first = _register(org, types, dt.datetime(2026, 1, 2, 7, 45, tzinfo=VN_TZ))
    assert first.register.year == 2026 and first.register_number_display == "01"
    # Just after midnight in Vietnam is still 31 December in UTC: the year is the Vietnamese one.
    midnight = _register(org, types, dt.datetime(2026, 1, 1, 0, 5, tzinfo=VN_TZ))
    assert midnight.register.year == 2026 and midnight.register_number == 2


def test_classified_incoming_documents_are_numbered_apart(org, types):
    when = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)
    a = _register(org, types, when)
    s = _register(org, types, when, secrecy=Secrecy.SECRET)
    b = _register(org, types, when)
    assert (a.register_number, s.register_number, b.register_number) == (1, 1, 2)
    assert s.register.confidential and not a.register.confidential


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks across threads need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_consecutive_numbers(org, types):
    threads_n, per_thread = 8, 5
    barrier = threading.Barrier(threads_n)
    numbers, errors = [], []

    def worker():
        try:
            barrier.wait()
            for _ in range(per_thread):
                doc = services.register_incoming(
                    agency=org["ubnd"], doc_type=types["cong-van"], subject="Song song",
                    issuing_agency_name="Sở Tư pháp", actor=org["clerk"],
                )
                numbers.append(doc.register_number)
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, threads_n * per_thread + 1))  # no duplicate, no gap


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks across threads need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_numbers_of_a_new_year_create_one_register(org):
    barrier = threading.Barrier(6)
    numbers, errors = [], []

    def worker():
        try:
            barrier.wait()
            numbers.append(_allocate(org["ubnd"], 2031))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == [1, 2, 3, 4, 5, 6]
    assert Register.objects.filter(agency=org["ubnd"], year=2031).count() == 1
