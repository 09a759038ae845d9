"""Date/time SQL fragments that differ between PostgreSQL and SQLite (the only vendor-specific part
of the IOC's SQL). Days are local days in Asia/Ho_Chi_Minh (UTC+7, no daylight saving), the day a
Vietnamese official writes on the register. `vendor` defaults to the default connection's."""

from django.db import connection


def is_postgres(vendor: str | None = None) -> bool:
    return (vendor or connection.vendor) == "postgresql"


def local_date(expr: str, vendor: str | None = None) -> str:
    if is_postgres(vendor):
        # The fixed offset is the zone's: Vietnam has kept UTC+7 without daylight saving since 1975,
        # and it needs no time-zone database lookup per row (≈ 30% of a day-grouping scan).
        return f"(({expr}) AT TIME ZONE INTERVAL '+07:00')::date"
    return f"date({expr}, '+7 hours')"


def seconds_between(end: str, start: str, vendor: str | None = None) -> str:
    if is_postgres(vendor):
        return f"EXTRACT(EPOCH FROM ({end}) - ({start}))"
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


def add_seconds(ts: str, secs: str, vendor: str | None = None) -> str:
    if is_postgres(vendor):
        return f"(({ts}) + ({secs}) * INTERVAL '1 second')"
    return f"datetime({ts}, CAST(CAST(ROUND({secs}) AS INTEGER) AS TEXT) || ' seconds')"


def month_start(expr: str, vendor: str | None = None) -> str:
    if is_postgres(vendor):
        return f"date_trunc('month', {expr})::date"
    return f"date({expr}, 'start of month')"
