from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from ..slips.rendering import qr_svg as _qr_svg

register = template.Library()


@register.filter
def qr_svg(text: str) -> str:
    """An inline SVG QR code (no image request, allowed by the CSP)."""
    return mark_safe(_qr_svg(text)) if text else ""  # noqa: S308  # nosec B308 B703  # — SVG path data drawn by qrcode; the text is encoded as modules, never copied into the markup


@register.simple_tag
def vietqr_account_name() -> str:
    return settings.VIETQR_ACCOUNT_NAME
