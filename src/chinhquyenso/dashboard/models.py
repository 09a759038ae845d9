"""IOC data: rollups maintained incrementally through a journal, the per-dossier fact view, and
annual plans (docs/adr/0010-ioc-rollups.md).

- Rollup: counters per grain — (day, agency), (month, agency), (month, province, procedure) — with
  the agency's unit and province copied, so any page sums a few hundred rows, never dossiers.
- RollupJournal: a database trigger on the dossier table appends the dossier's old image (sign −1)
  and new image (sign +1) whenever a column the indicators read changes; `rollups.fold()` turns
  pending journal rows into rollup deltas. The fact of a dossier is a function of its own row
  (its parts are summarised on it by dossiers.summary), so the rebuild reads the dossier table alone
  and the incremental path needs no stored per-dossier state.
- DossierFact: a VIEW (the same fact SQL over the dossiers) for drill-downs — what each dossier
  contributes, so a leader can check a figure row by row.
- Plan: an annual target per unit (or the whole province) and indicator; national targets of
  QĐ 2629/QĐ-TTg are the defaults (dashboard.plans).
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now

from chinhquyenso.units.models import AdministrativeUnit

# Counter columns of Rollup, in the order facts contribute them (dashboard.rollups.CONTRIBUTIONS).
RECEIVED_COUNTERS = (
    "received", "online", "full_online_proc", "processed_online", "fee_bearing", "paid_online",
    "digitized_input", "e_result", "paper_result", "paper_result_e", "digitized", "reused", "personal_store",
    "vneid", "synced", "complaint", "rated", "satisfied",
)
ENDED_COUNTERS = ("ended", "ended_judged", "ended_on_time", "finished", "processing_seconds")
DUE_COUNTERS = ("due", "due_on_time")
COUNTERS = RECEIVED_COUNTERS + ENDED_COUNTERS + DUE_COUNTERS
# What grain p (month, province, procedure) carries: the per-procedure figures' counters only.
PROCEDURE_COUNTERS = ("received", "online", "paid_online", "vneid", "finished", "processing_seconds",
                      "ended_judged", "ended_on_time")


class Grain(models.TextChoices):
    DAY = "d", "Ngày (theo cơ quan)"
    MONTH = "m", "Tháng (theo cơ quan)"
    PROCEDURE = "p", "Tháng (theo tỉnh và thủ tục)"


class DossierFact(models.Model):
    """What one dossier contributes to the rollups: a database VIEW over the dossiers (created by
    migration 0002 from rollups.sql.fact_select). Only dossiers that were received (NgayTiepNhan
    set) have a fact: the 766 progress indicator counts from reception."""

    dossier_id = models.BigIntegerField(primary_key=True)
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.DO_NOTHING, related_name="+",
                                 db_constraint=False)
    unit_id = models.BigIntegerField()
    agency_id = models.BigIntegerField()
    procedure_id = models.BigIntegerField()
    received_on = models.DateField()
    ended_on = models.DateField(null=True)
    due_on = models.DateField(null=True)  # judged due day (supplement waiting added back), §2.4
    on_time = models.BooleanField(null=True)  # only for ended dossiers with a due date
    finished = models.BooleanField(default=False)
    processing_seconds = models.BigIntegerField(default=0)
    online = models.BooleanField(default=False)
    full_online_proc = models.BooleanField(default=False)
    processed_online = models.BooleanField(default=False)
    fee_bearing = models.BooleanField(default=False)
    paid_online = models.BooleanField(default=False)
    digitized_input = models.BooleanField(default=False)
    e_result = models.BooleanField(default=False)
    paper_result = models.BooleanField(default=False)
    paper_result_e = models.BooleanField(default=False)
    digitized = models.BooleanField(default=False)
    reused = models.BooleanField(default=False)
    personal_store = models.BooleanField(default=False)
    vneid = models.BooleanField(default=False)
    synced = models.BooleanField(default=False)
    complaint = models.BooleanField(default=False)
    rated = models.BooleanField(default=False)
    satisfied = models.BooleanField(default=False)

    class Meta:
        managed = False  # a view: dashboard/migrations/0002
        verbose_name = "dữ kiện hồ sơ (IOC)"
        verbose_name_plural = "dữ kiện hồ sơ (IOC)"

    def __str__(self) -> str:
        return f"Dữ kiện hồ sơ {self.dossier_id}"


class Rollup(models.Model):
    grain = models.CharField(max_length=1, choices=Grain.choices)
    start = models.DateField()  # the day, or the first day of the month
    agency_id = models.BigIntegerField()  # 0 = all agencies of the province (grain p)
    procedure_id = models.BigIntegerField(default=0)  # 0 = all procedures (grains d and m)
    unit_id = models.BigIntegerField()  # the agency's unit; 0 in grain p
    # Indexed by the key (province, grain, start, …), not by a single-column index.
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.DO_NOTHING, related_name="+",
                                 db_constraint=False, db_index=False)
    received = models.IntegerField(default=0)
    online = models.IntegerField(default=0)
    full_online_proc = models.IntegerField(default=0)
    processed_online = models.IntegerField(default=0)
    fee_bearing = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)
    digitized_input = models.IntegerField(default=0)
    e_result = models.IntegerField(default=0)
    paper_result = models.IntegerField(default=0)
    paper_result_e = models.IntegerField(default=0)
    digitized = models.IntegerField(default=0)
    reused = models.IntegerField(default=0)
    personal_store = models.IntegerField(default=0)
    vneid = models.IntegerField(default=0)
    synced = models.IntegerField(default=0)
    complaint = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    ended = models.IntegerField(default=0)
    ended_judged = models.IntegerField(default=0)
    ended_on_time = models.IntegerField(default=0)
    finished = models.IntegerField(default=0)
    processing_seconds = models.BigIntegerField(default=0)
    due = models.IntegerField(default=0)
    due_on_time = models.IntegerField(default=0)

    class Meta:
        verbose_name = "số liệu tổng hợp (IOC)"
        verbose_name_plural = "số liệu tổng hợp (IOC)"
        constraints = [
            # Province first: the key's index also serves every province-wide read (province, grain,
            # start range), so no second index has to be built by a rebuild or written by a fold.
            models.UniqueConstraint(fields=["province", "grain", "start", "agency_id", "procedure_id"],
                                    name="dashboard_rollup_key"),
        ]
        indexes = [
            models.Index(fields=["unit_id", "grain", "start"], name="dashboard_rollup_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.start} {self.agency_id}/{self.procedure_id}"


class RollupJournal(models.Model):
    """One image of a dossier — its fact columns (dossiers.facts) and the keys and summary flags the
    IOC reads — appended by the database trigger of the dashboard migrations in the dossier write's
    own transaction: sign −1 for the old image, +1 for the new. Folded into Rollup and deleted by
    rollups.fold(); never written by Python."""

    sign = models.SmallIntegerField()
    dossier_id = models.BigIntegerField()
    province_id = models.BigIntegerField()
    resolving_agency_id = models.BigIntegerField()
    procedure_id = models.BigIntegerField()
    procedure_version_id = models.BigIntegerField()
    vneid_verified = models.BooleanField()
    has_digitized_component = models.BooleanField()
    has_reused_component = models.BooleanField()
    has_personal_store_component = models.BooleanField()
    has_electronic_result = models.BooleanField()
    fact_received_on = models.DateField()
    fact_received_month = models.DateField()
    fact_ended_on = models.DateField(null=True)
    fact_ended_month = models.DateField(null=True)
    fact_due_on = models.DateField(null=True)
    fact_due_month = models.DateField(null=True)
    fact_on_time = models.BooleanField(null=True)
    fact_processing_seconds = models.BigIntegerField()
    fact_finished = models.BooleanField()
    fact_online = models.BooleanField()
    fact_online_delivery = models.BooleanField()
    fact_fee_bearing = models.BooleanField()
    fact_paid_online = models.BooleanField()
    fact_synced = models.BooleanField()
    fact_complaint = models.BooleanField()
    fact_rated = models.BooleanField()
    fact_satisfied = models.BooleanField()

    class Meta:
        verbose_name = "nhật ký thay đổi hồ sơ (IOC)"
        verbose_name_plural = "nhật ký thay đổi hồ sơ (IOC)"

    def __str__(self) -> str:
        return f"{self.sign:+d} hồ sơ {self.dossier_id}"


# The dossier columns the journal copies (all of RollupJournal but its own id, sign and dossier_id):
# dossiers.facts.FACT_INPUTS + FACT_FIELDS (a test checks they match).
IMAGE_COLUMNS = tuple(f.column for f in RollupJournal._meta.concrete_fields if f.name not in ("id", "sign", "dossier_id"))


class Plan(models.Model):
    """Kế hoạch năm: the target (a percentage) of one indicator for a unit in a year. `unit` is
    the province itself for the province-wide target; communes without their own row inherit it,
    then the national default (dashboard.plans.NATIONAL_TARGETS)."""

    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị")
    year = models.PositiveSmallIntegerField("năm")
    indicator = models.CharField("chỉ số", max_length=32)
    target = models.DecimalField("chỉ tiêu (%)", max_digits=5, decimal_places=2)
    source = models.CharField("căn cứ", max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name = "chỉ tiêu kế hoạch"
        verbose_name_plural = "chỉ tiêu kế hoạch"
        constraints = [models.UniqueConstraint(fields=["unit", "year", "indicator"], name="dashboard_plan_unique")]
        indexes = [models.Index(fields=["province", "year"], name="dashboard_plan_province_year")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.target}%"
