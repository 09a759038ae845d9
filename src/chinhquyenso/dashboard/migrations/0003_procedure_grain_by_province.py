"""Grain p becomes (month, province, procedure) without the agency (ADR 0010): the key gains the
province, first (its index serves province-wide reads: the two province indexes are dropped); the old per-agency procedure rows are recomputed by a rebuild. The fact view is
re-created from the current SQL text (days by the fixed +07:00 offset, same values)."""

import django.db.models.deletion
from django.db import migrations, models


def forwards(apps, schema_editor):
    """Nothing now: the view and the rollups are re-created by 0004 (from the current SQL, which
    reads the dossiers' fact columns of dossiers 0006); a database migrated before that did it here."""


class Migration(migrations.Migration):

    dependencies = [
        ('dashboard', '0002_journal'),
        ('units', '0002_unitdataload'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='rollup',
            name='dashboard_rollup_key',
        ),
        migrations.AlterField(
            model_name='rollup',
            name='grain',
            field=models.CharField(choices=[('d', 'Ngày (theo cơ quan)'), ('m', 'Tháng (theo cơ quan)'), ('p', 'Tháng (theo tỉnh và thủ tục)')], max_length=1),
        ),
        migrations.AlterField(
            model_name='rollup',
            name='province',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING,
                                    related_name='+', to='units.administrativeunit'),
        ),
        migrations.AddConstraint(
            model_name='rollup',
            constraint=models.UniqueConstraint(fields=('province', 'grain', 'start', 'agency_id', 'procedure_id'),
                                                name='dashboard_rollup_key'),
        ),
        migrations.RemoveIndex(
            model_name='rollup',
            name='dashboard_rollup_province',
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
