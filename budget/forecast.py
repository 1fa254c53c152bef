"""Prognos helår (shared/domain.md §6): actual to date + the cost of placements ongoing at the
end of the closed month, to their planned end (a registered future end date) or the year end,
at the price valid on that day + the controller's latest adjustment with its comment.

Placements that begin after the closed month are not in the forecast (they belong in the
adjustment until they start). A placement with no price period containing that day (e.g. its
price ended earlier) adds no cost, as the roll-up reports its days 'saknar pris'. Stored per
closing in ForecastLine, so the year's outcome can be set against e.g. the August forecast."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Sum

from placements.days import care_days_sql, month_end
from placements.pricing import MONTH_PRICE_COST_SQL

from . import fresh
from .models import ForecastAdjustment, ForecastLine, MonthClosing, MonthlyFact

ADJUST_PERMISSION = "budget.add_forecastadjustment"
ADJUSTMENT_NEEDS_COMMENT = "En prognosjustering kräver en kommentar."

# The price is the one of the price period containing as_of (placements_priceperiod.period, '[)': valid_from
# up to, not including, valid_to); the no-overlap constraint allows at most one.
ONGOING_SQL = f"""
WITH months AS (
  SELECT m::date AS month_start, (m::date + interval '1 month')::date AS month_end
  FROM generate_series(%(from)s::date, %(last)s::date, interval '1 month') AS m
),
{fresh.MAPPED_CTE},
active AS (
  SELECT p.id, p.care_type_id, p.cost_centre, p.period,
         COALESCE(pp.daily_price, 0) AS daily_price, COALESCE(pp.monthly_amount, 0) AS monthly_amount
  FROM placements_placement p
  LEFT JOIN placements_priceperiod pp ON pp.placement_id = p.id AND pp.period @> %(as_of)s::date
  WHERE p.voided_reason = '' AND p.period @> %(as_of)s::date
)
SELECT {fresh.COST_CENTRE_SQL} AS cost_centre_id, a.care_type_id,
       SUM({MONTH_PRICE_COST_SQL.format(daily_cost="a.daily_price * d.days",
                                        monthly_amount_days="a.monthly_amount * d.days",
                                        month_days="mo.month_end - mo.month_start")}) AS cost
FROM active a
JOIN months mo ON a.period && daterange(mo.month_start, mo.month_end, '[)')
CROSS JOIN LATERAL (SELECT {care_days_sql("a.period", "mo.month_start", "mo.month_end")} AS days) d
{fresh.COST_CENTRE_JOINS.format(p="a", month="mo.month_start")}
GROUP BY 1, 2
"""


def actual_to_date(year: int, through_month: int) -> dict[tuple, Decimal]:
    """Booked cost January..through_month (corrections included), per (cost centre, care type)."""
    rows = (MonthlyFact.objects
            .filter(booking_month__gte=datetime.date(year, 1, 1),
                    booking_month__lte=datetime.date(year, through_month, 1))
            .values("cost_centre_id", "care_type_id").annotate(cost=Sum("cost")))
    return {(r["cost_centre_id"], r["care_type_id"]): r["cost"] for r in rows}


def ongoing_to_year_end(year: int, through_month: int) -> dict[tuple, Decimal]:
    if through_month >= 12:
        return {}
    as_of = month_end(datetime.date(year, through_month, 1))
    with connection.cursor() as cur:
        cur.execute(ONGOING_SQL, {"from": datetime.date(year, through_month + 1, 1),
                                  "last": datetime.date(year, 12, 1), "as_of": as_of})
        return {(cc, ct): cost for cc, ct, cost in cur.fetchall()}


def latest_adjustments(year: int) -> dict[tuple, ForecastAdjustment]:
    latest = {}
    for adj in ForecastAdjustment.objects.filter(year=year).order_by("created_at", "pk"):
        latest[(adj.cost_centre_id, adj.care_type_id)] = adj
    return latest


def compute_forecast(year: int, through_month: int) -> list[dict]:
    """Forecast lines per (cost centre, care type); a cost-centre-level adjustment has care type None."""
    actual = actual_to_date(year, through_month)
    ongoing = ongoing_to_year_end(year, through_month)
    adjustments = latest_adjustments(year)
    lines = defaultdict(lambda: {"actual": Decimal(0), "ongoing": Decimal(0), "adjustment": Decimal(0),
                                 "adjustment_comment": ""})
    for key, cost in actual.items():
        lines[key]["actual"] += cost
    for key, cost in ongoing.items():
        lines[key]["ongoing"] += cost
    for key, adj in adjustments.items():
        lines[key]["adjustment"] = adj.amount
        lines[key]["adjustment_comment"] = adj.comment
    result = []
    for (cc, ct), line in sorted(lines.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1] or 0)):
        total = line["actual"] + line["ongoing"] + line["adjustment"]
        result.append({"cost_centre_id": cc, "care_type_id": ct, **line, "total": total})
    return result


def add_adjustment(*, by, year: int, cost_centre, care_type, amount: Decimal, comment: str) -> ForecastAdjustment:
    """Registers the controller's adjustment of `year`'s forecast for a cost centre (care type None = the whole
    cost centre). It applies from the next closing on; earlier adjustments stay as history."""
    if not by.has_perm(ADJUST_PERMISSION):
        raise PermissionDenied("Du får inte justera prognosen.")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": ADJUSTMENT_NEEDS_COMMENT})
    return ForecastAdjustment.objects.create(year=year, cost_centre=cost_centre, care_type=care_type, amount=amount,
                                             comment=comment, created_by=by)


def store_forecast(closing: MonthClosing) -> list[ForecastLine]:
    lines = compute_forecast(closing.month.year, closing.month.month)
    return ForecastLine.objects.bulk_create([
        ForecastLine(closing=closing, year=closing.month.year, **line) for line in lines
    ])


def forecast_for_year(year: int, through_month: int | None = None) -> dict[tuple, Decimal]:
    """The forecast stored at the latest closing of `year` (at or before through_month), per
    (cost centre, care type); empty when no month of the year is closed."""
    through = datetime.date(year, through_month, 1) if through_month else None
    closing = MonthClosing.objects.latest_active(year=year, through=through)
    if closing is None:
        return {}
    return {(line.cost_centre_id, line.care_type_id): line.total for line in closing.forecast_lines.all()}
