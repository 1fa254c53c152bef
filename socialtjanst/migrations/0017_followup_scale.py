"""Indexes for the set-based follow-up (issue 19 point 2, issue 15 point 4).

- The deadline report's prefilter reads intakes by received_on (indexed) UNION the screenings whose due date
  synnerliga skäl moved (a partial index: few screenings have one), and investigations by started_on UNION
  those with an extension due in the period (new_due_on).
- Utredningstid reads completed investigations by completed_on (partial: open ones have none).
- Återaktualisering reads cases closed in a year (partial on closed_on) and, per closed case, the person's
  cases opened after it (person_id, opened_on).

Raw SQL, not Meta.indexes: the partial indexes are the plans' business, not the models'; so the model state
is unchanged and makemigrations sees nothing.
"""

from django.db import migrations

INDEXES = [
    ("screening_extended_due_partial", "socialtjanst_screening (extended_due_on) WHERE extended_due_on IS NOT NULL"),
    ("investigationextension_new_due", "socialtjanst_investigationextension (new_due_on)"),
    ("investigation_completed_partial", "socialtjanst_investigation (completed_on) WHERE completed_on IS NOT NULL"),
    ("case_closed_partial", "socialtjanst_case (closed_on) WHERE closed_on IS NOT NULL"),
    ("case_person_opened", "socialtjanst_case (person_id, opened_on)"),
]


class Migration(migrations.Migration):

    dependencies = [
        ('socialtjanst', '0016_journal'),
    ]

    operations = [
        migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}", f"DROP INDEX IF EXISTS {name}")
        for name, definition in INDEXES
    ]
