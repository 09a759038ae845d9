from django.db import migrations

TEMPLATES = [
    {
        "event": "community.quiz_code",
        "channel": "sms",
        "is_sensitive": True,
        "body": "{{ site_name }}: Mã xác thực dự thi của bạn là {{ code }} (hiệu lực {{ minutes|default:10 }} phút). "
                "Không chia sẻ mã này.",
    },
]


def seed(apps, schema_editor):
    from chinhquyenso.notifications.seeding import ensure_templates

    ensure_templates(apps.get_model("notifications", "NotificationTemplate"), TEMPLATES)


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0001_initial"),
        ("notifications", "0002_seed_templates"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
