"""The monthly roll-up (shared/domain.md §6): placements → monthly facts, set-based in SQL.

One statement computes the fresh figures of any set of months (placement ranges intersected
with months and price periods, grouped by cost centre, care type, provider, regime, target
group and legal basis); `_sync` makes the stored rows equal the target with INSERT ... ON
CONFLICT on the fact key, touching nothing that is already right, so running it twice or on
two workers (serialised by an advisory lock) gives identical facts.

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

from placements.days import care_bounds_sql, care_days_sql
from placements.pricing import PAYMENT_COST_SQL

# pg_advisory_xact_lock key shared by the roll-up and month closing: one at a time.
ROLLUP_LOCK = 7_301_2024

MEASURES = ("care_days", "cost", "persons", "started", "ended", "unpriced_days")
KEY = ("cost_centre_id", "care_type_id", "provider_id", "legal_basis")

# The placement's cost centre in a month: its own code when it names a known cost centre, else the
# care type's mapping valid at the month's start. The only place this is decided (roll-up and forecast):
# MAPPED_CTE needs a `months` CTE with `month_start`, and COST_CENTRE_JOINS a placement alias and a month.
MAPPED_CTE = """mapped AS (
  SELECT DISTINCT ON (cm.care_type_id, mo.month_start) cm.care_type_id, mo.month_start, cm.cost_centre_id
  FROM months mo JOIN budget_costcentremapping cm ON cm.valid_from <= mo.month_start
  ORDER BY cm.care_type_id, mo.month_start, cm.valid_from DESC
)"""
COST_CENTRE_JOINS = """LEFT JOIN budget_costcentre own ON own.code = NULLIF({p}.cost_centre, '')
  LEFT JOIN mapped ON mapped.care_type_id = {p}.care_type_id AND mapped.month_start = {month}"""
COST_CENTRE_SQL = "COALESCE(own.id, mapped.cost_centre_id)"

_LO, _HI = care_bounds_sql("p.period", "mo.month_start", "mo.month_end")

FRESH_SQL = f"""
WITH months AS (
  SELECT m::date AS month_start, (m::date + interval '1 month')::date AS month_end
  FROM unnest(%(months)s::date[]) AS m
),
{MAPPED_CTE},
paid AS (
  SELECT fp.placement_id, fp.month AS month_start, SUM({PAYMENT_COST_SQL.format(t="fp")}) AS amount
  FROM placements_fostercarepayment fp JOIN months mo ON mo.month_start = fp.month
  GROUP BY fp.placement_id, fp.month
),
-- Placement × month with the counted days as plain dates [lo, hi); months with only a payment get lo = hi.
pm AS MATERIALIZED (
  SELECT p.id AS placement_id, p.person_id, p.care_type_id, p.provider_id, p.legal_basis, p.cost_centre,
         p.start_on, p.end_on, mo.month_start, mo.month_end,
         {_LO} AS lo, {_HI} AS hi,
         {care_days_sql("p.period", "mo.month_start", "mo.month_end")} AS care_days
  FROM placements_placement p
  JOIN months mo ON p.period && daterange(mo.month_start, mo.month_end, '[)')
  WHERE p.voided_reason = ''
  UNION ALL
  SELECT p.id, p.person_id, p.care_type_id, p.provider_id, p.legal_basis, p.cost_centre,
         p.start_on, p.end_on, mo.month_start, mo.month_end, mo.month_start, mo.month_start, 0
  FROM paid
  JOIN placements_placement p ON p.id = paid.placement_id AND p.voided_reason = ''
  JOIN months mo ON mo.month_start = paid.month_start
  WHERE NOT p.period && daterange(mo.month_start, mo.month_end, '[)')
),
priced AS (
  SELECT pm.placement_id, pm.month_start,
         SUM(d.days) AS priced_days,
         SUM(COALESCE(pp.daily_price, 0) * d.days) AS daily_cost,
         SUM(COALESCE(pp.monthly_amount, 0) * d.days) AS monthly_amount_days
  FROM pm
  JOIN placements_priceperiod pp
    ON pp.placement_id = pm.placement_id AND pp.valid_from < pm.hi AND (pp.valid_to IS NULL OR pp.valid_to > pm.lo)
  CROSS JOIN LATERAL (SELECT {care_days_sql("pp.period", "pm.lo", "pm.hi")} AS days) d
  GROUP BY pm.placement_id, pm.month_start
),
per_placement AS (
  SELECT pm.month_start, pm.person_id, pm.care_type_id, pm.provider_id, pm.legal_basis,
         {COST_CENTRE_SQL} AS cost_centre_id, pm.care_days,
         (pm.start_on >= pm.month_start AND pm.start_on < pm.month_end) AS started,
         (pm.end_on >= pm.month_start AND pm.end_on < pm.month_end) AS ended,
         COALESCE(pr.priced_days, 0) AS priced_days,
         round(COALESCE(pr.daily_cost, 0) + COALESCE(pr.monthly_amount_days, 0) / (pm.month_end - pm.month_start), 2)
           + COALESCE(paid.amount, 0) AS cost
  FROM pm
  {COST_CENTRE_JOINS.format(p="pm", month="pm.month_start")}
  LEFT JOIN priced pr ON pr.placement_id = pm.placement_id AND pr.month_start = pm.month_start
  LEFT JOIN paid ON paid.placement_id = pm.placement_id AND paid.month_start = pm.month_start
),
-- Persons are counted once per fact key: group by person first rather than COUNT(DISTINCT).
per_person AS (
  SELECT month_start, cost_centre_id, care_type_id, provider_id, legal_basis, person_id,
         SUM(care_days) AS care_days, SUM(cost) AS cost, SUM(care_days - priced_days) AS unpriced_days,
         COUNT(*) FILTER (WHERE started AND care_days > 0) AS started,
         COUNT(*) FILTER (WHERE ended AND care_days > 0) AS ended,
         bool_or(care_days > 0) AS counted
  FROM per_placement
  GROUP BY month_start, cost_centre_id, care_type_id, provider_id, legal_basis, person_id
)
SELECT pp.month_start, pp.cost_centre_id, pp.care_type_id, pp.provider_id, pp.legal_basis,
       min(ct.regime) AS regime, min(ct.target_group) AS target_group,
       SUM(pp.care_days)::int AS care_days,
       SUM(pp.cost) AS cost,
       (COUNT(*) FILTER (WHERE pp.counted))::int AS persons,
       SUM(pp.started)::int AS started,
       SUM(pp.ended)::int AS ended,
       SUM(pp.unpriced_days)::int AS unpriced_days
FROM per_person pp JOIN placements_caretype ct ON ct.id = pp.care_type_id
GROUP BY pp.month_start, pp.cost_centre_id, pp.care_type_id, pp.provider_id, pp.legal_basis
"""


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


def month_start(d: datetime.date) -> datetime.date:
    return d.replace(day=1)


def add_months(d: datetime.date, n: int) -> datetime.date:
    index = d.year * 12 + d.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


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
    cur.execute("DROP TABLE IF EXISTS rollup_fresh")
    cur.execute(f"CREATE TEMP TABLE rollup_fresh ON COMMIT DROP AS {FRESH_SQL}", {"months": sorted(months)})
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
