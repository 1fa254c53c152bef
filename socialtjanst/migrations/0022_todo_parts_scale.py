"""Att göra at national scale, continued (issue 19 point 2): covering partial indexes so the list's scope is read
from an index alone, and the favourable decisions still waiting for verkställighet kept as a set.

- An enhetschef's (or the whole municipality's) open cases with the person and the responsible: the placement parts
  narrow to the children of the scoped cases, and the case flow's parts read the case's responsible, without a heap
  visit per case.
- A handläggare's open cases by responsible: her list is read from her own cases (socialtjanst.todo), a few thousand
  rows found in the index instead of every case she was ever responsible for filtered by status and unit.
- Open utredningar by their responsible (who answers for an Utredning, whatever the case's responsible).
- An open case by id with its unit, responsible and person: an item's case is checked against the scope in the
  index alone (an enhetschef's 15 000 aktualiseringar waiting for a förhandsbedömning are 15 000 such probes).
- An aktualisering by id, and a case's aktualiseringar, with the columns the list reads: those waiting for a
  förhandsbedömning (a trigger-kept table of ids, 0018) and a handläggare's cases lead to them without a heap visit
  each; likewise a case's decisions not voided.
- socialtjanst_decision_awaiting_enforcement: the ids of the favourable decisions (FAVOURABLE_DECISION_KINDS), not
  voided, with no insats verkställd. "No verkställd insats" is an absence no index can hold: the list hash-joined all
  170 000 decisions with all 110 000 verkställda insatser to find 6 400. Kept by statement triggers on decisions and
  insatser, like 0018's table; nothing else writes it, only socialtjanst.todo reads it, and
  tests/web/test_todo_scale.py checks it equals the rule after every kind of change.

Raw SQL, like 0017 and 0018: the plans' business, not the models'; makemigrations sees nothing. (If
FAVOURABLE_DECISION_KINDS ever changes, a new migration re-creates the functions and refills the table; the equality
test fails until it does.)
"""

from django.db import migrations

from common.migration_ops import drop_statement_triggers_sql, statement_triggers_sql

# A frozen copy of socialtjanst.models.caseflow.FAVOURABLE_DECISION_KINDS as it was when this migration was written (a
# migration never imports app code that may change under it); tests/web/test_todo_scale.py checks it is the app's.
FAVOURABLE_DECISION_KINDS = ("bistand", "vard", "omedelbart_omhandertagande")

INDEXES = [
    ("case_open_unit_cover", "socialtjanst_case (unit_id, id) INCLUDE (person_id, responsible_id) "
                             "WHERE status = 'pagaende'"),
    ("case_open_responsible_cover", "socialtjanst_case (responsible_id, unit_id, id) INCLUDE (person_id) "
                                    "WHERE status = 'pagaende'"),
    ("investigation_open_responsible", "socialtjanst_investigation (responsible_id, case_id) "
                                       "WHERE completed_on IS NULL"),
    ("case_open_id_cover", "socialtjanst_case (id) INCLUDE (unit_id, responsible_id, person_id) "
                           "WHERE status = 'pagaende'"),
    ("intake_id_cover", "socialtjanst_intake (id) INCLUDE (case_id, received_on, kind, target_group, "
                        "safety_assessed_on)"),
    ("intake_case_cover", "socialtjanst_intake (case_id) INCLUDE (id, received_on, kind, target_group, "
                          "safety_assessed_on)"),
    ("decision_unvoided_case_cover", "socialtjanst_decision (case_id) INCLUDE (id, kind, decided_on) "
                                     "WHERE voided_reason = ''"),
]

WAITING = "socialtjanst_decision_awaiting_enforcement"
_KINDS = ", ".join(f"'{kind}'" for kind in FAVOURABLE_DECISION_KINDS)


def _waiting(decisions: str, where: str = "TRUE") -> str:
    """The ids of `decisions` (a relation with id, kind, voided_reason) that wait for verkställighet."""
    return (f"SELECT d.id FROM {decisions} d WHERE d.kind IN ({_KINDS}) AND d.voided_reason = '' AND ({where})"
            " AND NOT EXISTS (SELECT 1 FROM socialtjanst_intervention n WHERE n.decision_id = d.id"
            " AND n.started_on IS NOT NULL)")


def _recheck(ids: str) -> str:
    """Forget the decisions `ids` (a SELECT of decision ids) and add back those that still wait."""
    return (f"DELETE FROM {WAITING} w WHERE w.decision_id IN ({ids});"
            f" INSERT INTO {WAITING} (decision_id) {_waiting('socialtjanst_decision', f'd.id IN ({ids})')}"
            " ON CONFLICT DO NOTHING;")


# (trigger name, table, event, transition tables, the function's body)
TRIGGERS = [
    ("enforcement_decision_insert", "socialtjanst_decision", "INSERT", "NEW TABLE AS changed",
     f"INSERT INTO {WAITING} (decision_id) {_waiting('changed')} ON CONFLICT DO NOTHING;"),
    ("enforcement_decision_update", "socialtjanst_decision", "UPDATE", "OLD TABLE AS before NEW TABLE AS changed",
     _recheck("SELECT b.id FROM before b UNION SELECT c.id FROM changed c")),
    ("enforcement_decision_delete", "socialtjanst_decision", "DELETE", "OLD TABLE AS changed",
     f"DELETE FROM {WAITING} w USING changed c WHERE w.decision_id = c.id;"),
    ("enforcement_intervention_insert", "socialtjanst_intervention", "INSERT", "NEW TABLE AS changed",
     _recheck("SELECT c.decision_id FROM changed c")),
    ("enforcement_intervention_update", "socialtjanst_intervention", "UPDATE",
     "OLD TABLE AS before NEW TABLE AS changed",
     _recheck("SELECT b.decision_id FROM before b UNION SELECT c.decision_id FROM changed c")),
    ("enforcement_intervention_delete", "socialtjanst_intervention", "DELETE", "OLD TABLE AS changed",
     _recheck("SELECT c.decision_id FROM changed c")),
]
# TRUNCATE fires no row triggers (the test database's flush): emptied decisions empty the table, emptied insatser
# leave every favourable decision not voided waiting.
TRUNCATE_TRIGGERS = [
    ("enforcement_decision_truncate", "socialtjanst_decision", f"DELETE FROM {WAITING};"),
    ("enforcement_intervention_truncate", "socialtjanst_intervention",
     f"INSERT INTO {WAITING} (decision_id) {_waiting('socialtjanst_decision')} ON CONFLICT DO NOTHING;"),
]


FORWARD = [
    *(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}" for name, definition in INDEXES),
    f"CREATE TABLE IF NOT EXISTS {WAITING} (decision_id bigint PRIMARY KEY)",
    f"COMMENT ON TABLE {WAITING} IS 'Att göra: gynnande beslut som väntar på verkställighet, hållen av triggrar "
    "(socialtjanst 0022_todo_parts_scale); skrivs aldrig av applikationen'",
    *statement_triggers_sql(TRIGGERS, TRUNCATE_TRIGGERS),
    f"INSERT INTO {WAITING} (decision_id) {_waiting('socialtjanst_decision')} ON CONFLICT DO NOTHING",
    f"ANALYZE {WAITING}",
]
BACKWARD = [
    *drop_statement_triggers_sql(TRIGGERS, TRUNCATE_TRIGGERS),
    f"DROP TABLE IF EXISTS {WAITING}",
    *(f"DROP INDEX IF EXISTS {name}" for name, _definition in INDEXES),
]


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0021_intake_scale")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
