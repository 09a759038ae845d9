"""Day rows (grain d) only for the recent window (dashboard.rollups.day_rows_since, ADR 0010):
months and procedures always cover all time, the fold and the rebuild write the same rows, and the
IOC page says when a closed period has no daily chart."""

import datetime

import pytest

from chinhquyenso.dashboard import rollups
from chinhquyenso.dashboard.models import Rollup
from chinhquyenso.dossiers.tests.factories import at, counter_dossier

from . import scenario

pytestmark = pytest.mark.django_db
SINCE = datetime.date(2026, 3, 10)


def _rows() -> dict:
    fields = [f.name for f in Rollup._meta.fields if f.name != "id"]
    key = ("grain", "start", "province", "agency_id", "procedure_id", "unit_id")
    return {tuple(r[k] for k in key): {k: v for k, v in r.items() if k not in key}
            for r in Rollup.objects.values(*fields) if any(v for k, v in r.items() if k not in key)}


@pytest.mark.parametrize("today,days,expected", [
    (datetime.date(2026, 11, 22), 31, datetime.date(2026, 10, 1)),
    (datetime.date(2026, 3, 1), 31, datetime.date(2026, 1, 1)),  # a 30-day chart from 1 March reaches 31 January
    (datetime.date(2026, 3, 31), 31, datetime.date(2026, 2, 1)),
    (datetime.date(2026, 3, 31), None, datetime.date.min),
])
def test_window_start(settings, today, days, expected):
    settings.IOC_DAY_ROWS_DAYS = days
    assert rollups.day_rows_since(today) == expected
    if days:  # the running month and a 30-day chart ending today are always inside
        assert expected <= today.replace(day=1) and expected <= today - datetime.timedelta(days=29)


def test_rebuild_keeps_days_from_the_window_and_every_month(world, events, monkeypatch):
    with events():
        scenario.run(world)
    rollups.rebuild()
    everything = _rows()
    monkeypatch.setattr(rollups, "day_rows_since", lambda today=None: SINCE)
    rollups.rebuild()
    windowed = _rows()
    assert windowed == {k: v for k, v in everything.items() if k[0] != "d" or k[1] >= SINCE}
    assert any(k[0] == "d" and k[1] < SINCE for k in everything)  # the scenario has days before it
    assert any(k[0] == "d" and k[1] >= SINCE for k in windowed)


def test_fold_writes_no_day_row_before_the_window_and_agrees_with_a_rebuild(world, events, monkeypatch):
    monkeypatch.setattr(rollups, "day_rows_since", lambda today=None: SINCE)
    with events():
        scenario.run(world)  # folded after each commit, with the window
        late = counter_dossier(world, at(2026, 3, 12, 9, 0))  # received inside the window
        early = counter_dossier(world, at(2026, 3, 2, 9, 0))  # before it
    rollups.fold()
    incremental = _rows()
    assert not [k for k in incremental if k[0] == "d" and k[1] < SINCE]
    day = Rollup.objects.get(grain="d", start=datetime.date(2026, 3, 12), agency_id=late.resolving_agency_id)
    assert day.received >= 1
    month = Rollup.objects.get(grain="m", start=datetime.date(2026, 3, 1), agency_id=early.resolving_agency_id)
    assert month.received >= 2  # both counted in March
    rollups.rebuild()
    assert _rows() == incremental


def test_closed_period_before_the_window_says_there_is_no_daily_chart(client, world, events, settings):
    from chinhquyenso.accounts.models import Role
    from chinhquyenso.accounts.tests.factories import OfficialFactory, login_verified
    from chinhquyenso.agencies.models import Agency, AgencyKind
    from chinhquyenso.dossiers.tests.factories import grant

    settings.IOC_DAY_ROWS_DAYS = 31
    with events():
        scenario.run(world)  # March 2026: long before today's window
    root = Agency.objects.get(kind=AgencyKind.PROVINCE_PC, unit=world.province)
    login_verified(client, grant(OfficialFactory(), Role.IOC_OPERATOR, root))
    closed = client.get("/ioc/?ky=2026-03").content.decode()
    assert 'id="chart-daily"' not in closed and "Số liệu theo ngày chỉ có" in closed
    running = client.get("/ioc/").content.decode()  # the running year: its last 30 days are inside
    assert 'id="chart-daily"' in running and "Số liệu theo ngày chỉ có" not in running
