"""Deadlines of a field report: pure functions over the working-day calendar (workdays).

- Acknowledge (tiếp nhận, incl. verification) within `ack_hours` working hours, default 8
  (iHanoi, vn-regulations §6 [S]).
- Handle: khẩn within `urgent_hours` working hours, default 4 (iHanoi [S]); bình thường and
  phức tạp in working days, defaults 15 and 30 (DVCQG PAKN pattern "resolve ≤ 15 working days",
  vn-regulations §3 [S]; doubling it for phức tạp is our design [I]) — all per category, as data.
- Publish the result within `publish_days` working days, default 2 (DVCQG PAKN [S]).

A report has no paper cut-off: the clock starts at reception, or at the next opening when it
arrives outside office hours (counting_start with cutoff=None). Terms in days end at the close
of office of the last day (workdays.deadlines.due_for).
"""

import datetime

from chinhquyenso.workdays.calendar import Calendar
from chinhquyenso.workdays.deadlines import TimeUnit, due_for

from .models import Category, Urgency


def ack_due(cal: Calendar, received_at: datetime.datetime, category: Category) -> datetime.datetime:
    return due_for(cal, received_at, category.ack_hours, TimeUnit.HOURS, cutoff=None).due


def handling_due(cal: Calendar, assigned_at: datetime.datetime, urgency: str, category: Category) -> datetime.datetime:
    urgency = Urgency(urgency)
    if urgency is Urgency.URGENT:
        return due_for(cal, assigned_at, category.urgent_hours, TimeUnit.HOURS, cutoff=None).due
    days = category.complex_days if urgency is Urgency.COMPLEX else category.normal_days
    return due_for(cal, assigned_at, days, TimeUnit.WORKING_DAYS, cutoff=None).due


def publish_due(cal: Calendar, handled_at: datetime.datetime, category: Category) -> datetime.datetime:
    return due_for(cal, handled_at, category.publish_days, TimeUnit.WORKING_DAYS, cutoff=None).due
