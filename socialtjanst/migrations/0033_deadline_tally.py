"""The deadline report's figures from a tally of its kept rows (issue 19: the frister page under load;
socialtjanst.followup.deadline_tally says what a row is and why).

A row counts the kept rows (socialtjanst_deadline_item) of one kind, unit, due date and state (0 open, 1 met by the
due date, 2 late), + or -: statement triggers on the kept rows insert each statement's net change per key and never
update a row, so no two transactions wait for each other here. A key's figure is the sum of its rows; the Celery
beat task socialtjanst.tasks.deadline_tally_compact folds them.

The SQL below is a FROZEN copy of what deadline_tally writes today (a migration must not change meaning when the
app's code does); tests/socialtjanst/test_deadline_tally.py checks the database's trigger functions equal what the
module writes (common.tally.Tally), so a changed rule fails there until a new migration re-creates them. The triggers can be paused by a
bulk load like the other kept tables' (common.kept.paused); the application's role may SELECT, INSERT and DELETE
the rows (the triggers, the compaction), never UPDATE or TRUNCATE them.
"""

from django.db import migrations

from common.migration_ops import (
    drop_statement_triggers_sql,
    kept_table_privileges,
    pausable_triggers,
    statement_triggers_sql,
)

TALLY = "socialtjanst_deadline_tally"
# --- frozen copies of the module's SQL (see the docstring) ---------------------------------------------
TRIGGERS = [
    ('deadline_tally_insert', 'socialtjanst_deadline_item', 'INSERT', 'NEW TABLE AS changed', (
        'INSERT INTO socialtjanst_deadline_tally (kind, unit_id, day, state, n, days) SELECT kind AS kind'
        ', unit_id AS unit_id, day AS day, CASE WHEN done_on IS NULL THEN 0 WHEN ((done_on) IS NOT NULL A'
        'ND (done_on) <= (day)) THEN 1 ELSE 2 END AS state, count(*) AS n, sum(days) AS days FROM changed'
        ' GROUP BY 1, 2, 3, 4;'
    )),
    ('deadline_tally_delete', 'socialtjanst_deadline_item', 'DELETE', 'OLD TABLE AS changed', (
        'INSERT INTO socialtjanst_deadline_tally (kind, unit_id, day, state, n, days) SELECT kind AS kind'
        ', unit_id AS unit_id, day AS day, CASE WHEN done_on IS NULL THEN 0 WHEN ((done_on) IS NOT NULL A'
        'ND (done_on) <= (day)) THEN 1 ELSE 2 END AS state, -count(*) AS n, -sum(days) AS days FROM chang'
        'ed GROUP BY 1, 2, 3, 4;'
    )),
    ('deadline_tally_update', 'socialtjanst_deadline_item', 'UPDATE', 'OLD TABLE AS before NEW TABLE AS changed', (
        'INSERT INTO socialtjanst_deadline_tally (kind, unit_id, day, state, n, days) SELECT kind, unit_i'
        'd, day, state, sum(n) AS n, sum(days) AS days FROM (SELECT kind AS kind, unit_id AS unit_id, day'
        ' AS day, CASE WHEN done_on IS NULL THEN 0 WHEN ((done_on) IS NOT NULL AND (done_on) <= (day)) TH'
        'EN 1 ELSE 2 END AS state, -count(*) AS n, -sum(days) AS days FROM before GROUP BY 1, 2, 3, 4 UNI'
        'ON ALL SELECT kind AS kind, unit_id AS unit_id, day AS day, CASE WHEN done_on IS NULL THEN 0 WHE'
        'N ((done_on) IS NOT NULL AND (done_on) <= (day)) THEN 1 ELSE 2 END AS state, count(*) AS n, sum('
        'days) AS days FROM changed GROUP BY 1, 2, 3, 4) d GROUP BY kind, unit_id, day, state HAVING sum('
        'n) <> 0 OR sum(days) <> 0;'
    )),
]
TRUNCATE_TRIGGERS = [
    ('deadline_tally_truncate', 'socialtjanst_deadline_item', (
        'DELETE FROM socialtjanst_deadline_tally; INSERT INTO socialtjanst_deadline_tally (kind, unit_id,'
        ' day, state, n, days) SELECT kind AS kind, unit_id AS unit_id, day AS day, CASE WHEN done_on IS '
        'NULL THEN 0 WHEN ((done_on) IS NOT NULL AND (done_on) <= (day)) THEN 1 ELSE 2 END AS state, coun'
        't(*) AS n, sum(days) AS days FROM socialtjanst_deadline_item GROUP BY 1, 2, 3, 4;'
    )),
]
FILL = (
        'INSERT INTO socialtjanst_deadline_tally (kind, unit_id, day, state, n, days) SELECT kind AS kind'
        ', unit_id AS unit_id, day AS day, CASE WHEN done_on IS NULL THEN 0 WHEN ((done_on) IS NOT NULL A'
        'ND (done_on) <= (day)) THEN 1 ELSE 2 END AS state, count(*) AS n, sum(days) AS days FROM socialt'
        'janst_deadline_item GROUP BY 1, 2, 3, 4'
    )
# -----------------------------------------------------------------------------------------------------------

FORWARD = [
    f"CREATE TABLE IF NOT EXISTS {TALLY} (kind text NOT NULL"
    " CHECK (kind IN ('forhandsbedomningar', 'utredningar', 'verkstallighet', 'days')),"
    " unit_id bigint NOT NULL, day date NOT NULL, state smallint NOT NULL CHECK (state IN (0, 1, 2)),"
    " n integer NOT NULL, days bigint, CHECK ((kind = 'days') = (days IS NOT NULL)))",
    f"COMMENT ON TABLE {TALLY} IS 'Fristrapporten: antal fristposter per slag, enhet, sista dag och läge (0 öppen,"
    " 1 i tid, 2 för sent), som + och - rader; hålls av triggrar (socialtjanst 0033_deadline_tally,"
    " socialtjanst.followup.deadline_tally); skrivs aldrig av applikationen'",
    *statement_triggers_sql(TRIGGERS, TRUNCATE_TRIGGERS),
    f"DELETE FROM {TALLY}",
    FILL,
    # A period's keys by due date (the whole municipality or a few units: a few thousand rows either way).
    f"CREATE INDEX IF NOT EXISTS deadline_tally_day ON {TALLY} (day, unit_id, kind, state) INCLUDE (n, days)",
    f"ANALYZE {TALLY}",
]
BACKWARD = [*drop_statement_triggers_sql(TRIGGERS, TRUNCATE_TRIGGERS), f"DROP TABLE IF EXISTS {TALLY}"]


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0032_deadline_item_unit")]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
        kept_table_privileges(TALLY),
        pausable_triggers("deadline\\_tally\\_%"),
    ]
