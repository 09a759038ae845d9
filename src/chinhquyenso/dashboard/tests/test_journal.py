"""The IOC journal: a database trigger appends old/new images of a received dossier in the write's
own transaction; fold() turns them into rollup deltas. Compared with a rebuild from scratch."""

import threading

import pytest
from django.db import connection, transaction

from chinhquyenso.dashboard import rollups
from chinhquyenso.dashboard.models import Rollup, RollupJournal
from chinhquyenso.dossiers.models import Dossier
from chinhquyenso.dossiers.tests.factories import at, counter_dossier

from . import scenario


def _rollups() -> dict:
    fields = [f.name for f in Rollup._meta.fields if f.name != "id"]
    key = ("grain", "start", "province", "agency_id", "procedure_id", "unit_id")
    out = {}
    for row in Rollup.objects.values(*fields):
        counters = {k: v for k, v in row.items() if k not in key}
        if any(counters.values()):  # a fold may leave all-zero rows behind; a rebuild writes none
            out[tuple(row[k] for k in key)] = counters
    return out


def _agrees_with_rebuild() -> None:
    incremental = _rollups()
    rollups.rebuild()
    assert _rollups() == incremental
    assert not RollupJournal.objects.exists()


@pytest.mark.django_db
def test_images_then_fold(world):
    d = counter_dossier(world, at(2026, 3, 2, 9, 0))  # events not run: nothing folded yet
    signs = sorted(RollupJournal.objects.filter(dossier_id=d.pk).values_list("sign", flat=True))
    assert signs and sum(signs) == 1  # the received image (+1), and any −old/+new pairs after it
    assert not Rollup.objects.exists()
    assert rollups.fold() is True
    assert not RollupJournal.objects.exists()
    day = Rollup.objects.get(grain="d", start="2026-03-02", agency_id=d.resolving_agency_id)
    assert (day.received, day.online, day.due) == (1, 0, 0)
    assert rollups.fold() is False  # nothing left
    _agrees_with_rebuild()


@pytest.mark.django_db
def test_unrelated_changes_write_no_image(world):
    d = counter_dossier(world, at(2026, 3, 2, 9, 0))
    rollups.fold()
    Dossier.objects.filter(pk=d.pk).update(applicant_address="Thôn 3", sync_version=9, updated_at=at(2026, 3, 3))
    Dossier.objects.filter(pk=d.pk).update(synced_version=1)  # 0 → 1 changes "synced" (1.4)…
    assert RollupJournal.objects.count() == 2
    Dossier.objects.filter(pk=d.pk).update(synced_version=2)  # …1 → 2 does not
    assert RollupJournal.objects.count() == 2
    rollups.fold()
    assert Rollup.objects.get(grain="d", start="2026-03-02", agency_id=d.resolving_agency_id).synced == 1


@pytest.mark.django_db
def test_a_rolled_back_write_leaves_nothing(world):
    d = counter_dossier(world, at(2026, 3, 2, 9, 0))
    rollups.fold()
    with pytest.raises(RuntimeError), transaction.atomic():
        Dossier.objects.filter(pk=d.pk).update(rating=1)
        assert RollupJournal.objects.count() == 2
        raise RuntimeError("the write fails after its UPDATE")
    assert not RollupJournal.objects.exists()


@pytest.mark.django_db
def test_a_failed_fold_keeps_its_rows_for_the_next(world, events, monkeypatch, caplog):
    monkeypatch.setattr(rollups.sql, "fold_upsert", lambda *a, **k: "SELECT broken FROM nowhere")
    with events():
        history = scenario.run(world)
    assert "IOC rollup fold failed" in caplog.text
    assert RollupJournal.objects.exists() and not Rollup.objects.exists()
    assert Dossier.objects.filter(pk=history["A"].pk, status=10).exists()  # the writes themselves stand
    monkeypatch.undo()
    assert rollups.fold() is True
    _agrees_with_rebuild()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writes_and_folds_postgresql(world):
    """Eight writers change eight dossiers and fold at the same time (PostgreSQL, real connections):
    nothing lost, nothing counted twice."""
    dossiers = [counter_dossier(world, at(2026, 3, 2, 9, i)) for i in range(8)]
    rollups.fold()
    barrier = threading.Barrier(len(dossiers))
    errors = []

    def work(pk, n):
        try:
            barrier.wait()
            for rating in (1, 2, 1):
                with transaction.atomic():
                    Dossier.objects.filter(pk=pk).update(rating=rating, has_complaint=(n % 2 == 0))
                rollups.fold()
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(d.pk, n)) for n, d in enumerate(dossiers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert not RollupJournal.objects.exists()
    day = Rollup.objects.get(grain="d", start="2026-03-02", agency_id=dossiers[0].resolving_agency_id)
    assert (day.received, day.rated, day.satisfied, day.complaint) == (8, 8, 8, 4)
    _agrees_with_rebuild()
