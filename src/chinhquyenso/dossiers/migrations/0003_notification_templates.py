from django.db import migrations


def seed(apps, schema_editor):
    from chinhquyenso.dossiers.notification_templates import rows
    from chinhquyenso.notifications.seeding import ensure_templates

    ensure_templates(apps.get_model("notifications", "NotificationTemplate"), rows())


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0002_process_log_append_only"), ("notifications", "0002_seed_templates")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
