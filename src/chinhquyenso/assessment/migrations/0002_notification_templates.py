from django.db import migrations


def seed(apps, schema_editor):
    from chinhquyenso.assessment.notification_templates import rows
    from chinhquyenso.notifications.seeding import ensure_templates

    ensure_templates(apps.get_model("notifications", "NotificationTemplate"), rows())


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial"), ("notifications", "0002_seed_templates")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
