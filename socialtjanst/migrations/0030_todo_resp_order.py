"""A handläggare's Att göra reads her page in the list's own order (issue 19, the list pages under load).

Her items were found through todo_item_resp (resp_id, due_on), which cannot give the list's order (due date nulls
first, then case, part and object), so PostgreSQL walked the whole scope's order index (todo_item_order) and threw
away every other handläggare's item: 25 000 rows read for 25 shown, 21 ms, at national scale. This index has her
items in that order (0,9 ms) and serves her totals as todo_item_resp did, which it replaces. The same definition
is in socialtjanst.todo_kept.TABLE_SQL (frozen here: a migration never imports app code that may change)."""

from django.db import migrations

CREATE = ("CREATE INDEX IF NOT EXISTS todo_item_resp_order ON socialtjanst_todo_item (resp_id, due_on NULLS FIRST,"
          " case_id, (GREATEST(part - 1, 0)), obj, part) INCLUDE (unit_id, visible_from, visible_until, lead_due)")
OLD = ("CREATE INDEX IF NOT EXISTS todo_item_resp ON socialtjanst_todo_item (resp_id, due_on) INCLUDE (part, obj,"
       " case_id, unit_id, visible_from, visible_until, lead_due)")


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0029_deadline_refresh_plan")]

    operations = [
        migrations.RunSQL(
            [CREATE, "DROP INDEX IF EXISTS todo_item_resp", "ANALYZE socialtjanst_todo_item"],
            [OLD, "DROP INDEX IF EXISTS todo_item_resp_order"],
        ),
    ]
