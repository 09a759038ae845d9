"""Every province-scoped table carries its province (ARCHITECTURE.md), so a national deployment
can shard by province (docs/deploy/national.md: Citus, distribution column province_id).

A model is tenant-scoped when one of its foreign keys points at a province-owned row: a row
that carries a province itself (agencies, communes, dossiers…) or is tenant-scoped in turn. Such a
model must have its own `province` foreign key or `province_code` column, unless it is listed
below as national/global data (a Citus reference table) with the reason, or as a known gap.

KNOWN_GAPS are real gaps, listed so that this test catches every NEW one now; each must get a
province column (migration + services setting it) before the national sharded deployment. The
test also fails when a listed gap is fixed and not removed from the list, so the list only shrinks.
"""

from django.apps import apps
from django.conf import settings

PROVINCE_FIELDS = {"province", "province_code"}

# National or global data, replicated to every node as a Citus reference table.
REFERENCE: dict[str, str] = {
    "units.AdministrativeUnit": "national administrative-unit catalogue (QĐ 19/2025/QĐ-TTg codes); communes carry their province",
    "units.UnitDataLoad": "log of catalogue loads, national",
    "agencies.Department": "agency directory: small, read by every access check (joins with agencies and role grants)",
    "agencies.ReceptionPoint": "agency directory (where each agency receives dossiers)",
    "workdays.CalendarYear": "national holiday calendar",
    "workdays.CalendarEntry": "national holiday calendar",
    "workdays.OfficeHours": "agency directory (office hours per agency)",
    "accounts.User": "one account for a citizen or official across provinces (VNeID identity is national)",
    "accounts.RoleAssignment": "agency directory: the access predicate joins it with agencies on every query",
    "accounts.LoginAttempt": "login throttling by account/address, before any province is known",
    "accounts.ApiToken": "belongs to a user (national)",
    "accounts.ExternalIdentity": "belongs to a user (national)",
    "audit.ChainHead": "one hash-chain head row per chain, maintained by the audit app",
    "notifications.NotificationTemplate": "message templates per event, national",
    "notifications.LocalMessage": "development/test outbox of the local channel, not production data",
    "procedures.Sector": "national sector list (Cổng DVCQG)",
    "procedures.SectorField": "national field list (Cổng DVCQG)",
    "documents.DocumentType": "national document types (NĐ 30/2020, Phụ lục III)",
    "documents.IssuerProfile": "agency directory (issuer name/abbreviation of an agency)",
    "sectordata.Sector": "national sector list",
    "community.PhoneCode": "one-time codes by phone number for quiz entries, short-lived",
}

# Tenant-scoped tables that do not carry their province yet (to fix before sharding).
KNOWN_GAPS: dict[str, str] = {
    "dossiers.DailyCounter": "per-agency daily dossier counter",
    "dossiers.SlipCounter": "per-agency slip counter",
    "feedback.CategoryQuestion": "child of Category",
    "feedback.CategoryRoute": "child of Category",
    "feedback.ReporterContact": "child of Report",
    "feedback.ReportEvent": "child of Report",
    "feedback.Photo": "child of Report",
    "feedback.MeToo": "child of Report",
    "questions.TopicRoute": "child of Topic",
    "documents.DocumentAccess": "child of Document",
    "documents.Attachment": "child of Document",
    "documents.Recipient": "child of Document",
    "documents.DocumentEvent": "child of Document",
    "exchange.MessageEvent": "child of Message",
    "community.Choice": "child of community.Question",
    "community.Answer": "child of Entry",
    "assessment.CriteriaGroup": "child of CriteriaSet",
    "assessment.Indicator": "child of CriteriaSet",
    "assessment.IndicatorScore": "child of Assessment",
    "assessment.AssessmentEvent": "child of Assessment",
}

# Foreign keys to these never make a row province-owned (a user is national).
NATIONAL_TARGETS = {"accounts.User"}


def _local_models():
    for app in settings.LOCAL_APPS:
        yield from apps.get_app_config(app.rsplit(".", 1)[-1]).get_models()


def _carries_province(model) -> bool:
    return any(f.name in PROVINCE_FIELDS for f in model._meta.concrete_fields)


def _tenant_scoped() -> dict[str, str]:
    """{model label: the foreign key that makes it tenant-scoped} for models without a province."""
    models = list(_local_models())
    owned = {m._meta.label for m in models if _carries_province(m)}
    found: dict[str, str] = {}
    changed = True
    while changed:  # transitive: a child of a child of a province-owned row is scoped too
        changed = False
        for model in models:
            label = model._meta.label
            if label in owned or label in found:
                continue
            for field in model._meta.concrete_fields:
                target = field.related_model._meta.label if field.is_relation and field.related_model else None
                if target and target not in NATIONAL_TARGETS and (target in owned or target in found):
                    found[label] = f"{field.name} → {target}"
                    changed = True
                    break
    return found


def test_every_tenant_scoped_table_carries_its_province():
    missing = {label: via for label, via in _tenant_scoped().items() if label not in REFERENCE}
    new_gaps = {label: via for label, via in missing.items() if label not in KNOWN_GAPS}
    assert new_gaps == {}, (
        "These models hang off province-owned rows but have no province column: add "
        "`province = ForeignKey(AdministrativeUnit)` (set by the service that creates them), or list "
        f"them in REFERENCE with the reason they are national: {new_gaps}"
    )
    fixed = sorted(set(KNOWN_GAPS) - set(missing))
    assert fixed == [], f"Fixed gaps still listed in KNOWN_GAPS (remove them): {fixed}"


def test_allowlists_name_real_models_with_reasons():
    labels = {m._meta.label for m in _local_models()}
    for name, reasons in (("REFERENCE", REFERENCE), ("KNOWN_GAPS", KNOWN_GAPS)):
        assert set(reasons) <= labels, f"{name} names models that do not exist: {set(reasons) - labels}"
        assert all(reason.strip() for reason in reasons.values())
    assert not set(REFERENCE) & set(KNOWN_GAPS)


def test_the_detector_sees_a_scoped_child_without_a_province():
    """The rule itself: a child of Dossier without a province is caught (Dossier carries one)."""
    from chinhquyenso.dossiers.models import Dossier, DossierComponent

    assert _carries_province(Dossier) and _carries_province(DossierComponent)
    scoped = _tenant_scoped()
    assert "feedback.Photo" in scoped and scoped["feedback.Photo"] == "report → feedback.Report"
    assert "accounts.ApiToken" not in scoped  # a user's token: users are national
