"""Slip numbers: per agency, per year (Vietnam time, 31/12 → 1/1), per form; race-free."""

import threading

import pytest
from django.db import connection, transaction

from chinhquyenso.dossiers.models import Slip, SlipCounter, SlipKind
from chinhquyenso.dossiers.slips import catalogue
from chinhquyenso.dossiers.slips.services import issue_slip, next_number

from .slip_factories import at, make_dossier, make_place, officer

pytestmark = pytest.mark.django_db


def test_numbers_run_per_kind_and_agency():
    d = make_dossier()
    clerk = officer(d.reception_agency)
    symbols = [issue_slip(d, kind, actor=clerk).symbol for kind in
               (SlipKind.RECEIPT, SlipKind.RECEIPT, SlipKind.SUPPLEMENT, SlipKind.RECEIPT, SlipKind.REFUSAL)]
    assert symbols == ["1/TTPVHCC", "2/TTPVHCC", "1/PBS-TTPVHCC", "3/TTPVHCC", "1/PTC-TTPVHCC"]
    # Another centre starts its own series.
    other = make_dossier()
    assert issue_slip(other, SlipKind.RECEIPT, actor=clerk).number == 1
    # BM.04 is numbered by the resolving agency.
    assert issue_slip(d, SlipKind.APOLOGY, actor=clerk).symbol == "1/PXL-UBND"


@pytest.mark.parametrize(("first", "second", "expected"), [
    (at(2025, 12, 31, 23, 59), at(2026, 1, 1, 0, 0), [(2025, 1), (2026, 1)]),
    (at(2025, 12, 31, 8, 0), at(2025, 12, 31, 23, 59, 59), [(2025, 1), (2025, 2)]),
    # 1/1 00:30 in Vietnam is still 31/12 in UTC: the Vietnamese year counts.
    (at(2025, 12, 31, 16, 0), at(2026, 1, 1, 0, 30), [(2025, 1), (2026, 1)]),
])
def test_year_rollover_in_vietnam_time(first, second, expected):
    d = make_dossier()
    clerk = officer(d.reception_agency)
    slips = [issue_slip(d, SlipKind.RECEIPT, actor=clerk, issued_at=when) for when in (first, second)]
    assert [(s.year, s.number) for s in slips] == expected


def test_symbol_patterns_are_configurable(settings):
    settings.DOSSIER_SLIP_SYMBOLS = {"BM01": "{number}/{yy}/{agency} (BPTNTKQ)"}
    d = make_dossier()
    slip = issue_slip(d, SlipKind.RECEIPT, actor=officer(d.reception_agency), issued_at=at(2025, 3, 1, 8, 0))
    assert slip.symbol == "1/25/TTPVHCC (BPTNTKQ)"
    assert catalogue.format_symbol("BM03", number=7, year=2025, agency="TTPVHCC") == "7/PTC-TTPVHCC"


def test_register_is_not_issued_per_dossier():
    d = make_dossier()
    with pytest.raises(ValueError, match="Sổ theo dõi"):
        issue_slip(d, SlipKind.REGISTER, actor=officer(d.reception_agency))
    with pytest.raises(ValueError, match="Loại phiếu"):
        catalogue.form("BM09")


def test_failed_caller_transaction_takes_no_number():
    """Called inside the core's transaction: a rollback there returns the number (no gap)."""
    d = make_dossier()
    clerk = officer(d.reception_agency)
    with pytest.raises(RuntimeError), transaction.atomic():
        issue_slip(d, SlipKind.RECEIPT, actor=clerk)
        raise RuntimeError("reception failed after the slip")
    assert issue_slip(d, SlipKind.RECEIPT, actor=clerk).number == 1


@pytest.mark.django_db(transaction=True)
def test_next_number_demands_a_transaction():
    _, _, centre = make_place()
    with pytest.raises(RuntimeError):
        next_number(centre, 2025, SlipKind.RECEIPT)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks across threads need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_has_no_duplicate_and_no_gap():
    d = make_dossier()
    clerk = officer(d.reception_agency)
    threads, errors = 8, []
    barrier = threading.Barrier(threads)

    def work():
        try:
            barrier.wait()
            for _ in range(3):
                with transaction.atomic():
                    issue_slip(d, SlipKind.RECEIPT, actor=clerk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert errors == []
    numbers = sorted(Slip.objects.filter(dossier=d, kind=SlipKind.RECEIPT).values_list("number", flat=True))
    assert numbers == list(range(1, threads * 3 + 1))
    assert SlipCounter.objects.get(agency=d.reception_agency, kind=SlipKind.RECEIPT).last == threads * 3
