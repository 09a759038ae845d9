"""Channel plugins (ARCHITECTURE.md habit 8: every external system is a plugin behind a small
registry, with a real implementation and a local one).

settings.NOTIFICATION_CHANNELS maps a channel code ("email", "sms", "zalo") to a BACKEND class
path plus options; the other keys are passed to the class lower-cased:

    "sms":  {"BACKEND": "chinhquyenso.notifications.channels.BrandnameSmsChannel",
             "URL": ..., "TOKEN": ..., "BRANDNAME": ..., "TIMEOUT": 10}
    "zalo": {"BACKEND": "chinhquyenso.notifications.channels.ZaloZnsChannel",
             "URL": "https://business.openapi.zalo.me/message/template", "ACCESS_TOKEN": ...}

A backend's send() returns a SendResult or raises TransientChannelError (worth retrying later:
timeouts, 5xx, 429, provider "try again") or PermanentChannelError (retrying cannot help:
4xx, invalid phone, unknown template). services.attempt_delivery turns those into the delivery
log and the back-off schedule.
"""

from __future__ import annotations

import functools
import smtplib
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from chinhquyenso.accounts.validators import normalize_phone, validate_phone


@dataclass(frozen=True)
class OutgoingMessage:
    channel: str
    to: str  # e-mail address or Vietnamese phone number (0xxxxxxxxx)
    subject: str
    body: str
    reference: str  # short unique id of the delivery, for provider-side reconciliation
    provider_template_id: str = ""
    provider_data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str = ""


class ChannelError(Exception):
    permanent = False

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TransientChannelError(ChannelError):
    """The provider may accept the same message later: retry with back-off."""


class PermanentChannelError(ChannelError):
    """The same message will never be accepted: do not retry."""

    permanent = True


class BaseChannel:
    def __init__(self, code: str, options: dict[str, Any]):
        self.code = code
        self.options = options

    def option(self, name: str, default: Any = None, *, required: bool = False) -> Any:
        value = self.options.get(name, default)
        if required and not value:
            raise ImproperlyConfigured(
                f"NOTIFICATION_CHANNELS[{self.code!r}][{name.upper()!r}] is required by {type(self).__name__}"
            )
        return value

    def send(self, message: OutgoingMessage) -> SendResult:
        raise NotImplementedError

    def find_sent(self, message: OutgoingMessage) -> SendResult | None:
        """The provider's record of a message it already accepted under `message.reference`, or
        None when it has none or cannot be asked. services.attempt_delivery asks before every
        retry, so an attempt whose outcome was never recorded (the worker was killed after the
        provider accepted the message, or the answer was lost) is recorded as sent instead of
        being sent twice. A channel that cannot answer keeps at-least-once delivery after such a
        crash; a provider that can be queried by reference should implement this."""
        return None


# --- registry --------------------------------------------------------------------------------


def configured_channels() -> list[str]:
    return list(getattr(settings, "NOTIFICATION_CHANNELS", {}))


@functools.cache
def get_channel(code: str) -> BaseChannel:
    """The backend instance for a channel code, built once from settings."""
    conf = getattr(settings, "NOTIFICATION_CHANNELS", {}).get(code)
    if not conf or "BACKEND" not in conf:
        raise ImproperlyConfigured(f"Notification channel {code!r} is not configured in NOTIFICATION_CHANNELS")
    try:
        backend = import_string(conf["BACKEND"])
    except ImportError as exc:
        raise ImproperlyConfigured(f"Cannot import notification backend {conf['BACKEND']!r}: {exc}") from exc
    if not (isinstance(backend, type) and issubclass(backend, BaseChannel)):
        raise ImproperlyConfigured(f"{conf['BACKEND']!r} is not a notifications BaseChannel subclass")
    options = {key.lower(): value for key, value in conf.items() if key != "BACKEND"}
    return backend(code, options)


@receiver(setting_changed)
def _reset_registry(*, setting: str, **kwargs) -> None:
    if setting == "NOTIFICATION_CHANNELS":
        get_channel.cache_clear()


# --- phone numbers ---------------------------------------------------------------------------


def vn_msisdn(phone: str) -> str:
    """0912345678 / +84 912 345 678 → 84912345678 (what Zalo ZNS and most SMS gateways take)."""
    national = normalize_phone(phone)
    try:
        validate_phone(national)
    except ValidationError as exc:
        raise PermanentChannelError(f"Số điện thoại không hợp lệ: {phone!r}.") from exc
    return "84" + national[1:]


def strip_diacritics(text: str) -> str:
    """Unaccented Vietnamese for gateways that only take GSM 7-bit text ("Đăng ký" → "Dang ky")."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


# --- local and e-mail ------------------------------------------------------------------------


class LocalChannel(BaseChannel):
    """Records the message in the database (LocalMessage) instead of sending it."""

    def send(self, message: OutgoingMessage) -> SendResult:
        from .models import LocalMessage

        local = LocalMessage.objects.create(
            channel=self.code,
            to=message.to,
            subject=message.subject,
            body=message.body,
            provider_template_id=message.provider_template_id,
            provider_data=message.provider_data,
            reference=message.reference,
        )
        return SendResult(provider_message_id=f"local-{local.pk}")

    def find_sent(self, message: OutgoingMessage) -> SendResult | None:
        from .models import LocalMessage

        local = LocalMessage.objects.filter(channel=self.code, reference=message.reference).order_by("pk").first()
        return SendResult(provider_message_id=f"local-{local.pk}") if local else None


class EmailChannel(BaseChannel):
    """Django's mail framework (EMAIL_BACKEND: console in development, SMTP when configured)."""

    def send(self, message: OutgoingMessage) -> SendResult:
        message_id = make_msgid()
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=self.option("from_email") or None,
            to=[message.to],
            headers={"Message-ID": message_id, "X-CQS-Reference": message.reference},
        )
        try:
            # MAILER picks a Django 6.1 MAILERS alias; default: the default mailer.
            email.send(fail_silently=False, using=self.option("mailer") or None)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentChannelError(f"Máy chủ thư từ chối địa chỉ người nhận: {exc}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransientChannelError(f"Không gửi được thư: {exc}") from exc
        return SendResult(provider_message_id=message_id)


# --- HTTP JSON providers ---------------------------------------------------------------------


class HttpJsonChannel(BaseChannel):
    """POST a JSON body, classify the HTTP outcome, let a subclass map request and response.

    A province whose carrier speaks another dialect subclasses this (or BrandnameSmsChannel)
    and overrides only build_request() and parse_response(), then points SMS_BACKEND at it."""

    default_timeout = 10.0

    def build_request(self, message: OutgoingMessage) -> tuple[str, dict[str, str], dict[str, Any]]:
        raise NotImplementedError

    def parse_response(self, response: requests.Response, message: OutgoingMessage) -> SendResult:
        raise NotImplementedError

    def send(self, message: OutgoingMessage) -> SendResult:
        url, headers, payload = self.build_request(message)
        timeout = float(self.option("timeout", self.default_timeout))
        try:
            response = requests.post(url, json=payload, headers=headers, timeout=timeout)
        except requests.Timeout as exc:
            raise TransientChannelError(f"Nhà cung cấp không trả lời trong {timeout:g} giây.") from exc
        except requests.RequestException as exc:
            raise TransientChannelError(f"Không kết nối được tới nhà cung cấp: {type(exc).__name__}.") from exc
        status = response.status_code
        if status in (408, 425, 429) or status >= 500:
            raise TransientChannelError(f"Nhà cung cấp báo lỗi tạm thời (HTTP {status}).")
        if status >= 400:
            raise PermanentChannelError(f"Nhà cung cấp từ chối yêu cầu (HTTP {status}): {response.text[:300]}")
        return self.parse_response(response, message)

    @staticmethod
    def json_of(response: requests.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError as exc:
            # Accepted or not is unknown; retrying could send twice, so stop and let staff check.
            raise PermanentChannelError(
                f"Phản hồi của nhà cung cấp không phải JSON (HTTP {response.status_code})."
            ) from exc
        if not isinstance(data, dict):
            raise PermanentChannelError("Phản hồi của nhà cung cấp không đúng định dạng.")
        return data


class BrandnameSmsChannel(HttpJsonChannel):
    """A generic brandname-SMS gateway speaking this JSON interface (the platform's contract;
    carriers with another format get a small subclass):

        POST {URL}
        Authorization: Bearer {TOKEN}
        Content-Type: application/json
        {"to": "84912345678", "brandname": "{BRANDNAME}", "message": "<text>", "reference": "cqs-42"}

        2xx  {"id": "<provider message id>"}              accepted ("message_id" also read)
        2xx  {"error": "<reason>"}                        refused → permanent
        408/425/429/5xx, timeout, connection error        retried with back-off
        other 4xx                                         permanent, not retried

    Options: URL, TOKEN, BRANDNAME (required); TIMEOUT (seconds, default 10);
    STRIP_DIACRITICS (send unaccented text, for gateways without Unicode SMS; default False).
    """

    def build_request(self, message: OutgoingMessage) -> tuple[str, dict[str, str], dict[str, Any]]:
        url = self.option("url", required=True)
        token = self.option("token", required=True)
        text = message.body
        if self.option("strip_diacritics", False):
            text = strip_diacritics(text)
        payload = {
            "to": vn_msisdn(message.to),
            "brandname": self.option("brandname", required=True),
            "message": text,
            "reference": message.reference,
        }
        return url, {"Authorization": f"Bearer {token}", "Accept": "application/json"}, payload

    def parse_response(self, response: requests.Response, message: OutgoingMessage) -> SendResult:
        data = self.json_of(response)
        if data.get("error"):
            raise PermanentChannelError(f"Cổng SMS từ chối tin nhắn: {str(data['error'])[:300]}")
        return SendResult(provider_message_id=str(data.get("id") or data.get("message_id") or ""))


class ZaloZnsChannel(HttpJsonChannel):
    """Zalo Notification Service (ZNS) through a Zalo Official Account.

        POST https://business.openapi.zalo.me/message/template
        access_token: {ACCESS_TOKEN}          (the OA's access token, a header, not a query param)
        Content-Type: application/json
        {"phone": "84912345678", "template_id": "<approved ZNS template>",
         "template_data": {"<param>": "<value>", ...}, "tracking_id": "cqs-42"}

        200  {"error": 0, "message": "Success", "data": {"msg_id": "...", "sent_time": "...", "quota": {...}}}
        200  {"error": -108, "message": "Phone number invalid"}   (error ≠ 0 means refused)

    Error codes from Zalo's "Cách xử lý mã lỗi" guide (zalo.cloud/zns/guidelines/handle-error-code):
    the ones tied to this recipient or this template can never succeed on retry; the rest
    (-100 unknown error, app/OA/token/quota problems that an operator can fix) are retried with
    back-off until NOTIFICATION_MAX_ATTEMPTS. The OA access token expires and must be refreshed
    by the deployment (override access_token() to read it from a store that a refresher updates).

    Options: URL (default the endpoint above), ACCESS_TOKEN (required), TIMEOUT.
    """

    default_url = "https://business.openapi.zalo.me/message/template"
    # -108 phone invalid, -109 template id invalid, -110 Zalo app version unsupported by the user,
    # -111 template data empty, -112 template data invalid.
    permanent_errors = frozenset({-108, -109, -110, -111, -112})

    def access_token(self) -> str:
        return self.option("access_token", required=True)

    def build_request(self, message: OutgoingMessage) -> tuple[str, dict[str, str], dict[str, Any]]:
        if not message.provider_template_id:
            raise PermanentChannelError("Mẫu thông báo chưa khai báo mã mẫu ZNS (provider_template_id).")
        payload = {
            "phone": vn_msisdn(message.to),
            "template_id": message.provider_template_id,
            "template_data": message.provider_data,
            "tracking_id": message.reference,
        }
        headers = {"access_token": self.access_token(), "Accept": "application/json"}
        return self.option("url") or self.default_url, headers, payload

    def parse_response(self, response: requests.Response, message: OutgoingMessage) -> SendResult:
        data = self.json_of(response)
        try:
            code = int(data.get("error", -100))
        except (TypeError, ValueError):
            code = -100
        if code == 0:
            return SendResult(provider_message_id=str((data.get("data") or {}).get("msg_id", "")))
        reason = f"Zalo ZNS lỗi {code}: {str(data.get('message', ''))[:300]}"
        if code in self.permanent_errors:
            raise PermanentChannelError(reason)
        raise TransientChannelError(reason)
