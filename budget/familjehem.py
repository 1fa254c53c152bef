"""The controller's view of familjehemsersättning (issue 20): the prisbasbelopp and SKR levels in use per
year, and the own familjehem payments per month split into arvode, omkostnad and avdrag (registered in
budget/report_defs_familjehem.py, so they have a page with totals and JSON/CSV/XLSX like every report).

The payments are read from the placements' price periods (written by SKR's rule, placements/skr.py) and
registered payments, by the care-day rule; a month's total per placement is rounded to öre once, as the
roll-up does, so the report's total equals the monthly facts of the own familjehem care type.
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

from django.db.models import Q

from common.reporting import ReportResult
from common.rounding import round_half_away
from placements import skr
from placements.days import add_months, care_days, days_in_month, month_bounds
from placements.models import (
    FosterCareFeeLevel,
    FosterCarePayment,
    FosterCarePaymentKind,
    Placement,
    PriceBaseAmount,
)
from placements.pricing import payment_cost, price_period_days

TO_BE_CHECKED = "kontrollera"
NO_LEVEL = "saknas"
MONEY = ("fee", "expenses", "deductions", "unsplit", "extra", "total")


# --- levels per year ------------------------------------------------------------------------------------


def _level_years(year: int) -> list[int]:
    years = set(PriceBaseAmount.objects.values_list("year", flat=True)) | set(
        FosterCareFeeLevel.objects.values_list("year", flat=True))
    if not years:
        return [year]
    return list(range(min(years), max(*years, year) + 1))


def levels(*, user, year: int, through_month: int | None = None, **_params) -> ReportResult:
    """Per year (from the first year with figures through the later of the last and `year`) and age band:
    the prisbasbelopp and grundarvode the rule uses (a year without its own uses the latest earlier, named
    in 'avser år') and the omkostnad in kronor per month at the band's grundkostnad and ceiling."""
    data = skr.Levels.load()
    price_base_rows = {r.year: r for r in PriceBaseAmount.objects.all()}
    fee_rows = {r.year: r for r in FosterCareFeeLevel.objects.all()}
    rows = []
    for y in _level_years(year):
        price_base, fee = data.price_base_for(y), data.fee_for(y)
        pb_year = max((r for r in price_base_rows if r <= y), default=None)
        fee_year = max((r for r in fee_rows if r <= y), default=None)
        flagged = (pb_year is not None and price_base_rows[pb_year].to_be_checked) or (
            fee_year is not None and fee_rows[fee_year].to_be_checked)
        for band in data.bands:
            rows.append({
                "year": str(y), "price_base_amount": price_base,
                "price_base_year": "" if pb_year is None else str(pb_year),
                "base_fee": fee, "fee_year": "" if fee_year is None else str(fee_year),
                "to_be_checked": TO_BE_CHECKED if flagged else "",
                "band": f"{band.from_age}–{band.to_age} år",
                "base_percent": band.base_percent, "ceiling_percent": band.ceiling_percent,
                "base_expenses": None if price_base is None else skr.expenses_amount(price_base, band.base_percent),
                "ceiling_expenses": None if price_base is None else skr.expenses_amount(price_base,
                                                                                        band.ceiling_percent),
            })
    return ReportResult(rows=rows)


# --- payments per month ---------------------------------------------------------------------------------


def _ore(value: Fraction) -> Decimal:
    return round_half_away(value, 2)


def payments(*, user, year: int, through_month: int | None = None, **_params) -> ReportResult:
    """Own familjehem (the rule's care types) per month of `year` through `through_month`: placements with
    days, care days, arvode, omkostnad, avdrag barnbidrag/studiebidrag (the rule's and registered ones),
    amounts without a split (an agreed amount), extra ersättning and särskilda kostnader, and the total."""
    months = [datetime.date(year, m, 1) for m in range(1, (through_month or 12) + 1)]
    lo, hi = months[0], add_months(months[-1], 1)
    placements = list(
        Placement.objects.filter(voided_reason="", care_type__code__in=skr.RULE_CARE_TYPE_CODES)
        .filter(Q(start_on__lt=hi) & (Q(end_on__isnull=True) | Q(end_on__gte=lo)) | Q(payments__month__gte=lo,
                                                                                       payments__month__lt=hi))
        .distinct().prefetch_related("price_periods"))
    paid = defaultdict(lambda: defaultdict(Decimal))
    for fp in FosterCarePayment.objects.filter(placement__in=placements, month__gte=lo, month__lt=hi):
        part = "deductions" if fp.kind == FosterCarePaymentKind.CHILD_BENEFIT_DEDUCTION else "extra"
        paid[fp.month][part] += abs(payment_cost(fp))
    rows = []
    for first in months:
        _, next_first = month_bounds(first.year, first.month)
        row = {"month": first.strftime("%Y-%m"), "placements": 0, "care_days": 0, **dict.fromkeys(MONEY, Decimal(0))}
        for placement in placements:
            days = care_days(placement.start_on, placement.end_on, first, next_first)
            if not days:
                continue
            row["placements"] += 1
            row["care_days"] += days
            split = _split(placement, first, next_first)
            for key in ("fee", "expenses", "deductions", "unsplit", "total"):
                row[key] += split[key]
        row["extra"] = paid[first]["extra"]
        row["deductions"] += paid[first]["deductions"]
        row["total"] += paid[first]["extra"] - paid[first]["deductions"]
        rows.append(row)
    totals = {key: sum((r[key] for r in rows), Decimal(0)) for key in MONEY}
    totals["care_days"] = sum(r["care_days"] for r in rows)
    return ReportResult(rows=rows, totals=totals)


def _split(placement: Placement, first: datetime.date, next_first: datetime.date) -> dict:
    """The month's part of each monthly amount (placements.pricing decides which days each price period pays
    for), split into arvode, omkostnad and avdrag where the rule wrote them, exact until rounded once."""
    share_of_month = Fraction(1, days_in_month(first.year, first.month))
    sums = defaultdict(Fraction)
    for pp, n in price_period_days(placement, placement.price_periods.all(), first, next_first):
        if pp.monthly_amount is None:
            continue
        share = n * share_of_month
        sums["total"] += Fraction(pp.monthly_amount) * share
        if pp.fee is None or pp.expenses is None:
            sums["unsplit"] += Fraction(pp.monthly_amount) * share
        else:
            sums["fee"] += Fraction(pp.fee) * share
            sums["deductions"] += Fraction(pp.deduction or 0) * share
    total = _ore(sums["total"])
    fee, deductions, unsplit = _ore(sums["fee"]), _ore(sums["deductions"]), _ore(sums["unsplit"])
    return {"fee": fee, "deductions": deductions, "unsplit": unsplit,
            "expenses": total - fee - unsplit + deductions, "total": total}
