"""Fördelning (issue 15 point 1): the history of who was made responsible for a case.

The rows are append-only for the application's role, and a trigger refuses a row whose new responsible is
not a member of the case's unit with the Handläggare role, so no code path can hand a case to someone
outside its unit (the service checks the same first, with a Swedish message)."""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TRIGGER = """
CREATE FUNCTION socialtjanst_caseassignment_member() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1
        FROM socialtjanst_case c
        JOIN socialtjanst_unitmembership m ON m.unit_id = c.unit_id AND m.user_id = NEW.to_user_id
        JOIN auth_user_groups ug ON ug.user_id = NEW.to_user_id
        JOIN auth_group g ON g.id = ug.group_id AND g.name = 'Handläggare'
        WHERE c.id = NEW.case_id
    ) THEN
        RAISE EXCEPTION 'caseassignment_to_unit_member' USING ERRCODE = 'check_violation',
            CONSTRAINT = 'caseassignment_to_unit_member';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER socialtjanst_caseassignment_member BEFORE INSERT ON socialtjanst_caseassignment
    FOR EACH ROW EXECUTE FUNCTION socialtjanst_caseassignment_member();
"""
DROP_TRIGGER = """
DROP TRIGGER IF EXISTS socialtjanst_caseassignment_member ON socialtjanst_caseassignment;
DROP FUNCTION IF EXISTS socialtjanst_caseassignment_member();
"""


def revoke(apps, schema_editor):
    role = settings.DATABASE_APP_ROLE
    if not role:
        return
    with schema_editor.connection.cursor() as cur:
        app = schema_editor.quote_name(role)
        cur.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON socialtjanst_caseassignment FROM {app}")


class Migration(migrations.Migration):

    dependencies = [
        ('socialtjanst', '0014_everyday'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseAssignment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("assigned_on", models.DateField(verbose_name="gäller från")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="registrerat")),
                ("assigned_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                                  to=settings.AUTH_USER_MODEL, verbose_name="fördelat av")),
                ("case", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="assignments",
                                           to="socialtjanst.case", verbose_name="ärende")),
                ("from_user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                                related_name="+", to=settings.AUTH_USER_MODEL,
                                                verbose_name="tidigare ansvarig")),
                ("to_user", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                              to=settings.AUTH_USER_MODEL, verbose_name="ny ansvarig")),
            ],
            options={
                "verbose_name": "fördelning",
                "verbose_name_plural": "fördelningar",
                "ordering": ["-created_at", "-pk"],
                "indexes": [models.Index(fields=["case", "created_at"], name="caseassignment_case_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("assigned_on__gte", datetime.date(1900, 1, 1)),
                                           ("assigned_on__lte", datetime.date(2100, 12, 31))),
                        name="caseassignment_assigned_on_in_window"),
                    models.CheckConstraint(
                        condition=models.Q(("from_user__isnull", True),
                                           models.Q(("from_user", models.F("to_user")), _negated=True),
                                           _connector="OR"),
                        name="caseassignment_changes_responsible"),
                ],
            },
        ),
        migrations.RunSQL(TRIGGER, DROP_TRIGGER),
        migrations.RunPython(revoke, migrations.RunPython.noop),
    ]
