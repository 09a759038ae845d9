"""Brute-force protection for passwords and one-time codes.

Every attempt is a LoginAttempt row. Failures for one identifier, or from one client address,
within LOGIN_LOCKOUT_MINUTES lock further attempts until the oldest failure leaves the window;
while locked we refuse without checking the secret, so a locked attacker learns nothing and
spends no password-hashing time. Refused attempts are not recorded: recording them would
extend the window forever and let anyone keep a victim's account locked just by knocking.

The safeguard answers NĐ 85/2016/NĐ-CP and TT 12/2022/TT-BTTTT (level-2+ information systems
must limit failed sign-in attempts) [I: the article numbers are from memory].
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from chinhquyenso.core.text import is_digits

from . import events
from .models import LoginAttempt, User
from .validators import normalize_phone

logger = logging.getLogger(__name__)


def normalize_identifier(value: str) -> str:
    """"0912 345 678", "+84912345678" and "0912345678" are one identifier; so are e-mail cases."""
    value = (value or "").strip().lower()
    phone = normalize_phone(value)
    if is_digits(phone):
        return phone[:150]
    return value[:150]


def _window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def _max_per_ip() -> int:
    # An office behind one NAT address may want a higher per-address limit than per account.
    return getattr(settings, "LOGIN_MAX_FAILURES_PER_IP", None) or settings.LOGIN_MAX_FAILURES


def is_locked(identifier: str, ip: str) -> bool:
    """One indexed query: failures for the identifier and from the address in the window."""
    since = timezone.now() - _window()
    by_identifier = Q(identifier=identifier)
    # Without a client address only the identifier counts (ip is never NULL, so this matches none).
    by_ip = Q(ip=ip) if ip else Q(ip__isnull=True)
    counts = LoginAttempt.objects.filter(by_identifier | by_ip, succeeded=False, at__gte=since).aggregate(
        identifier=Count("pk", filter=by_identifier), ip=Count("pk", filter=by_ip)
    )
    locked = counts["identifier"] >= settings.LOGIN_MAX_FAILURES or counts["ip"] >= _max_per_ip()
    if locked:
        logger.warning("login refused while locked: identifier=%s ip=%s", identifier, ip)
    return locked


@transaction.atomic
def record_attempt(identifier: str, ip: str, succeeded: bool) -> LoginAttempt:
    attempt = LoginAttempt.objects.create(identifier=identifier[:150], ip=ip[:45], succeeded=succeeded)
    if not succeeded and identifier.startswith("user:"):
        since = timezone.now() - _window()
        failures = LoginAttempt.objects.filter(identifier=identifier, succeeded=False, at__gte=since).count()
        if failures == settings.LOGIN_MAX_FAILURES:  # the failure that locks the account, once per lock
            user = User.objects.filter(pk=int(identifier.removeprefix("user:"))).first()
            if user is not None:
                events.account_locked.send(sender=User, user=user, minutes=lockout_minutes(), attempt=attempt)
    return attempt


def lockout_minutes() -> int:
    return settings.LOGIN_LOCKOUT_MINUTES


def totp_identifier(user) -> str:
    """One-time codes are counted per account, separately from its password failures."""
    return f"totp:{user.pk}"
