from django.db import migrations


def seed(apps, schema_editor):
    from chinhquyenso.documents.seeding import NOTIFICATION_TEMPLATES, ensure_document_types
    from chinhquyenso.notifications.seeding import ensure_templates

    ensure_document_types(apps.get_model("documents", "DocumentType"))
    ensure_templates(apps.get_model("notifications", "NotificationTemplate"), NOTIFICATION_TEMPLATES)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("notifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
