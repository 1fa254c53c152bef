"""The application's database role: full rights on ordinary tables, but only
INSERT and SELECT on the access log, so no bug or injected SQL in the app can
rewrite or erase who looked at what. Runs as the owner role (migrations)."""

from django.conf import settings
from django.db import migrations


def grant(apps, schema_editor):
    role = settings.DATABASE_APP_ROLE
    if not role:
        return
    qn = schema_editor.quote_name
    app = qn(role)
    with schema_editor.connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cur.fetchone() is None:
            raise RuntimeError(f"DATABASE_APP_ROLE {role!r} finns inte i databasen.")
        cur.execute(f"GRANT USAGE ON SCHEMA public TO {app}")
        cur.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}")
        cur.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {app}")
        cur.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}")
        cur.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {app}")
        cur.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON socialtjanst_accessevent FROM {app}")


class Migration(migrations.Migration):
    dependencies = [
        ("socialtjanst", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sessions", "0001_initial"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("axes", "0001_initial"),
        ("pghistory", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
