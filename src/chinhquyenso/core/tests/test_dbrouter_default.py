"""core.dbrouter without a replica configured (the default): use_replica() changes nothing."""

import pytest

from chinhquyenso.core.dbrouter import ReplicaRouter, replica_configured, use_replica
from chinhquyenso.units.models import AdministrativeUnit
from chinhquyenso.units.tests.factories import ProvinceFactory


@pytest.mark.django_db
def test_without_a_replica_everything_reads_from_default(django_assert_num_queries):
    assert not replica_configured()
    ProvinceFactory(code="38")
    with use_replica():
        assert ReplicaRouter().db_for_read(AdministrativeUnit) is None
        with django_assert_num_queries(1):  # counted on "default"
            assert AdministrativeUnit.objects.filter(code="38").count() == 1


def test_migrations_never_run_on_the_replica():
    router = ReplicaRouter()
    assert router.allow_migrate("replica", "dossiers") is False
    assert router.allow_migrate("default", "dossiers") is None
