"""Att göra's kept open items (issue 19 point 2), the case flow's parts: socialtjanst_todo_item, the function that
refreshes a set of persons' items through the live list's own statement (socialtjanst.todo_kept), the statement
triggers on every table those parts read, and the fill from the rows already stored. placements 0024_todo_kept adds
the registered parts (övervägande, vårdplan, ...) to the same table.

The function's body is compiled from socialtjanst.todo when this runs, so it is the live statement, not a copy of
it; if the rules change, a later migration re-creates it (tests/web/test_todo_kept.py fails until one does).
No model: makemigrations sees nothing."""

from django.db import migrations

from common.migration_ops import drop_statement_triggers_sql, statement_triggers_sql
from socialtjanst import todo_kept

TRIGGERS, TRUNCATE_TRIGGERS = todo_kept.triggers(todo_kept.FLOW_REFRESH, "todo_flow", todo_kept.FLOW_TABLES)


def forward(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cur:
        for sql in todo_kept.TABLE_SQL:
            cur.execute(sql)
        cur.execute(todo_kept.refresh_function_sql(connection, flow=True))
        for sql in statement_triggers_sql(TRIGGERS, TRUNCATE_TRIGGERS):
            cur.execute(sql)
        cur.execute(todo_kept.fill_sql(connection, flow=True))
        cur.execute(f"ANALYZE {todo_kept.KEPT}")


def backward(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        for sql in drop_statement_triggers_sql(TRIGGERS, TRUNCATE_TRIGGERS):
            cur.execute(sql)
        cur.execute(f"DROP FUNCTION IF EXISTS {todo_kept.FLOW_REFRESH}(bigint[])")
        cur.execute(f"DROP TABLE IF EXISTS {todo_kept.KEPT}")


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0025_intake_kept")]

    operations = [migrations.RunPython(forward, backward)]
