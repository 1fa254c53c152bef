"""Prognos helår (shared/domain.md §6): actual to date + the cost of placements ongoing at the
end of the closed month, to their planned end (a registered future end date) or the year end,
at the price valid on that day + the controller's latest adjustment with its comment.

Placements that begin after the closed month are not in the forecast (they belong in the
adjustment until they start). Stored per closing in ForecastLine, so the year's outcome can
be set against e.g. the August forecast."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import Sum

from placements.days import care_days_sql

from . import fresh, rollup
from .models import ForecastAdjustment, ForecastLine, MonthClosing, MonthlyFact

ONGOING_SQL = f"""
WITH months AS (
  SELECT m::date AS month_start, (m::date + interval '1 month')::date AS month_end
  FROM generate_series(%(from)s::date, %(last)s::date, interval '1 month') AS m
),
{fresh.MAPPED_CTE},
active AS (
  SELECT p.id, p.care_type_id, p.cost_centre, p.period, price.daily_price, price.monthly_amount
  FROM placements_placement p
  LEFT JOIN LATERAL (
    SELECT pp.daily_price, pp.monthly_amount FROM placements_priceperiod pp
    WHERE pp.placement_id = p.id AND pp.valid_from <= %(as_of)s
    ORDER BY pp.valid_from DESC LIMIT 1
  ) price ON true
  WHERE p.voided_reason = '' AND p.period @> %(as_of)s::date
)
SELECT {fresh.COST_CENTRE_SQL} AS cost_centre_id, a.care_type_id,
       SUM(round(COALESCE(a.daily_price * d.days, 0)
                 + COALESCE(a.monthly_amount * d.days / (mo.month_end - mo.month_start), 0), 2)) AS cost
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
    as_of = rollup.add_months(datetime.date(year, through_month, 1), 1) - datetime.timedelta(days=1)
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


def store_forecast(closing: MonthClosing) -> list[ForecastLine]:
    lines = compute_forecast(closing.month.year, closing.month.month)
    return ForecastLine.objects.bulk_create([
        ForecastLine(closing=closing, year=closing.month.year, **line) for line in lines
    ])


def forecast_for_year(year: int, through_month: int | None = None) -> dict[tuple, Decimal]:
    """The forecast stored at the latest closing of `year` (at or before through_month), per
    (cost centre, care type); empty when no month of the year is closed."""
    closings = MonthClosing.objects.filter(reopened_at__isnull=True, month__year=year)
    if through_month:
        closings = closings.filter(month__lte=datetime.date(year, through_month, 1))
    closing = closings.order_by("-month").first()
    if closing is None:
        return {}
    return {(line.cost_centre_id, line.care_type_id): line.total for line in closing.forecast_lines.all()}
