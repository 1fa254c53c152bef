"""The case flow's trigger-kept report tables, registered with common.kept (from SocialtjanstConfig.ready): the
deadline report's items, the intake statistics' facts and Att göra's items (the case flow's parts, and the parts the
other apps register in socialtjanst.todo_sources, whose triggers placements 0024_todo_kept made)."""

from django.db import connection

from common.kept import KeptTable, register, tally_table

from . import todo_kept
from .followup import deadline_kept, deadline_sets, deadline_tally, statistics_facts

register(KeptTable(
    name="deadline", table=deadline_sets.KEPT, columns=deadline_kept.KEPT_COLUMNS,
    live_sql=deadline_kept.live_items_sql, triggers_like=("deadline\\_kept\\_%",)))
# After the deadline rows: a refill makes the tally from them.
register(tally_table("deadline_tally", deadline_tally.DEADLINE_TALLY))
register(KeptTable(
    name="intake_statistics", table=statistics_facts.FACT, columns=statistics_facts.KEPT_COLUMNS,
    live_sql=statistics_facts.live_facts_sql, triggers_like=("statistics\\_%",)))
register(KeptTable(
    name="todo_flow", table=todo_kept.KEPT, columns=todo_kept.COLUMNS, owns=todo_kept.FLOW_PARTS,
    live_sql=lambda: todo_kept.live_items_sql(connection, flow=True), triggers_like=("todo\\_flow\\_%",),
    on_conflict="ON CONFLICT (part, obj) DO NOTHING"))
register(KeptTable(
    name="todo_registered", table=todo_kept.KEPT, columns=todo_kept.COLUMNS, owns=todo_kept.REGISTERED_PARTS,
    live_sql=lambda: todo_kept.live_items_sql(connection, flow=False), triggers_like=("todo\\_reg\\_%",),
    on_conflict="ON CONFLICT (part, obj) DO NOTHING"))
# After the case flow's and the registered items: a refill makes the tally from them all.
register(tally_table("todo_tally", todo_kept.TODO_TALLY))
