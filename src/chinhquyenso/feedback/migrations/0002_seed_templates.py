from django.db import migrations


def seed(apps, schema_editor):
    from chinhquyenso.feedback.seeding import FEEDBACK_TEMPLATES
    from chinhquyenso.notifications.seeding import ensure_templates

    ensure_templates(apps.get_model("notifications", "NotificationTemplate"), FEEDBACK_TEMPLATES)


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial"), ("notifications", "0002_seed_templates")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
