"""The journal (issue 15 point 2): signed entries and per-user drafts.

socialtjanst_journalentry is append-only for everyone, the application's role included: a trigger refuses
every UPDATE and DELETE (a trigger, not only a revoked privilege, so the owner role running migrations and the
admin's superuser cannot do it either). TRUNCATE is only revoked from the app role: the owner's TRUNCATE is how
the test suite empties the database between transactional tests (Django's flush), and no request runs as owner.
A correction must belong to the same case as the entry it corrects, checked by the insert trigger since a CHECK
cannot look at another row. Plain PL/pgSQL rather than a
django-pgtrigger Protect: pgtrigger's triggers obey its `pgtrigger.ignore` setting, which any session may set.
"""

import datetime
import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

APPEND_ONLY_SQL = """
CREATE FUNCTION socialtjanst_journalentry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'En signerad journalanteckning kan inte ändras eller tas bort (%).', TG_OP
    USING ERRCODE = 'integrity_constraint_violation', HINT = 'Skriv en korrigering som en ny anteckning.';
END;
$$;
CREATE TRIGGER journalentry_append_only
  BEFORE UPDATE OR DELETE ON socialtjanst_journalentry
  FOR EACH ROW EXECUTE FUNCTION socialtjanst_journalentry_append_only();

CREATE FUNCTION socialtjanst_journalentry_correction_same_case() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.corrects_id IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM socialtjanst_journalentry e WHERE e.id = NEW.corrects_id AND e.case_id = NEW.case_id) THEN
    RAISE EXCEPTION 'En korrigering måste gälla en anteckning i samma ärende.'
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER journalentry_correction_same_case
  BEFORE INSERT ON socialtjanst_journalentry
  FOR EACH ROW EXECUTE FUNCTION socialtjanst_journalentry_correction_same_case();
"""

APPEND_ONLY_REVERSE_SQL = """
DROP TRIGGER IF EXISTS journalentry_correction_same_case ON socialtjanst_journalentry;
DROP TRIGGER IF EXISTS journalentry_append_only ON socialtjanst_journalentry;
DROP FUNCTION IF EXISTS socialtjanst_journalentry_correction_same_case();
DROP FUNCTION IF EXISTS socialtjanst_journalentry_append_only();
"""


# Gallring (socialtjanst.retention) counts five years from a personakt's last entry: a journal entry is one, by
# the day it is about. The view of migration 0013 gains that branch. The gallring function does not delete journal
# entries (the trigger refuses), so a case with a journal is kept when due: keeping too much is the safe mistake.
_ACTIVITY_0013 = importlib.import_module("socialtjanst.migrations.0013_retention").ACTIVITY_VIEW
_JOURNAL_BRANCH = """  UNION ALL
    SELECT c.person_id, j.occurred_on, false
    FROM socialtjanst_journalentry j JOIN socialtjanst_case c ON c.id = j.case_id
)
SELECT person_id,"""
ACTIVITY_VIEW = _ACTIVITY_0013.replace("CREATE VIEW", "CREATE OR REPLACE VIEW").replace(
    ")\nSELECT person_id,", _JOURNAL_BRANCH)
ACTIVITY_VIEW_REVERSE = _ACTIVITY_0013.replace("CREATE VIEW", "CREATE OR REPLACE VIEW")
assert "socialtjanst_journalentry" in ACTIVITY_VIEW


def revoke(apps, schema_editor):
    """Belt and braces beside the trigger: the app role has no UPDATE, DELETE or TRUNCATE right at all (the trigger
    does not cover TRUNCATE)."""
    role = settings.DATABASE_APP_ROLE
    if role:
        with schema_editor.connection.cursor() as cur:
            cur.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON socialtjanst_journalentry "
                        f"FROM {schema_editor.quote_name(role)}")


class Migration(migrations.Migration):

    dependencies = [
        ('socialtjanst', '0015_assignment'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='JournalEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('occurred_on', models.DateField(verbose_name='datum')),
                ('kind', models.CharField(choices=[('samtal', 'Samtal'), ('hembesok', 'Hembesök'), ('natverk', 'Kontakt med nätverk'), ('telefon', 'Telefon'), ('beslut', 'Beslut'), ('ovrigt', 'Övrigt')], max_length=20, verbose_name='typ')),
                ('with_whom', models.CharField(blank=True, max_length=200, verbose_name='med vem')),
                ('text', models.TextField(verbose_name='anteckning')),
                ('created_at', models.DateTimeField(verbose_name='påbörjad')),
                ('signed_at', models.DateTimeField(verbose_name='signerad')),
                ('correction_reason', models.TextField(blank=True, default='', verbose_name='skäl till korrigeringen')),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='skriven av')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='journal_entries', to='socialtjanst.case', verbose_name='ärende')),
                ('corrects', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='corrections', to='socialtjanst.journalentry', verbose_name='korrigerar')),
            ],
            options={
                'verbose_name': 'journalanteckning',
                'verbose_name_plural': 'journalanteckningar',
                'ordering': ['-occurred_on', '-signed_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='JournalDraft',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('occurred_on', models.DateField(blank=True, null=True, verbose_name='datum')),
                ('kind', models.CharField(blank=True, choices=[('samtal', 'Samtal'), ('hembesok', 'Hembesök'), ('natverk', 'Kontakt med nätverk'), ('telefon', 'Telefon'), ('beslut', 'Beslut'), ('ovrigt', 'Övrigt')], max_length=20, verbose_name='typ')),
                ('with_whom', models.CharField(blank=True, max_length=200, verbose_name='med vem')),
                ('text', models.TextField(blank=True, verbose_name='anteckning')),
                ('correction_reason', models.TextField(blank=True, default='', verbose_name='skäl till korrigeringen')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='påbörjat')),
                ('saved_at', models.DateTimeField(auto_now=True, verbose_name='senast sparat')),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='skriven av')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='socialtjanst.case', verbose_name='ärende')),
                ('corrects', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='socialtjanst.journalentry', verbose_name='korrigerar')),
            ],
            options={
                'verbose_name': 'journalutkast',
                'verbose_name_plural': 'journalutkast',
            },
        ),
        migrations.AddIndex(
            model_name='journalentry',
            index=models.Index(fields=['case', 'occurred_on'], name='journalentry_case_occurred'),
        ),
        migrations.AddConstraint(
            model_name='journalentry',
            constraint=models.CheckConstraint(condition=models.Q(('text', ''), _negated=True), name='journalentry_text_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='journalentry',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('correction_reason', ''), ('corrects__isnull', True)), models.Q(('corrects__isnull', False), models.Q(('correction_reason', ''), _negated=True)), _connector='OR'), name='journalentry_correction_has_reason'),
        ),
        migrations.AddConstraint(
            model_name='journalentry',
            constraint=models.CheckConstraint(condition=models.Q(('signed_at__gte', models.F('created_at'))), name='journalentry_signed_after_created'),
        ),
        migrations.AddConstraint(
            model_name='journalentry',
            constraint=models.CheckConstraint(condition=models.Q(('occurred_on__gte', datetime.date(1900, 1, 1)), ('occurred_on__lte', datetime.date(2100, 12, 31))), name='journalentry_occurred_on_in_window'),
        ),
        migrations.AddConstraint(
            model_name='journaldraft',
            constraint=models.UniqueConstraint(fields=('case', 'author'), name='journaldraft_one_per_user_and_case'),
        ),
        migrations.RunSQL(APPEND_ONLY_SQL, APPEND_ONLY_REVERSE_SQL),
        migrations.RunPython(revoke, migrations.RunPython.noop),
        migrations.RunSQL(ACTIVITY_VIEW, ACTIVITY_VIEW_REVERSE),
    ]
