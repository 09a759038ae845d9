import logging

import pytest

from chinhquyenso.accounts.tests.factories import OfficialFactory
from chinhquyenso.agencies.models import AgencyKind
from chinhquyenso.agencies.tests.factories import AgencyFactory
from chinhquyenso.signatures import backends, testpki
from chinhquyenso.units.tests.factories import CommuneFactory

from .helpers import sample_pdf, signing_setup

logging.getLogger("pyhanko").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.WARNING)


@pytest.fixture(scope="session")
def pki():
    return testpki.build()


@pytest.fixture(scope="session")
def pdf():
    return sample_pdf(pages=2)


@pytest.fixture
def commune(db):
    return AgencyFactory(kind=AgencyKind.COMMUNE_PC, name="UBND xã Thử Nghiệm", unit=CommuneFactory())


@pytest.fixture
def leader(db):
    return OfficialFactory(full_name="Nguyễn Văn Hùng", title="Chủ tịch")


@pytest.fixture
def setup(settings, tmp_path, pki, leader, commune):
    s = signing_setup(settings, tmp_path, pki, user=leader, agency=commune)
    yield s
    backends.clear_cache()
