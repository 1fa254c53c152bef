"""Migration operations shared by the apps (placements and budget import from here, never the reverse)."""

import re

from django.conf import settings
from django.db import migrations


class AddConstraintNotValid(migrations.AddConstraint):
    """AddConstraint whose CHECK is added NOT VALID on PostgreSQL: enforced for every new insert and update,
    while rows already stored outside it stay (a municipality's database may hold an intake from year 1;
    validating them would make `migrate` fail). Pages show such rows with date_window's marker.

    The state change is AddConstraint's, so the autodetector sees the same constraint as on the model."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor != "postgresql":
            schema_editor.add_constraint(model, self.constraint)
            return
        sql = self.constraint.create_sql(model, schema_editor)
        schema_editor.execute(f"{sql} NOT VALID", params=None)


def trigger_function_source(body: str) -> str:
    """A statement trigger function's source (pg_proc.prosrc) for `body`: what a test compares the database with."""
    return f" BEGIN {body} RETURN NULL; END "


def _trigger_function(name: str, body: str) -> str:
    source = trigger_function_source(body)
    return f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $${source}$$;"


def statement_triggers_sql(triggers, truncate_triggers=()) -> list[str]:
    """The SQL that keeps a derived table by triggers (Att göra's sets): per `triggers` row (name, table, event,
    transition tables, body) a function and an AFTER ... FOR EACH STATEMENT trigger of that name reading the
    statement's transition tables; per `truncate_triggers` row (name, table, body) one AFTER TRUNCATE, which fires
    no row trigger (the test database's flush). Re-runnable: functions are replaced, triggers dropped first."""
    return [
        *(_trigger_function(name, body) + f" DROP TRIGGER IF EXISTS {name} ON {table};"
          f" CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {transition}"
          f" FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
          for name, table, event, transition, body in triggers),
        *(_trigger_function(name, body) + f" DROP TRIGGER IF EXISTS {name} ON {table};"
          f" CREATE TRIGGER {name} AFTER TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
          for name, table, body in truncate_triggers),
    ]


def drop_statement_triggers_sql(triggers, truncate_triggers=()) -> list[str]:
    """statement_triggers_sql undone."""
    return [f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {name}()"
            for name, table, *_rest in [*triggers, *truncate_triggers]]


def kept_table_privileges(table: str) -> migrations.RunPython:
    """A trigger-kept table's rights for the app's role, which runs the triggers: it reads, inserts and deletes
    kept rows, never rewrites or empties them (the rows come only from the refresh functions)."""

    def forwards(apps, schema_editor):
        role = settings.DATABASE_APP_ROLE
        if role:
            quoted = schema_editor.quote_name(role)
            schema_editor.execute(f"REVOKE UPDATE, TRUNCATE ON {table} FROM {quoted}")
            schema_editor.execute(f"GRANT SELECT, INSERT, DELETE ON {table} TO {quoted}")

    return migrations.RunPython(forwards, migrations.RunPython.noop)


def pausable_triggers(*likes: str) -> migrations.RunPython:
    """The statement triggers whose names match `likes` get common.kept's WHEN, so a transaction can pause them
    (common.kept.paused). Each trigger is re-created from its own definition (pg_get_triggerdef), so the frozen
    bodies of earlier migrations stay as they are; backwards takes the WHEN away again."""

    def rewrite(schema_editor, pause: bool) -> None:
        from common.kept import RUNS_WHEN

        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid) FROM pg_trigger t"
                           " JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND t.tgname LIKE ANY(%s)"
                           " ORDER BY 1", [list(likes)])
            for name, table, definition in cursor.fetchall():
                bare = re.sub(r" WHEN \(.*\) EXECUTE FUNCTION ", " EXECUTE FUNCTION ", definition)
                wanted = bare.replace(" EXECUTE FUNCTION ", f" WHEN ({RUNS_WHEN}) EXECUTE FUNCTION ", 1) if pause \
                    else bare
                if wanted != definition:
                    cursor.execute(f"DROP TRIGGER {schema_editor.quote_name(name)}"
                                   f" ON {schema_editor.quote_name(table)}; {wanted}")

    return migrations.RunPython(lambda apps, schema_editor: rewrite(schema_editor, True),
                                lambda apps, schema_editor: rewrite(schema_editor, False))
