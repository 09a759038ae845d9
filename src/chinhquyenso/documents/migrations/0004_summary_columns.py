"""Summary columns of a document kept by triggers on its files and recipients (documents.summary),
backfilled for the existing documents."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    from chinhquyenso.documents.summary import SUMMARY

    vendor = schema_editor.connection.vendor
    for statement in SUMMARY.create_triggers(vendor):
        schema_editor.execute(statement)
    if vendor in ("postgresql", "sqlite"):
        schema_editor.execute(SUMMARY.refresh_sql("", vendor))


def backwards(apps, schema_editor):
    from chinhquyenso.documents.summary import SUMMARY

    for statement in SUMMARY.drop_triggers(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0003_search_index_postgresql'),
    ]

    operations = [
        migrations.AddField(
            model_name='document',
            name='external_sent',
            field=models.BooleanField(default=False, editable=False, verbose_name='đã gửi điện tử ra ngoài'),
        ),
        migrations.AddField(
            model_name='document',
            name='has_external',
            field=models.BooleanField(default=False, editable=False, verbose_name='gửi cơ quan ngoài hệ thống'),
        ),
        migrations.AddField(
            model_name='document',
            name='signed_main',
            field=models.BooleanField(default=False, editable=False, verbose_name='văn bản chính đã ký số'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
