"""Indexes for the list pages at national scale (issue 19 point 2, the list pages' p95 < 150 ms).

- The case list shows a user's cases newest first (Case.Meta.ordering: -opened_on, -pk): without an index in that
  order every request sorted the half million cases of two units to show 25 (0,9–1,2 s). Read backward, this
  index gives them in order and stops at 25; a unit with few cases still goes by unit_id and sorts its few.
- The person list is ordered by name (last_name, first_name, pk): the same, for 300 000 persons (a sort that
  spilled to disk, 0,13–0,24 s).

Raw SQL, not Meta.indexes, as in 0017: the indexes serve the lists' plans, the model state is unchanged.
"""

from django.db import migrations

INDEXES = [
    ("case_opened_list", "socialtjanst_case (opened_on, id)"),
    ("person_name_list", "socialtjanst_person (last_name, first_name, id)"),
]


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0022_todo_parts_scale")]

    operations = [
        migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}", f"DROP INDEX IF EXISTS {name}")
        for name, definition in INDEXES
    ]
