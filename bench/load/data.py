"""What the load runs need, prepared in the runner's Django (same database and SECRET_KEY as the
server): one-stop officers at several commune centres with API tokens, sessions, lookup pairs,
the counter-reception body, search terms, and a bulk fill of published Q&A entries when the
synthetic generator does not provide them."""

import datetime
import json
import random

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.utils import timezone

from chinhquyenso.accounts.models import ApiToken, Role, RoleAssignment, User, UserKind
from chinhquyenso.accounts.services import create_api_token
from chinhquyenso.agencies.models import Agency, AgencyKind
from chinhquyenso.core.text import fold
from chinhquyenso.dossiers.models import Dossier
from chinhquyenso.dossiers.workflow import Status
from chinhquyenso.procedures.models import ProcedureVersion, VersionStatus
from chinhquyenso.units.models import AdministrativeUnit, Level

PROVINCE = settings.DEMO_PROVINCE_CODE


def province() -> AdministrativeUnit:
    return AdministrativeUnit.objects.current().get(level=Level.PROVINCE, code=PROVINCE)


def session_for(username: str) -> str:
    """A signed-in session (as after the login form) for a demo account; returns the cookie value."""
    user = User.objects.get(username=username)
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    return s.session_key


def counter_version(prov) -> ProcedureVersion:
    """A published commune-level procedure with required components (a civil-status one when the
    catalogue has it: the most common walk-in dossier)."""
    qs = (ProcedureVersion.objects.filter(province=prov, status=VersionStatus.PUBLISHED, level="xa",
                                          competent_agency__isnull=True)
          .prefetch_related("components").order_by("id"))
    versions = list(qs)
    if not versions:
        raise SystemExit("Không có thủ tục cấp xã đã công bố: chạy load_demo trước.")
    return next((v for v in versions if "khai sinh" in v.name.lower()), versions[0])


def counter_officers(k: int) -> list[dict]:
    """k one-stop officers (bench-motcua-NN), one per commune service centre, each with a fresh
    API token; returns [{agency_id, token, body}] — the JSON body of POST /api/v1/dossiers/counter."""
    prov = province()
    version = counter_version(prov)
    # Not the demo officer's centre: the queue page is measured as motcua and must not grow here.
    taken = RoleAssignment.objects.filter(user__username="motcua").values_list("agency_id", flat=True)
    centres = list(Agency.objects.filter(province=prov, kind=AgencyKind.COMMUNE_SERVICE_CENTRE, is_active=True)
                   .exclude(pk__in=list(taken)).order_by("code")[:k])
    components = [{"spec_id": c.pk, "originals": 1, "copies": 0} for c in version.components.all() if c.required]
    out = []
    with transaction.atomic():
        for i, centre in enumerate(centres, start=1):
            user, _ = User.objects.get_or_create(username=f"bench-motcua-{i:02d}",
                                                 defaults={"full_name": f"Cán bộ một cửa {i:02d}",
                                                           "kind": UserKind.OFFICIAL})
            RoleAssignment.objects.get_or_create(user=user, role=Role.ONE_STOP_OFFICER, agency=centre)
            ApiToken.objects.filter(user=user).delete()
            _, key = create_api_token(user, name="bench load", expires_at=timezone.now() + datetime.timedelta(days=1))
            body = {"reception_agency_id": centre.pk, "procedure_version_id": version.pk,
                    "applicant": {"name": f"Nguyễn Văn Thử {i}", "id_number": f"0380{i:08d}",
                                  "phone": f"0912{i:06d}", "address": "Thôn 1"},
                    "components": components}
            out.append({"agency_id": centre.pk, "user_id": user.pk, "token": key,
                        "body": json.dumps(body, ensure_ascii=False, separators=(",", ":"))})
    return out


def lookup_pairs(n: int, seed: int = 766) -> list[tuple[str, str]]:
    rows = list(Dossier.objects.exclude(status=Status.DRAFT).exclude(code__isnull=True).exclude(applicant_phone="")
                .order_by("?").values_list("code", "applicant_phone")[:n])
    random.Random(seed).shuffle(rows)
    return rows


def queue_ready(username: str = "motcua") -> int:
    """How many rows the officer's queue (all tabs) shows on page 1 (the page size is 50)."""
    from chinhquyenso.dossiers import queries

    return min(50, queries.for_official(User.objects.get(username=username)).count())


# --- Q&A ------------------------------------------------------------------------------------------

def published_questions(prov) -> int:
    from chinhquyenso.questions.models import Question
    from chinhquyenso.questions.models import Status as QStatus

    return Question.objects.filter(province=prov, status=QStatus.PUBLISHED, is_hidden=False).count()


def fill_questions(target: int, seed: int = 766, progress=None) -> int:
    """Bulk-insert published Q&A entries until the province has `target`: titles, questions and
    answers recombined from the demo's real entries (questions.demo.PUBLISHED), each with its own
    commune and date, so the vocabulary and lengths are those of real answers. Fallback for when
    bench/generate.py has no --questions."""
    from chinhquyenso.questions import demo
    from chinhquyenso.questions.models import Question, Topic
    from chinhquyenso.questions.models import Status as QStatus

    prov = province()
    have = published_questions(prov)
    if have >= target:
        return 0
    rng = random.Random(seed + have)
    topics = {t.code: t for t in Topic.objects.filter(province=prov)}
    if not topics:
        raise SystemExit("Chưa có chủ đề hỏi đáp: chạy load_demo trước.")
    fallback = next(iter(topics.values()))
    communes = list(AdministrativeUnit.objects.current().filter(level=Level.COMMUNE, province=prov)
                    .values_list("pk", "name"))
    agencies = {a.unit_id: a.pk for a in Agency.objects.filter(province=prov, kind=AgencyKind.COMMUNE_PC)}
    default_agency = Agency.objects.filter(province=prov).order_by("path").values_list("pk", flat=True).first()
    entries = demo.PUBLISHED
    year = timezone.localdate().year
    # Numbers from 500000 up: far above what the demo's real counter reaches in a year.
    start = Question.objects.filter(code__startswith=f"HD-{PROVINCE}-{year}-", code__gte=f"HD-{PROVINCE}-{year}-5").count()
    rows = []
    now = timezone.now()
    made = 0
    for i in range(target - have):
        topic_code, title, body, answer = entries[rng.randrange(len(entries))]
        _, _, body2, answer2 = entries[rng.randrange(len(entries))]
        unit_id, unit_name = communes[rng.randrange(len(communes))]
        title_i = f"{title} tại {unit_name}"[:200]
        body_i = f"{body} {body2.split('.')[0]}."
        answer_i = f"{answer} {answer2}"
        received = now - datetime.timedelta(days=rng.randint(1, 360), minutes=rng.randint(0, 1440))
        published = received + datetime.timedelta(days=rng.randint(1, 15))
        topic = topics.get(topic_code, fallback)
        rows.append(Question(
            code=f"HD-{PROVINCE}-{year}-{500000 + start + i:06d}", province=prov, unit_id=unit_id, topic=topic,
            agency_id=agencies.get(unit_id) or topic.default_agency_id or default_agency,
            status=QStatus.PUBLISHED, title=title_i, body=body_i, answer=answer_i,
            search_title=fold(title_i), search_body=fold(f"{body_i} {answer_i}"), asker_name="Người hỏi",
            received_at=received, clock_started_at=received, resolved_at=published, resolved_on_time=True,
            approved_at=published, published_at=published, published_on_time=True,
        ))
        if len(rows) == 5000:
            Question.objects.bulk_create(rows)
            made += len(rows)
            rows = []
            if progress:
                progress(made)
    if rows:
        Question.objects.bulk_create(rows)
        made += len(rows)
    return made


SEARCHES = ["đăng ký khai sinh", "dang ky ket hon", "chứng thực bản sao", "giấy phép xây dựng",
            "tạm trú", "thường trú", "hộ kinh doanh", "bảo hiểm xã hội tự nguyện", "trích lục",
            "cấp giấy chứng nhận quyền sử dụng đất", "khai tử", "nhận cha con", "người nước ngoài",
            "tách thửa", "sửa chữa nhà", "xác nhận tình trạng hôn nhân", "đăng ky khai sinh truc tuyen",
            "thừa kế", "trợ cấp", "tạm ngừng kinh doanh"]
