"""Gallring (SoL 12 kap., issue 13 point 5): the rules as data, legal holds, the record of runs, the personakt's
last entry as a view, and the database functions that delete what is due.

Why functions: the application's role may not DELETE history (pghistory) rows or the access log (migrations
0002, 0009), and a gallring that left the history behind would be fake. The functions are SECURITY DEFINER,
owned by the role that runs migrations, and re-check the rule themselves (rule table, last entry, legal hold,
faderskap/adoption, and never a day after today in Stockholm, the app's own today), so the app role can call
them but cannot use them to erase anything that is not due. The app role may only read the rules and add to the
record."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The last entry of a personakt: the latest date anything in it was received, assessed, decided, started, held or
# ended, as the users recorded it. The database's own created_at counts only for a person with no case at all:
# an import or a restore of old records must not restart their five years. Ongoing: an open case, an open
# investigation or an insats started and not ended.
ACTIVITY_VIEW = """
CREATE VIEW socialtjanst_personakt_activity AS
WITH entries(person_id, day, ongoing) AS (
    SELECT p.id, (p.created_at AT TIME ZONE 'Europe/Stockholm')::date, false FROM socialtjanst_person p
    WHERE NOT EXISTS (SELECT 1 FROM socialtjanst_case c WHERE c.person_id = p.id)
  UNION ALL
    SELECT c.person_id, GREATEST(c.opened_on, c.closed_on), c.status = 'pagaende' FROM socialtjanst_case c
  UNION ALL
    SELECT c.person_id, GREATEST(i.received_on, i.safety_assessed_on, s.decided_on), false
    FROM socialtjanst_intake i JOIN socialtjanst_case c ON c.id = i.case_id
    LEFT JOIN socialtjanst_screening s ON s.intake_id = i.id
  UNION ALL
    SELECT c.person_id, GREATEST(v.started_on, v.completed_on), v.completed_on IS NULL
    FROM socialtjanst_investigation v JOIN socialtjanst_case c ON c.id = v.case_id
  UNION ALL
    SELECT c.person_id, e.decided_on, false
    FROM socialtjanst_investigationextension e JOIN socialtjanst_investigation v ON v.id = e.investigation_id
    JOIN socialtjanst_case c ON c.id = v.case_id
  UNION ALL
    SELECT c.person_id, k.held_on, false
    FROM socialtjanst_childinterview k JOIN socialtjanst_investigation v ON v.id = k.investigation_id
    JOIN socialtjanst_case c ON c.id = v.case_id
  UNION ALL
    SELECT c.person_id, d.decided_on, false FROM socialtjanst_decision d JOIN socialtjanst_case c ON c.id = d.case_id
  UNION ALL
    SELECT c.person_id, GREATEST(t.started_on, t.ended_on), t.started_on IS NOT NULL AND t.ended_on IS NULL
    FROM socialtjanst_intervention t JOIN socialtjanst_decision d ON d.id = t.decision_id
    JOIN socialtjanst_case c ON c.id = d.case_id
)
SELECT person_id, MAX(day) AS last_entry, bool_or(ongoing) AS ongoing FROM entries GROUP BY person_id;
"""

# Deletes one case's documents and their history, or nothing: a row elsewhere that still points at one of them
# (a placement's insats, another case's förhandsbedömning) raises foreign_key_violation when the deferred
# foreign keys are checked at the end of the block, which rolls the block back and keeps the case.
GALLRA_PERSONAKT = """
CREATE FUNCTION socialtjanst_gallra_personakt(p_person_id bigint, p_today date,
                                              OUT removed_cases integer, OUT removed_rows integer,
                                              OUT person_removed boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_years integer;
  v_case bigint;
  v_n integer;
  v_rows integer;
BEGIN
  removed_cases := 0; removed_rows := 0; person_removed := false;
  IF p_today > (now() AT TIME ZONE 'Europe/Stockholm')::date THEN
    RAISE EXCEPTION 'gallring: dagen % ligger efter dagens datum', p_today;
  END IF;
  SELECT years_after_last_entry INTO v_years FROM socialtjanst_retentionrule
   WHERE category = 'personakt' AND NOT exempt;
  IF v_years IS NULL THEN RETURN; END IF;
  -- Nothing may be added to the personakt while it is judged and removed.
  PERFORM 1 FROM socialtjanst_person WHERE id = p_person_id FOR UPDATE;
  PERFORM 1 FROM socialtjanst_case WHERE person_id = p_person_id FOR UPDATE;
  IF NOT EXISTS (SELECT 1 FROM socialtjanst_personakt_activity a WHERE a.person_id = p_person_id
                 AND NOT a.ongoing AND a.last_entry < (p_today - make_interval(years => v_years))::date) THEN
    RETURN;
  END IF;
  FOR v_case IN
    SELECT c.id FROM socialtjanst_case c LEFT JOIN socialtjanst_caseretention r ON r.case_id = c.id
    WHERE c.person_id = p_person_id AND COALESCE(r.legal_hold_reason, '') = ''
      AND NOT COALESCE(r.paternity_adoption, false)
    ORDER BY c.id
  LOOP
    BEGIN
      v_rows := 0;
      DELETE FROM socialtjanst_interventionevent WHERE pgh_obj_id IN (
        SELECT t.id FROM socialtjanst_intervention t JOIN socialtjanst_decision d ON d.id = t.decision_id
        WHERE d.case_id = v_case);
      GET DIAGNOSTICS v_n = ROW_COUNT; v_rows := v_rows + v_n;
      DELETE FROM socialtjanst_intervention WHERE decision_id IN (
        SELECT id FROM socialtjanst_decision WHERE case_id = v_case);
      GET DIAGNOSTICS v_n = ROW_COUNT; v_rows := v_rows + v_n;
      DELETE FROM socialtjanst_decisionevent WHERE pgh_obj_id IN (
        SELECT id FROM socialtjanst_decision WHERE case_id = v_case);
      GET DIAGNOSTICS v_n = ROW_COUNT; v_rows := v_rows + v_n;
      DELETE FROM socialtjanst_decision WHERE case_id = v_case;
      GET DIAGNOSTICS v_n = ROW_COUNT; v_rows := v_rows + v_n;
      DELETE FROM socialtjanst_childinterview WHERE investigation_id IN (
        SELECT id FROM socialtjanst_investigation WHERE case_id = v_case);
      GET DIAGNOSTICS v_n = ROW_COUNT; v_rows := v_rows + v_n;
      DELETE FROM socialtjanst_investigationextension WHERE investigation_id IN (
        SELECT id FROM socialtjanst_investigation WHERE case_id = v_case);
      GET DIAGNOSTICS v_n = ROW_COUNT; v_rows := v_rows + v_n;
      DELETE FROM socialtjanst_screeningevent WHERE pgh_obj_id IN (
        SELECT s.id FROM socialtjanst_screening s JOIN socialtjanst_intake i ON i.id = s.intake_id
        WHERE i.case_id = v_case);
      GET DIAGNOSTICS v_n = ROW_COUNT; v_rows := v_rows + v_n;
      DELETE FROM socialtjanst_screening WHERE intake_id IN (
        SELECT id FROM socialtjanst_intake WHERE case_id = v_case);
      GET DIAGNOSTICS v_n = ROW_COUNT; v_rows := v_rows + v_n;
      DELETE FROM socialtjanst_investigationevent WHERE pgh_obj_id IN (
        SELECT id FROM socialtjanst_investigation WHERE case_id = v_case);
      GET DIAGNOSTICS v_n = ROW_COUNT; v_rows := v_rows + v_n;
      DELETE FROM socialtjanst_investigation WHERE case_id = v_case;
      GET DIAGNOSTICS v_n = ROW_COUNT; v_rows := v_rows + v_n;
      DELETE FROM socialtjanst_intakeevent WHERE pgh_obj_id IN (
        SELECT id FROM socialtjanst_intake WHERE case_id = v_case);
      GET DIAGNOSTICS v_n = ROW_COUNT; v_rows := v_rows + v_n;
      DELETE FROM socialtjanst_intake WHERE case_id = v_case;
      GET DIAGNOSTICS v_n = ROW_COUNT; v_rows := v_rows + v_n;
      DELETE FROM socialtjanst_caseretention WHERE case_id = v_case;
      GET DIAGNOSTICS v_n = ROW_COUNT; v_rows := v_rows + v_n;
      DELETE FROM socialtjanst_caseevent WHERE pgh_obj_id = v_case;
      GET DIAGNOSTICS v_n = ROW_COUNT; v_rows := v_rows + v_n;
      DELETE FROM socialtjanst_case WHERE id = v_case;
      GET DIAGNOSTICS v_n = ROW_COUNT; v_rows := v_rows + v_n;
      SET CONSTRAINTS ALL IMMEDIATE;
      SET CONSTRAINTS ALL DEFERRED;
      removed_cases := removed_cases + 1;
      removed_rows := removed_rows + v_rows;
    EXCEPTION WHEN foreign_key_violation THEN
      SET CONSTRAINTS ALL DEFERRED;
    END;
  END LOOP;
  IF NOT EXISTS (SELECT 1 FROM socialtjanst_case WHERE person_id = p_person_id) THEN
    BEGIN
      DELETE FROM socialtjanst_personevent WHERE pgh_obj_id = p_person_id;
      GET DIAGNOSTICS v_n = ROW_COUNT; v_rows := v_n;
      DELETE FROM socialtjanst_person WHERE id = p_person_id;
      GET DIAGNOSTICS v_n = ROW_COUNT; v_rows := v_rows + v_n;
      SET CONSTRAINTS ALL IMMEDIATE;
      SET CONSTRAINTS ALL DEFERRED;
      person_removed := v_n > 0;
      removed_rows := removed_rows + v_rows;
    EXCEPTION WHEN foreign_key_violation THEN
      SET CONSTRAINTS ALL DEFERRED;
    END;
  END IF;
END $$;
"""

# The access log by its own rule: rows older than the rule's years (never fewer than five, a CHECK).
GALLRA_ACCESS_LOG = """
CREATE FUNCTION socialtjanst_gallra_access_log(p_today date) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_years integer;
  v_n integer;
BEGIN
  IF p_today > (now() AT TIME ZONE 'Europe/Stockholm')::date THEN
    RAISE EXCEPTION 'gallring: dagen % ligger efter dagens datum', p_today;
  END IF;
  SELECT years_after_last_entry INTO v_years FROM socialtjanst_retentionrule
   WHERE category = 'atkomstlogg' AND NOT exempt;
  IF v_years IS NULL THEN RETURN 0; END IF;
  DELETE FROM socialtjanst_accessevent
   WHERE (at AT TIME ZONE 'Europe/Stockholm')::date < (p_today - make_interval(years => v_years))::date;
  GET DIAGNOSTICS v_n = ROW_COUNT;
  RETURN v_n;
END $$;
"""

FUNCTIONS = ("socialtjanst_gallra_personakt(bigint, date)", "socialtjanst_gallra_access_log(date)")

# category, years after the last entry (None: never), source
RULES = [
    ("personakt", 5, "SoL 12 kap. 1 §: fem år efter sista anteckningen, genomförd under följande kalenderår"),
    ("placering_barn", None, "SoL 12 kap. 2 §: handlingar om placering av barn i familjehem, HVB eller annat "
                             "enskilt hem gallras inte"),
    ("faderskap_adoption", None, "SoL 12 kap. 2 §: handlingar om faderskap och adoption gallras inte"),
    ("placering_rakenskap", None, "Placeringar är underlag för stängda månaders fakta och gallras inte av "
                                  "detta jobb"),
    ("atkomstlogg", 5, "Åtkomstloggen sparas minst fem år (loggkontroll), räknat från händelsen"),
]


def seed_rules(apps, schema_editor):
    rule_model = apps.get_model("socialtjanst", "RetentionRule")
    for category, years, source in RULES:
        rule_model.objects.get_or_create(category=category, defaults={
            "years_after_last_entry": years, "exempt": years is None, "source": source,
        })


def grant(apps, schema_editor):
    qn = schema_editor.quote_name
    role = settings.DATABASE_APP_ROLE
    with schema_editor.connection.cursor() as cur:
        for function in FUNCTIONS:
            cur.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
            if role:
                cur.execute(f"GRANT EXECUTE ON FUNCTION {function} TO {qn(role)}")
        if role:
            app = qn(role)
            # The rules change by migration only; the record is only ever added to.
            cur.execute(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON socialtjanst_retentionrule FROM {app}")
            cur.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON socialtjanst_retentionrecord FROM {app}")
            cur.execute(f"GRANT SELECT ON socialtjanst_personakt_activity TO {app}")


class Migration(migrations.Migration):

    dependencies = [
        ('socialtjanst', '0012_sign_in'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PersonaktActivity',
            fields=[
                ('person_id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('last_entry', models.DateField()),
                ('ongoing', models.BooleanField()),
            ],
            options={
                'db_table': 'socialtjanst_personakt_activity',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='RetentionRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('run_at', models.DateTimeField(verbose_name='gallrat')),
                ('run_by', models.CharField(max_length=150, verbose_name='utfört av')),
                ('category', models.CharField(choices=[('personakt', 'Personakt (SoL)'), ('placering_barn', 'Placering av barn i familjehem, HVB eller annat enskilt hem'), ('faderskap_adoption', 'Faderskap och adoption'), ('placering_rakenskap', 'Personakt med placering (underlag för månadsfakta)'), ('atkomstlogg', 'Åtkomstlogg')], max_length=30, verbose_name='handlingstyp')),
                ('personakter', models.PositiveIntegerField(verbose_name='personakter')),
                ('cases', models.PositiveIntegerField(verbose_name='ärenden')),
                ('rows', models.PositiveIntegerField(verbose_name='rader i databasen')),
            ],
            options={
                'verbose_name': 'gallringsprotokoll',
                'verbose_name_plural': 'gallringsprotokoll',
                'ordering': ['-run_at', 'category'],
            },
        ),
        migrations.CreateModel(
            name='RetentionRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('category', models.CharField(choices=[('personakt', 'Personakt (SoL)'), ('placering_barn', 'Placering av barn i familjehem, HVB eller annat enskilt hem'), ('faderskap_adoption', 'Faderskap och adoption'), ('placering_rakenskap', 'Personakt med placering (underlag för månadsfakta)'), ('atkomstlogg', 'Åtkomstlogg')], max_length=30, unique=True, verbose_name='handlingstyp')),
                ('years_after_last_entry', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='år efter sista anteckningen')),
                ('complete_by', models.CharField(choices=[('foljande_kalenderar', 'Under följande kalenderår')], default='foljande_kalenderar', max_length=30, verbose_name='genomförd')),
                ('exempt', models.BooleanField(default=False, verbose_name='gallras aldrig')),
                ('source', models.CharField(max_length=200, verbose_name='grund')),
            ],
            options={
                'verbose_name': 'gallringsregel',
                'verbose_name_plural': 'gallringsregler',
                'ordering': ['category'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('exempt', True), ('years_after_last_entry__isnull', True)), models.Q(('exempt', False), ('years_after_last_entry__gte', 5)), _connector='OR'), name='retentionrule_exempt_or_at_least_five_years')],
            },
        ),
        migrations.CreateModel(
            name='CaseRetention',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('paternity_adoption', models.BooleanField(default=False, verbose_name='faderskap eller adoption')),
                ('legal_hold_reason', models.CharField(blank=True, max_length=400, verbose_name='skäl för bevarande')),
                ('legal_hold_at', models.DateTimeField(blank=True, null=True, verbose_name='bevarande satt')),
                ('case', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='retention', to='socialtjanst.case', verbose_name='ärende')),
                ('legal_hold_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='bevarande satt av')),
            ],
            options={
                'verbose_name': 'gallringsuppgift för ärende',
                'verbose_name_plural': 'gallringsuppgifter för ärenden',
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('legal_hold_at__isnull', True), ('legal_hold_by__isnull', True), ('legal_hold_reason', '')), models.Q(models.Q(('legal_hold_reason', ''), _negated=True), ('legal_hold_at__isnull', False), ('legal_hold_by__isnull', False)), _connector='OR'), name='caseretention_hold_has_reason_and_who')],
            },
        ),
        migrations.RunPython(seed_rules, migrations.RunPython.noop),
        migrations.RunSQL(ACTIVITY_VIEW, "DROP VIEW IF EXISTS socialtjanst_personakt_activity"),
        migrations.RunSQL(GALLRA_PERSONAKT, "DROP FUNCTION IF EXISTS socialtjanst_gallra_personakt(bigint, date)"),
        migrations.RunSQL(GALLRA_ACCESS_LOG, "DROP FUNCTION IF EXISTS socialtjanst_gallra_access_log(date)"),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
