"""The history tables (pghistory's <model>event tables) become like the access log: the application's
database role may only INSERT (the triggers write as that role) and SELECT them, so no bug or injected
SQL in the app can rewrite what a case, a person or a price looked like before. Runs as the owner role.

A table is a history table if it has pghistory's pgh_created_at column; tests/socialtjanst/
test_history_privileges.py checks every such table of the current models, so a new tracked model
without a migration like this one fails the suite. pghistory's own Events view (unmanaged) is no table."""

from django.conf import settings
from django.db import migrations


CONTEXT_TABLE = "pghistory_context"


def history_tables(apps) -> list[str]:
    return sorted(
        model._meta.db_table for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
        and any(field.name == "pgh_created_at" for field in model._meta.get_fields())
    )


def revoke(apps, schema_editor):
    role = settings.DATABASE_APP_ROLE
    if not role:
        return
    app = schema_editor.quote_name(role)
    with schema_editor.connection.cursor() as cur:
        for table in history_tables(apps):
            cur.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {schema_editor.quote_name(table)} FROM {app}")
        # Who changed what, from which address: pghistory upserts a request's context row, so UPDATE stays.
        cur.execute(f"REVOKE DELETE, TRUNCATE ON {CONTEXT_TABLE} FROM {app}")


def grant_back(apps, schema_editor):
    role = settings.DATABASE_APP_ROLE
    if not role:
        return
    app = schema_editor.quote_name(role)
    with schema_editor.connection.cursor() as cur:
        for table in history_tables(apps):
            cur.execute(f"GRANT UPDATE, DELETE ON {schema_editor.quote_name(table)} TO {app}")
        cur.execute(f"GRANT DELETE ON {CONTEXT_TABLE} TO {app}")


class Migration(migrations.Migration):
    dependencies = [
        ("socialtjanst", "0008_date_window"),
        # Every app's history tables must exist before their rights are narrowed (no cycle: placements and
        # budget depend on socialtjanst 0004 at most).
        ("placements", "0007_invoice_checks"),
        ("budget", "0001_initial"),
        ("pghistory", "0001_initial"),
    ]
    operations = [
        migrations.RunPython(revoke, grant_back),
        # The four-eyes permission for granting the protected-identity permission (socialtjanst.grants).
        migrations.AlterModelOptions(
            name="person",
            options={
                "ordering": ["last_name", "first_name"],
                "permissions": [
                    ("view_protected_identity", "Får se skyddade personuppgifter"),
                    ("grant_protected_identity", "Får ge behörighet att se skyddade personuppgifter"),
                ],
                "verbose_name": "person",
                "verbose_name_plural": "personer",
            },
        ),
    ]
