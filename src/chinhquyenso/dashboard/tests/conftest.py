import pytest


@pytest.fixture
def calendar(db):
    from chinhquyenso.workdays import services

    services.seed_years(2025, 2027)


@pytest.fixture
def world(calendar):
    from chinhquyenso.dossiers.tests.factories import make_world

    return make_world()


@pytest.fixture
def events(django_capture_on_commit_callbacks):
    """`with events(): ...` runs the on-commit callbacks (the domain events that maintain the
    rollups) at the end of the block, as production does after each commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with an empty IOC page cache (dashboard.pagecache)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
