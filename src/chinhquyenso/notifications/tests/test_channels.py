import json
import smtplib

import pytest
import requests
import responses
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from responses import matchers

from chinhquyenso.notifications.channels import (
    BrandnameSmsChannel,
    EmailChannel,
    LocalChannel,
    OutgoingMessage,
    PermanentChannelError,
    TransientChannelError,
    ZaloZnsChannel,
    get_channel,
    strip_diacritics,
    vn_msisdn,
)
from chinhquyenso.notifications.models import LocalMessage

from .conftest import SMS_URL, ZALO_URL

pytestmark = pytest.mark.django_db


def message(channel="sms", to="0912 345 678", **extra):
    defaults = {"subject": "", "body": "Hồ sơ 000.00.01.H38-250701-0001 đã được tiếp nhận.", "reference": "cqs-7"}
    return OutgoingMessage(channel=channel, to=to, **{**defaults, **extra})


# --- registry --------------------------------------------------------------------------------


def test_registry_builds_backends_from_settings(settings, sms_http, zalo_http):
    settings.NOTIFICATION_CHANNELS["email"] = {
        "BACKEND": "chinhquyenso.notifications.channels.EmailChannel",
        "FROM_EMAIL": "UBND tỉnh <thongbao@tinh.gov.vn>",
    }
    assert isinstance(get_channel("email"), EmailChannel)
    assert get_channel("email").option("from_email") == "UBND tỉnh <thongbao@tinh.gov.vn>"
    sms = get_channel("sms")
    assert isinstance(sms, BrandnameSmsChannel)
    assert sms.options == {"url": SMS_URL, "token": "sms-secret", "brandname": "UBND-TINH", "timeout": 3}
    assert isinstance(get_channel("zalo"), ZaloZnsChannel)
    assert get_channel("sms") is sms  # built once


def test_registry_follows_settings_changes(settings):
    assert isinstance(get_channel("sms"), LocalChannel)
    settings.NOTIFICATION_CHANNELS = {"sms": {"BACKEND": "chinhquyenso.notifications.channels.BrandnameSmsChannel"}}
    assert isinstance(get_channel("sms"), BrandnameSmsChannel)


@pytest.mark.parametrize(
    "conf",
    [
        None,
        {},
        {"BACKEND": "chinhquyenso.notifications.channels.DoesNotExist"},
        {"BACKEND": "chinhquyenso.notifications.models.Notification"},
    ],
)
def test_registry_rejects_bad_configuration(settings, conf):
    settings.NOTIFICATION_CHANNELS = {} if conf is None else {"push": conf}
    with pytest.raises(ImproperlyConfigured):
        get_channel("push")


# --- phone numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("0912345678", "84912345678"),
        ("+84 912 345 678", "84912345678"),
        ("84912345678", "84912345678"),
        ("0386.123.456", "84386123456"),
        ("(070) 123-4567", "84701234567"),
    ],
)
def test_phone_numbers_become_84_format(given, expected):
    assert vn_msisdn(given) == expected


@pytest.mark.parametrize("bad", ["", "12345", "0212345678", "09123456789", "abc"])
def test_invalid_phone_is_a_permanent_error(bad):
    with pytest.raises(PermanentChannelError, match="Số điện thoại không hợp lệ"):
        vn_msisdn(bad)


def test_strip_diacritics_keeps_case_and_folds_d():
    assert strip_diacritics("Đăng ký hồ sơ ĐẤT đai") == "Dang ky ho so DAT dai"


# --- local and e-mail ------------------------------------------------------------------------


def test_local_transport_records_the_message():
    result = LocalChannel("zalo", {}).send(
        message(channel="zalo", provider_template_id="123", provider_data={"ho_ten": "Nguyễn Văn An"})
    )
    local = LocalMessage.objects.get()
    assert result.provider_message_id == f"local-{local.pk}"
    assert (local.channel, local.to, local.reference) == ("zalo", "0912 345 678", "cqs-7")
    assert local.provider_data == {"ho_ten": "Nguyễn Văn An"}
    assert local.body.startswith("Hồ sơ")


def test_email_channel_sends_through_django_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    channel = EmailChannel("email", {"from_email": "thongbao@tinh.gov.vn"})
    result = channel.send(message(channel="email", to="an@example.vn", subject="Tiếp nhận hồ sơ"))
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["an@example.vn"]
    assert sent.subject == "Tiếp nhận hồ sơ"
    assert sent.from_email == "thongbao@tinh.gov.vn"
    assert sent.extra_headers["Message-ID"] == result.provider_message_id
    assert sent.extra_headers["X-CQS-Reference"] == "cqs-7"


class RefusingBackend:
    """A mail backend whose SMTP server refuses the recipient or is unreachable."""

    error: Exception = smtplib.SMTPRecipientsRefused({"an@example.vn": (550, b"No such user")})

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise type(self).error


class DownBackend(RefusingBackend):
    error = ConnectionRefusedError(111, "Connection refused")


@pytest.mark.parametrize(
    ("backend", "expected"),
    [(f"{__name__}.RefusingBackend", PermanentChannelError), (f"{__name__}.DownBackend", TransientChannelError)],
)
def test_email_errors_are_classified(settings, backend, expected):
    settings.MAILERS = {"default": {"BACKEND": backend}}
    with pytest.raises(expected):
        EmailChannel("email", {}).send(message(channel="email", to="an@example.vn"))


# --- SMS (generic brandname JSON API) ----------------------------------------------------------


@responses.activate
def test_sms_success_maps_request_and_response(sms_http):
    responses.post(
        SMS_URL,
        json={"id": "SMS-998877"},
        match=[
            matchers.header_matcher({"Authorization": "Bearer sms-secret"}),
            matchers.json_params_matcher(
                {
                    "to": "84912345678",
                    "brandname": "UBND-TINH",
                    "message": "Hồ sơ 000.00.01.H38-250701-0001 đã được tiếp nhận.",
                    "reference": "cqs-7",
                }
            ),
        ],
    )
    assert get_channel("sms").send(message()).provider_message_id == "SMS-998877"


@responses.activate
def test_sms_can_send_unaccented_text(settings, sms_http):
    settings.NOTIFICATION_CHANNELS["sms"]["STRIP_DIACRITICS"] = True
    responses.post(SMS_URL, json={"message_id": 5})
    assert get_channel("sms").send(message(body="Đã tiếp nhận")).provider_message_id == "5"
    assert json.loads(responses.calls[0].request.body)["message"] == "Da tiep nhan"


@pytest.mark.parametrize(
    ("reply", "expected", "text"),
    [
        ({"status": 200, "json": {"error": "Brandname chưa đăng ký"}}, PermanentChannelError, "Brandname"),
        ({"status": 200, "body": "OK"}, PermanentChannelError, "không phải JSON"),
        ({"status": 400, "json": {"error": "bad"}}, PermanentChannelError, "HTTP 400"),
        ({"status": 401, "json": {}}, PermanentChannelError, "HTTP 401"),
        ({"status": 429, "json": {}}, TransientChannelError, "HTTP 429"),
        ({"status": 500, "json": {}}, TransientChannelError, "HTTP 500"),
        ({"status": 503, "body": "down"}, TransientChannelError, "HTTP 503"),
        ({"body": requests.ConnectTimeout()}, TransientChannelError, "không trả lời trong 3 giây"),
        ({"body": requests.ReadTimeout()}, TransientChannelError, "không trả lời"),
        ({"body": requests.ConnectionError()}, TransientChannelError, "Không kết nối được"),
    ],
)
@responses.activate
def test_sms_failures_are_classified(sms_http, reply, expected, text):
    responses.post(SMS_URL, **reply)
    with pytest.raises(expected, match=text):
        get_channel("sms").send(message())


@responses.activate
def test_sms_invalid_phone_fails_before_any_request(sms_http):
    with pytest.raises(PermanentChannelError):
        get_channel("sms").send(message(to="0123"))
    assert len(responses.calls) == 0


def test_sms_without_url_is_improperly_configured(settings):
    settings.NOTIFICATION_CHANNELS = {"sms": {"BACKEND": "chinhquyenso.notifications.channels.BrandnameSmsChannel"}}
    with pytest.raises(ImproperlyConfigured, match="URL"):
        get_channel("sms").send(message())


# --- Zalo ZNS --------------------------------------------------------------------------------


def zalo_message(**extra):
    return message(
        channel="zalo",
        provider_template_id="231456",
        provider_data={"ho_ten": "Nguyễn Văn An", "ma_ho_so": "H38-0001"},
        **extra,
    )


@responses.activate
def test_zalo_success_maps_request_and_response(zalo_http):
    responses.post(
        ZALO_URL,
        json={"error": 0, "message": "Success", "data": {"msg_id": "a1b2c3", "sent_time": "1751328000000"}},
        match=[
            matchers.header_matcher({"access_token": "oa-token"}),
            matchers.json_params_matcher(
                {
                    "phone": "84912345678",
                    "template_id": "231456",
                    "template_data": {"ho_ten": "Nguyễn Văn An", "ma_ho_so": "H38-0001"},
                    "tracking_id": "cqs-7",
                }
            ),
        ],
    )
    assert get_channel("zalo").send(zalo_message()).provider_message_id == "a1b2c3"


@pytest.mark.parametrize(
    ("reply", "expected", "text"),
    [
        ({"json": {"error": -108, "message": "Phone number invalid"}}, PermanentChannelError, "-108"),
        ({"json": {"error": -109, "message": "Template ID invalid"}}, PermanentChannelError, "-109"),
        ({"json": {"error": -112, "message": "Template data invalid"}}, PermanentChannelError, "-112"),
        ({"json": {"error": -100, "message": "Unknown error"}}, TransientChannelError, "-100"),
        ({"json": {"error": -124, "message": "Access token invalid"}}, TransientChannelError, "-124"),
        ({"status": 401, "json": {}}, PermanentChannelError, "HTTP 401"),
        ({"status": 502, "body": "Bad gateway"}, TransientChannelError, "HTTP 502"),
        ({"body": requests.ReadTimeout()}, TransientChannelError, "không trả lời"),
    ],
)
@responses.activate
def test_zalo_failures_are_classified(zalo_http, reply, expected, text):
    responses.post(ZALO_URL, **reply)
    with pytest.raises(expected, match=text):
        get_channel("zalo").send(zalo_message())


@responses.activate
def test_zalo_needs_an_approved_template_id(zalo_http):
    with pytest.raises(PermanentChannelError, match="mã mẫu ZNS"):
        get_channel("zalo").send(message(channel="zalo"))
    assert len(responses.calls) == 0
