"""Att göra's kept open items (issue 19 point 2), the registered parts (placements/clocks.py and the modules it
imports: övervägande, vårdplan, genomförandeplan, underrättelser, vårdnadsöverflyttning, uppföljning efter LVU) in
socialtjanst 0026_todo_kept's table: their refresh function, compiled from the live list's statement
(socialtjanst.todo_kept), and the statement triggers on every table those parts read, socialtjanst's included
(an item's case is found through the case, the insats and the decision; a child's age through the person).
socialtjanst never imports placements: its table is filled by this app's migration. No model."""

from django.db import migrations

from common.migration_ops import drop_statement_triggers_sql, statement_triggers_sql
from socialtjanst import todo_kept

_BY_PLACEMENT = "SELECT p.person_id FROM {rel} r JOIN placements_placement p ON p.id = r.placement_id"
TABLES = [
    ("placements_placement", "SELECT r.person_id FROM {rel} r",
     ("person_id", "start_on", "end_on", "is_24h", "voided_reason", "legal_basis", "care_type_id", "intervention_id",
      "unit_id", "review_clock_from"), True),
    ("placements_child_placement", _BY_PLACEMENT, None, False),
    ("placements_carereview", _BY_PLACEMENT, ("placement_id", "decided_on"), True),
    ("placements_careplan", _BY_PLACEMENT, ("placement_id", "kind"), True),
    ("placements_placementnotification", _BY_PLACEMENT, ("placement_id", "due_on", "relevant", "notified_on"), True),
    ("placements_custodytransferconsideration", _BY_PLACEMENT, ("placement_id", "considered_on"), True),
    ("placements_lvufollowup", _BY_PLACEMENT, ("placement_id", "due_on", "finished_on"), True),
    ("placements_caretype", "SELECT p.person_id FROM {rel} r JOIN placements_placement p ON p.care_type_id = r.id",
     ("code",), True),
    ("socialtjanst_case", "SELECT r.person_id FROM {rel} r",
     ("status", "unit_id", "responsible_id", "person_id", "opened_on"), True),
    ("socialtjanst_person", "SELECT r.id FROM {rel} r", ("birth_date",), True),
    ("socialtjanst_intervention",
     "SELECT p.person_id FROM {rel} r JOIN placements_placement p ON p.intervention_id = r.id", ("decision_id",), True),
    ("socialtjanst_decision", "SELECT p.person_id FROM {rel} r JOIN socialtjanst_intervention n"
     " ON n.decision_id = r.id JOIN placements_placement p ON p.intervention_id = n.id", ("case_id",), True),
]
TRIGGERS, TRUNCATE_TRIGGERS = todo_kept.triggers(todo_kept.REGISTERED_REFRESH, "todo_reg", TABLES)


def forward(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cur:
        cur.execute(todo_kept.refresh_function_sql(connection, flow=False))
        for sql in statement_triggers_sql(TRIGGERS, TRUNCATE_TRIGGERS):
            cur.execute(sql)
        cur.execute(todo_kept.fill_sql(connection, flow=False))
        cur.execute(f"ANALYZE {todo_kept.KEPT}")


def backward(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        for sql in drop_statement_triggers_sql(TRIGGERS, TRUNCATE_TRIGGERS):
            cur.execute(sql)
        cur.execute(f"DROP FUNCTION IF EXISTS {todo_kept.REGISTERED_REFRESH}(bigint[])")
        cur.execute(f"DELETE FROM {todo_kept.KEPT} WHERE {todo_kept.REGISTERED_PARTS}")


class Migration(migrations.Migration):
    dependencies = [("placements", "0023_deadline_kept"), ("socialtjanst", "0026_todo_kept")]

    operations = [migrations.RunPython(forward, backward)]
