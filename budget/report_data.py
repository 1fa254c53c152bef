"""What the controller's follow-up reports read (budget/reports.py and the follow-up page): the period,
the monthly facts by booking month, the period budgets, and the only two figures taken from placements.

Actual days and cost come only from the monthly facts (budget/rollup.py), by BOOKING month: what the
ledger shows, so a correction of a closed month counts in the month it was booked in ('varav
efterregistrering': rows whose origin month differs from the booking month). A period is
January..through_month (None = the whole year); last year is the same months of year − 1. Budgets are
split over months only by budget/budgeting.py; the period budget of each Budget row is rounded to the
öre before it is summed, so every report shows the same budget.

Placements are read for two figures only, each through one selector below: the number of distinct
external providers with an active placement on the last day of the period, and the mean placement
time of placements ended in the period.
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

from django.db import connection
from django.db.models import F, Q, Sum
from django.utils import timezone

from common.periods import Period
from placements.days import care_end, care_length_sql
from placements.models import Placement

from . import deviations as dv
from . import fresh
from .budgeting import amount_for_period, volume_for_period
from .models import Budget, MonthlyFact, VolumeUnit

DAY_UNITS = (VolumeUnit.CARE_DAYS, VolumeUnit.DAYS)
MEASURES = ("care_days", "cost", "persons", "started", "corrections_cost", "corrections_days")


# --- selectors: facts ---------------------------------------------------------------------------


def _booked(period: Period):
    return MonthlyFact.objects.filter(booking_month__gte=period.first_month, booking_month__lte=period.last_month)


def facts_by(period: Period, *fields: str) -> dict[tuple, dict]:
    """Sums of the facts booked in the period per `fields`, with 'varav efterregistrering'."""
    correction = ~Q(origin_month=F("booking_month"))
    rows = _booked(period).values(*fields).annotate(
        sum_care_days=Sum("care_days"), sum_cost=Sum("cost"), sum_persons=Sum("persons"),
        sum_started=Sum("started"), sum_corrections_cost=Sum("cost", filter=correction),
        sum_corrections_days=Sum("care_days", filter=correction),
    )
    return {tuple(r[f] for f in fields): {**zero_figures(), **{m: r[f"sum_{m}"] for m in MEASURES
                                                        if r[f"sum_{m}"] is not None}}
            for r in rows}


def correction_months(period: Period, *fields: str) -> dict[tuple, list[datetime.date]]:
    """The origin months of the corrections booked in the period, per `fields`."""
    rows = (_booked(period).exclude(origin_month=F("booking_month"))
            .values(*fields, "origin_month").distinct().order_by("origin_month"))
    found: dict[tuple, list] = defaultdict(list)
    for r in rows:
        found[tuple(r[f] for f in fields)].append(r["origin_month"])
    return found


def zero_figures() -> dict:
    return {**dict.fromkeys(MEASURES, 0), "cost": Decimal("0.00"), "corrections_cost": Decimal("0.00")}


def add_figures(into: dict, other: dict) -> dict:
    for m in MEASURES:
        into[m] += other.get(m, 0)
    return into


# --- selectors: placements (two figures only) ----------------------------------------------------

PROVIDERS_SQL = f"""
WITH months AS (SELECT %(month)s::date AS month_start),
{fresh.MAPPED_CTE}
SELECT DISTINCT {fresh.COST_CENTRE_SQL} AS cost_centre_id, p.care_type_id, p.provider_id
FROM placements_placement p
JOIN placements_caretype ct ON ct.id = p.care_type_id
{fresh.COST_CENTRE_JOINS.format(p="p", month="%(month)s::date")}
WHERE p.voided_reason = '' AND ct.regime = 'kopt' AND p.provider_id IS NOT NULL AND p.period @> %(day)s::date
"""


def external_providers_on(day: datetime.date) -> list[tuple[int | None, int, int]]:
    """(cost centre, care type, provider) of every live placement of a bought care type (regime 'kopt')
    active on `day` (Placement.period contains it), the cost centre resolved as the roll-up does."""
    with connection.cursor() as cur:
        cur.execute(PROVIDERS_SQL, {"day": day, "month": day.replace(day=1)})
        return [tuple(r) for r in cur.fetchall()]


def ended_window(period: Period, *, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The end dates that count as 'ended in the period': January 1 .. the period's last day, but no later
    than today (a later end date is a planned end, not an ended placement)."""
    return period.first_month, min(period.last_day, today or timezone.localdate())


def ended_placement_days(period: Period, *, today: datetime.date | None = None) -> dict[int, list[int]]:
    """Per care type: the length in days (placements/days.py) of each live placement that ended in the
    period (its end date, the day the person left, within ended_window)."""
    first, last = ended_window(period, today=today)
    rows = (Placement.objects.filter(voided_reason="", end_on__gte=first, end_on__lte=last)
            .values_list("care_type_id", "start_on", "end_on"))
    found: dict[int, list[int]] = defaultdict(list)
    for care_type_id, start, end in rows:
        found[care_type_id].append((care_end(start, end) - start).days)
    return found


# The same lengths summed in SQL per care type: the follow-up page shows only their count and mean, and at
# national scale (34 000 ended placements a year) building each length in Python was most of the page. The
# length is that of placements/days.py (care_length_sql); ended_placement_days stays as its oracle
# (tests/budget/test_followup_scale.py). The index placement_ended_times (budget migration 0013) answers it from
# the index alone.
ENDED_TIMES_SQL = f"""
SELECT p.care_type_id, count(*), sum({care_length_sql("p.start_on", "p.end_on")})
FROM placements_placement p
WHERE p.voided_reason = '' AND p.end_on IS NOT NULL AND p.end_on >= %(first)s AND p.end_on <= %(last)s
GROUP BY p.care_type_id
"""


def ended_placement_times(period: Period, *, today: datetime.date | None = None) -> dict[int, tuple[int, int]]:
    """Per care type: (how many, their days added up) of the placements ended in the period, the lengths of
    ended_placement_days counted and summed in the database; rounding.mean_of_sum gives the mean."""
    first, last = ended_window(period, today=today)
    with connection.cursor() as cur:
        cur.execute(ENDED_TIMES_SQL, {"first": first, "last": last})
        return {care_type_id: (count, int(total)) for care_type_id, count, total in cur.fetchall()}


# --- budgets -------------------------------------------------------------------------------------


def budgets_for(year: int) -> list[Budget]:
    return list(Budget.objects.filter(year=year).select_related("cost_centre", "care_type")
                .prefetch_related("month_shares"))


def budget_cost(budget: Budget, period: Period) -> Decimal:
    """The period's share of the budget amount (budgeting.amount_for_period), to the öre."""
    return dv.to_ore(amount_for_period(budget, period.through_month))


def budget_days(budget: Budget, period: Period) -> Fraction | None:
    """Budgeted care days in the period: årsplaceringar × days in the period, or dygn/dagar as spread."""
    if budget.volume is None:
        return None
    if budget.volume_unit == VolumeUnit.PLACEMENT_YEARS:
        return Fraction(budget.volume) * period.days
    if budget.volume_unit in DAY_UNITS:
        return Fraction(volume_for_period(budget, period.through_month))
    return None


def budget_volume(budget: Budget, period: Period) -> Fraction:
    """The budget volume in its own unit for the period (årsplaceringar are a rate and not spread)."""
    return Fraction(volume_for_period(budget, period.through_month))


def actual_volume(unit: str, figures: dict, period: Period) -> Fraction:
    """Actual volume in a budget's unit, from the facts booked in the period:
    årsplacering = care days ÷ days in the period; dygn / dagar = care days; hushåll = the months' numbers
    of persons added up (household-months, as budgeting spreads a hushåll volume over the months);
    inflöde = placements started."""
    if unit == VolumeUnit.PLACEMENT_YEARS:
        return dv.placement_years_exact(figures["care_days"], period.days)
    if unit in DAY_UNITS:
        return Fraction(figures["care_days"])
    if unit == VolumeUnit.HOUSEHOLDS:
        return Fraction(figures["persons"])
    return Fraction(figures["started"])
