"""Följa vården (issue 16 points 2 and 6): a child placement's vårdplan and genomförandeplan dates, and the
checklist of agencies told when the placement starts or ends; both with history tables, which the application's
role may only INSERT and SELECT (as 0014_history_privileges)."""

import datetime

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

HISTORY_TABLES = ("placements_careplanevent", "placements_placementnotificationevent")


def revoke(apps, schema_editor):
    role = settings.DATABASE_APP_ROLE
    if not role:
        return
    app = schema_editor.quote_name(role)
    with schema_editor.connection.cursor() as cur:
        for table in HISTORY_TABLES:
            cur.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {schema_editor.quote_name(table)} FROM {app}")


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0015_care_clock"),
        ("pghistory", "0007_auto_20250421_0444"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CarePlan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('vardplan', 'Vårdplan'), ('genomforandeplan', 'Genomförandeplan')], max_length=20, verbose_name='slag')),
                ('established_on', models.DateField(verbose_name='upprättad')),
                ('revised_on', models.DateField(blank=True, null=True, verbose_name='senast reviderad')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='ändrad')),
                ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='registrerad av')),
                ('placement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='care_plans', to='placements.placement', verbose_name='placering')),
            ],
            options={
                'verbose_name': 'vårdplan/genomförandeplan',
                'verbose_name_plural': 'vårdplaner och genomförandeplaner',
                'ordering': ['placement', 'kind'],
            },
        ),
        migrations.CreateModel(
            name='CarePlanEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('kind', models.CharField(choices=[('vardplan', 'Vårdplan'), ('genomforandeplan', 'Genomförandeplan')], max_length=20, verbose_name='slag')),
                ('established_on', models.DateField(verbose_name='upprättad')),
                ('revised_on', models.DateField(blank=True, null=True, verbose_name='senast reviderad')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='ändrad')),
                ('by', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='registrerad av')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='placements.careplan')),
                ('placement', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='placements.placement', verbose_name='placering')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='PlacementNotification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event', models.CharField(choices=[('start', 'Placeringen börjar'), ('slut', 'Placeringen upphör')], max_length=10, verbose_name='händelse')),
                ('recipient', models.CharField(choices=[('forsakringskassan', 'Försäkringskassan (underhållsstöd, barnbidrag)'), ('pensionsmyndigheten', 'Pensionsmyndigheten (efterlevandestöd)'), ('skola', 'Skolan eller förskolan'), ('overformyndare', 'Överförmyndaren')], max_length=30, verbose_name='mottagare')),
                ('event_on', models.DateField(verbose_name='händelsens datum')),
                ('due_on', models.DateField(verbose_name='senast')),
                ('relevant', models.BooleanField(blank=True, null=True, verbose_name='aktuell')),
                ('notified_on', models.DateField(blank=True, null=True, verbose_name='underrättad')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='kort anteckning')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='skapad')),
                ('answered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='besvarad av')),
                ('placement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='notifications', to='placements.placement', verbose_name='placering')),
            ],
            options={
                'verbose_name': 'underrättelse',
                'verbose_name_plural': 'underrättelser',
                'ordering': ['placement', 'event_on', 'event', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='PlacementNotificationEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('event', models.CharField(choices=[('start', 'Placeringen börjar'), ('slut', 'Placeringen upphör')], max_length=10, verbose_name='händelse')),
                ('recipient', models.CharField(choices=[('forsakringskassan', 'Försäkringskassan (underhållsstöd, barnbidrag)'), ('pensionsmyndigheten', 'Pensionsmyndigheten (efterlevandestöd)'), ('skola', 'Skolan eller förskolan'), ('overformyndare', 'Överförmyndaren')], max_length=30, verbose_name='mottagare')),
                ('event_on', models.DateField(verbose_name='händelsens datum')),
                ('due_on', models.DateField(verbose_name='senast')),
                ('relevant', models.BooleanField(blank=True, null=True, verbose_name='aktuell')),
                ('notified_on', models.DateField(blank=True, null=True, verbose_name='underrättad')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='kort anteckning')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='skapad')),
                ('answered_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='besvarad av')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='placements.placementnotification')),
                ('placement', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='placements.placement', verbose_name='placering')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.AddConstraint(
            model_name='careplan',
            constraint=models.UniqueConstraint(fields=('placement', 'kind'), name='careplan_one_per_kind'),
        ),
        migrations.AddConstraint(
            model_name='careplan',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['vardplan', 'genomforandeplan'])), name='careplan_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='careplan',
            constraint=models.CheckConstraint(condition=models.Q(('revised_on__isnull', True), ('revised_on__gte', models.F('established_on')), _connector='OR'), name='careplan_revised_after_established'),
        ),
        migrations.AddConstraint(
            model_name='careplan',
            constraint=models.CheckConstraint(condition=models.Q(('established_on__gte', datetime.date(1900, 1, 1)), ('established_on__lte', datetime.date(2100, 12, 31))), name='careplan_established_on_in_window'),
        ),
        migrations.AddConstraint(
            model_name='careplan',
            constraint=models.CheckConstraint(condition=models.Q(('revised_on__isnull', True), models.Q(('revised_on__gte', datetime.date(1900, 1, 1)), ('revised_on__lte', datetime.date(2100, 12, 31))), _connector='OR'), name='careplan_revised_on_in_window'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='careplan',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "placements_careplanevent" ("by_id", "established_on", "id", "kind", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "placement_id", "revised_on", "updated_at") VALUES (NEW."by_id", NEW."established_on", NEW."id", NEW."kind", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."placement_id", NEW."revised_on", NEW."updated_at"); RETURN NULL;', hash='07990ea6886479227cb49bb69f130bed24497ecc', operation='INSERT', pgid='pgtrigger_insert_insert_43cf2', table='placements_careplan', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='careplan',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "placements_careplanevent" ("by_id", "established_on", "id", "kind", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "placement_id", "revised_on", "updated_at") VALUES (NEW."by_id", NEW."established_on", NEW."id", NEW."kind", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."placement_id", NEW."revised_on", NEW."updated_at"); RETURN NULL;', hash='5f5a1936668e1bebc34fc55b3aaf5c8de9b1aee5', operation='UPDATE', pgid='pgtrigger_update_update_eef32', table='placements_careplan', when='AFTER')),
        ),
        migrations.AddIndex(
            model_name='placementnotification',
            index=models.Index(condition=models.Q(('relevant__isnull', True), models.Q(('notified_on__isnull', True), ('relevant', True)), _connector='OR'), fields=['due_on', 'placement'], name='placementnotif_open_due'),
        ),
        migrations.AddConstraint(
            model_name='placementnotification',
            constraint=models.UniqueConstraint(fields=('placement', 'event', 'recipient'), name='placementnotification_one_per_recipient'),
        ),
        migrations.AddConstraint(
            model_name='placementnotification',
            constraint=models.CheckConstraint(condition=models.Q(('event__in', ['start', 'slut'])), name='placementnotification_event_valid'),
        ),
        migrations.AddConstraint(
            model_name='placementnotification',
            constraint=models.CheckConstraint(condition=models.Q(('recipient__in', ['forsakringskassan', 'pensionsmyndigheten', 'skola', 'overformyndare'])), name='placementnotification_recipient_valid'),
        ),
        migrations.AddConstraint(
            model_name='placementnotification',
            constraint=models.CheckConstraint(condition=models.Q(('notified_on__isnull', True), ('relevant', True), _connector='OR'), name='placementnotification_notified_only_when_relevant'),
        ),
        migrations.AddConstraint(
            model_name='placementnotification',
            constraint=models.CheckConstraint(condition=models.Q(('due_on__gte', models.F('event_on'))), name='placementnotification_due_after_event'),
        ),
        migrations.AddConstraint(
            model_name='placementnotification',
            constraint=models.CheckConstraint(condition=models.Q(('event_on__gte', datetime.date(1900, 1, 1)), ('event_on__lte', datetime.date(2100, 12, 31))), name='placementnotification_event_on_in_window'),
        ),
        migrations.AddConstraint(
            model_name='placementnotification',
            constraint=models.CheckConstraint(condition=models.Q(('due_on__gte', datetime.date(1900, 1, 1)), ('due_on__lte', datetime.date(2100, 12, 31))), name='placementnotification_due_on_in_window'),
        ),
        migrations.AddConstraint(
            model_name='placementnotification',
            constraint=models.CheckConstraint(condition=models.Q(('notified_on__isnull', True), models.Q(('notified_on__gte', datetime.date(1900, 1, 1)), ('notified_on__lte', datetime.date(2100, 12, 31))), _connector='OR'), name='placementnotification_notified_on_in_window'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='placementnotification',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "placements_placementnotificationevent" ("answered_by_id", "created_at", "due_on", "event", "event_on", "id", "note", "notified_on", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "placement_id", "recipient", "relevant") VALUES (NEW."answered_by_id", NEW."created_at", NEW."due_on", NEW."event", NEW."event_on", NEW."id", NEW."note", NEW."notified_on", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."placement_id", NEW."recipient", NEW."relevant"); RETURN NULL;', hash='8a938d263f8ed0139ac325815ec7a712941d5e9b', operation='INSERT', pgid='pgtrigger_insert_insert_c2e5c', table='placements_placementnotification', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='placementnotification',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "placements_placementnotificationevent" ("answered_by_id", "created_at", "due_on", "event", "event_on", "id", "note", "notified_on", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "placement_id", "recipient", "relevant") VALUES (NEW."answered_by_id", NEW."created_at", NEW."due_on", NEW."event", NEW."event_on", NEW."id", NEW."note", NEW."notified_on", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."placement_id", NEW."recipient", NEW."relevant"); RETURN NULL;', hash='9ae421518cd02569fbc70690340366977355eb4e', operation='UPDATE', pgid='pgtrigger_update_update_fe8ea', table='placements_placementnotification', when='AFTER')),
        ),
        migrations.RunPython(revoke, migrations.RunPython.noop),
    ]
