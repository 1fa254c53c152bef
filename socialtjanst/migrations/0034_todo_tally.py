"""Att göra's totals for whole units from a tally of the kept items (issue 19: Att göra for an enhetschef under load;
socialtjanst.todo_kept.TODO_TALLY and common.tally say what a row is and why).

A row counts the kept items (socialtjanst_todo_item) of one unit, part, due date and the dates that decide whether
the item shows on a given day (visible_from, visible_until, lead_due), + or -: statement triggers on the kept items
insert each statement's net change per key and never update a row, so no two transactions wait for each other here.
A key's count is the sum of its rows; the Celery beat task socialtjanst.tasks.tally_compact folds them.

The SQL below is a FROZEN copy of what the module writes today (a migration must not change meaning when the app's
code does); tests/web/test_todo_kept.py checks the database's trigger functions equal what the module writes, so a
changed key fails there until a new migration re-creates them. The triggers can be paused by a bulk load like the
other kept tables' (common.kept.paused); the application's role may SELECT, INSERT and DELETE the rows (the
triggers, the compaction), never UPDATE or TRUNCATE them.
"""

from django.db import migrations

from common.migration_ops import (
    drop_statement_triggers_sql,
    kept_table_privileges,
    pausable_triggers,
    statement_triggers_sql,
)

TALLY = "socialtjanst_todo_tally"
# --- frozen copies of the module's SQL (see the docstring) ---------------------------------------------
TRIGGERS = [
    ('todo_tally_insert', 'socialtjanst_todo_item', 'INSERT', 'NEW TABLE AS changed', (
        'INSERT INTO socialtjanst_todo_tally (unit_id, part, due_on, visible_from, visible_until, lead_du'
        'e, n) SELECT unit_id AS unit_id, part AS part, due_on AS due_on, visible_from AS visible_from, v'
        'isible_until AS visible_until, lead_due AS lead_due, count(*) AS n FROM changed GROUP BY 1, 2, 3'
        ', 4, 5, 6;'
    )),
    ('todo_tally_delete', 'socialtjanst_todo_item', 'DELETE', 'OLD TABLE AS changed', (
        'INSERT INTO socialtjanst_todo_tally (unit_id, part, due_on, visible_from, visible_until, lead_du'
        'e, n) SELECT unit_id AS unit_id, part AS part, due_on AS due_on, visible_from AS visible_from, v'
        'isible_until AS visible_until, lead_due AS lead_due, -count(*) AS n FROM changed GROUP BY 1, 2, '
        '3, 4, 5, 6;'
    )),
    ('todo_tally_update', 'socialtjanst_todo_item', 'UPDATE', 'OLD TABLE AS before NEW TABLE AS changed', (
        'INSERT INTO socialtjanst_todo_tally (unit_id, part, due_on, visible_from, visible_until, lead_du'
        'e, n) SELECT unit_id, part, due_on, visible_from, visible_until, lead_due, sum(n) AS n FROM (SEL'
        'ECT unit_id AS unit_id, part AS part, due_on AS due_on, visible_from AS visible_from, visible_un'
        'til AS visible_until, lead_due AS lead_due, -count(*) AS n FROM before GROUP BY 1, 2, 3, 4, 5, 6'
        ' UNION ALL SELECT unit_id AS unit_id, part AS part, due_on AS due_on, visible_from AS visible_fr'
        'om, visible_until AS visible_until, lead_due AS lead_due, count(*) AS n FROM changed GROUP BY 1,'
        ' 2, 3, 4, 5, 6) d GROUP BY unit_id, part, due_on, visible_from, visible_until, lead_due HAVING s'
        'um(n) <> 0;'
    )),
]
TRUNCATE_TRIGGERS = [
    ('todo_tally_truncate', 'socialtjanst_todo_item', (
        'DELETE FROM socialtjanst_todo_tally; INSERT INTO socialtjanst_todo_tally (unit_id, part, due_on,'
        ' visible_from, visible_until, lead_due, n) SELECT unit_id AS unit_id, part AS part, due_on AS du'
        'e_on, visible_from AS visible_from, visible_until AS visible_until, lead_due AS lead_due, count('
        '*) AS n FROM socialtjanst_todo_item GROUP BY 1, 2, 3, 4, 5, 6;'
    )),
]
FILL = (
        'INSERT INTO socialtjanst_todo_tally (unit_id, part, due_on, visible_from, visible_until, lead_du'
        'e, n) SELECT unit_id AS unit_id, part AS part, due_on AS due_on, visible_from AS visible_from, v'
        'isible_until AS visible_until, lead_due AS lead_due, count(*) AS n FROM socialtjanst_todo_item G'
        'ROUP BY 1, 2, 3, 4, 5, 6'
    )
# -----------------------------------------------------------------------------------------------------------

FORWARD = [
    f"CREATE TABLE IF NOT EXISTS {TALLY} (unit_id bigint NOT NULL, part smallint NOT NULL, due_on date,"
    " visible_from date, visible_until date, lead_due date, n integer NOT NULL)",
    f"COMMENT ON TABLE {TALLY} IS 'Att göra: antal öppna punkter per enhet, del, sista dag och visningsdagar, som +"
    " och - rader; hålls av triggrar (socialtjanst 0034_todo_tally, socialtjanst.todo_kept); skrivs aldrig av"
    " applikationen'",
    *statement_triggers_sql(TRIGGERS, TRUNCATE_TRIGGERS),
    f"DELETE FROM {TALLY}",
    FILL,
    # An enhetschef's units (or the whole municipality: a seq scan of 15 000 rows at national scale).
    f"CREATE INDEX IF NOT EXISTS todo_tally_unit ON {TALLY} (unit_id) INCLUDE (part, due_on, visible_from,"
    " visible_until, lead_due, n)",
    f"ANALYZE {TALLY}",
]
BACKWARD = [*drop_statement_triggers_sql(TRIGGERS, TRUNCATE_TRIGGERS), f"DROP TABLE IF EXISTS {TALLY}"]


class Migration(migrations.Migration):
    # Whenever placements fills its registered items (its 0024_todo_kept), these triggers count them.
    dependencies = [("socialtjanst", "0033_deadline_tally")]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
        kept_table_privileges(TALLY),
        pausable_triggers("todo\\_tally\\_%"),
    ]
