import datetime
import io
import threading
from decimal import Decimal

import pytest
from django.db import connection

from chinhquyenso.sectordata import demo, services, validation
from chinhquyenso.sectordata.models import BatchStatus, Channel, ImportBatch, Observation, SeriesDefinition
from chinhquyenso.sectordata.validation import RawRow

from .conftest import TODAY


def test_demo_is_deterministic_plausible_labelled_and_idempotent(world):
    out = io.StringIO()
    demo.load(world["province"], out, today=TODAY)
    series = {s.code: s for s in SeriesDefinition.objects.filter(code__in=[d.code for d in demo.SERIES])}
    assert len(series) == 7 and all("SỐ LIỆU MẪU" in s.source for s in series.values())
    assert series["so-tram-bts"].owner_agency == world["skhcn"]
    # 3 communes × 11 quarters (2024-Q1 … 2026-Q3) × 6 quarterly series + 3 × 3 years.
    assert Observation.objects.filter(series__in=series.values()).count() == 3 * 11 * 6 + 3 * 3
    last = Observation.objects.filter(series=series["ty-le-smartphone"]).order_by("-period_start").first()
    assert last.period_start == datetime.date(2026, 7, 1)
    for s in series.values():
        low, high = validation.bounds(s)
        values = Observation.objects.filter(series=s).values_list("value", flat=True)
        assert all((low is None or v >= low) and (high is None or v <= high) for v in values)
    assert all("SỐ LIỆU MẪU" in n for n in Observation.objects.values_list("source_note", flat=True))
    # Counts do not shrink from one quarter to the next.
    bts = list(Observation.objects.filter(series=series["so-tram-bts"], unit=world["c1"])
               .order_by("period_start").values_list("value", flat=True))
    assert bts == sorted(bts)
    snapshot = dict(Observation.objects.values_list("pk", "value"))
    demo.load(world["province"], io.StringIO(), today=TODAY)
    assert dict(Observation.objects.values_list("pk", "value")) == snapshot
    assert ImportBatch.objects.count() == 7


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_imports_of_one_series_serialize(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks across threads need PostgreSQL")
    rows_a = [RawRow(i, u, "2025-Q1", 10) for i, u in enumerate(["14758", "14797", "14845"], start=1)]
    rows_b = [RawRow(i, u, "2025-Q1", 20) for i, u in enumerate(["14758", "14797", "14845"], start=1)]
    barrier, errors, results = threading.Barrier(2), [], []

    def run(rows):
        try:
            barrier.wait()
            results.append(services.import_rows(world["bts"], rows, user=None, channel=Channel.DEMO))
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(r,)) for r in (rows_a, rows_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(r.batch.status == BatchStatus.IMPORTED for r in results)
    # One created the rows, the other updated all of them: no duplicate, no lost revision.
    assert sorted((r.batch.rows_created, r.batch.rows_updated) for r in results) == [(0, 3), (3, 0)]
    assert Observation.objects.filter(series=world["bts"]).count() == 3
    final = set(Observation.objects.filter(series=world["bts"]).values_list("value", flat=True))
    assert len(final) == 1 and final <= {Decimal(10), Decimal(20)}
