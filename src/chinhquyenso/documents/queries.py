"""Scoped reads of documents shared by pages, API, exports and KPIs.

Visibility is ONE queryset filter (ARCHITECTURE.md habit 6):
    the document's agency, lead unit or a co-ordinating unit is in the user's visible agencies
    AND (the document is not classified OR the user is on its access list).
Classified documents (Mật and above) are never visible through a role alone — not even to
system administrators — only to the people they were registered by, forwarded, approved or
assigned to (DocumentAccess)."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from chinhquyenso.accounts.queries import visible_agencies
from chinhquyenso.core.text import fold

from .models import Direction, Document, DocumentAccess, Secrecy


def visible_documents(user) -> QuerySet[Document]:
    if not getattr(user, "is_authenticated", False) or not user.is_active or not getattr(user, "is_official", False):
        return Document.objects.none()
    agencies = visible_agencies(user)
    if agencies.query.is_empty():
        return Document.objects.none()
    ids = agencies.values("pk")
    coordinating = Document.coordinating_units.through.objects.filter(document_id=OuterRef("pk"), agency_id__in=ids)
    in_scope = Q(agency_id__in=ids) | Q(lead_unit_id__in=ids) | Exists(coordinating)
    on_list = Exists(DocumentAccess.objects.filter(document_id=OuterRef("pk"), user_id=user.pk))
    return Document.objects.filter(in_scope).filter(Q(secrecy=Secrecy.NONE) | on_list)


@dataclass
class Filters:
    direction: str = ""
    q: str = ""
    status: str = ""
    doc_type: str = ""
    urgency: str = ""
    year: int | None = None
    agency_id: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    overdue: bool = False


def search_terms(q: str) -> list[str]:
    """Folded words of a query; each must occur in the document's folded text."""
    return [w for w in fold(q).replace('"', " ").split(" ") if w][:10]


def apply_search(qs: QuerySet[Document], q: str) -> QuerySet[Document]:
    """Diacritics-insensitive: "quyet dinh dat dai" finds "Quyết định … đất đai". Each word is a
    substring match on the folded column; on PostgreSQL a pg_trgm GIN index serves it
    (migration 0003), on SQLite it is a scan of one text column (docs/adr/…-document-search)."""
    for term in search_terms(q):
        qs = qs.filter(search_folded__contains=term)
    return qs


def documents(user, f: Filters | None = None) -> QuerySet[Document]:
    from django.utils import timezone

    f = f or Filters()
    qs = visible_documents(user)
    if f.direction:
        qs = qs.filter(direction=f.direction)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.doc_type:
        qs = qs.filter(doc_type__code=f.doc_type)
    if f.urgency:
        qs = qs.filter(urgency=f.urgency)
    if f.agency_id:
        qs = qs.filter(agency_id=f.agency_id)
    if f.year:
        qs = qs.filter(register__year=f.year)
    date_field = "received_at__date" if f.direction == Direction.INCOMING else "created_at__date"
    if f.date_from:
        qs = qs.filter(**{f"{date_field}__gte": f.date_from})
    if f.date_to:
        qs = qs.filter(**{f"{date_field}__lte": f.date_to})
    if f.overdue:
        qs = qs.filter(processing_deadline__lt=timezone.now(), completed_at__isnull=True)
    if f.q:
        qs = apply_search(qs, f.q)
    return qs.select_related("doc_type", "agency", "lead_unit", "register")


def register_rows(user, agency_id: int, year: int, direction: str, confidential: bool = False) -> QuerySet[Document]:
    """The register of one agency and year in number order (the register forms of Phụ lục IV)."""
    qs = visible_documents(user).filter(
        register__agency_id=agency_id, register__year=year, register__direction=direction,
        register__confidential=confidential,
    )
    return qs.select_related("doc_type", "lead_unit", "agency").order_by("register_number")


def register_agencies(user):
    """Agencies whose registers the user may export: clerks' and leaders' agencies."""
    from chinhquyenso.accounts.models import Role

    return visible_agencies(user, [Role.DOCUMENT_CLERK, Role.LEADER])


def timeline(document: Document):
    return document.events.select_related("actor").order_by("at", "pk")
