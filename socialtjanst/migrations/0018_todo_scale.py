"""Att göra at national scale (issue 19 point 2): what its plans need to find the open items without reading every
case, aktualisering and förhandsbedömning.

- An aktualisering without a förhandsbedömning is the absence of a row, which no index can hold: the planner probed
  the förhandsbedömning of every aktualisering in the user's open cases (150 000 probes for an enhetschef on the
  national set). socialtjanst_intake_awaiting_screening holds the ids of those without one, kept by statement
  triggers on both tables (set-based, so a bulk load costs one statement per statement). It is an index Django never
  writes: no model, nothing reads it but socialtjanst.todo, and tests/web/test_todo_scale.py checks it equals the
  absence of a förhandsbedömning after every kind of change.
- Partial indexes on the other open items, by case: utredningar not completed, decisions not voided (the query
  narrows them to the favourable kinds) and insatser verkställda (the NOT EXISTS of a waiting decision); the
  open cases by unit, for the scope.

Raw SQL, like 0017: the model state is unchanged and makemigrations sees nothing.
"""

from django.db import migrations

from common.migration_ops import drop_statement_triggers_sql, statement_triggers_sql

AWAITING = "socialtjanst_intake_awaiting_screening"

INDEXES = [
    ("case_open_unit", "socialtjanst_case (unit_id, id) WHERE status = 'pagaende'"),
    ("investigation_open_case", "socialtjanst_investigation (case_id) WHERE completed_on IS NULL"),
    ("decision_unvoided_case", "socialtjanst_decision (case_id) WHERE voided_reason = ''"),
    ("intervention_started_decision", "socialtjanst_intervention (decision_id) WHERE started_on IS NOT NULL"),
]

# (trigger name, table, event, transition tables, the function's body)
TRIGGERS = [
    ("awaiting_intake_insert", "socialtjanst_intake", "INSERT", "NEW TABLE AS changed",
     f"INSERT INTO {AWAITING} (intake_id) SELECT c.id FROM changed c WHERE NOT EXISTS"
     " (SELECT 1 FROM socialtjanst_screening s WHERE s.intake_id = c.id) ON CONFLICT DO NOTHING;"),
    ("awaiting_intake_delete", "socialtjanst_intake", "DELETE", "OLD TABLE AS changed",
     f"DELETE FROM {AWAITING} a USING changed c WHERE a.intake_id = c.id;"),
    ("awaiting_screening_insert", "socialtjanst_screening", "INSERT", "NEW TABLE AS changed",
     f"DELETE FROM {AWAITING} a USING changed c WHERE a.intake_id = c.intake_id;"),
    ("awaiting_screening_delete", "socialtjanst_screening", "DELETE", "OLD TABLE AS changed",
     f"INSERT INTO {AWAITING} (intake_id) SELECT DISTINCT c.intake_id FROM changed c"
     " JOIN socialtjanst_intake i ON i.id = c.intake_id WHERE NOT EXISTS"
     " (SELECT 1 FROM socialtjanst_screening s WHERE s.intake_id = c.intake_id) ON CONFLICT DO NOTHING;"),
    # A förhandsbedömning moved to another aktualisering (never done by the application, but possible).
    ("awaiting_screening_update", "socialtjanst_screening", "UPDATE", "OLD TABLE AS before NEW TABLE AS changed",
     f"DELETE FROM {AWAITING} a USING changed c WHERE a.intake_id = c.intake_id;"
     f" INSERT INTO {AWAITING} (intake_id) SELECT DISTINCT b.intake_id FROM before b"
     " JOIN socialtjanst_intake i ON i.id = b.intake_id WHERE NOT EXISTS"
     " (SELECT 1 FROM socialtjanst_screening s WHERE s.intake_id = b.intake_id) ON CONFLICT DO NOTHING;"),
]
# TRUNCATE (the test database's flush) fires no row triggers: emptied aktualiseringar empty the table, and emptied
# förhandsbedömningar leave every remaining aktualisering waiting.
TRUNCATE_TRIGGERS = [
    ("awaiting_intake_truncate", "socialtjanst_intake", f"DELETE FROM {AWAITING};"),
    ("awaiting_screening_truncate", "socialtjanst_screening",
     f"INSERT INTO {AWAITING} (intake_id) SELECT id FROM socialtjanst_intake ON CONFLICT DO NOTHING;"),
]


FORWARD = [
    f"CREATE TABLE IF NOT EXISTS {AWAITING} (intake_id bigint PRIMARY KEY)",
    f"COMMENT ON TABLE {AWAITING} IS 'Att göra: aktualiseringar utan förhandsbedömning, hållen av triggrar "
    "(socialtjanst 0018_todo_scale); skrivs aldrig av applikationen'",
    *statement_triggers_sql(TRIGGERS, TRUNCATE_TRIGGERS),
    f"INSERT INTO {AWAITING} (intake_id) SELECT i.id FROM socialtjanst_intake i WHERE NOT EXISTS"
    " (SELECT 1 FROM socialtjanst_screening s WHERE s.intake_id = i.id) ON CONFLICT DO NOTHING",
    *(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}" for name, definition in INDEXES),
    f"ANALYZE {AWAITING}",
]
BACKWARD = [
    *(f"DROP INDEX IF EXISTS {name}" for name, _definition in INDEXES),
    *drop_statement_triggers_sql(TRIGGERS, TRUNCATE_TRIGGERS),
    f"DROP TABLE IF EXISTS {AWAITING}",
]


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0017_followup_scale")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
