"""Read-replica routing (core.dbrouter): a "replica" alias that mirrors the test database (as
Django's TEST MIRROR does), and the query log of each connection tells which alias served what.

Transactional tests: the replica is its own connection, so it sees committed rows only, like a
real replica. Without a replica alias: test_dbrouter_default.py."""

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.tests.factories import OfficialFactory, UserFactory, login_verified
from chinhquyenso.agencies.models import AgencyKind
from chinhquyenso.agencies.tests.factories import AgencyFactory
from chinhquyenso.core.dbrouter import REPLICA, replica_configured, use_replica
from chinhquyenso.dossiers.tests.factories import grant
from chinhquyenso.units.models import AdministrativeUnit
from chinhquyenso.units.tests.factories import ProvinceFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture(scope="module", autouse=True)
def replica(django_db_setup, django_db_blocker):
    """A "replica" alias that mirrors the test database, as Django's TEST MIRROR does. Module
    scope: it must exist before pytest-django builds each test's database access (which checks
    the aliases a test names), and it leaves with this module."""
    default = connections["default"]
    connections.settings[REPLICA] = {**default.settings_dict, "TEST": {**default.settings_dict["TEST"], "MIRROR": "default"}}
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            if hasattr(connections._connections, REPLICA):
                connections[REPLICA].close()
                delattr(connections._connections, REPLICA)
        del connections.settings[REPLICA]


class Log:
    """Queries seen by each alias inside the block."""

    def __enter__(self):
        self.default = CaptureQueriesContext(connections["default"])
        self.replica = CaptureQueriesContext(connections[REPLICA])
        self.default.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc):
        self.replica.__exit__(*exc)
        self.default.__exit__(*exc)

    @staticmethod
    def _touching(ctx, table: str) -> list[str]:
        return [q["sql"] for q in ctx.captured_queries if f'"{table}"' in q["sql"] or f" {table} " in q["sql"]]

    def on_default(self, table: str) -> list[str]:
        return self._touching(self.default, table)

    def on_replica(self, table: str) -> list[str]:
        return self._touching(self.replica, table)


UNITS = AdministrativeUnit._meta.db_table


def test_reads_go_to_the_replica_only_inside_use_replica():
    assert replica_configured()
    ProvinceFactory(code="38")
    with Log() as log:
        assert AdministrativeUnit.objects.filter(code="38").count() == 1
        with use_replica():
            assert AdministrativeUnit.objects.filter(code="38").count() == 1  # committed: the replica has it
    assert len(log.on_default(UNITS)) == 1
    assert len(log.on_replica(UNITS)) == 1


def test_writes_and_reads_after_a_write_stay_on_default():
    with Log() as log, use_replica():
        province = ProvinceFactory(code="38")  # the write
        assert AdministrativeUnit.objects.get(pk=province.pk).code == "38"  # read your write
    assert log.on_replica(UNITS) == []
    assert any(sql.startswith("INSERT") for sql in log.on_default(UNITS))
    assert any(sql.startswith("SELECT") for sql in log.on_default(UNITS))


def test_reads_inside_a_transaction_stay_on_default():
    ProvinceFactory(code="38")
    with Log() as log, use_replica():
        with transaction.atomic():
            AdministrativeUnit.objects.filter(code="38").update(name="Thanh Hóa")
            # Uncommitted: only the primary can answer this, and it does.
            assert AdministrativeUnit.objects.get(code="38").name == "Thanh Hóa"
        assert AdministrativeUnit.objects.filter(code="38").count() == 1  # after a write: still default
    assert log.on_replica(UNITS) == []


def test_a_decorated_function_reads_from_the_replica_each_call():
    ProvinceFactory(code="38")

    @use_replica()
    def count() -> int:
        return AdministrativeUnit.objects.count()

    with Log() as log:
        assert count() == count() == 1
        AdministrativeUnit.objects.count()
    assert len(log.on_replica(UNITS)) == 2
    assert len(log.on_default(UNITS)) == 1


# --- the pages that read from the replica -------------------------------------------------------


def _official(role: Role, province):
    root = AgencyFactory(kind=AgencyKind.PROVINCE_PC, unit=province)
    return grant(OfficialFactory(), role, root)


def test_ioc_page_reads_rollups_from_the_replica(client):
    from chinhquyenso.dashboard.models import Rollup
    from chinhquyenso.workdays.services import seed_years

    seed_years(2025, 2027)
    province = ProvinceFactory(code="38")
    login_verified(client, _official(Role.IOC_OPERATOR, province))
    with Log() as log:
        assert client.get("/ioc/?ky=2026-03").status_code == 200
    assert log.on_replica(Rollup._meta.db_table)
    assert log.on_default(Rollup._meta.db_table) == []
    # Login and session stay on the primary (they are read before the view).
    assert log.on_default("django_session")


def test_procedure_catalogue_search_reads_from_the_replica(client):
    from chinhquyenso.procedures.models import ProcedureVersion

    with Log() as log:
        assert client.get("/thu-tuc/", {"q": "khai sinh"}).status_code == 200
    table = ProcedureVersion._meta.db_table
    assert log.on_replica(table) and log.on_default(table) == []


def test_question_search_reads_from_the_replica(client, settings):
    from chinhquyenso.questions.models import Question

    ProvinceFactory(code="38")
    settings.QUESTIONS_PROVINCE_CODE = "38"
    with Log() as log:
        assert client.get("/hoi-dap/", {"q": "đất đai"}).status_code == 200
    table = Question._meta.db_table
    assert log.on_replica(table) and log.on_default(table) == []


def test_document_search_reads_from_the_replica_but_the_plain_register_does_not(client):
    from chinhquyenso.documents.models import Document

    province = ProvinceFactory(code="38")
    login_verified(client, _official(Role.DOCUMENT_CLERK, province))
    table = Document._meta.db_table
    with Log() as log:
        assert client.get("/van-ban/den/", {"q": "quyết định"}).status_code == 200
    assert log.on_replica(table) and log.on_default(table) == []
    with Log() as log:
        assert client.get("/van-ban/den/").status_code == 200
    assert log.on_replica(table) == [] and log.on_default(table)


def test_other_pages_read_from_default(client):
    user = UserFactory()
    login_verified(client, user)
    with Log() as log:
        client.get("/")
    assert log.replica.captured_queries == []
