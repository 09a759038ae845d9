import pytest
from django.db import transaction

# Đắk Lắk (66) since 01/7/2025 = the old Đắk Lắk (66) + Phú Yên (54): it has merged provinces,
# split communes and the "Đông Hòa" names the search examples use.
DEMO_PROVINCE = "66"


@pytest.fixture(scope="module")
def demo_units(django_db_setup, django_db_blocker):
    """One province loaded from the committed data file once per test module, inside a transaction
    rolled back when the module ends; each test runs in a savepoint inside it."""
    from chinhquyenso.units.services import load_units

    with django_db_blocker.unblock(), transaction.atomic():
        summary = load_units(province=DEMO_PROVINCE)
        yield summary
        transaction.set_rollback(True)
