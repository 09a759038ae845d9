from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from ..slips.rendering import qr_svg as _qr_svg
from ..workflow import Channel, Status

register = template.Library()


@register.filter
def qr_svg(text: str) -> str:
    """An inline SVG QR code (no image request, allowed by the CSP)."""
    return mark_safe(_qr_svg(text)) if text else ""  # noqa: S308  # nosec B308 B703  # — SVG path data drawn by qrcode; the text is encoded as modules, never copied into the markup


@register.simple_tag
def vietqr_account_name() -> str:
    return settings.VIETQR_ACCOUNT_NAME


def _label(choices, value):
    try:
        return choices(value).label
    except ValueError:
        return value


@register.filter
def status_label(value):
    """The national status code's name. Model.get_status_display() rebuilds and hashes the whole
    choice list, translating every label, on each call: ~60 µs a row on a 50-row list."""
    return _label(Status, value)


@register.filter
def channel_label(value):
    return _label(Channel, value)
