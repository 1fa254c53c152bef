"""The deadline report's figures from a tally of the kept rows (issue 19: the frister page under load).

socialtjanst_deadline_item (deadline_kept) holds one row per item: two years of an enhetschef's units were 220 000
rows at national scale, aggregated on every request (78 of the page's 120 ms). The figures need less than a row per
item: whether an item is judged depends only on its due date and whether it is done, and whether it was met only
on its due date and done date. So the tally counts the kept rows per (kind, unit, due date, state), where the state
says open, met or late (STATE_SQL, from deadlines_sql's met rule); the report judges the open ones as of today when
it reads (socialtjanst.followup.deadline_sets). The whole national set is 38 000 tally rows for 1,1 M items.

Kept by statement triggers on the kept rows (socialtjanst 0033_deadline_tally) as + and - rows, without a lock
(common.tally says how); Celery beat folds them (socialtjanst.tasks.tally_compact).
"""

from common.tally import Tally
from socialtjanst import deadlines_sql as dsql

# The kept rows the tally counts, and utredningstid's kind: named here, a module with no imports of its own in this
# package, so that deadline_sets (which reads the tally) and deadline_kept take the names from one place.
KEPT = "socialtjanst_deadline_item"
DAYS = "days"
TALLY = "socialtjanst_deadline_tally"
OPEN, MET, LATE = 0, 1, 2
# A kept row's state: open (no done date), met (done by the due date, deadlines_sql's rule) or late.
STATE_SQL = f"CASE WHEN done_on IS NULL THEN {OPEN} WHEN {dsql.met_sql('done_on', 'day')} THEN {MET} ELSE {LATE} END"
DEADLINE_TALLY = Tally(
    table=TALLY, source=KEPT,
    key=(("kind", "kind"), ("unit_id", "unit_id"), ("day", "day"), ("state", STATE_SQL)),
    sums=(("days", "days"),), trigger_prefix="deadline_tally_", compact_lock=742_019)
COLUMNS = DEADLINE_TALLY.columns


def figures_sql(units, period_sql: str) -> str:
    """Per kind, period and unit: (within, total) of the items judged as of %(today)s, or for utredningstid (sum,
    count) of its days; keys due from %(start)s to %(end)s, in the period `period_sql` (an expression of `day`) says.
    An open item is judged once today is past its due date (deadlines_sql's rule, with the state standing in for the
    done date); a met one is within. A key whose rows sum to nothing gives 0 (the caller leaves it out)."""
    judged = dsql.judged_sql(f"NULLIF(state, {OPEN})", "day", "%(today)s")
    scope = "" if units is None else " AND unit_id = ANY(%(units)s)"
    return (
        f"SELECT kind, period, unit_id, CASE WHEN kind = '{DAYS}' THEN COALESCE(SUM(days), 0)"
        f" ELSE COALESCE(SUM(n) FILTER (WHERE {judged} AND state = {MET}), 0) END,"
        f" CASE WHEN kind = '{DAYS}' THEN SUM(n) ELSE COALESCE(SUM(n) FILTER (WHERE {judged}), 0) END"
        f" FROM (SELECT kind, {period_sql} AS period, unit_id, day, state, n, days"
        f" FROM {TALLY} WHERE day BETWEEN %(start)s AND %(end)s{scope}) t"
        " WHERE period IS NOT NULL GROUP BY kind, period, unit_id")
