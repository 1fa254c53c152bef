"""The deadline report's figures from a tally of the kept rows (issue 19: the frister page under load).

socialtjanst_deadline_item (deadline_kept) holds one row per item: two years of an enhetschef's units were 220 000
rows at national scale, aggregated on every request (78 of the page's 120 ms). The figures need less than a row per
item: whether an item is judged depends only on its due date and whether it is done, and whether it was met only
on its due date and done date. So the tally counts the kept rows per (kind, unit, due date, state), where the state
says open, met or late (STATE_SQL, from deadlines_sql's met rule); the report judges the open ones as of today when
it reads (socialtjanst.followup.deadline_sets). The whole national set is 38 000 tally rows for 1,1 M items.

Kept without a lock: statement triggers on the kept rows (socialtjanst 0033_deadline_tally) only ever INSERT a
statement's net change per key, + for rows inserted, - for rows deleted. No row is updated, so two transactions
never wait for each other on a busy key (every intake of a day in one unit is one key), and an import holding its
transaction open blocks no one. A key's figure is the SUM of its rows; `compact()` (Celery beat,
socialtjanst.tasks.deadline_tally_compact) folds each key's rows into one and drops those that sum to nothing.
"""

from django.db import connection, transaction

from socialtjanst import deadlines_sql as dsql

# The kept rows the tally counts, and utredningstid's kind: named here, a module with no imports of its own in this
# package, so that deadline_sets (which reads the tally) and deadline_kept take the names from one place.
KEPT = "socialtjanst_deadline_item"
DAYS = "days"
TALLY = "socialtjanst_deadline_tally"
COLUMNS = ("kind", "unit_id", "day", "state", "n", "days")
# A key that still counts something (utredningstid's days can change while the count nets to nothing).
NONZERO = "sum(n) <> 0 OR sum(days) <> 0"
OPEN, MET, LATE = 0, 1, 2
# A kept row's state: open (no done date), met (done by the due date, deadlines_sql's rule) or late.
STATE_SQL = f"CASE WHEN done_on IS NULL THEN {OPEN} WHEN {dsql.met_sql('done_on', 'day')} THEN {MET} ELSE {LATE} END"
KEY = "kind, unit_id, day, state"
TRIGGER_PREFIX = "deadline_tally_"
TRIGGER_LIKE = "deadline\\_tally\\_%"  # their names, as a LIKE pattern (common.kept)
# compact()'s transactions take turns (the work would only be done twice); the triggers never take it.
COMPACT_LOCK = 742_019


def _delta_sql(rows: str, sign: str) -> str:
    """`rows` (kept rows) as tally rows, counted `sign` (+ or -) per key."""
    return (f"SELECT kind, unit_id, day, {STATE_SQL} AS state, {sign}count(*) AS n, {sign}sum(days) AS days"
            f" FROM {rows} GROUP BY 1, 2, 3, 4")


def live_sql() -> str:
    """The tally as one row per key, from the kept rows (the migration's fill, common.kept's refill)."""
    return _delta_sql(KEPT, "")


def stored_sql() -> str:
    """The tally as stored, summed to one row per key (what common.kept.differences compares with live_sql)."""
    return (f"SELECT {KEY}, sum(n) AS n, sum(days) AS days FROM {TALLY} GROUP BY {KEY}"  # noqa: S608 - constants
            f" HAVING {NONZERO}")


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


def triggers() -> list[tuple[str, str, str, str, str]]:
    """(name, table, event, transition tables, body) of the tally's statement triggers on the kept rows, for
    common.migration_ops.statement_triggers_sql. The app's role never UPDATEs a kept row; the owner's UPDATE
    (a repair by hand) is counted as a delete and an insert."""
    insert = f"INSERT INTO {TALLY} ({', '.join(COLUMNS)}) "
    return [
        (f"{TRIGGER_PREFIX}insert", KEPT, "INSERT", "NEW TABLE AS changed", insert + _delta_sql("changed", "") + ";"),
        (f"{TRIGGER_PREFIX}delete", KEPT, "DELETE", "OLD TABLE AS changed", insert + _delta_sql("changed", "-") + ";"),
        (f"{TRIGGER_PREFIX}update", KEPT, "UPDATE", "OLD TABLE AS before NEW TABLE AS changed",
         f"{insert}SELECT {KEY}, sum(n), sum(days) FROM ({_delta_sql('before', '-')} UNION ALL"
         f" {_delta_sql('changed', '')}) d GROUP BY {KEY} HAVING {NONZERO};"),
    ]


def truncate_triggers() -> list[tuple[str, str, str]]:
    # TRUNCATE of the kept rows (by their owner) fires no row trigger: the tally is made anew from what is left.
    return [(f"{TRIGGER_PREFIX}truncate", KEPT, f"DELETE FROM {TALLY}; INSERT INTO {TALLY} ({', '.join(COLUMNS)})"
             f" {live_sql()};")]


COMPACT_SQL = (
    f"WITH many AS (SELECT {KEY} FROM {TALLY} GROUP BY {KEY} HAVING count(*) > 1 OR sum(n) = 0),"
    f" gone AS (DELETE FROM {TALLY} t USING many m WHERE (t.kind, t.unit_id, t.day, t.state)"
    f" = (m.kind, m.unit_id, m.day, m.state) RETURNING t.*),"
    f" folded AS (INSERT INTO {TALLY} ({', '.join(COLUMNS)}) SELECT {KEY}, sum(n), sum(days) FROM gone"
    f" GROUP BY {KEY} HAVING {NONZERO} RETURNING 1)"
    " SELECT (SELECT count(*) FROM gone) - (SELECT count(*) FROM folded)"
)


def compact() -> int:
    """Folds every key's rows into one, and drops the keys that sum to nothing; returns the rows removed. The sums
    are unchanged: the rows a concurrent trigger inserts are not in the statement's snapshot and stay as they are.
    Idempotent: a second run finds no key with more than one row."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [COMPACT_LOCK])
        cursor.execute(COMPACT_SQL)
        return cursor.fetchone()[0]
