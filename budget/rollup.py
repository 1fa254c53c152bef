"""The monthly roll-up (shared/domain.md §6): placements → monthly facts, set-based in SQL.

One statement (budget/fresh.py) computes the fresh figures of a run of consecutive months: placement
ranges intersected with the months and with price periods, grouped by cost centre, care type,
provider, regime, target group and legal basis. Whole months are counted by running sums and only
partial months one by one, so the work grows with placements, not placement-months. `_sync` makes
the stored rows equal the target with INSERT ... ON CONFLICT on the fact key, touching nothing that
is already right, so running it twice or on two workers (serialised by an advisory lock) gives
identical facts.

Closed months: an open month M holds its own rows (booking M, origin M). A closed month C
never changes; its correction lives in the first open month F as rows (booking F, origin C)
= fresh(C) − the rows of C booked in closed months. So for every month, the sum of its rows
over all bookings equals a fresh computation.

Cost per placement and month is rounded to öre once: daily prices × days, plus monthly
amounts × days ÷ days in the month, plus the month's foster-care payments. The Python
oracle in budget/reference.py walks every day and must agree to the öre.
"""

import datetime
from dataclasses import dataclass

from django.db import connection, transaction

from placements.days import add_months, month_start

from .fresh import FRESH_SQL, fresh_params, month_blocks

# pg_advisory_xact_lock key shared by the roll-up and month closing: one at a time.
ROLLUP_LOCK = 7_301_2024

MEASURES = ("care_days", "cost", "persons", "started", "ended", "unpriced_days")
KEY = ("cost_centre_id", "care_type_id", "provider_id", "legal_basis")

@dataclass
class RollupResult:
    months: list[datetime.date]
    inserted: int = 0
    updated: int = 0
    deleted: int = 0

    def describe(self) -> str:
        months = ", ".join(m.strftime("%Y-%m") for m in self.months) or "inga"
        return (f"Månader: {months}. Nya rader: {self.inserted}, ändrade: {self.updated}, "
                f"borttagna: {self.deleted}.")


def closed_months(cur) -> set[datetime.date]:
    cur.execute("SELECT month FROM budget_monthclosing WHERE reopened_at IS NULL")
    return {r[0] for r in cur.fetchall()}


def first_open_month(closed: set[datetime.date]) -> datetime.date | None:
    """Closings run in order, so the first open month follows the latest closed one."""
    return add_months(max(closed), 1) if closed else None


def _lock(cur) -> None:
    cur.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUP_LOCK])


def _sync(cur, months: list[datetime.date], closed: set[datetime.date]) -> RollupResult:
    """Makes the stored facts of `months` (as origins) equal to a fresh computation."""
    result = RollupResult(months=sorted(months))
    if not months:
        return result
    first_open = first_open_month(closed)
    # Enough memory to hash-aggregate a large municipality's year instead of sorting it (make bench);
    # LOCAL: only for this transaction.
    cur.execute("SET LOCAL work_mem = '32MB'")
    cur.execute("DROP TABLE IF EXISTS rollup_fresh")
    for i, block in enumerate(month_blocks(months)):
        into = "INSERT INTO rollup_fresh" if i else "CREATE TEMP TABLE rollup_fresh ON COMMIT DROP AS"
        cur.execute(f"{into} {FRESH_SQL}", fresh_params(block))
    # The target rows: fresh figures for open origins; for closed origins, fresh minus what the
    # closed months already hold, booked in the first open month.
    cur.execute("""
        CREATE TEMP TABLE rollup_target ON COMMIT DROP AS
        WITH closed_rows AS (
          SELECT origin_month, cost_centre_id, care_type_id, provider_id, legal_basis,
                 min(regime) AS regime, min(target_group) AS target_group,
                 SUM(care_days) AS care_days, SUM(cost) AS cost, SUM(persons) AS persons,
                 SUM(started) AS started, SUM(ended) AS ended, SUM(unpriced_days) AS unpriced_days
          FROM budget_monthlyfact
          WHERE origin_month = ANY(%(closed_origins)s::date[]) AND booking_month = ANY(%(closed)s::date[])
          GROUP BY origin_month, cost_centre_id, care_type_id, provider_id, legal_basis
        ),
        delta AS (
          SELECT COALESCE(f.month_start, c.origin_month) AS origin_month,
                 COALESCE(f.cost_centre_id, c.cost_centre_id) AS cost_centre_id,
                 COALESCE(f.care_type_id, c.care_type_id) AS care_type_id,
                 COALESCE(f.provider_id, c.provider_id) AS provider_id,
                 COALESCE(f.legal_basis, c.legal_basis) AS legal_basis,
                 COALESCE(f.regime, c.regime) AS regime, COALESCE(f.target_group, c.target_group) AS target_group,
                 COALESCE(f.care_days, 0) - COALESCE(c.care_days, 0) AS care_days,
                 COALESCE(f.cost, 0) - COALESCE(c.cost, 0) AS cost,
                 COALESCE(f.persons, 0) - COALESCE(c.persons, 0) AS persons,
                 COALESCE(f.started, 0) - COALESCE(c.started, 0) AS started,
                 COALESCE(f.ended, 0) - COALESCE(c.ended, 0) AS ended,
                 COALESCE(f.unpriced_days, 0) - COALESCE(c.unpriced_days, 0) AS unpriced_days
          FROM (SELECT * FROM rollup_fresh WHERE month_start = ANY(%(closed_origins)s::date[])) f
          FULL JOIN closed_rows c
            ON c.origin_month = f.month_start AND c.cost_centre_id IS NOT DISTINCT FROM f.cost_centre_id
           AND c.care_type_id = f.care_type_id AND c.provider_id IS NOT DISTINCT FROM f.provider_id
           AND c.legal_basis = f.legal_basis
        )
        SELECT month_start AS booking_month, month_start AS origin_month, cost_centre_id, care_type_id,
               provider_id, legal_basis, regime, target_group, care_days, cost, persons, started, ended,
               unpriced_days
        FROM rollup_fresh WHERE NOT (month_start = ANY(%(closed_origins)s::date[]))
        UNION ALL
        SELECT %(first_open)s::date, origin_month, cost_centre_id, care_type_id, provider_id, legal_basis, regime,
               target_group, care_days, cost, persons, started, ended, unpriced_days
        FROM delta
        WHERE (care_days, cost, persons, started, ended, unpriced_days) <> (0, 0, 0, 0, 0, 0)
    """, {
        "closed_origins": sorted(m for m in months if m in closed),
        "closed": sorted(closed),
        "first_open": first_open,
    })
    # Rows of these origins booked in open months that are not in the target go (stale corrections too).
    cur.execute("""
        DELETE FROM budget_monthlyfact f
        WHERE f.origin_month = ANY(%(months)s::date[]) AND NOT (f.booking_month = ANY(%(closed)s::date[]))
          AND NOT EXISTS (
            SELECT 1 FROM rollup_target t
            WHERE t.booking_month = f.booking_month AND t.origin_month = f.origin_month
              AND t.cost_centre_id IS NOT DISTINCT FROM f.cost_centre_id AND t.care_type_id = f.care_type_id
              AND t.provider_id IS NOT DISTINCT FROM f.provider_id AND t.legal_basis = f.legal_basis)
    """, {"months": sorted(months), "closed": sorted(closed)})
    result.deleted = cur.rowcount
    cur.execute("""
        INSERT INTO budget_monthlyfact (booking_month, origin_month, cost_centre_id, care_type_id, provider_id,
               legal_basis, regime, target_group, care_days, cost, persons, started, ended, unpriced_days,
               computed_at)
        SELECT booking_month, origin_month, cost_centre_id, care_type_id, provider_id, legal_basis, regime,
               target_group, care_days, cost, persons, started, ended, unpriced_days, now()
        FROM rollup_target
        ON CONFLICT ON CONSTRAINT monthlyfact_key DO UPDATE SET
          regime = EXCLUDED.regime, target_group = EXCLUDED.target_group, care_days = EXCLUDED.care_days,
          cost = EXCLUDED.cost, persons = EXCLUDED.persons, started = EXCLUDED.started, ended = EXCLUDED.ended,
          unpriced_days = EXCLUDED.unpriced_days, computed_at = EXCLUDED.computed_at
        WHERE (budget_monthlyfact.regime, budget_monthlyfact.target_group, budget_monthlyfact.care_days,
               budget_monthlyfact.cost, budget_monthlyfact.persons, budget_monthlyfact.started,
               budget_monthlyfact.ended, budget_monthlyfact.unpriced_days)
          IS DISTINCT FROM (EXCLUDED.regime, EXCLUDED.target_group, EXCLUDED.care_days, EXCLUDED.cost,
               EXCLUDED.persons, EXCLUDED.started, EXCLUDED.ended, EXCLUDED.unpriced_days)
        RETURNING (xmax = 0) AS inserted
    """)
    flags = [r[0] for r in cur.fetchall()]
    result.inserted = sum(flags)
    result.updated = len(flags) - result.inserted
    cur.execute("DROP TABLE rollup_fresh; DROP TABLE rollup_target")
    return result


def _current_month_cap() -> datetime.date:
    from django.utils import timezone

    return month_start(timezone.localdate())


def rollup_months(months: list[datetime.date]) -> RollupResult:
    """Recomputes the given months (as origins) and clears their dirty marks. Months after the
    current one are skipped: they hold no facts until they begin."""
    cap = _current_month_cap()
    wanted = sorted({month_start(m) for m in months if month_start(m) <= cap})
    with transaction.atomic(), connection.cursor() as cur:
        _lock(cur)
        cur.execute("SELECT month, seq FROM budget_dirtymonth WHERE month = ANY(%s::date[]) FOR UPDATE",
                    [wanted])
        seen = cur.fetchall()
        result = _sync(cur, wanted, closed_months(cur))
        _clear_marks(cur, seen)
    return result


def _clear_marks(cur, seen) -> None:
    # Only marks we saw: a change committed meanwhile set a new seq and stays for the next run.
    for month, seq in seen:
        cur.execute("DELETE FROM budget_dirtymonth WHERE month = %s AND seq = %s", [month, seq])


def rollup_through_locked(month: datetime.date) -> RollupResult:
    """Inside a transaction that already holds ROLLUP_LOCK (month closing): recomputes `month` and every
    dirty month up to it, so what is about to be frozen is current."""
    with connection.cursor() as cur:
        cur.execute("SELECT month, seq FROM budget_dirtymonth WHERE month <= %s FOR UPDATE", [month])
        seen = cur.fetchall()
        result = _sync(cur, sorted({m for m, _ in seen} | {month}), closed_months(cur))
        _clear_marks(cur, seen)
    return result


def rollup_dirty(limit: int = 120) -> RollupResult:
    """Recomputes every month PostgreSQL marks as dirty (at most `limit` per run)."""
    cap = _current_month_cap()
    with transaction.atomic(), connection.cursor() as cur:
        _lock(cur)
        cur.execute("DELETE FROM budget_dirtymonth WHERE month > %s", [cap])
        cur.execute("SELECT month, seq FROM budget_dirtymonth ORDER BY month LIMIT %s FOR UPDATE", [limit])
        seen = cur.fetchall()
        result = _sync(cur, [m for m, _ in seen], closed_months(cur))
        _clear_marks(cur, seen)
    return result


def mark_months(months: list[datetime.date]) -> None:
    """Marks months dirty by hand (the nightly reconciler marks the current month as it begins)."""
    with connection.cursor() as cur:
        for m in {month_start(m) for m in months}:
            cur.execute("SELECT budget_mark_months(%s, %s)", [m, add_months(m, 1)])


def dirty_months() -> list[datetime.date]:
    with connection.cursor() as cur:
        cur.execute("SELECT month FROM budget_dirtymonth ORDER BY month")
        return [r[0] for r in cur.fetchall()]


def year_months(year: int, month: int | None = None) -> list[datetime.date]:
    return [datetime.date(year, m, 1) for m in ([month] if month else range(1, 13))]
