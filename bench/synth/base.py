# ruff: noqa: S608 — table and column names come from the models' metadata, never from input.
"""Shared machinery of the generator: the demo province (communes, agencies, calendar), a time
scale in whole minutes, and a bulk writer that streams rows to PostgreSQL with COPY (a plain
executemany on SQLite, for small sizes).

Rows are tuples of *strings* in COPY text form ("\\N" = NULL, booleans "1"/"0", timestamps from
Clock.ts). The writer fills every other column of the model once per table (the field's default,
"" for blank text, NULL for nullable columns, the database default where the model has one), so a
column added to a model later only breaks the generator when it is NOT NULL without any default.
Ids are taken after max(id) (one generator writes a database at a time) and the sequences are moved
past them at the end."""

import datetime
import json
import os
import random
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED

from chinhquyenso.agencies.models import Agency, AgencyKind
from chinhquyenso.units.models import AdministrativeUnit, Level
from chinhquyenso.workdays.calendar import VN_TZ

N = "\\N"
T, F = "1", "0"
UTC_OFFSET_MIN = 7 * 60  # Asia/Ho_Chi_Minh, no daylight saving
MORNING = (7 * 60 + 30, 11 * 60 + 25)
AFTERNOON = (13 * 60 + 35, 16 * 60 + 55)


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def b(flag) -> str:
    return T if flag else F


# --- time -------------------------------------------------------------------------------------

class Clock:
    """Instants as int minutes since `base` 00:00 local time, formatted without datetime objects
    (a day string + a minute-of-day string): PostgreSQL gets local time with its +07 offset,
    SQLite the UTC text Django stores there. Working days come from the platform calendar."""

    def __init__(self, base: datetime.date, days: int, calendar):
        self.base, self.days, self.calendar = base, days, calendar
        self.pg = is_postgres()
        dates = [base + datetime.timedelta(days=d) for d in range(days)]
        self.date_str = [d.isoformat() for d in dates]
        self.ts_day = [s + " " for s in self.date_str]
        if self.pg:
            self.hm = [f"{m // 60:02d}:{m % 60:02d}:00+07" for m in range(1440)]
        else:
            self.hm = [f"{m // 60:02d}:{m % 60:02d}:00" for m in range(1440)]
        self.working = [calendar.is_working_day(d) for d in dates]
        self.wd = [i for i, w in enumerate(self.working) if w]
        # For every day: position in self.wd of the first working day on or after it.
        self.wd_pos, pos = [0] * days, 0
        for i in range(days):
            while pos < len(self.wd) and self.wd[pos] < i:
                pos += 1
            self.wd_pos[i] = pos
        self.yymmdd = [d.strftime("%y%m%d") for d in dates]
        self.year = [d.year for d in dates]

    def ts(self, t: int) -> str:
        if not self.pg:
            t -= UTC_OFFSET_MIN
        d, m = divmod(t, 1440)
        return self.ts_day[d] + self.hm[m]

    def day(self, d: datetime.date) -> int:
        return (d - self.base).days

    def date(self, day: int) -> datetime.date:
        return self.base + datetime.timedelta(days=day)

    def aware(self, t: int) -> datetime.datetime:
        return datetime.datetime.combine(self.base, datetime.time(), VN_TZ) + datetime.timedelta(minutes=t)

    def minutes(self, dt: datetime.datetime) -> int:
        local = dt.astimezone(VN_TZ)
        return (local.date() - self.base).days * 1440 + local.hour * 60 + local.minute

    def add_wd(self, day: int, n: int) -> int:
        """The n-th working day after `day` (n = 0: `day` if working, else the next one)."""
        pos = self.wd_pos[day] + n if self.working[day] or n == 0 else self.wd_pos[day] + n - 1
        return self.wd[min(pos, len(self.wd) - 1)]

    def wd_between(self, day_a: int, day_b: int) -> int:
        return self.wd_pos[day_b] - self.wd_pos[day_a]

    def office_minute(self, rng: random.Random) -> int:
        lo, hi = MORNING if rng.random() < 0.58 else AFTERNOON
        return lo + int(rng.random() * (hi - lo + 1))

    def next_office(self, t: int, rng: random.Random, delay: tuple[int, int] = (10, 240)) -> int:
        """An instant during office hours `delay` minutes after `t` (next working day if closed)."""
        r = rng.random
        t += delay[0] + int(r() * (delay[1] - delay[0] + 1))
        day, m = divmod(t, 1440)
        if self.working[day]:
            if MORNING[0] <= m <= MORNING[1] or AFTERNOON[0] <= m <= AFTERNOON[1]:
                return t
            if m < MORNING[0]:
                return day * 1440 + MORNING[0] + int(r() * 91)
            if MORNING[1] < m < AFTERNOON[0]:
                return day * 1440 + AFTERNOON[0] + int(r() * 61)
        return self.add_wd(day, 1) * 1440 + MORNING[0] + int(r() * 121)



# --- the writer -------------------------------------------------------------------------------

def _const_text(value, f) -> str:
    if value is None:
        return N
    if isinstance(f, models.JSONField) or isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return b(value)
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ") if is_postgres() else \
            value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def esc(text: str) -> str:
    """Free text in COPY text form (PostgreSQL); SQLite takes it as is."""
    if not is_postgres():
        return text
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Table:
    """Rows of one model: `add(*strings)` in the order of `columns`; the remaining columns are
    filled by `consts` or the model (see module docstring)."""

    def __init__(self, writer: "Writer", model, columns: list[str], consts: dict | None = None):
        self.writer, self.model, self.table = writer, model, model._meta.db_table
        consts = dict(consts or {})
        by_column = {f.column: f for f in model._meta.concrete_fields}
        unknown = [c for c in [*columns, *consts] if c not in by_column]
        if unknown:
            raise ValueError(f"{self.table}: unknown columns {unknown}")
        tail_cols, tail_vals = [], []
        for f in model._meta.concrete_fields:
            if f.column in columns or f.generated:  # generated columns: the database computes them
                continue
            if f.column in consts:
                value = consts[f.column]
            elif f.primary_key:
                raise ValueError(f"{self.table}: the generator must give ids")
            elif f.db_default is not NOT_PROVIDED:
                continue  # the database fills it
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = writer.now
            elif f.has_default():
                if callable(f.default) and f.unique:
                    raise ValueError(f"{self.table}.{f.column}: unique with a callable default, give it per row")
                value = f.get_default()
            elif f.null:
                value = None
            elif f.empty_strings_allowed:
                value = ""
            else:
                raise ValueError(f"{self.table}.{f.column}: NOT NULL without a default, the generator must fill it")
            tail_cols.append(f.column)
            tail_vals.append(value if isinstance(value, str) and f.column in consts else _const_text(value, f))
        self.columns = [*columns, *tail_cols]
        self.width = len(columns)
        self.pg = writer.pg
        if self.pg:
            self.tail = ("\t" + "\t".join(tail_vals) if tail_vals else "") + "\n"
        else:
            self.tail = tuple(None if v == N else v for v in tail_vals)
        self.rows: list = []
        self.count = 0

    def add(self, *values: str) -> None:
        if self.pg:
            self.rows.append("\t".join(values) + self.tail)
        else:
            self.rows.append(tuple(None if v == N else v for v in values) + self.tail)

    def flush(self) -> int:
        """Write the rows gathered so far (see Writer.flush_async for the overlapped variant)."""
        self.writer.wait()
        rows, self.rows = self.rows, []
        return self._write(rows)

    def _write(self, rows: list) -> int:
        n = len(rows)
        if not n:
            return 0
        t0 = time.perf_counter()
        cols = ", ".join(f'"{c}"' for c in self.columns)
        if self.pg:
            with self.writer.raw.cursor() as cur, cur.copy(f'COPY "{self.table}" ({cols}) FROM STDIN') as copy:
                copy.write("".join(rows))
        else:
            marks = ", ".join("?" * len(self.columns))
            self.writer.raw_cursor().executemany(f'INSERT INTO "{self.table}" ({cols}) VALUES ({marks})', rows)
        self.count += n
        self.writer._time(self.table, time.perf_counter() - t0)
        return n


class Writer:
    def __init__(self):
        connection.ensure_connection()
        self.pg = is_postgres()
        self.raw = connection.connection  # the psycopg connection, usable from the writer thread
        self._pool = ThreadPoolExecutor(max_workers=1) if self.pg else None
        self._future = None
        self.now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        self._ids: dict[str, int] = {}
        self.flush_seconds: dict[str, float] = {}  # time spent writing each table
        if self.pg:
            with connection.cursor() as cur:
                cur.execute("SET synchronous_commit = off")  # this session only; durability of the last commits

    def flush_async(self, tables) -> None:
        """Hand the rows of `tables` to a writer thread and return at once, so the next chunk is
        generated while PostgreSQL ingests this one (one chunk in flight at most; inside the
        part's transaction, on the same connection). SQLite writes here and now."""
        batches = [(t, t.rows) for t in tables]
        for t in tables:
            t.rows = []
        self.wait()
        if self._pool is None:
            for t, rows in batches:
                t._write(rows)
            return
        self._future = self._pool.submit(lambda: [t._write(rows) for t, rows in batches])

    def wait(self) -> None:
        if self._future is not None:
            future, self._future = self._future, None
            future.result()

    def raw_cursor(self):
        connection.ensure_connection()
        return connection.connection.cursor()

    def table(self, model, columns: list[str], consts: dict | None = None) -> Table:
        return Table(self, model, columns, consts)

    def ids(self, model, n: int) -> range:
        """n fresh ids for `model` (after the largest one in the table)."""
        name = model._meta.db_table
        if name not in self._ids:
            self.wait()
            with connection.cursor() as cur:
                cur.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{name}"')
                self._ids[name] = cur.fetchone()[0]
        start = self._ids[name] + 1
        self._ids[name] += n
        return range(start, start + n)

    def next_id(self, model) -> int:
        return self.ids(model, 1)[0]

    def reset_sequences(self, *model_list) -> None:
        """Move each table's id sequence past its largest id (SQLite's AUTOINCREMENT follows by itself)."""
        if not self.pg:
            return
        self.wait()
        with connection.cursor() as cur:
            for model in model_list:
                t = model._meta.db_table
                cur.execute(f"SELECT setval(pg_get_serial_sequence('\"{t}\"', 'id'), "
                            f"(SELECT GREATEST(COALESCE(MAX(id), 0), 1) FROM \"{t}\"), "
                            f"(SELECT COUNT(*) > 0 FROM \"{t}\"))")

    @contextmanager
    def bulk(self, *model_list):
        """One transaction for a part. On PostgreSQL the foreign keys *from* these tables are
        dropped inside it and re-created before it commits: the database then checks every row
        in one set-based pass instead of one trigger query per row and key (DDL is transactional,
        so an interrupted run leaves the schema as it was and none of its rows)."""
        from django.db import transaction

        with transaction.atomic():
            if self.pg:
                # No row triggers during the load (the dossier summaries and the IOC journal):
                # generate.py recomputes the summaries in one pass and the rollups are rebuilt.
                with connection.cursor() as cur:
                    cur.execute("SET LOCAL session_replication_role = replica")
            fks = self._drop_foreign_keys(model_list) if self.pg else []
            indexes = self._drop_indexes(model_list) if self.pg else []
            try:
                yield
            finally:
                self.wait()
            if self.pg:
                t0 = time.perf_counter()
                with connection.cursor() as cur:
                    cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
                    for definition in indexes:
                        cur.execute(definition)
                t1 = time.perf_counter()
                with connection.cursor() as cur:
                    cur.execute("SET LOCAL work_mem = '256MB'")  # the validating joins hash in memory
                    for table, name, definition in fks:
                        cur.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
                self._time("(indexes rebuilt)", t1 - t0)
                self._time("(foreign keys checked)", time.perf_counter() - t1)

    def _time(self, key: str, seconds: float) -> None:
        self.flush_seconds[key] = self.flush_seconds.get(key, 0.0) + seconds

    def _drop_indexes(self, model_list) -> list[str]:
        """Secondary indexes (not the primary key nor a unique constraint) are built once at the
        end instead of row by row; partial unique indexes check uniqueness when rebuilt."""
        tables = [m._meta.db_table for m in model_list]
        with connection.cursor() as cur:
            cur.execute("SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                        "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary "
                        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
                        [tables])
            found = cur.fetchall()
            for name, _definition in found:
                cur.execute(f"DROP INDEX {name}")
        return [definition for _name, definition in found]

    def _drop_foreign_keys(self, model_list) -> list[tuple[str, str, str]]:
        tables = [m._meta.db_table for m in model_list]
        with connection.cursor() as cur:
            cur.execute("SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                        "WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s) ORDER BY 1, 2", [tables])
            fks = [(t.strip('"'), name, definition) for t, name, definition in cur.fetchall()]
            for table, name, _definition in fks:
                cur.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        return fks

    def raise_counters(self, model, keys: list[str], value: str, rows: list[tuple]) -> None:
        """Counter rows (keys..., value): inserted, or raised to `value` where it is higher —
        never lowered. PostgreSQL: COPY into a temporary table, then one INSERT … ON CONFLICT."""
        if not rows:
            return
        self.wait()
        table = model._meta.db_table
        cols = ", ".join([*keys, value])
        update = (f"{value} = GREATEST({table}.{value}, excluded.{value})" if self.pg
                  else f"{value} = MAX({table}.{value}, excluded.{value})")
        with connection.cursor() as cur:
            if self.pg:
                cur.execute(f"CREATE TEMP TABLE _synth_counters AS SELECT {cols} FROM {table} WITH NO DATA")
                with self.raw_cursor().copy(f"COPY _synth_counters ({cols}) FROM STDIN") as copy:
                    copy.write("".join("\t".join(str(x) for x in row) + "\n" for row in rows))
                cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _synth_counters "
                            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {update}")
                cur.execute("DROP TABLE _synth_counters")
            else:
                marks = ", ".join(["%s"] * (len(keys) + 1))
                cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks}) "
                                f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {update}", rows)

    def server_cpu(self) -> float | None:
        """CPU seconds used so far by this session's PostgreSQL backend, when it runs on this
        machine (/proc): with other work on the machine, CPU time says more than wall time."""
        if not self.pg:
            return None
        try:
            with connection.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                pid = cur.fetchone()[0]
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115, PTH123
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def analyze(self, *model_list) -> None:
        if self.pg:
            with connection.cursor() as cur:
                for model in model_list:
                    cur.execute(f'ANALYZE "{model._meta.db_table}"')


# --- the province -----------------------------------------------------------------------------

@dataclass
class Commune:
    unit_id: int
    name: str
    pc: Agency
    centre: Agency
    lat: str
    lon: str


@dataclass
class Context:
    seed: int
    province: AdministrativeUnit
    start: datetime.date
    end: datetime.date
    clock: Clock
    now: int  # minutes: nothing generated happens after this instant
    first_day: int
    last_day: int
    communes: list[Commune] = field(default_factory=list)
    departments: list[Agency] = field(default_factory=list)
    province_pc: Agency | None = None
    province_centre: Agency | None = None
    officer_id: int = 0
    versions: list = field(default_factory=list)  # procedures.VersionInfo, published, in force

    def rng(self, part: str) -> random.Random:
        """One random stream per part, so changing one count leaves the other parts unchanged."""
        return random.Random(f"{self.seed}:{part}")

    @classmethod
    def load(cls, province_code: str, seed: int, start: datetime.date, end: datetime.date) -> "Context":
        from chinhquyenso.workdays.queries import load_calendar

        province = AdministrativeUnit.objects.current().filter(level=Level.PROVINCE, code=province_code).first()
        if province is None:
            raise SystemExit(f"Chưa có tỉnh mã {province_code}: chạy `manage.py load_demo` trước.")
        base = start - datetime.timedelta(days=120)
        clock = Clock(base, (end - base).days + 500, load_calendar(None))
        real_now = clock.minutes(datetime.datetime.now(VN_TZ)) - 5
        now = min(clock.day(end) * 1440 + 17 * 60 + 30, real_now)
        # The last day with office hours behind it (today only once it is past 08:00).
        last_day = min(clock.day(end), (now - 8 * 60) // 1440)
        ctx = cls(seed=seed, province=province, start=start, end=end, clock=clock, now=now,
                  first_day=clock.day(start), last_day=last_day)
        agencies = list(Agency.objects.filter(province=province, is_active=True).select_related("unit").order_by("path"))
        pcs = {a.unit_id: a for a in agencies if a.kind == AgencyKind.COMMUNE_PC}
        centres = {a.unit_id: a for a in agencies if a.kind == AgencyKind.COMMUNE_SERVICE_CENTRE}
        units = AdministrativeUnit.objects.current().filter(level=Level.COMMUNE, province=province).order_by("code")
        for unit in units:
            if unit.pk in pcs and unit.pk in centres:
                ctx.communes.append(Commune(unit.pk, unit.name, pcs[unit.pk], centres[unit.pk],
                                            str(unit.latitude) if unit.latitude is not None else N,
                                            str(unit.longitude) if unit.longitude is not None else N))
        ctx.departments = [a for a in agencies if a.kind == AgencyKind.DEPARTMENT]
        ctx.province_pc = next((a for a in agencies if a.kind == AgencyKind.PROVINCE_PC), None)
        ctx.province_centre = next((a for a in agencies if a.kind == AgencyKind.PROVINCE_SERVICE_CENTRE), None)
        if not ctx.communes or not ctx.departments or ctx.province_pc is None:
            raise SystemExit("Chưa có dữ liệu mẫu của tỉnh: chạy `manage.py load_demo` trước.")
        from chinhquyenso.accounts.models import User, UserKind

        officer = User.objects.filter(username="bench-officer").first() or User.objects.create_user(
            "bench-officer", None, full_name="Cán bộ tổng hợp", kind=UserKind.OFFICIAL)
        ctx.officer_id = officer.pk
        return ctx


# --- Vietnamese names -------------------------------------------------------------------------

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý",
          "Lò", "Hà", "Cầm", "Mai", "Trịnh", "Lương"]
FAMILY_W = [38, 11, 9, 7, 5, 4, 2, 2, 2, 2, 1.5, 1.3, 1, 0.5, 1, 1.5, 0.8, 1.2, 1.5, 1.2]
MIDDLE = ["Văn", "Thị", "Đức", "Ngọc", "Minh", "Hữu", "Thanh", "Xuân", "Quang", "Thu", "Hồng", "Bá", "Đình",
          "Kim", "Công"]
GIVEN = ["An", "Anh", "Bình", "Chi", "Cường", "Dũng", "Dung", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hòa",
         "Hùng", "Hương", "Huy", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Ngọc", "Nhung",
         "Phong", "Phúc", "Phương", "Quân", "Quỳnh", "Sơn", "Tâm", "Thảo", "Thắng", "Thành", "Thủy", "Trang",
         "Trung", "Tuấn", "Tùng", "Uyên", "Vân", "Việt", "Xuân", "Yến", "Đạt", "Đông", "Hằng"]


def names(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """n (name, folded name) pairs, drawn once and reused by index (folding is the slow part)."""
    from chinhquyenso.core.text import fold

    out = []
    for _ in range(n):
        name = f"{rng.choices(FAMILY, FAMILY_W)[0]} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        out.append((name, fold(name)))
    return out


def copy_columns(model) -> list[str]:
    """Every column of `model` the database does not fill itself (for copying rows)."""
    return [f.column for f in model._meta.concrete_fields if f.db_default is NOT_PROVIDED and not f.generated]


def row_of(table: Table, obj, overrides: dict) -> tuple[str, ...]:
    """`obj`'s values in `table`'s given columns as COPY text, with `overrides` (already text)."""
    fields = {f.column: f for f in table.model._meta.concrete_fields}
    out = []
    for col in table.columns[:table.width]:
        if col in overrides:
            out.append(overrides[col])
            continue
        f = fields[col]
        value = getattr(obj, f.attname)
        text = _const_text(value, f)
        out.append(esc(text) if isinstance(value, str) or isinstance(f, models.JSONField) else text)
    return tuple(out)


def filled_models() -> list:
    """Every table the generator writes (for ANALYZE and the checker)."""
    from chinhquyenso.documents.models import Attachment, Document, DocumentEvent, Recipient, Register
    from chinhquyenso.dossiers.models import (
        DailyCounter,
        Dossier,
        DossierComponent,
        DossierFee,
        Extension,
        ProcessLogEntry,
        ResultDocument,
        SupplementRequest,
    )
    from chinhquyenso.feedback.models import Report, ReportCounter, ReporterContact, ReportEvent
    from chinhquyenso.procedures.models import (
        ComponentSpec,
        FeeSpec,
        Procedure,
        ProcedureVersion,
        ProcessStep,
    )
    from chinhquyenso.questions.models import Counter, Question, QuestionEvent

    return [Procedure, ProcedureVersion, ComponentSpec, FeeSpec, ProcessStep, Dossier, ProcessLogEntry,
            DossierComponent, DossierFee, SupplementRequest, Extension, ResultDocument, DailyCounter, Report,
            ReportEvent, ReporterContact, ReportCounter, Question, QuestionEvent, Counter, Document, DocumentEvent,
            Attachment, Recipient, Register]
