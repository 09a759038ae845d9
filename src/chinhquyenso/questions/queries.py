"""Reads shared by the pages, the API and the KPIs (scoped querysets, never Python loops)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Case, Count, DateTimeField, F, Q, QuerySet, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.queries import scope, visible_agencies

from . import search as search_backend
from . import workflow
from .models import Question, Status, Topic

PUBLIC_RELATED = ("topic", "procedure__current_version", "agency")


def public_questions(*, province_id: int | None = None, topic_id: int | None = None) -> QuerySet[Question]:
    """What anyone may read: published, not hidden. Never exposes who asked (templates and API
    schemas of public pages have no asker fields)."""
    qs = Question.objects.filter(status=Status.PUBLISHED, is_hidden=False).select_related(*PUBLIC_RELATED)
    if province_id is not None:
        qs = qs.filter(province_id=province_id)
    if topic_id is not None:
        qs = qs.filter(topic_id=topic_id)
    return qs.order_by("-published_at", "-id")


@dataclass(frozen=True)
class Page:
    items: list[Question]
    total: int
    more: bool = False  # the search found more than it ranks (search.RANK_CANDIDATES)


# What a result list shows (questions/_item.html), as plain rows: a question row also carries the
# question, the answer and their folded copies (kilobytes each), the related procedure version is
# a wide row, and building twenty model instances with their joins cost twice the CPU of the
# whole statement (bench/load: the search page is CPU-bound). The answer comes as its first
# EXCERPT_CHARS characters.
EXCERPT_CHARS = 221  # _item.html cuts at 220: one more tells it whether to add "…"


def listing_rows(qs: QuerySet[Question]) -> QuerySet:
    return qs.values("pk", "code", "title", "published_at", topic_name=F("topic__name"), agency_name=F("agency__name"),
                     version_name=F("procedure__current_version__name"), excerpt=Substr("answer", 1, EXCERPT_CHARS))


def search(text: str, *, province_id: int | None = None, topic_id: int | None = None, limit: int = 20,
           offset: int = 0, similar: bool = False, exclude_id: int | None = None, listing: bool = False) -> Page:
    """Ranked, diacritics-insensitive search of published answers; picks the database's backend
    (search.py). Empty text lists the newest published answers. Two queries per page. `listing`:
    the items are listing_rows() (what a result list shows) instead of questions."""
    text = (text or "").strip()
    if not text:
        qs = public_questions(province_id=province_id, topic_id=topic_id)
        return Page(list((listing_rows(qs) if listing else qs)[offset:offset + limit]), qs.count())
    hits = search_backend.find(text, province_id=province_id, topic_id=topic_id, exclude_id=exclude_id,
                               limit=limit, offset=offset, similar=similar)
    if not hits.ids:
        return Page([], hits.total, hits.more)
    if listing:
        rows = {row["pk"]: row for row in listing_rows(public_questions().filter(pk__in=hits.ids))}
    else:
        rows = public_questions().in_bulk(hits.ids)
    return Page([rows[i] for i in hits.ids if i in rows], hits.total, hits.more)


def similar(text: str, *, province_id: int | None = None, limit: int = 5) -> list[Question]:
    """"Similar questions already answered", for the ask form while the citizen types."""
    if len(search_backend.terms(text)) == 0 or len((text or "").strip()) < 4:
        return []
    return search(text, province_id=province_id, limit=limit, similar=True).items


def faq(*, province_id: int | None = None, topic_id: int | None = None) -> QuerySet[Question]:
    return public_questions(province_id=province_id, topic_id=topic_id).filter(is_faq=True).order_by(
        "topic__position", "topic__name", "faq_position", "-published_at"
    )


def topics(province_id: int | None = None) -> QuerySet[Topic]:
    qs = Topic.objects.filter(is_active=True).select_related("province")
    if province_id is not None:
        qs = qs.filter(province_id=province_id)
    return qs.annotate(
        published=Count("questions", filter=Q(questions__status=Status.PUBLISHED, questions__is_hidden=False))
    )


TOPIC_COUNTS_SECONDS = 300


def public_topics(province_id: int) -> list[Topic]:
    """The public pages' topic list with its published counts, cached for a few minutes per
    province: counting 100,000 answers per topic on every search cost ~100 ms (bench/load), and a
    count a few minutes old next to a topic name misleads nobody."""
    key = f"questions:topics:{province_id}"
    rows = cache.get(key)
    if rows is None:
        rows = list(topics(province_id))
        cache.set(key, rows, TOPIC_COUNTS_SECONDS)
    return rows


def get_public(code: str) -> Question | None:
    return public_questions().filter(code=code).first()


# --- officials -------------------------------------------------------------------------------

OFFICIAL_ROLES = (Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER, Role.IOC_OPERATOR)


def with_current_due(qs: QuerySet[Question]) -> QuerySet[Question]:
    """The deadline that matters now: publish_due once approved, else answer_due."""
    return qs.annotate(
        current_due=Case(When(status=Status.APPROVED, then=F("publish_due")), default=F("answer_due"),
                         output_field=DateTimeField())
    )


def deadline_of(question: Question) -> datetime.datetime | None:
    if question.status == Status.APPROVED:
        return question.publish_due
    if question.status in (Status.SUBMITTED, Status.ASSIGNED, Status.DRAFTED):
        return question.answer_due
    return None


def for_officials(user, roles=OFFICIAL_ROLES) -> QuerySet[Question]:
    """Questions routed to agencies in the user's scope (one SQL predicate)."""
    return scope(Question.objects.all(), user, agency_field="agency", roles=roles)


QUEUES = {
    # box: (statuses, roles whose scope decides, label)
    "intake": ((Status.SUBMITTED,), workflow.INTAKE_ROLES, "Chờ phân công"),
    "answer": ((Status.ASSIGNED,), (Role.SPECIALIST,), "Chờ trả lời"),
    "approve": ((Status.DRAFTED,), (Role.LEADER,), "Chờ duyệt"),
    "publish": ((Status.APPROVED,), workflow.TRANSITIONS["publish"].roles, "Chờ công khai"),
    "waiting": ((Status.INFO_REQUESTED,), OFFICIAL_ROLES, "Chờ người hỏi bổ sung"),
    "done": ((Status.PUBLISHED, Status.REFUSED), OFFICIAL_ROLES, "Đã xong"),
}


def queue(user, box: str) -> QuerySet[Question]:
    statuses, roles, _label = QUEUES[box]
    qs = for_officials(user, roles).filter(status__in=statuses)
    if box == "answer":
        qs = qs.filter(Q(assignee_id=user.pk) | Q(assignee__isnull=True))
    qs = with_current_due(qs).select_related("topic", "agency", "assignee")
    if box == "done":
        return qs.order_by("-updated_at", "-id")
    return qs.order_by(F("current_due").asc(nulls_last=True), "id")


def queue_counts(user) -> dict[str, int]:
    """How many questions wait in each box (one query per box, independent of row count)."""
    return {box: queue(user, box).count() for box in QUEUES}


def can_see_identity(user, question: Question) -> bool:
    """The asker's identity is for the asker and the province's IOC operators only — never the
    handling agency nor the public (issue 4, as for field reports)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if question.asker_id == user.pk:
        return True
    return visible_agencies(user, [Role.IOC_OPERATOR]).filter(pk=question.agency_id).exists()


def mine(user) -> QuerySet[Question]:
    if not getattr(user, "is_authenticated", False):
        return Question.objects.none()
    return Question.objects.filter(asker_id=user.pk).select_related("topic", "agency").order_by("-received_at", "-id")


def history(question: Question, *, public_only: bool = False):
    events = question.events.select_related("actor")
    return events.filter(is_public=True) if public_only else events


def open_flags(user):
    from .models import Flag

    agencies = visible_agencies(user, workflow.MODERATOR_ROLES)
    return Flag.objects.filter(resolved_at__isnull=True, question__agency__in=agencies.values("pk")).select_related(
        "question"
    )


# --- QĐ 766 indicators 5.1–5.3 (the PAKN part that questions contribute) --------------------


def indicators(*, province_id: int, since: datetime.datetime, until: datetime.datetime) -> dict:
    """Counts over questions received in [since, until) — vn-regulations §3 [S]:

    5.1 classified / received; 5.2 (resolved on time + open and not yet due) / received;
    5.3 inputs: dislikes, likes, overdue (resolved late or open past due). Ratios are left to the
    dashboard (it rounds to 2 decimals and shows N/A when the denominator is 0)."""
    now = timezone.now()
    qs = with_current_due(Question.objects.filter(province_id=province_id, received_at__gte=since, received_at__lt=until))
    open_q = Q(resolved_at__isnull=True, status__in=(Status.SUBMITTED, Status.ASSIGNED, Status.DRAFTED))
    # Aggregate aliases may not shadow model fields (resolved_on_time, satisfied, ...): prefix them.
    counts = qs.aggregate(
        n_received=Count("id"),
        n_classified=Count("id", filter=~Q(classification="")),
        n_about_procedures=Count("id", filter=Q(classification="procedure")),
        n_resolved=Count("id", filter=Q(resolved_at__isnull=False)),
        n_resolved_on_time=Count("id", filter=Q(resolved_on_time=True)),
        n_open_within_due=Count("id", filter=open_q & Q(answer_due__gte=now)),
        n_overdue=Count("id", filter=Q(resolved_on_time=False) | (open_q & Q(answer_due__lt=now))),
        n_published=Count("id", filter=Q(status=Status.PUBLISHED)),
        n_published_on_time=Count("id", filter=Q(published_on_time=True)),
        n_satisfied=Count("id", filter=Q(satisfied=True)),
        n_dissatisfied=Count("id", filter=Q(satisfied=False)),
    )
    return {key[2:]: value for key, value in counts.items()}


# --- choices for the officers' forms ---------------------------------------------------------


def specialists_for(agency):
    """Active specialists whose grant covers `agency` (directly or through a subtree grant)."""
    from django.db.models.functions import Length, Substr

    from chinhquyenso.accounts.models import RoleAssignment, User

    grants = RoleAssignment.objects.active().filter(role=Role.SPECIALIST).annotate(
        prefix=Substr(Value(agency.path), 1, Length("agency__path"))
    ).filter(Q(agency_id=agency.pk) | Q(include_subagencies=True, prefix=F("agency__path")))
    return User.objects.filter(pk__in=grants.values("user_id"), is_active=True).order_by("full_name")


def route_targets(question: Question):
    from chinhquyenso.agencies.models import Agency

    return Agency.objects.filter(province_id=question.province_id, is_active=True).exclude(
        pk=question.agency_id
    ).only("pk", "name").order_by("path")
