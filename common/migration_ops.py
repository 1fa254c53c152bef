"""Migration operations shared by the apps (placements and budget import from here, never the reverse)."""

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


def _trigger_function(name: str, body: str) -> str:
    return (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN {body} RETURN NULL; END $$;")


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
