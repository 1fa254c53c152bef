"""The roll-up's statement: fresh monthly facts of a run of consecutive months, in one SQL statement.

budget/rollup.py decides which months to compute and makes the stored facts equal to this; the
forecast and the reports share the cost-centre resolution defined here.
"""

import datetime

from placements.days import add_months, care_bounds_sql, first_whole_month_sql, month_of_sql, month_parts_sql
from placements.pricing import MONTH_PRICE_COST_SQL, PAYMENT_COST_SQL

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


def _part_cost(days: str, month_end: str, month: str) -> str:
    """A partial month at one price period (placements.pricing.MONTH_PRICE_COST_SQL)."""
    return MONTH_PRICE_COST_SQL.format(daily_cost=f"daily_price * {days}",
                                       monthly_amount_days=f"monthly_amount * {days}",
                                       month_days=f"{month_end} - {month}")


# Fresh facts of a run of consecutive months (`months`, from lo up to hi).
# Rather than one row per placement and month, each placement's counted range, clipped to the run ("span"), is
# split by placements.days.month_parts: whole months are counted by running sums over the months (+1 where a run
# of whole months begins, −1 where it ends, so n placed and n × days in the month), and only the partial months at
# the ends one by one. A whole month at one price costs exactly its daily price × days or its monthly amount.
# Most spans lie within one price period ("covering"), which then prices the span's own rows; the price periods
# of the other spans are clipped to the span and split the same way, and their partial months are summed per
# placement and month before rounding. Persons are distinct per key: a person with two placements under one key
# in a month is counted once.
_FRESH_TEMPLATE = f"""
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
        WHERE p.voided_reason = '' AND p.period && daterange(%(lo)s::date, %(hi)s::date, '[)') /*slice*/) s
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
-- The partial months of each span, priced here when one price period covers the span. Started counts in the
-- month of the start date: a partial month, but for a start on the 1st (counted with the run of whole months above).
care_parts AS (
  SELECT {ATTRS}, {_PART["head_month"]} AS month_start, {_PART["head_days"]} AS days, covered,
         {_part_cost(_PART["head_days"], "whole_from", _PART["head_month"])} AS cost,
         (start_on = x)::int AS started
  FROM spans WHERE {_PART["head_where"]}
  UNION ALL
  SELECT {ATTRS}, {_PART["tail_month"]}, {_PART["tail_days"]}, covered,
         {_part_cost(_PART["tail_days"], _TAIL_MONTH_END, "whole_to")},
         (start_on = x AND x >= whole_to)::int
  FROM spans WHERE {_PART["tail_where"]}
),
-- Ended counts in the month of the end date (the day the person left), one row per ended placement: not from
-- the parts, as an end on the 1st leaves that month without a counted day (its last day closes a whole month).
-- A scan of the placements by end date, one row per placement that ended in the run.
endings AS (
  SELECT p.care_type_id, COALESCE(p.provider_id, 0) AS provider_key, p.legal_basis, p.cost_centre,
         {_END_MONTH} AS month_start
  FROM placements_placement p
  WHERE p.voided_reason = '' AND p.end_on >= %(lo)s::date AND p.end_on < %(hi)s::date /*slice*/
),
price_parts AS (
  SELECT id, {ATTRS}, {_PART["head_month"]} AS month_start, {_PART["head_days"]} AS days, daily_price,
         monthly_amount
  FROM price_spans WHERE {_PART["head_where"]}
  UNION ALL
  SELECT id, {ATTRS}, {_PART["tail_month"]}, {_PART["tail_days"]}, daily_price, monthly_amount
  FROM price_spans WHERE {_PART["tail_where"]}
),
-- Daily-priced parts need no rounding and so no grouping per placement and month; monthly-priced parts do.
priced_parts AS (
  SELECT {ATTRS}, month_start, days, daily_price * days AS cost FROM price_parts WHERE monthly_amount = 0
  UNION ALL
  SELECT pp.care_type_id, pp.provider_key, pp.legal_basis, pp.cost_centre, pp.month_start, SUM(pp.days),
         {MONTH_PRICE_COST_SQL.format(daily_cost="SUM(pp.daily_price * pp.days)",
                                      monthly_amount_days="SUM(pp.monthly_amount * pp.days)",
                                      month_days="mo.month_end - pp.month_start")}
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
  WHERE fp.month >= %(lo)s::date AND fp.month < %(hi)s::date AND p.voided_reason = '' /*slice*/
    AND p.id = ANY(ARRAY(SELECT f.placement_id FROM placements_fostercarepayment f
                         WHERE f.month >= %(lo)s::date AND f.month < %(hi)s::date
                           AND NOT EXISTS (SELECT 1 FROM spans s WHERE s.id = f.placement_id)))
  GROUP BY 1, 2, 3, 4, 5
),
-- present: the row exists in the facts (a counted day, a payment or an ending), as in the day-walking reference.
parts AS (
  SELECT {ATTRS}, month_start, n * (month_end - month_start) AS care_days,
         np * (month_end - month_start) AS priced_days, daily * (month_end - month_start) + monthly AS cost,
         n AS persons, started, 0 AS ended, n > 0 AS present
  FROM whole_months WHERE n <> 0
  UNION ALL
  SELECT {ATTRS}, month_start, days, CASE WHEN covered THEN days ELSE 0 END, cost, 1, started, 0, true
  FROM care_parts
  UNION ALL
  SELECT {ATTRS}, month_start, 0, 0, 0, 0, 0, 1, true FROM endings
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


# The same statement for some slices of one month only (budget/0012): the placements of the given care types,
# providers (0 = none) and legal bases, read through placements/0018's index. Every measure of a fact row comes
# from the placements of its own slice (the cost centre is resolved within it), so a slice's rows equal those
# rows of the whole month (tests/budget/test_slices.py).
SLICE_FILTER = """AND (p.care_type_id, COALESCE(p.provider_id, 0), p.legal_basis) IN (
      SELECT * FROM unnest(%(slice_care_types)s::bigint[], %(slice_providers)s::bigint[], %(slice_bases)s::text[]))"""
SLICE_FRESH_SQL = _FRESH_TEMPLATE.replace("/*slice*/", SLICE_FILTER)
FRESH_SQL = _FRESH_TEMPLATE.replace("/*slice*/", "")


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


def slice_params(month: datetime.date, slices: list[tuple[int, int, str]]) -> dict:
    """SLICE_FRESH_SQL's parameters: one month and its slices (care type, provider or 0, legal basis)."""
    return {**fresh_params([month]), "slice_care_types": [s[0] for s in slices],
            "slice_providers": [s[1] for s in slices], "slice_bases": [s[2] for s in slices]}
