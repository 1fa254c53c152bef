"""Att göra at national scale, continued (issue 19 point 2): covering partial indexes so the list's scope is read
from an index alone.

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

Raw SQL, like 0017 and 0018: the plans' business, not the models'; makemigrations sees nothing.
"""

from django.db import migrations

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


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0021_intake_scale")]

    operations = [
        migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}", f"DROP INDEX IF EXISTS {name}")
        for name, definition in INDEXES
    ]
