"""A case opened for a person whose cases are all in other units keeps the reason given (issue 12 point 8a).

pghistory mirrors the column into the case history and its triggers are recreated with it."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('socialtjanst', '0009_access_hardening'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='case',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='case',
            name='update_update',
        ),
        migrations.AddField(
            model_name='case',
            name='cross_unit_reason',
            field=models.CharField(blank=True, default='', editable=False, max_length=400, verbose_name='skäl (ärenden i andra enheter)'),
        ),
        migrations.AddField(
            model_name='caseevent',
            name='cross_unit_reason',
            field=models.CharField(blank=True, default='', editable=False, max_length=400, verbose_name='skäl (ärenden i andra enheter)'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='case',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "socialtjanst_caseevent" ("closed_on", "created_at", "cross_unit_reason", "id", "opened_on", "person_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "responsible_id", "status", "unit_id", "version") VALUES (NEW."closed_on", NEW."created_at", NEW."cross_unit_reason", NEW."id", NEW."opened_on", NEW."person_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."responsible_id", NEW."status", NEW."unit_id", NEW."version"); RETURN NULL;', hash='5a43e05b2c88203b68b0a6f23a832633624f1751', operation='INSERT', pgid='pgtrigger_insert_insert_cab0a', table='socialtjanst_case', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='case',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "socialtjanst_caseevent" ("closed_on", "created_at", "cross_unit_reason", "id", "opened_on", "person_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "responsible_id", "status", "unit_id", "version") VALUES (NEW."closed_on", NEW."created_at", NEW."cross_unit_reason", NEW."id", NEW."opened_on", NEW."person_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."responsible_id", NEW."status", NEW."unit_id", NEW."version"); RETURN NULL;', hash='f430ba3ebd009b363bb79993dc1d99223b366e85', operation='UPDATE', pgid='pgtrigger_update_update_a323d', table='socialtjanst_case', when='AFTER')),
        ),
    ]
