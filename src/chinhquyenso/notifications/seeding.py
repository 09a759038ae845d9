"""Default Vietnamese templates. Each module that adds events ships a data migration calling
ensure_templates() with its own rows, e.g. in dossiers:

    def seed(apps, schema_editor):
        from chinhquyenso.notifications.seeding import ensure_templates
        ensure_templates(apps.get_model("notifications", "NotificationTemplate"), DOSSIER_TEMPLATES)

Existing rows are left alone, so a province's edits in the admin survive re-seeding.
"""

from typing import Any

FOUNDATION_TEMPLATES: list[dict[str, Any]] = [
    {
        "event": "account.registered",
        "channel": "email",
        "subject": "Chào mừng bạn đến với {{ site_name }}",
        "body": (
            "Xin chào {{ recipient_name }},\n\n"
            "Tài khoản của bạn trên {{ site_name }} đã được tạo thành công.\n"
            "Đăng nhập tại: {{ site_url }}{{ login_path|default:'/tai-khoan/dang-nhap/' }}\n\n"
            "Nếu bạn không đăng ký tài khoản này, vui lòng bỏ qua thư này."
        ),
    },
    {
        "event": "account.registered",
        "channel": "sms",
        "body": "{{ site_name }}: Tài khoản của {{ recipient_name }} đã được tạo thành công.",
    },
    {
        "event": "account.registered",
        "channel": "zalo",
        "body": "Tài khoản của {{ recipient_name }} trên {{ site_name }} đã được tạo thành công.",
        "provider_params": {"ho_ten": "{{ recipient_name }}"},
    },
    {
        "event": "account.password_reset",
        "channel": "email",
        "is_sensitive": True,
        "subject": "Đặt lại mật khẩu tài khoản {{ site_name }}",
        "body": (
            "Xin chào {{ recipient_name }},\n\n"
            "Chúng tôi nhận được yêu cầu đặt lại mật khẩu cho tài khoản của bạn.\n"
            "Mở liên kết sau để đặt mật khẩu mới (hiệu lực {{ valid_hours|default:1 }} giờ):\n"
            "{{ reset_url }}\n\n"
            "Nếu bạn không yêu cầu, hãy bỏ qua thư này; mật khẩu hiện tại vẫn giữ nguyên."
        ),
    },
    {
        "event": "account.password_reset",
        "channel": "sms",
        "is_sensitive": True,
        "body": "{{ site_name }}: Đặt lại mật khẩu tại {{ reset_url }} (hiệu lực {{ valid_hours|default:1 }} giờ). Không chia sẻ liên kết này.",
    },
    {
        "event": "account.locked",
        "channel": "email",
        "subject": "Tài khoản {{ site_name }} tạm thời bị khoá",
        "body": (
            "Xin chào {{ recipient_name }},\n\n"
            "Tài khoản của bạn tạm thời bị khoá {{ minutes|default:15 }} phút do đăng nhập sai nhiều lần.\n"
            "Nếu không phải bạn, hãy đổi mật khẩu ngay sau khi mở khoá."
        ),
    },
    {
        "event": "account.locked",
        "channel": "sms",
        "body": "{{ site_name }}: Tài khoản tạm khoá {{ minutes|default:15 }} phút do đăng nhập sai nhiều lần.",
    },
    {
        "event": "twofactor.enabled",
        "channel": "email",
        "subject": "Đã bật xác thực hai lớp",
        "body": (
            "Xin chào {{ recipient_name }},\n\n"
            "Xác thực hai lớp đã được bật cho tài khoản của bạn trên {{ site_name }}.\n"
            "Nếu không phải bạn thực hiện, hãy liên hệ quản trị viên ngay."
        ),
    },
    {
        "event": "twofactor.enabled",
        "channel": "sms",
        "body": "{{ site_name }}: Đã bật xác thực hai lớp cho tài khoản của bạn.",
    },
    {
        "event": "test",
        "channel": "email",
        "subject": "Thông báo thử nghiệm",
        "body": "Xin chào {{ recipient_name }},\n\nĐây là thông báo thử nghiệm từ {{ site_name }}.",
    },
    {
        "event": "test",
        "channel": "sms",
        "body": "{{ site_name }}: Đây là tin nhắn thử nghiệm.",
    },
    {
        "event": "test",
        "channel": "zalo",
        "body": "Đây là thông báo thử nghiệm từ {{ site_name }}.",
        "provider_params": {"ho_ten": "{{ recipient_name }}"},
    },
]


def ensure_templates(model: Any, rows: list[dict[str, Any]]) -> int:
    """Create the missing (event, channel) templates; returns how many were created."""
    created = 0
    for row in rows:
        defaults = {k: v for k, v in row.items() if k not in ("event", "channel")}
        _, was_created = model.objects.get_or_create(event=row["event"], channel=row["channel"], defaults=defaults)
        created += was_created
    return created
