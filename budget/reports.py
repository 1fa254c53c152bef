"""The controller's follow-up reports of shared/formats.md ('Report exports'): `placement_days`,
`volume_followup`, `cost_centres` and `purchases` (registered in budget/report_defs.py).

What they read (period, facts by booking month, period budgets, the two figures taken from
placements) is budget/report_data.py's; every formula (deviation, volume/price effect, key
figures) is budget/deviations.py's. This module only shapes rows and totals.
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

from common import rounding
from common.reporting import ReportResult
from placements.models import CareType
from socialtjanst import access
from socialtjanst.roles import Role

from . import deviations as dv
from .forecast import forecast_for_year
from .models import Budget, CostCentre
from .report_data import (
    Period,
    actual_volume,
    add_figures,
    budget_cost,
    budget_days,
    budget_volume,
    budgets_for,
    correction_months,
    external_providers_on,
    facts_by,
    zero_figures,
)

NO_COST_CENTRE_NAME = "Utan verksamhet"


def may_view(user) -> bool:
    """The budget reports and the follow-up page are the controller's. They hold no names, but the
    facts have no unit dimension, so an enhetschef could not be limited to the own units: not shown."""
    return user is not None and access.has_role(user, Role.CONTROLLER)


# --- shared row helpers ----------------------------------------------------------------------------


def _whole(value: Fraction | None) -> int | None:
    return None if value is None else int(dv.round_fraction(value, Decimal(1)))


def _two(value: Fraction | None) -> Decimal | None:
    return None if value is None else dv.round_fraction(value, dv.YEARS_PLACES)


def _effects(row: dict, *, cost_budget: Decimal, cost: Decimal, volume_budget, volume) -> dict:
    parts = dv.decompose(cost_budget=cost_budget, cost_actual=cost, volume_budget=volume_budget,
                         volume_actual=volume)
    row.update(cost=cost, cost_budget=cost_budget, deviation=parts.deviation,
               volume_effect=parts.volume_effect, price_effect=parts.price_effect)
    return row


MONEY_TOTALS = frozenset({"cost", "cost_budget", "cost_last_year", "deviation", "volume_effect", "price_effect",
                          "corrections_cost", "budget_year", "cost_last_year_same_period", "category_cost"})


def sum_key(rows: list[dict], key: str):
    """The total of a column: amounts start from 0 kr (an empty report totals 0), others are None
    when no row has a value."""
    values = [r[key] for r in rows if r.get(key) is not None]
    if key in MONEY_TOTALS:
        return sum(values, Decimal("0.00"))
    return sum(values) if values else None


def _months_text(months: list[datetime.date]) -> str:
    return ", ".join(m.strftime("%Y-%m") for m in months)


def _cost_centre_names() -> dict[int | None, tuple[str, str]]:
    names = {cc.pk: (cc.code, cc.name) for cc in CostCentre.objects.all()}
    names[None] = ("", NO_COST_CENTRE_NAME)
    return names


# --- placement_days ---------------------------------------------------------------------------------


def placement_days(*, user, year: int, through_month: int | None, **_params) -> ReportResult:
    """Per care type: days, placement years, price and cost against budget and last year."""
    period = Period(year, through_month)
    now = facts_by(period, "care_type_id")
    last = facts_by(period.last_year(), "care_type_id")
    origins = correction_months(period, "care_type_id")
    budget_cost_by: dict[int, Decimal] = defaultdict(Decimal)
    budget_days_by: dict[int, Fraction | None] = {}
    for b in budgets_for(year):
        if b.care_type_id is None:
            continue
        budget_cost_by[b.care_type_id] += budget_cost(b, period)
        days = budget_days(b, period)
        known = budget_days_by.get(b.care_type_id, Fraction(0))
        budget_days_by[b.care_type_id] = None if days is None or known is None else known + days
    ids = {k[0] for k in now} | {k[0] for k in last} | set(budget_cost_by)
    rows = []
    for ct in CareType.objects.filter(pk__in=ids).order_by("target_group", "code"):
        fig, prev = now.get((ct.pk,), zero_figures()), last.get((ct.pk,), zero_figures())
        days_b = budget_days_by.get(ct.pk)
        row = {
            "care_type": ct.code, "care_type_name": ct.name,
            "care_days": fig["care_days"], "care_days_budget": _whole(days_b),
            "care_days_last_year": prev["care_days"],
            "placement_years": dv.placement_years(fig["care_days"], period.days),
            "placement_years_budget": dv.placement_years(days_b, period.days),
            "price": dv.price_per_day(fig["cost"], fig["care_days"]),
            "cost_last_year": prev["cost"],
            "corrections_cost": fig["corrections_cost"], "corrections_days": fig["corrections_days"],
            "corrections_months": _months_text(origins.get((ct.pk,), [])),
        }
        cost_b = budget_cost_by.get(ct.pk, Decimal("0.00"))
        row["price_budget"] = dv.price_per_day(cost_b, days_b)
        rows.append(_effects(row, cost_budget=cost_b, cost=fig["cost"], volume_budget=days_b,
                             volume=fig["care_days"]))
    totals = {k: sum_key(rows, k) for k in (
        "care_days", "care_days_last_year", "cost", "cost_budget", "cost_last_year", "deviation",
        "volume_effect", "price_effect", "corrections_cost", "corrections_days")}
    with_budget_days = [budget_days_by[ct] for ct in budget_days_by if budget_days_by[ct] is not None]
    total_days_b = sum(with_budget_days) if with_budget_days else None
    cost_b_with_days = sum((budget_cost_by[ct] for ct, d in budget_days_by.items() if d is not None), Decimal(0))
    totals.update(
        care_days_budget=_whole(total_days_b),
        placement_years=dv.placement_years(totals["care_days"] or 0, period.days),
        placement_years_budget=dv.placement_years(total_days_b, period.days),
        price=dv.price_per_day(totals["cost"], totals["care_days"]),
        price_budget=dv.price_per_day(cost_b_with_days, total_days_b),
    )
    return ReportResult(rows=rows, totals=totals)


# --- volume_followup ----------------------------------------------------------------------------------


def _volume_groups(budgets: list[Budget]) -> dict[tuple[int, str], list[Budget]]:
    groups: dict[tuple[int, str], list[Budget]] = defaultdict(list)
    for b in budgets:
        if b.volume is not None:
            groups[(b.cost_centre_id, b.volume_unit)].append(b)
    return groups


def _scope_figures(by_cc_ct: dict[tuple, dict], cost_centre_id, care_type_ids: set | None) -> dict:
    """The facts of a cost centre, limited to `care_type_ids` (None = all of its care types)."""
    total = zero_figures()
    for (cc, ct), fig in by_cc_ct.items():
        if cc == cost_centre_id and (care_type_ids is None or ct in care_type_ids):
            add_figures(total, fig)
    return total


def _scope(budgets: list[Budget]) -> set | None:
    """A cost centre's budget without care type covers the whole cost centre; otherwise its care types."""
    if any(b.care_type_id is None for b in budgets):
        return None
    return {b.care_type_id for b in budgets}


def volume_followup(*, user, year: int, through_month: int | None, **_params) -> ReportResult:
    """Per cost centre and volume unit with a volume budget: budget and actual volume, and the deviation
    in kr split into volume and price effects."""
    period = Period(year, through_month)
    by_cc_ct = facts_by(period, "cost_centre_id", "care_type_id")
    names = _cost_centre_names()
    rows = []
    for (cc_id, unit), budgets in sorted(_volume_groups(budgets_for(year)).items(),
                                         key=lambda item: (names[item[0][0]][0], item[0][1])):
        fig = _scope_figures(by_cc_ct, cc_id, _scope(budgets))
        vol_b = sum((budget_volume(b, period) for b in budgets), Fraction(0))
        vol_u = actual_volume(unit, fig, period)
        row = {
            "cost_centre": names[cc_id][0], "cost_centre_name": names[cc_id][1], "volume_unit": unit,
            "volume_budget": _two(vol_b), "volume": _two(vol_u),
            "volume_deviation": _two(dv.volume_deviation(vol_u, vol_b)),
            "care_days": fig["care_days"], "corrections_cost": fig["corrections_cost"],
        }
        cost_b = sum((budget_cost(b, period) for b in budgets), Decimal("0.00"))
        rows.append(_effects(row, cost_budget=cost_b, cost=fig["cost"], volume_budget=vol_b, volume=vol_u))
    totals = {k: sum_key(rows, k) for k in (
        "care_days", "cost", "cost_budget", "deviation", "volume_effect", "price_effect", "corrections_cost")}
    return ReportResult(rows=rows, totals=totals)


# --- cost_centres -----------------------------------------------------------------------------------


def forecast_by_cost_centre(year: int, through_month: int | None) -> dict | None:
    """The full-year forecast stored at the latest closing of the year (budget/forecast.py), summed per
    cost centre; None for the whole year or December, or when no forecast is stored."""
    if through_month is None or through_month >= 12:
        return None
    lines = forecast_for_year(year, through_month)
    if not lines:
        return None
    totals: dict = defaultdict(Decimal)
    for (cc_id, _ct), total in lines.items():
        totals[cc_id] += total
    return totals


def _decomposition_volume(budgets: list[Budget], fig: dict, period: Period):
    """The cost centre's volumes for the split: those of its budgets' one common unit, else none."""
    units = {b.volume_unit for b in budgets}
    if not budgets or any(b.volume is None for b in budgets) or len(units) != 1:
        return None, None
    unit = units.pop()
    return sum((budget_volume(b, period) for b in budgets), Fraction(0)), actual_volume(unit, fig, period)


def cost_centres(*, user, year: int, through_month: int | None, **_params) -> ReportResult:
    """Driftsredovisning per cost centre: last year, budget (year and period), actual, deviation, deviation %,
    actual same period last year, and in a month before December the forecast and its deviation."""
    period = Period(year, through_month)
    now = facts_by(period, "cost_centre_id")
    same_period_last = facts_by(period.last_year(), "cost_centre_id")
    full_last = facts_by(Period(year - 1), "cost_centre_id")
    forecasts = forecast_by_cost_centre(year, through_month)
    budgets: dict[int, list[Budget]] = defaultdict(list)
    for b in budgets_for(year):
        budgets[b.cost_centre_id].append(b)
    names = _cost_centre_names()
    ids = set(CostCentre.objects.filter(active=True).values_list("pk", flat=True)) | set(budgets)
    ids |= {k[0] for k in now} | {k[0] for k in same_period_last} | {k[0] for k in full_last}
    rows = []
    for cc_id in sorted(ids, key=lambda pk: (pk is None, names[pk][0])):
        fig = now.get((cc_id,), zero_figures())
        own = budgets.get(cc_id, [])
        cost_b = sum((budget_cost(b, period) for b in own), Decimal("0.00"))
        budget_year = sum((b.amount for b in own), Decimal("0.00"))
        forecast = None if forecasts is None else forecasts.get(cc_id, Decimal("0.00"))
        row = {
            "cost_centre": names[cc_id][0], "cost_centre_name": names[cc_id][1],
            "cost_last_year": full_last.get((cc_id,), zero_figures())["cost"],
            "budget_year": budget_year,
            "deviation_percent": dv.deviation_percent(cost_b, fig["cost"]),
            "cost_last_year_same_period": same_period_last.get((cc_id,), zero_figures())["cost"],
            "forecast": forecast,
            "forecast_deviation": None if forecast is None else dv.deviation(budget_year, forecast),
            "corrections_cost": fig["corrections_cost"],
        }
        vol_b, vol_u = _decomposition_volume(own, fig, period)
        rows.append(_effects(row, cost_budget=cost_b, cost=fig["cost"], volume_budget=vol_b, volume=vol_u))
    totals = {k: sum_key(rows, k) for k in (
        "cost_last_year", "budget_year", "cost_budget", "cost", "deviation", "cost_last_year_same_period",
        "forecast", "forecast_deviation", "volume_effect", "price_effect", "corrections_cost")}
    totals["deviation_percent"] = dv.deviation_percent(totals["cost_budget"] or 0, totals["cost"] or 0)
    return ReportResult(rows=rows, totals=totals)


# --- purchases --------------------------------------------------------------------------------------


def purchases(*, user, year: int, through_month: int | None, **_params) -> ReportResult:
    """Köp av verksamhet: per bought care type (regime 'kopt') and cost centre, the cost, its share of the
    category's (the cost centre's) net cost, and the distinct external providers on the period's last day."""
    period = Period(year, through_month)
    now = facts_by(period, "cost_centre_id", "care_type_id", "regime")
    last = facts_by(period.last_year(), "cost_centre_id", "care_type_id", "regime")
    category_cost: dict = defaultdict(Decimal)
    for (cc_id, _ct, _regime), fig in now.items():
        category_cost[cc_id] += fig["cost"]
    providers: dict[tuple, set] = defaultdict(set)
    active = external_providers_on(period.last_day)
    for cc_id, ct_id, provider_id in active:
        providers[(cc_id, ct_id)].add(provider_id)
    keys = {(cc, ct) for (cc, ct, regime) in now if regime == "kopt"} | set(providers)
    care_types = {ct.pk: ct for ct in CareType.objects.filter(pk__in={ct for _cc, ct in keys})}
    names = _cost_centre_names()
    rows = []
    for cc_id, ct_id in sorted(keys, key=lambda k: (names[k[0]][0], care_types[k[1]].code)):
        cost = now.get((cc_id, ct_id, "kopt"), zero_figures())["cost"]
        rows.append({
            "care_type": care_types[ct_id].code, "care_type_name": care_types[ct_id].name,
            "cost_centre": names[cc_id][0], "cost_centre_name": names[cc_id][1],
            "cost": cost, "cost_last_year": last.get((cc_id, ct_id, "kopt"), zero_figures())["cost"],
            "category_cost": category_cost.get(cc_id, Decimal("0.00")),
            "share": rounding.share(cost, category_cost.get(cc_id, 0)),
            "providers": len(providers.get((cc_id, ct_id), ())),
        })
    bought_centres = {cc for cc, _ct in keys}
    all_category = sum((category_cost.get(cc, Decimal(0)) for cc in bought_centres), Decimal("0.00"))
    totals = {"cost": sum_key(rows, "cost"), "cost_last_year": sum_key(rows, "cost_last_year"),
              "category_cost": all_category, "share": rounding.share(sum_key(rows, "cost") or 0, all_category),
              "providers": len({provider for _cc, _ct, provider in active})}
    return ReportResult(rows=rows, totals=totals)


# --- month by month (the follow-up page) -----------------------------------------------------------


def monthly_series(year: int, through_month: int | None = None) -> dict[int, dict]:
    """Per care type and booking month, this year and last year: cost, care days, corrections (with
    their origin months). {care_type_id: {"now": {month: figures}, "last": {...}}}."""
    found: dict[int, dict] = defaultdict(lambda: {"now": {}, "last": {}})
    for label, period in (("now", Period(year, through_month)), ("last", Period(year - 1, through_month))):
        for (ct_id, month), fig in facts_by(period, "care_type_id", "booking_month").items():
            found[ct_id][label][month.month] = {**fig, "origins": []}
        for (ct_id, month), origins in correction_months(period, "care_type_id", "booking_month").items():
            found[ct_id][label][month.month]["origins"] = origins
    return found
