"""Issue 14 (everyday correctness): the decision date of a förhandsbedömning's synnerliga skäl, so a late
extension no longer rescues a late förhandsbedömning (deadlines.screening_due), and trigram indexes for the
person search by any part of the name (selectors.person_search)."""

import datetime

import django.contrib.postgres.indexes
import django.db.models.functions.text
import pgtrigger.compiler
import pgtrigger.migrations
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from common.migration_ops import AddConstraintNotValid


class Migration(migrations.Migration):

    dependencies = [
        ('socialtjanst', '0013_retention'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='screening',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='screening',
            name='update_update',
        ),
        migrations.AddField(
            model_name='screening',
            name='extension_decided_on',
            field=models.DateField(blank=True, null=True, verbose_name='synnerliga skäl beslutade'),
        ),
        migrations.AddField(
            model_name='screeningevent',
            name='extension_decided_on',
            field=models.DateField(blank=True, null=True, verbose_name='synnerliga skäl beslutade'),
        ),
        migrations.RunSQL(
            # Screenings stored before the decision date of synnerliga skäl was asked for: the only date known
            # is the förhandsbedömning's own, so an old extension counts only if that came within the 14 days.
            "UPDATE socialtjanst_screening SET extension_decided_on = decided_on WHERE extended_due_on IS NOT NULL",
            migrations.RunSQL.noop,
        ),
        TrigramExtension(),
        migrations.AddIndex(
            model_name='person',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Upper('first_name'), name='gin_trgm_ops'), name='person_first_name_trgm'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Upper('last_name'), name='gin_trgm_ops'), name='person_last_name_trgm'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='screening',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "socialtjanst_screeningevent" ("decided_by_id", "decided_on", "extended_due_on", "extension_decided_on", "extraordinary_reason", "id", "intake_id", "linked_investigation_id", "outcome", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (NEW."decided_by_id", NEW."decided_on", NEW."extended_due_on", NEW."extension_decided_on", NEW."extraordinary_reason", NEW."id", NEW."intake_id", NEW."linked_investigation_id", NEW."outcome", _pgh_attach_context(), NOW(), \'insert\', NEW."id"); RETURN NULL;', hash='9fc40b935b351f5d4bbde07577615be76a6541e6', operation='INSERT', pgid='pgtrigger_insert_insert_09c35', table='socialtjanst_screening', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='screening',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "socialtjanst_screeningevent" ("decided_by_id", "decided_on", "extended_due_on", "extension_decided_on", "extraordinary_reason", "id", "intake_id", "linked_investigation_id", "outcome", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (NEW."decided_by_id", NEW."decided_on", NEW."extended_due_on", NEW."extension_decided_on", NEW."extraordinary_reason", NEW."id", NEW."intake_id", NEW."linked_investigation_id", NEW."outcome", _pgh_attach_context(), NOW(), \'update\', NEW."id"); RETURN NULL;', hash='6dbb4645cecd83bde652612ca7a479373147f61e', operation='UPDATE', pgid='pgtrigger_update_update_8185e', table='socialtjanst_screening', when='AFTER')),
        ),
        migrations.AddConstraint(
            model_name='screening',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('extended_due_on__isnull', True), ('extension_decided_on__isnull', True)), models.Q(('extended_due_on__isnull', False), ('extension_decided_on__isnull', False)), _connector='OR'), name='screening_extension_has_decision_date'),
        ),
        migrations.AddConstraint(
            model_name='screening',
            constraint=models.CheckConstraint(condition=models.Q(('extension_decided_on__isnull', True), ('extension_decided_on__lte', models.F('decided_on')), _connector='OR'), name='screening_extension_decided_before_screening'),
        ),
        AddConstraintNotValid(
            model_name='screening',
            constraint=models.CheckConstraint(condition=models.Q(('extension_decided_on__isnull', True), models.Q(('extension_decided_on__gte', datetime.date(1900, 1, 1)), ('extension_decided_on__lte', datetime.date(2100, 12, 31))), _connector='OR'), name='screening_extension_decided_on_in_window'),
        ),
    ]
