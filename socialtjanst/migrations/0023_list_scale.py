"""Indexes for the list pages at national scale (issue 19 point 2, the list pages' p95 < 150 ms).

- The case list shows a user's cases newest first (Case.Meta.ordering: -opened_on, -pk): without an index in that
  order every request sorted the half million cases of two units to show 25 (0,9–1,2 s). Read backward, this
  index gives them in order and stops at 25; a unit with few cases still goes by unit_id and sorts its few.
- The person list is ordered by name (last_name, first_name, pk): the same, for 300 000 persons (a sort that
  spilled to disk, 0,13–0,24 s).
- The IVO list (socialtjanst.followup.ivo_report.IvoList) looks for the favourable decisions without any insats:
  an anti-join of every such decision with the insatser. With the decision's columns the list reads included in
  a partial index, both sides are index-only scans in id order (a merge anti-join, no table read; 250 → 116 ms at
  load 5). The insatser not started before the quarter are found by started_on (NULL included).
  The index's kinds are FAVOURABLE_DECISION_KINDS as of this migration: if they change, the plan falls back to
  the table, the rows stay right.

Raw SQL, not Meta.indexes, as in 0017: the indexes serve the lists' plans, the model state is unchanged.
"""

from django.db import migrations

INDEXES = [
    ("case_opened_list", "socialtjanst_case (opened_on, id)"),
    ("person_name_list", "socialtjanst_person (last_name, first_name, id)"),
    ("decision_favourable_ivo", "socialtjanst_decision (id) INCLUDE (case_id, decided_on, legal_basis)"
                                " WHERE voided_reason = ''"
                                " AND kind IN ('bistand', 'vard', 'omedelbart_omhandertagande')"),
    ("intervention_started_on", "socialtjanst_intervention (started_on)"),
]


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0022_todo_parts_scale")]

    operations = [
        migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}", f"DROP INDEX IF EXISTS {name}")
        for name, definition in INDEXES
    ]
