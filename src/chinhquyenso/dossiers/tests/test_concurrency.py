"""Concurrency on PostgreSQL (SQLite serialises writers, so these are skipped there): dossier codes
without duplicate or gap under parallel receptions; two officers acting on one dossier at once;
a double submission racing itself."""

import threading

import pytest
from django.db import connection, connections

from chinhquyenso.dossiers import services
from chinhquyenso.dossiers.models import DailyCounter, Dossier
from chinhquyenso.dossiers.workflow import Status

from .factories import APPLICANT, at, online_dossier

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def run_parallel(n, fn):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def worker(i):
        try:
            barrier.wait()
            results.append(fn(i))
        except Exception as exc:  # noqa: BLE001 — collected and asserted by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors


def test_parallel_receptions_get_consecutive_codes(world):
    spec = world.version.components.first()

    def receive(i):
        return services.receive_at_counter(
            officer=world.officer, reception_agency=world.centre, procedure_version=world.version,
            applicant={**APPLICANT, "name": f"Người nộp {i}"}, components=[{"spec": spec}], at=at(2026, 3, 2, 9, i),
        ).code

    codes, errors = run_parallel(8, receive)
    assert errors == []
    assert sorted(codes) == [f"{world.centre.code}-260302-{n:04d}" for n in range(1, 9)]
    assert DailyCounter.objects.get(agency=world.centre).last == 8


def test_two_officers_receive_the_same_dossier(world):
    from chinhquyenso.accounts.tests.factories import OfficialFactory

    from .factories import grant

    colleague = grant(OfficialFactory(), "one_stop_officer", world.centre)
    d = online_dossier(world, at(2026, 3, 2, 9))
    officers = [world.officer, colleague]

    def receive(i):
        return services.perform(d.pk, "receive", actor=officers[i], at=at(2026, 3, 2, 10)).status

    results, errors = run_parallel(2, receive)
    assert results == [Status.RECEIVED]
    assert len(errors) == 1 and isinstance(errors[0], services.Conflict)
    assert "Được tiếp nhận" in errors[0].text
    d.refresh_from_db()
    assert d.log.count() == 2  # submit + one reception


def test_double_submission_races_to_one_dossier(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .factories import PDF

    d = services.start_draft(user=world.citizen, procedure_version=world.version, resolving_agency=world.commune_pc)
    services.attach_component(d, actor=world.citizen, spec=world.version.components.first(),
                              uploaded_file=SimpleUploadedFile("tk.pdf", PDF))

    def submit(i):
        return services.submit(d, user=world.citizen, idempotency_key="k-1").pk

    results, errors = run_parallel(4, submit)
    assert errors == [] and set(results) == {d.pk}
    assert Dossier.objects.filter(status=Status.NEW).count() == 1
    assert DailyCounter.objects.get().last == 1
