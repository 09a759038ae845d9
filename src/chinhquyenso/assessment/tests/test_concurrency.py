"""Concurrent actions on one record serialize (PostgreSQL only: row locks across threads)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from chinhquyenso.assessment import services
from chinhquyenso.assessment.models import Assessment, AssessmentEvent, CriteriaSet
from chinhquyenso.assessment.tests.conftest import fill_all, small_set_bytes


def _race(*fns):
    barrier, errors, results = threading.Barrier(len(fns)), [], []

    def run(fn):
        try:
            barrier.wait()
            results.append(fn())
        except ValidationError as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in fns]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def _skip_unless_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("row locks across threads need PostgreSQL")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_starts_for_one_unit_and_year(world):
    _skip_unless_postgres()
    results, errors = _race(lambda: services.start_assessment(world.set, world.pc1, 2025),
                            lambda: services.start_assessment(world.set, world.pc1, 2025))
    assert len(results) == 1 and len(errors) == 1
    assert "đã có bản đánh giá năm 2025" in errors[0].messages[0]
    assert Assessment.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_imports_get_distinct_versions(world):
    _skip_unless_postgres()
    results, errors = _race(lambda: services.import_criteria(small_set_bytes(), province=world.province),
                            lambda: services.import_criteria(small_set_bytes(), province=world.province))
    assert errors == []
    assert sorted(CriteriaSet.objects.values_list("version", flat=True)) == [1, 2, 3]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_publish_twice_and_return_against_publish(world):
    _skip_unless_postgres()
    a = services.start_assessment(world.set, world.pc1, 2025)
    fill_all(world, a)
    services.submit(a)
    services.accept_self_scores(a, user=world.reviewer)
    results, errors = _race(lambda: services.publish_assessment(a, user=world.reviewer),
                            lambda: services.publish_assessment(a, user=world.reviewer),
                            lambda: services.return_assessment(a, user=world.reviewer, comment="Bổ sung"))
    assert len(results) == 1 and len(errors) == 2
    a.refresh_from_db()
    final = AssessmentEvent.objects.filter(assessment=a).order_by("pk").last()
    assert final.to_status == a.status  # the history ends where the record is
