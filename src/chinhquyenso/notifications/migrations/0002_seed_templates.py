from django.db import migrations


def seed(apps, schema_editor):
    from chinhquyenso.notifications.seeding import FOUNDATION_TEMPLATES, ensure_templates

    ensure_templates(apps.get_model("notifications", "NotificationTemplate"), FOUNDATION_TEMPLATES)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
