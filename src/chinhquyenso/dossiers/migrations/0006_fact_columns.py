"""The dossier's IOC facts as stored generated columns (dossiers.facts) and the two covering
indexes the rollup rebuild reads (ADR 0010).

Added in ONE statement: Django would add them one by one, and on PostgreSQL each ADD COLUMN of a
stored generated column rewrites the table (17 rewrites of a million-row table). SQLite cannot add a
STORED generated column to an existing table (Django would re-create the table, which the triggers
and the IOC view on it forbid), so there they are VIRTUAL: the same values, computed on read."""


import chinhquyenso.dossiers.facts
from django.conf import settings
from django.db import migrations, models


def _fact_fields():
    """The live model's fields: the historical model of a RunPython inside SeparateDatabaseAndState
    does not have them yet, and their expressions live in dossiers.facts anyway."""
    from chinhquyenso.dossiers.facts import FACT_FIELDS
    from chinhquyenso.dossiers.models import Dossier

    return Dossier, [Dossier._meta.get_field(name) for name in FACT_FIELDS]


def add_fact_columns(apps, schema_editor):
    model, fields = _fact_fields()
    table = schema_editor.quote_name(model._meta.db_table)
    columns = []
    for field in fields:
        definition, _params = schema_editor.column_sql(model, field)
        if schema_editor.connection.vendor == "sqlite":
            definition = definition.replace(" STORED", " VIRTUAL")
        columns.append(f"{schema_editor.quote_name(field.column)} {definition}")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {table} " + ", ".join(f"ADD COLUMN {c}" for c in columns))
    else:
        for column in columns:
            schema_editor.execute(f"ALTER TABLE {table} ADD COLUMN {column}")


def drop_fact_columns(apps, schema_editor):
    model, fields = _fact_fields()
    table = schema_editor.quote_name(model._meta.db_table)
    for field in fields:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN {schema_editor.quote_name(field.column)}")


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0001_initial'),
        ('dossiers', '0005_summary_columns'),
        ('procedures', '0002_managing_agency_source_note'),
        ('units', '0002_unitdataload'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.AddField(
                model_name='dossier',
                name='fact_complaint',
                field=models.GeneratedField(db_persist=True, expression=chinhquyenso.dossiers.facts.FactSQL('fact_complaint'), output_field=models.BooleanField()),
            ),
            migrations.AddField(
                model_name='dossier',
                name='fact_due_month',
                field=models.GeneratedField(db_persist=True, expression=chinhquyenso.dossiers.facts.FactSQL('fact_due_month'), output_field=models.DateField(null=True)),
            ),
            migrations.AddField(
                model_name='dossier',
                name='fact_due_on',
                field=models.GeneratedField(db_persist=True, expression=chinhquyenso.dossiers.facts.FactSQL('fact_due_on'), output_field=models.DateField(null=True)),
            ),
            migrations.AddField(
                model_name='dossier',
                name='fact_ended_month',
                field=models.GeneratedField(db_persist=True, expression=chinhquyenso.dossiers.facts.FactSQL('fact_ended_month'), output_field=models.DateField(null=True)),
            ),
            migrations.AddField(
                model_name='dossier',
                name='fact_ended_on',
                field=models.GeneratedField(db_persist=True, expression=chinhquyenso.dossiers.facts.FactSQL('fact_ended_on'), output_field=models.DateField(null=True)),
            ),
            migrations.AddField(
                model_name='dossier',
                name='fact_fee_bearing',
                field=models.GeneratedField(db_persist=True, expression=chinhquyenso.dossiers.facts.FactSQL('fact_fee_bearing'), output_field=models.BooleanField()),
            ),
            migrations.AddField(
                model_name='dossier',
                name='fact_finished',
                field=models.GeneratedField(db_persist=True, expression=chinhquyenso.dossiers.facts.FactSQL('fact_finished'), output_field=models.BooleanField()),
            ),
            migrations.AddField(
                model_name='dossier',
                name='fact_on_time',
                field=models.GeneratedField(db_persist=True, expression=chinhquyenso.dossiers.facts.FactSQL('fact_on_time'), output_field=models.BooleanField(null=True)),
            ),
            migrations.AddField(
                model_name='dossier',
                name='fact_online',
                field=models.GeneratedField(db_persist=True, expression=chinhquyenso.dossiers.facts.FactSQL('fact_online'), output_field=models.BooleanField()),
            ),
            migrations.AddField(
                model_name='dossier',
                name='fact_online_delivery',
                field=models.GeneratedField(db_persist=True, expression=chinhquyenso.dossiers.facts.FactSQL('fact_online_delivery'), output_field=models.BooleanField()),
            ),
            migrations.AddField(
                model_name='dossier',
                name='fact_paid_online',
                field=models.GeneratedField(db_persist=True, expression=chinhquyenso.dossiers.facts.FactSQL('fact_paid_online'), output_field=models.BooleanField()),
            ),
            migrations.AddField(
                model_name='dossier',
                name='fact_processing_seconds',
                field=models.GeneratedField(db_persist=True, expression=chinhquyenso.dossiers.facts.FactSQL('fact_processing_seconds'), output_field=models.BigIntegerField()),
            ),
            migrations.AddField(
                model_name='dossier',
                name='fact_rated',
                field=models.GeneratedField(db_persist=True, expression=chinhquyenso.dossiers.facts.FactSQL('fact_rated'), output_field=models.BooleanField()),
            ),
            migrations.AddField(
                model_name='dossier',
                name='fact_received_month',
                field=models.GeneratedField(db_persist=True, expression=chinhquyenso.dossiers.facts.FactSQL('fact_received_month'), output_field=models.DateField(null=True)),
            ),
            migrations.AddField(
                model_name='dossier',
                name='fact_received_on',
                field=models.GeneratedField(db_persist=True, expression=chinhquyenso.dossiers.facts.FactSQL('fact_received_on'), output_field=models.DateField(null=True)),
            ),
            migrations.AddField(
                model_name='dossier',
                name='fact_satisfied',
                field=models.GeneratedField(db_persist=True, expression=chinhquyenso.dossiers.facts.FactSQL('fact_satisfied'), output_field=models.BooleanField()),
            ),
            migrations.AddField(
                model_name='dossier',
                name='fact_synced',
                field=models.GeneratedField(db_persist=True, expression=chinhquyenso.dossiers.facts.FactSQL('fact_synced'), output_field=models.BooleanField()),
            ),
            ],
            database_operations=[migrations.RunPython(add_fact_columns, drop_fact_columns)],
        ),
        migrations.AddIndex(
            model_name='dossier',
            index=models.Index(condition=models.Q(('fact_received_on__isnull', False)), fields=['resolving_agency', 'fact_received_month', 'fact_ended_month', 'fact_due_month'], include=('province', 'procedure_version', 'fact_received_on', 'fact_ended_on', 'fact_due_on', 'fact_on_time', 'fact_finished', 'fact_processing_seconds', 'fact_online', 'fact_online_delivery', 'fact_fee_bearing', 'fact_paid_online', 'fact_synced', 'fact_complaint', 'fact_rated', 'fact_satisfied', 'vneid_verified', 'has_digitized_component', 'has_reused_component', 'has_personal_store_component', 'has_electronic_result'), name='dossier_fact_agency'),
        ),
        migrations.AddIndex(
            model_name='dossier',
            index=models.Index(condition=models.Q(('fact_received_on__isnull', False)), fields=['province', 'procedure', 'fact_received_month', 'fact_ended_month'], include=('fact_online', 'fact_paid_online', 'vneid_verified', 'fact_finished', 'fact_processing_seconds', 'fact_on_time'), name='dossier_fact_procedure'),
        ),
    ]
