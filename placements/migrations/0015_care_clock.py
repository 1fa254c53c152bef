"""Slot for engineer A: whether LVU care is under 2 § or 3 § (issue 16 point 1), stored on the placement and in its
history; set only for LVU (a CHECK). The history triggers are re-created to carry the new column."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("placements", "0014_history_privileges")]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='placement',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='placement',
            name='update_update',
        ),
        migrations.AddField(
            model_name='placement',
            name='lvu_ground',
            field=models.CharField(blank=True, choices=[('2', '2 § (hemmiljön)'), ('3', '3 § (eget beteende)')], db_default='', default='', help_text='Vård enligt LVU: 2 § eller 3 §. Tomt om okänt.', max_length=1, verbose_name='LVU-grund'),
        ),
        migrations.AddField(
            model_name='placementevent',
            name='lvu_ground',
            field=models.CharField(blank=True, choices=[('2', '2 § (hemmiljön)'), ('3', '3 § (eget beteende)')], db_default='', default='', help_text='Vård enligt LVU: 2 § eller 3 §. Tomt om okänt.', max_length=1, verbose_name='LVU-grund'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='placement',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "placements_placementevent" ("agreement_id", "care_type_id", "cost_centre", "created_at", "end_on", "end_reason", "external_id", "id", "intervention_id", "is_24h", "ivo_check_result", "ivo_checked_on", "legal_basis", "lvu_ground", "parent_placement_id", "person_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "provider_id", "start_on", "unit_id", "voided_reason") VALUES (NEW."agreement_id", NEW."care_type_id", NEW."cost_centre", NEW."created_at", NEW."end_on", NEW."end_reason", NEW."external_id", NEW."id", NEW."intervention_id", NEW."is_24h", NEW."ivo_check_result", NEW."ivo_checked_on", NEW."legal_basis", NEW."lvu_ground", NEW."parent_placement_id", NEW."person_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."provider_id", NEW."start_on", NEW."unit_id", NEW."voided_reason"); RETURN NULL;', hash='02364e7b7451dd567b03ef19126ce08c6d8262ad', operation='INSERT', pgid='pgtrigger_insert_insert_1caba', table='placements_placement', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='placement',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."agreement_id" IS DISTINCT FROM (NEW."agreement_id") OR OLD."care_type_id" IS DISTINCT FROM (NEW."care_type_id") OR OLD."cost_centre" IS DISTINCT FROM (NEW."cost_centre") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."end_on" IS DISTINCT FROM (NEW."end_on") OR OLD."end_reason" IS DISTINCT FROM (NEW."end_reason") OR OLD."external_id" IS DISTINCT FROM (NEW."external_id") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."intervention_id" IS DISTINCT FROM (NEW."intervention_id") OR OLD."is_24h" IS DISTINCT FROM (NEW."is_24h") OR OLD."ivo_check_result" IS DISTINCT FROM (NEW."ivo_check_result") OR OLD."ivo_checked_on" IS DISTINCT FROM (NEW."ivo_checked_on") OR OLD."legal_basis" IS DISTINCT FROM (NEW."legal_basis") OR OLD."lvu_ground" IS DISTINCT FROM (NEW."lvu_ground") OR OLD."parent_placement_id" IS DISTINCT FROM (NEW."parent_placement_id") OR OLD."person_id" IS DISTINCT FROM (NEW."person_id") OR OLD."provider_id" IS DISTINCT FROM (NEW."provider_id") OR OLD."start_on" IS DISTINCT FROM (NEW."start_on") OR OLD."unit_id" IS DISTINCT FROM (NEW."unit_id") OR OLD."voided_reason" IS DISTINCT FROM (NEW."voided_reason"))', func='INSERT INTO "placements_placementevent" ("agreement_id", "care_type_id", "cost_centre", "created_at", "end_on", "end_reason", "external_id", "id", "intervention_id", "is_24h", "ivo_check_result", "ivo_checked_on", "legal_basis", "lvu_ground", "parent_placement_id", "person_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "provider_id", "start_on", "unit_id", "voided_reason") VALUES (NEW."agreement_id", NEW."care_type_id", NEW."cost_centre", NEW."created_at", NEW."end_on", NEW."end_reason", NEW."external_id", NEW."id", NEW."intervention_id", NEW."is_24h", NEW."ivo_check_result", NEW."ivo_checked_on", NEW."legal_basis", NEW."lvu_ground", NEW."parent_placement_id", NEW."person_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."provider_id", NEW."start_on", NEW."unit_id", NEW."voided_reason"); RETURN NULL;', hash='d17d88e24a2da8919cb556b61d83f166241f9f59', operation='UPDATE', pgid='pgtrigger_update_update_3ab36', table='placements_placement', when='AFTER')),
        ),
        migrations.AddConstraint(
            model_name='placement',
            constraint=models.CheckConstraint(condition=models.Q(('lvu_ground', ''), models.Q(('legal_basis', 'LVU'), ('lvu_ground__in', ['2', '3'])), _connector='OR'), name='placement_lvu_ground_only_for_lvu'),
        ),
    ]
