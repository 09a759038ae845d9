from django.db import migrations


def seed(apps, schema_editor):
    from chinhquyenso.notifications.seeding import ensure_templates
    from chinhquyenso.questions.notices import TEMPLATES

    ensure_templates(apps.get_model("notifications", "NotificationTemplate"), TEMPLATES)


class Migration(migrations.Migration):
    dependencies = [("questions", "0002_search_and_history"), ("notifications", "0002_seed_templates")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
