"""Session side of TOTP two-factor authentication (RFC 6238): which session has passed its
second factor, the pending enrolment secret, and the QR code (rendered here as inline SVG, so
the secret never leaves the server — no external QR service)."""

import pyotp
import qrcode
import qrcode.image.svg
from django.conf import settings

SESSION_VERIFIED = "accounts.2fa_verified"
SESSION_PENDING_SECRET = "accounts.2fa_pending_secret"  # noqa: S105 - a session key name
ISSUER_NAME = "Chính quyền số"


def is_verified(request) -> bool:
    return request.session.get(SESSION_VERIFIED) == request.user.pk


def mark_verified(request) -> None:
    # A new session key at the privilege step, as login() does at the first factor.
    request.session.cycle_key()
    request.session[SESSION_VERIFIED] = request.user.pk


def provisioning_uri(user, secret: str) -> str:
    label = user.email or user.phone or user.username
    return pyotp.TOTP(secret).provisioning_uri(name=label, issuer_name=getattr(settings, "TOTP_ISSUER", ISSUER_NAME))


def qr_svg(data: str) -> str:
    """An <svg> element for inline use in a template (sized in mm by the qrcode library)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    return svg.replace("<svg ", '<svg class="qr" role="img" aria-label="QR" ', 1)
