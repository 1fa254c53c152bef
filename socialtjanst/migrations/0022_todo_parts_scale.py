"""Att göra at national scale, continued (issue 19 point 2): covering partial indexes so the list's scope is read
from an index alone.

- An enhetschef's (or the whole municipality's) open cases with the person and the responsible: the placement parts
  narrow to the children of the scoped cases, and the case flow's parts read the case's responsible, without a heap
  visit per case.
- A handläggare's open cases by responsible: her list is read from her own cases (socialtjanst.todo), a few thousand
  rows found in the index instead of every case she was ever responsible for filtered by status and unit.
- Open utredningar by their responsible (who answers for an Utredning, whatever the case's responsible).

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
]


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0021_intake_scale")]

    operations = [
        migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}", f"DROP INDEX IF EXISTS {name}")
        for name, definition in INDEXES
    ]
