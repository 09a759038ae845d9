"""PDF rendering of the slips with WeasyPrint from Django templates (stack.md §4: HarfBuzz shapes
Vietnamese correctly; the font is embedded from PyPI's fontpkg packages through file URIs; the QR
code is inline SVG). Noto Serif stands in for Times New Roman (NĐ 30/2020), which cannot be
redistributed; Be Vietnam Pro is the fallback family."""

import datetime
import functools
import logging
from urllib.parse import urlencode

import fontpkg
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from ..models import Slip, SlipKind
from ..workflow import CLOSED
from . import catalogue, control

LOOKUP_PATH = "/ho-so/tra-cuu/"

# WeasyPrint narrates every step and fontTools every font instancing at INFO: one slip would
# write dozens of log lines at the platform's default level.
for _name in ("weasyprint", "weasyprint.progress", "fontTools"):
    logging.getLogger(_name).setLevel(logging.WARNING)


@functools.cache
def font_css() -> str:
    faces = []
    for family, alias in (("Noto Serif", "SlipSerif"), ("Be Vietnam Pro", "SlipSans")):
        for style in ("normal", "italic"):
            for weight in ((400, 700) if family == "Be Vietnam Pro" else (400,)):
                try:
                    path = fontpkg.path(family, weight=weight, style=style)
                except fontpkg.FontpkgError:
                    continue
                # Noto Serif ships one variable file per style; WeasyPrint instantiates its bold
                # from the weight axis, so one face per style is enough.
                faces.append(
                    f"@font-face{{font-family:{alias};src:url('{path.as_uri()}');"
                    f"font-style:{style};font-weight:{weight}}}"
                )
    return "\n".join(faces)


def lookup_url(code: str, request=None) -> str:
    """Absolute link to the public lookup page: SITE_URL, else the request's host."""
    base = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    if not base and request is not None:
        base = request.build_absolute_uri("/").rstrip("/")
    return f"{base}{LOOKUP_PATH}?{urlencode({'ma': code})}"


def qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=6, border=1)
    svg = image.to_string(encoding="unicode")
    return svg.split("?>", 1)[-1]  # drop the XML declaration: it is inlined in HTML


def parse(value) -> datetime.datetime | None:
    if not value:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value)
    try:
        return timezone.localtime(datetime.datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return None


def long_date(value) -> str:
    """"ngày 05 tháng 11 năm 2025" as the forms write dates."""
    dt = parse(value)
    return f"ngày {dt:%d} tháng {dt:%m} năm {dt:%Y}" if dt else "ngày …… tháng …… năm ……"


def time_date(value) -> str:
    """"14 giờ 30 phút, ngày 05/11/2025" (giờ/phút/ngày, BM.01 and BM.05)."""
    dt = parse(value)
    return f"{dt:%H} giờ {dt:%M} phút, ngày {dt:%d/%m/%Y}" if dt else "…… giờ …… phút, ngày …/…/……"


def short_date(value) -> str:
    dt = parse(value)
    return f"{dt:%d/%m/%Y}" if dt else ""


def _dates(data: dict) -> dict:
    out = {}
    for key, value in data.items():
        if key.endswith("_at") or key == "respond_by":
            out[key] = {"long": long_date(value), "time": time_date(value), "short": short_date(value)}
    return out


def _render(template: str, context: dict) -> bytes:
    from weasyprint import HTML  # imported late: about a second the first time

    # Legal forms are Vietnamese whatever the reader's interface language.
    with translation.override("vi"):
        html = render_to_string(template, {"font_css": mark_safe(font_css()), **context})  # noqa: S308  # nosec B308 B703  # — @font-face rules built from the installed font files' paths
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def control_rows(slip: Slip, *, now: datetime.datetime | None = None) -> list[control.Handoff]:
    dossier = slip.dossier
    entries = dossier.log.select_related("receiver_agency").order_by("seq")
    return control.handoff_results(control.log_rows(entries), now=now, closed=dossier.status in CLOSED)


def slip_context(slip: Slip, *, request=None, now: datetime.datetime | None = None) -> dict:
    data = slip.data or {}
    form = catalogue.form(slip.kind)
    context = {
        "slip": slip,
        "d": data,
        "dates": _dates(data),
        "form": form,
        "title": SlipKind(slip.kind).label,
        "issued_long": long_date(data.get("issued_at") or slip.issued_at),
        "qr": mark_safe(qr_svg(lookup_url(data["code"], request))) if data.get("code") else "",  # noqa: S308  # nosec B308 B703  # — SVG path data drawn by qrcode; the text is encoded as modules, never copied into the markup
        "lookup_url": lookup_url(data["code"], request) if data.get("code") else "",
    }
    if slip.kind == SlipKind.CONTROL and slip.dossier_id:
        context["rows"] = [
            {"h": h, "started": time_date(h.started_at), "due": time_date(h.due_at) if h.due_at else "",
             "ended": time_date(h.ended_at) if h.ended_at else ""}
            for h in control_rows(slip, now=now)
        ]
        context["coordinating"] = _coordinating(slip)
    return context


def _coordinating(slip: Slip) -> list[str]:
    dossier = slip.dossier
    own = {dossier.reception_agency_id, dossier.resolving_agency_id}
    names = (dossier.log.exclude(receiver_agency_id__isnull=True).exclude(receiver_agency_id__in=own)
             .values_list("receiver_agency__name", flat=True).distinct())
    return sorted(set(names))


def render_pdf(slip: Slip, *, request=None, now: datetime.datetime | None = None) -> bytes:
    """The slip as PDF, re-rendered from its record (the number and content fixed at issue)."""
    return _render(catalogue.form(slip.kind).template, slip_context(slip, request=request, now=now))
