import pytest
from django.core.cache import cache

from chinhquyenso.agencies.models import AgencyKind
from chinhquyenso.agencies.tests.factories import AgencyFactory

from .factories import OfficialFactory, RoleAssignmentFactory


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tree(db):
    """A province people's committee with a department and its office; a second province."""
    root = AgencyFactory(kind=AgencyKind.PROVINCE_PC)
    dept = AgencyFactory(parent=root, unit=root.unit)
    office = AgencyFactory(kind=AgencyKind.OFFICE, parent=dept, unit=root.unit)
    other = AgencyFactory(kind=AgencyKind.PROVINCE_PC)
    return {"root": root, "dept": dept, "office": office, "other": other}


@pytest.fixture
def system_admin(tree):
    return RoleAssignmentFactory(role="system_admin", agency=tree["root"]).user


@pytest.fixture
def dept_admin(tree):
    return RoleAssignmentFactory(role="agency_admin", agency=tree["dept"], include_subagencies=True).user


@pytest.fixture
def official(db):
    return OfficialFactory()
