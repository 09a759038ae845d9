import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and page caches live in the cache (per process): one test's requests
    must not use up the next test's budget."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def password():
    from chinhquyenso.accounts.tests.factories import PASSWORD

    return PASSWORD


@pytest.fixture(autouse=True)
def _fresh_workdays_calendar():
    """The working-day calendar is cached in process memory; a test's rows are rolled back, so
    drop the cache before each test or one test's holidays would leak into the next."""
    from chinhquyenso.workdays.queries import invalidate_calendar

    invalidate_calendar()


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, past the TOTP step superusers must take
    (accounts.middleware.TwoFactorRequiredMiddleware)."""
    from chinhquyenso.accounts.tests.factories import login_verified

    login_verified(client, admin_user)
    return client


def pytest_collection_modifyitems(items):
    """Transactional tests end by flushing every table, which would also wipe the rows data
    migrations seed (notification templates, document types…) for every later test. Give each of
    them serialized_rollback, so Django restores those rows after the flush."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None or not marker.kwargs.get("transaction") or "serialized_rollback" in marker.kwargs:
            continue
        item.add_marker(pytest.mark.django_db(*marker.args, **marker.kwargs, serialized_rollback=True), append=False)


@pytest.fixture(autouse=True)
def _ioc_day_rows_for_all_days(settings):
    """The IOC keeps day rows for the recent month or so only (IOC_DAY_ROWS_DAYS); tests script
    histories in March 2026 and read their days, whatever today's date. The window itself is tested
    in dashboard/tests/test_day_window.py."""
    settings.IOC_DAY_ROWS_DAYS = None
