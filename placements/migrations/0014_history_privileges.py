"""The familjehem reference data's history tables (prisbasbelopp, grundarvode, a placement's SKR terms) become
like every other history table: the application's role may only INSERT and SELECT them (as
socialtjanst/0009_access_hardening did for the tables that existed then; tests/socialtjanst/
test_history_privileges.py checks every such table). Runs as the owner role; idempotent."""

from django.conf import settings
from django.db import migrations


def _history_tables(apps) -> list[str]:
    return sorted(
        model._meta.db_table for model in apps.get_app_config("placements").get_models()
        if model._meta.managed and not model._meta.proxy
        and any(field.name == "pgh_created_at" for field in model._meta.get_fields())
    )


def revoke(apps, schema_editor):
    role = settings.DATABASE_APP_ROLE
    if not role:
        return
    app = schema_editor.quote_name(role)
    with schema_editor.connection.cursor() as cur:
        for table in _history_tables(apps):
            cur.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {schema_editor.quote_name(table)} FROM {app}")


class Migration(migrations.Migration):

    dependencies = [
        ('placements', '0013_care_followup'),
    ]

    operations = [
        migrations.RunPython(revoke, migrations.RunPython.noop),
    ]
