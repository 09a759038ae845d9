"""The IOC reads the dossiers' fact columns (dossiers 0006, ADR 0010): the journal's images become
those columns (the table is re-created: its rows are folded or recomputed by the rebuild below),
the trigger copies them and fires only when one of them changes, the drill-down view reads them,
and the rollups are recomputed (day rows only for the recent window).

The view and the triggers are created here from the current SQL (migrations 0002 and 0003 no
longer create them: their text reads columns that only exist from dossiers 0006 on)."""

from django.db import migrations, models


def drop_view_and_triggers(apps, schema_editor):
    from chinhquyenso.dashboard.rollups import sql

    vendor = schema_editor.connection.vendor
    for statement in sql.drop_journal_triggers(vendor):
        schema_editor.execute(statement)
    schema_editor.execute("DROP VIEW IF EXISTS dashboard_dossierfact")


def create_view_and_triggers(apps, schema_editor):
    from chinhquyenso.dashboard.rollups import rebuild, sql

    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        return
    schema_editor.execute(sql.view_sql(vendor))
    for statement in sql.journal_triggers(vendor):
        schema_editor.execute(statement)
    if apps.get_model("dashboard", "Rollup").objects.exists():
        rebuild()


class Migration(migrations.Migration):

    dependencies = [
        ('dashboard', '0003_procedure_grain_by_province'),
        ('dossiers', '0006_fact_columns'),
    ]

    operations = [
        migrations.RunPython(drop_view_and_triggers, migrations.RunPython.noop),
        migrations.DeleteModel(name='RollupJournal'),
        migrations.CreateModel(
            name='RollupJournal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sign', models.SmallIntegerField()),
                ('dossier_id', models.BigIntegerField()),
                ('province_id', models.BigIntegerField()),
                ('resolving_agency_id', models.BigIntegerField()),
                ('procedure_id', models.BigIntegerField()),
                ('procedure_version_id', models.BigIntegerField()),
                ('vneid_verified', models.BooleanField()),
                ('has_digitized_component', models.BooleanField()),
                ('has_reused_component', models.BooleanField()),
                ('has_personal_store_component', models.BooleanField()),
                ('has_electronic_result', models.BooleanField()),
                ('fact_received_on', models.DateField()),
                ('fact_received_month', models.DateField()),
                ('fact_ended_on', models.DateField(null=True)),
                ('fact_ended_month', models.DateField(null=True)),
                ('fact_due_on', models.DateField(null=True)),
                ('fact_due_month', models.DateField(null=True)),
                ('fact_on_time', models.BooleanField(null=True)),
                ('fact_processing_seconds', models.BigIntegerField()),
                ('fact_finished', models.BooleanField()),
                ('fact_online', models.BooleanField()),
                ('fact_online_delivery', models.BooleanField()),
                ('fact_fee_bearing', models.BooleanField()),
                ('fact_paid_online', models.BooleanField()),
                ('fact_synced', models.BooleanField()),
                ('fact_complaint', models.BooleanField()),
                ('fact_rated', models.BooleanField()),
                ('fact_satisfied', models.BooleanField()),
            ],
            options={
                'verbose_name': 'nhật ký thay đổi hồ sơ (IOC)',
                'verbose_name_plural': 'nhật ký thay đổi hồ sơ (IOC)',
            },
        ),
        migrations.RunPython(create_view_and_triggers, drop_view_and_triggers),
    ]
