"""The deadline report's case-flow items kept by triggers (issue 19 point 2, national scale): one narrow row per
förhandsbedömning, utredning and verkställighet item, and per utredning completed for a child (utredningstid),
with the case's unit on the row, so the report aggregates an index range on the due date instead of computing
every item from the raw tables and hashing a million cases on every request.

One home per rule: the rows are the items of socialtjanst.followup.deadline_sets' own cores (CORES, with the
due-date twins of socialtjanst.deadlines_sql) over a period wide enough to hold every date the date window allows,
and its utredningstid rows with the same child rule (CHILD_AT_START_SQL). Nothing here depends on today: a row
holds its due date and its done date, and the report judges them as of today when it reads.

Kept, never stale: statement triggers on every table the items read (socialtjanst 0024_deadline_kept) refresh the
rows of the AFFECTED cases in the same transaction, by running REFRESH_SQL (deadline_refresh(cases)): delete the
cases' rows, insert what the cores give for those cases. The migration holds a frozen copy of this SQL;
tests/socialtjanst/test_deadline_kept.py checks the database's function equals what this module writes today (a
rule changed here needs a migration that re-creates it) and that the kept rows equal the live cores after every
kind of change.
"""

import datetime

from django.db import connection

from common import kept

from .deadline_sets import CHILD_AT_START_SQL, CORES, DAYS, KEPT, _params

REFRESH_FUNCTION = "socialtjanst_deadline_refresh"
KEPT_COLUMNS = ("kind", "case_id", "unit_id", "pk", "sub", "day", "done_on", "days")
KEPT_KINDS = (*CORES, DAYS)

# Every due date a stored row can have lies in this period: the date window is 1900–2100, and no clock is longer
# than a few months. The cores' prefilters (start minus 14 days, minus four months ...) then narrow nothing.
WIDE_START, WIDE_END = datetime.date(1899, 1, 1), datetime.date(2199, 12, 31)


def _items_sql(case_filter: str) -> str:
    """The kept rows (KEPT_COLUMNS) of the cases `case_filter` admits (a condition on o.case_id)."""
    own = [f"SELECT '{kind}' AS kind, k.case_id, k.pk, k.sub, k.due_on AS day, k.done_on, NULL::date AS started_on"
           f" FROM ({core('')}) k" for kind, core in CORES.items()]
    days = (f"SELECT '{DAYS}' AS kind, v.case_id, v.id AS pk, 0 AS sub, v.completed_on AS day, v.completed_on AS"
            " done_on, v.started_on FROM socialtjanst_investigation v WHERE v.completed_on IS NOT NULL")
    return (
        "SELECT o.kind, o.case_id, c.unit_id, o.pk, o.sub, o.day, o.done_on,"
        f" CASE WHEN o.kind = '{DAYS}' THEN o.done_on - o.started_on END AS days"
        f" FROM ({' UNION ALL '.join([*own, days])}) o JOIN socialtjanst_case c ON c.id = o.case_id"
        # Only utredningstid's rows look a person up (a NULL key is passed over without a probe).
        f" LEFT JOIN socialtjanst_person p ON p.id = CASE WHEN o.kind = '{DAYS}' THEN c.person_id END"
        f" WHERE ({case_filter}) AND (o.kind <> '{DAYS}' OR {CHILD_AT_START_SQL})"
    )


def _literal(sql: str) -> str:
    """`sql` with the cores' parameters (the wide period) written in as literals: a trigger has no parameters."""
    return connection.ops.compose_sql(sql, _params(None, WIDE_START, WIDE_END, WIDE_START))


def live_items_sql() -> str:
    """Every case's rows as the cores give them now (the oracle the kept rows are tested against)."""
    return _literal(_items_sql("TRUE"))


def fill_sql() -> str:
    """Every case's rows (the migration's first fill, and a TRUNCATE's refill)."""
    return f"INSERT INTO {KEPT} ({', '.join(KEPT_COLUMNS)}) " + live_items_sql()


def refresh_function_sql() -> str:
    """deadline_refresh(cases bigint[]): forget the cases' rows and insert what the cores give for them now.

    A generic plan, made once per connection, for the few cases a page's save touches: planning the large statement
    anew on every write (EXECUTE) cost 4 ms of the 7 a refresh took. More cases than common.kept.BULK_REFRESH get
    a plan of their own (EXECUTE), since the generic one probes case by case (common.kept.insert_by_size).

    The cases' rows are locked first, in id order (tuple locks: an import's thousands fit): a second transaction
    refreshing a case waits until the first commits, and its DELETE (a new snapshot under READ COMMITTED) then
    sees and removes the rows the first inserted, instead of leaving a row the second's change made stale."""
    head = f"INSERT INTO {KEPT} ({', '.join(KEPT_COLUMNS)}) "
    planned = head + _literal(_items_sql("o.case_id = ANY(cases)"))
    bulk = head + _literal(_items_sql("o.case_id = ANY($1)"))
    return (f"CREATE OR REPLACE FUNCTION {REFRESH_FUNCTION}(cases bigint[]) RETURNS void LANGUAGE plpgsql"
            " SET plan_cache_mode = force_generic_plan AS $fn$"
            " BEGIN PERFORM 1 FROM socialtjanst_case WHERE id = ANY(cases) ORDER BY id FOR NO KEY UPDATE;"
            f" DELETE FROM {KEPT} WHERE case_id = ANY(cases);"
            f" {kept.insert_by_size('cases', planned, bulk, 'ins')} END $fn$")
