"""The monthly roll-up (shared/domain.md §6): placements → monthly facts, set-based in SQL.

One statement (FRESH_SQL) computes the fresh figures of a run of consecutive months: placement
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

from placements.days import care_bounds_sql, first_whole_month_sql, month_of_sql, month_parts_sql
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

# The placement attributes that, with the month, decide a fact's key (the cost centre is resolved last,
# from the code or the care type's mapping in that month). A missing provider is 0 here so that the
# attributes join and group with plain equality; provider ids start at 1.
ATTRS = "care_type_id, provider_key, legal_basis, cost_centre"

_SPAN_LO, _SPAN_HI = care_bounds_sql("p.period", "%(lo)s::date", "%(hi)s::date")
_PRICE_LO, _PRICE_HI = care_bounds_sql("pp.period", "s.x", "s.y")
_PART = month_parts_sql("x", "y", "whole_from", "whole_to")
_END_MONTH = month_of_sql("end_on")
_TAIL_MONTH_END = "(whole_to + interval '1 month')::date"
# Partial months cost daily prices × days plus monthly amounts × days ÷ days in the month, rounded to öre once
# per placement and month. Daily prices are whole öre and no price is negative, so only the monthly share needs
# the rounding: round(daily × days + monthly share) = daily × days + round(monthly share).
_PART_COST = "daily_price * {days} + round(monthly_amount * {days} / ({month_end} - {month}), 2)"

# Fresh facts of a run of consecutive months (`months`, from lo up to hi).
# Rather than one row per placement and month, each placement's counted range, clipped to the run ("span"), is
# split by placements.days.month_parts: whole months are counted by running sums over the months (+1 where a run
# of whole months begins, −1 where it ends, so n placed and n × days in the month), and only the partial months at
# the ends one by one. A whole month at one price costs exactly its daily price × days or its monthly amount.
# Most spans lie within one price period ("covering"), which then prices the span's own rows; the price periods
# of the other spans are clipped to the span and split the same way, and their partial months are summed per
# placement and month before rounding. Persons are distinct per key: a person with two placements under one key
# in a month is counted once.
FRESH_SQL = f"""
WITH months AS (
  SELECT m AS month_start, (m + interval '1 month')::date AS month_end FROM unnest(%(months)s::date[]) AS m
),
{MAPPED_CTE},
spans AS MATERIALIZED (
  SELECT s.id, s.person_id, s.care_type_id, s.provider_key, s.legal_basis, s.cost_centre, s.start_on, s.end_on,
         s.period, s.x, s.y, {first_whole_month_sql("s.x")} AS whole_from, {month_of_sql("s.y")} AS whole_to,
         pp.id IS NOT NULL AS covered, COALESCE(pp.daily_price, 0) AS daily_price,
         COALESCE(pp.monthly_amount, 0) AS monthly_amount
  FROM (SELECT p.id, p.person_id, p.care_type_id, COALESCE(p.provider_id, 0) AS provider_key, p.legal_basis,
               p.cost_centre, p.start_on, p.end_on, p.period, {_SPAN_LO} AS x, {_SPAN_HI} AS y
        FROM placements_placement p
        WHERE p.voided_reason = '' AND p.period && daterange(%(lo)s::date, %(hi)s::date, '[)')) s
  LEFT JOIN (SELECT * FROM placements_priceperiod
             WHERE valid_from < %(hi)s::date AND (valid_to IS NULL OR valid_to > %(lo)s::date)) pp
         ON pp.placement_id = s.id AND pp.valid_from <= s.x AND (pp.valid_to IS NULL OR pp.valid_to >= s.y)
),
price_spans AS MATERIALIZED (
  SELECT id, {ATTRS}, daily_price, monthly_amount, x, y,
         {first_whole_month_sql("x")} AS whole_from, {month_of_sql("y")} AS whole_to
  FROM (SELECT s.id, s.care_type_id, s.provider_key, s.legal_basis, s.cost_centre,
               COALESCE(pp.daily_price, 0) AS daily_price, COALESCE(pp.monthly_amount, 0) AS monthly_amount,
               {_PRICE_LO} AS x, {_PRICE_HI} AS y
        FROM spans s JOIN placements_priceperiod pp ON pp.placement_id = s.id
        WHERE NOT s.covered AND pp.valid_from < s.y AND (pp.valid_to IS NULL OR pp.valid_to > s.x)
          AND pp.valid_from < %(hi)s::date AND (pp.valid_to IS NULL OR pp.valid_to > %(lo)s::date)) q
),
-- Runs of whole months: placed (n) and priced (np, prices). `started` is not a running sum: a placement that
-- starts on the 1st starts with its first whole month.
run_changes AS (
  SELECT {ATTRS}, month_start, SUM(n) AS n, SUM(np) AS np, SUM(daily) AS daily, SUM(monthly) AS monthly,
         SUM(started) AS started
  FROM (
    SELECT {ATTRS}, whole_from AS month_start, 1 AS n, covered::int AS np, daily_price AS daily,
           monthly_amount AS monthly, (start_on = whole_from)::int AS started
    FROM spans WHERE whole_from < whole_to
    UNION ALL
    SELECT {ATTRS}, whole_to, -1, -covered::int, -daily_price, -monthly_amount, 0
    FROM spans WHERE whole_from < whole_to AND whole_to < %(hi)s::date
    UNION ALL
    SELECT {ATTRS}, whole_from, 0, 1, daily_price, monthly_amount, 0 FROM price_spans WHERE whole_from < whole_to
    UNION ALL
    SELECT {ATTRS}, whole_to, 0, -1, -daily_price, -monthly_amount, 0
    FROM price_spans WHERE whole_from < whole_to AND whole_to < %(hi)s::date
  ) c
  GROUP BY {ATTRS}, month_start
),
whole_months AS (
  SELECT a.care_type_id, a.provider_key, a.legal_basis, a.cost_centre, g.month_start, g.month_end,
         SUM(COALESCE(c.n, 0)) OVER w AS n, SUM(COALESCE(c.np, 0)) OVER w AS np,
         SUM(COALESCE(c.daily, 0)) OVER w AS daily, SUM(COALESCE(c.monthly, 0)) OVER w AS monthly,
         COALESCE(c.started, 0) AS started
  FROM (SELECT DISTINCT {ATTRS} FROM run_changes) a CROSS JOIN months g
  LEFT JOIN run_changes c ON c.care_type_id = a.care_type_id AND c.provider_key = a.provider_key
       AND c.legal_basis = a.legal_basis AND c.cost_centre = a.cost_centre AND c.month_start = g.month_start
  WINDOW w AS (PARTITION BY a.care_type_id, a.provider_key, a.legal_basis, a.cost_centre ORDER BY g.month_start)
),
-- The partial months of each span, priced here when one price period covers the span. Started and ended count
-- in the month of the start and end date when it holds a counted day: a partial month, but for a start on the 1st
-- (counted with the run of whole months above).
care_parts AS (
  SELECT {ATTRS}, {_PART["head_month"]} AS month_start, {_PART["head_days"]} AS days, covered,
         {_PART_COST.format(days=_PART["head_days"], month_end="whole_from", month=_PART["head_month"])} AS cost,
         (start_on = x)::int AS started, COALESCE({_END_MONTH} = {_PART["head_month"]}, false)::int AS ended
  FROM spans WHERE {_PART["head_where"]}
  UNION ALL
  SELECT {ATTRS}, {_PART["tail_month"]}, {_PART["tail_days"]}, covered,
         {_PART_COST.format(days=_PART["tail_days"], month_end=_TAIL_MONTH_END, month="whole_to")},
         (start_on = x AND x >= whole_to)::int, COALESCE({_END_MONTH} = {_PART["tail_month"]}, false)::int
  FROM spans WHERE {_PART["tail_where"]}
),
price_parts AS (
  SELECT id, {ATTRS}, {_PART["head_month"]} AS month_start, {_PART["head_days"]} AS days, daily_price,
         monthly_amount
  FROM price_spans WHERE {_PART["head_where"]}
  UNION ALL
  SELECT id, {ATTRS}, {_PART["tail_month"]}, {_PART["tail_days"]}, daily_price, monthly_amount
  FROM price_spans WHERE {_PART["tail_where"]}
),
priced_parts AS (
  SELECT {ATTRS}, month_start, days, daily_price * days AS cost FROM price_parts WHERE monthly_amount = 0
  UNION ALL
  SELECT pp.care_type_id, pp.provider_key, pp.legal_basis, pp.cost_centre, pp.month_start, SUM(pp.days),
         SUM(pp.daily_price * pp.days) + round(SUM(pp.monthly_amount * pp.days) / (mo.month_end - pp.month_start), 2)
  FROM price_parts pp JOIN months mo ON mo.month_start = pp.month_start
  WHERE pp.monthly_amount <> 0
  GROUP BY pp.id, pp.care_type_id, pp.provider_key, pp.legal_basis, pp.cost_centre, pp.month_start, mo.month_end
),
-- Payments count in their month even when the placement has no day there (e.g. a late deduction): the
-- few placements outside the span are looked up by primary key (= ANY(ARRAY(...))), not by scanning them all.
payments AS (
  SELECT s.care_type_id, s.provider_key, s.legal_basis, s.cost_centre, fp.month AS month_start,
         SUM({PAYMENT_COST_SQL.format(t="fp")}) AS amount
  FROM placements_fostercarepayment fp JOIN spans s ON s.id = fp.placement_id
  WHERE fp.month >= %(lo)s::date AND fp.month < %(hi)s::date
  GROUP BY 1, 2, 3, 4, 5
  UNION ALL
  SELECT p.care_type_id, COALESCE(p.provider_id, 0), p.legal_basis, p.cost_centre, fp.month,
         SUM({PAYMENT_COST_SQL.format(t="fp")})
  FROM placements_fostercarepayment fp JOIN placements_placement p ON p.id = fp.placement_id
  WHERE fp.month >= %(lo)s::date AND fp.month < %(hi)s::date AND p.voided_reason = ''
    AND p.id = ANY(ARRAY(SELECT f.placement_id FROM placements_fostercarepayment f
                         WHERE f.month >= %(lo)s::date AND f.month < %(hi)s::date
                           AND NOT EXISTS (SELECT 1 FROM spans s WHERE s.id = f.placement_id)))
  GROUP BY 1, 2, 3, 4, 5
),
-- present: the row exists in the facts (a counted day or a payment), as in the day-walking reference.
parts AS (
  SELECT {ATTRS}, month_start, n * (month_end - month_start) AS care_days,
         np * (month_end - month_start) AS priced_days, daily * (month_end - month_start) + monthly AS cost,
         n AS persons, started, 0 AS ended, n > 0 AS present
  FROM whole_months WHERE n <> 0
  UNION ALL
  SELECT {ATTRS}, month_start, days, CASE WHEN covered THEN days ELSE 0 END, cost, 1, started, ended, true
  FROM care_parts
  UNION ALL
  SELECT {ATTRS}, month_start, 0, days, cost, 0, 0, 0, false FROM priced_parts
  UNION ALL
  SELECT {ATTRS}, month_start, 0, 0, amount, 0, 0, 0, true FROM payments
),
by_attributes AS (
  SELECT {ATTRS}, month_start, SUM(care_days) AS care_days, SUM(cost) AS cost, SUM(persons) AS persons,
         SUM(started) AS started, SUM(ended) AS ended, SUM(care_days - priced_days) AS unpriced_days,
         bool_or(present) AS present
  FROM parts
  GROUP BY {ATTRS}, month_start
),
keyed AS (
  SELECT a.month_start, {COST_CENTRE_SQL} AS cost_centre_id, a.care_type_id, NULLIF(a.provider_key, 0) AS provider_id,
         a.legal_basis, SUM(a.care_days) AS care_days, SUM(a.cost) AS cost, SUM(a.persons) AS persons,
         SUM(a.started) AS started, SUM(a.ended) AS ended, SUM(a.unpriced_days) AS unpriced_days,
         bool_or(a.present) AS present
  FROM by_attributes a
  {COST_CENTRE_JOINS.format(p="a", month="a.month_start")}
  GROUP BY 1, 2, 3, 4, 5
),
-- Persons counted more than once above: only possible with two placements of the same attributes.
repeated AS (
  SELECT s.* FROM spans s WHERE (s.person_id, s.care_type_id, s.provider_key, s.legal_basis) IN (
    SELECT person_id, care_type_id, provider_key, legal_basis FROM spans GROUP BY 1, 2, 3, 4 HAVING count(*) > 1)
),
extra_counts AS (
  SELECT month_start, cost_centre_id, care_type_id, provider_id, legal_basis, SUM(k - 1) AS extra
  FROM (
    SELECT mo.month_start, {COST_CENTRE_SQL} AS cost_centre_id, r.care_type_id,
           NULLIF(r.provider_key, 0) AS provider_id, r.legal_basis, r.person_id, count(*) AS k
    FROM repeated r JOIN months mo ON r.period && daterange(mo.month_start, mo.month_end, '[)')
    {COST_CENTRE_JOINS.format(p="r", month="mo.month_start")}
    GROUP BY 1, 2, 3, 4, 5, 6 HAVING count(*) > 1
  ) x
  GROUP BY 1, 2, 3, 4, 5
)
SELECT k.month_start, k.cost_centre_id, k.care_type_id, k.provider_id, k.legal_basis,
       ct.regime, ct.target_group,
       k.care_days::int AS care_days, k.cost,
       (k.persons - COALESCE(e.extra, 0))::int AS persons,
       k.started::int AS started, k.ended::int AS ended, k.unpriced_days::int AS unpriced_days
FROM keyed k JOIN placements_caretype ct ON ct.id = k.care_type_id
LEFT JOIN extra_counts e ON e.month_start = k.month_start AND e.cost_centre_id IS NOT DISTINCT FROM k.cost_centre_id
  AND e.care_type_id = k.care_type_id AND e.provider_id IS NOT DISTINCT FROM k.provider_id
  AND e.legal_basis = k.legal_basis
WHERE k.present
"""


def month_blocks(months: list[datetime.date]) -> list[list[datetime.date]]:
    """The months (first days) as runs of consecutive months: FRESH_SQL works on one run at a time."""
    blocks: list[list[datetime.date]] = []
    for m in sorted(set(months)):
        if blocks and add_months(blocks[-1][-1], 1) == m:
            blocks[-1].append(m)
        else:
            blocks.append([m])
    return blocks


def fresh_params(block: list[datetime.date]) -> dict:
    """FRESH_SQL's parameters for one run of consecutive months (from month_blocks)."""
    return {"months": block, "lo": block[0], "hi": add_months(block[-1], 1)}


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
