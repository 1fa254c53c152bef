"""The IVO list's decisions without any insats, from the deadline report's kept rows (issue 19: the IVO list under
load; socialtjanst.followup.ivo_report says why): a partial index holding only the verkställighet rows without an
insats (sub 0), by unit. 6 400 of 1,1 M rows at national scale. Raw SQL, as in 0024."""

from django.db import migrations

KEPT = "socialtjanst_deadline_item"


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0034_todo_tally")]

    operations = [
        migrations.RunSQL(
            [f"CREATE INDEX IF NOT EXISTS deadline_item_unenforced ON {KEPT} (unit_id) INCLUDE (pk, day)"
             " WHERE kind = 'verkstallighet' AND sub = 0",
             f"CREATE STATISTICS IF NOT EXISTS deadline_item_kind_sub (mcv) ON kind, sub FROM {KEPT}",
             f"ANALYZE {KEPT}"],
            ["DROP STATISTICS IF EXISTS deadline_item_kind_sub", "DROP INDEX IF EXISTS deadline_item_unenforced"]),
    ]
