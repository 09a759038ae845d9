import pytest


@pytest.fixture
def calendar(db):
    """The working-day calendar as the workdays app seeds it (Tết, Giỗ Tổ, 30/4–1/5, Quốc khánh,
    24/11 from 2026), for services that load it from the database."""
    from chinhquyenso.workdays import services

    services.seed_years(2025, 2027)


@pytest.fixture
def world(calendar):
    from .factories import make_world

    return make_world()
