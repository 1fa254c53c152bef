"""The ledger's reports (issue 17 point 3), registered in budget/ledger/report_defs.py.

`result_report` (resultatrapport/driftsredovisning): per verksamhet and in total the ledger's intäkter and
kostnader (positive kr), nettokostnad as the seeds write it (intäkter − kostnader, so a net cost is
negative), the budget of each on the same lines, avvikelse = utfall − budget in that sign (the same as
budget − utfall for a cost: negative is worse than budget), avvikelse % of the budget's nettokostnad,
budgetföljsamhet = utfall ÷ budget of the nettokostnad, the same period last year and prognos helår at the
year's latest closing (utfall through the closed month + the budget of the months after it).

`unit_costs` (nyckeltal per vårddygn, beside Kolada N33100/N33101): per activity code the ledger's total
costs, other revenue (kommunbidrag and internal revenue are mapped 'exkluderad', so never counted), the
nettokostnad, the vårddygn of the monthly facts booked in the period, kr and tkr per vårddygn; for bought
care only (the facts of regime 'köpt') and per vårdtagare (distinct persons placed in the period)."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import Sum

from common import rounding
from common.periods import Period
from common.reporting import ReportResult

from .. import fresh
from ..budgeting import days_in_year, days_through
from ..models import CostCentre, LedgerBudget, LedgerEntry, LedgerLine, MonthClosing
from ..report_data import facts_by
from ..reports import may_view  # noqa: F401  (the ledger reports are the controller's, like the others)
from .lines import AccountLines

ZERO = Decimal("0.00")
NO_COST_CENTRE = "Utan verksamhet"


def _ore(value) -> Decimal:
    return rounding.round_half_away(value, 2)


def ledger_lines(first: datetime.date, last: datetime.date) -> dict[int | None, dict[str, Decimal]]:
    """Per cost centre id: intäkter and kostnader (positive kr) booked in the months first..last."""
    lines = AccountLines()
    sums: dict = defaultdict(lambda: {"revenue": ZERO, "cost": ZERO})
    rows = (LedgerEntry.objects.filter(month__gte=first, month__lte=last).values("cost_centre_id", "account")
            .annotate(total=Sum("amount")))
    for r in rows:
        line = lines.line(r["account"])
        if line == LedgerLine.REVENUE:
            sums[r["cost_centre_id"]]["revenue"] -= r["total"]
        elif line == LedgerLine.COST:
            sums[r["cost_centre_id"]]["cost"] += r["total"]
    return sums


def budget_lines(year: int, through_month: int | None) -> dict[int, dict[str, Decimal]]:
    """Per cost centre id: the period's budget intäkter and kostnader. A year budget (month 0) is spread by
    days, like budget.budgeting; #PBUDGET months are summed as they are."""
    through = through_month or 12
    share = rounding.exact(days_through(year, through_month)) / days_in_year(year)
    sums: dict = defaultdict(lambda: {"revenue": ZERO, "cost": ZERO})
    for b in LedgerBudget.objects.filter(year=year, month__lte=through):
        factor = share if b.month == 0 else 1
        sums[b.cost_centre_id]["revenue"] += _ore(rounding.exact(b.revenue) * factor)
        sums[b.cost_centre_id]["cost"] += _ore(rounding.exact(b.cost) * factor)
    return sums


def _period_months(period: Period) -> tuple[datetime.date, datetime.date]:
    return period.first_month, period.last_month


def _forecast(year: int) -> dict[int | None, Decimal] | None:
    """Prognos helår per cost centre at the year's latest closing: result through the closed month plus the
    budget's result for the months after it. None before the year's first closing."""
    closing = MonthClosing.objects.latest_active(year=year)
    if closing is None:
        return None
    closed = closing.month.month
    actual = ledger_lines(datetime.date(year, 1, 1), closing.month)
    whole, to_date = budget_lines(year, None), budget_lines(year, closed)
    result: dict = defaultdict(lambda: ZERO)
    for cc, v in actual.items():
        result[cc] += v["revenue"] - v["cost"]
    for cc, v in whole.items():
        done = to_date.get(cc, {"revenue": ZERO, "cost": ZERO})
        result[cc] += (v["revenue"] - done["revenue"]) - (v["cost"] - done["cost"])
    return result


def _result_row(values: dict) -> dict:
    row = dict(values)
    row["result"] = row["revenue"] - row["cost"]
    row["result_budget"] = row["revenue_budget"] - row["cost_budget"]
    row["revenue_deviation"] = row["revenue"] - row["revenue_budget"]
    row["cost_deviation"] = row["cost_budget"] - row["cost"]
    row["deviation"] = row["result"] - row["result_budget"]
    row["deviation_percent"] = rounding.share(row["deviation"], abs(row["result_budget"]))
    row["budget_compliance"] = rounding.share(row["result"], row["result_budget"])
    return row


def result_report(*, user, year: int, through_month: int | None, **_) -> ReportResult:
    period = Period(year, through_month)
    actual = ledger_lines(*_period_months(period))
    last = ledger_lines(*_period_months(period.last_year()))
    budget = budget_lines(year, through_month)
    forecast = _forecast(year)
    ids = set(actual) | set(budget) | set(last) | set(forecast or {})
    centres = CostCentre.objects.in_bulk([i for i in ids if i is not None])
    rows = []
    totals = dict.fromkeys(("revenue", "cost", "revenue_budget", "cost_budget", "result_last_year"), ZERO)
    totals["forecast"] = ZERO if forecast is not None else None
    for cc in sorted(ids, key=lambda i: centres[i].code if i in centres else "~"):
        a = actual.get(cc, {"revenue": ZERO, "cost": ZERO})
        b = budget.get(cc, {"revenue": ZERO, "cost": ZERO})
        ly = last.get(cc, {"revenue": ZERO, "cost": ZERO})
        values = {"revenue": a["revenue"], "cost": a["cost"], "revenue_budget": b["revenue"],
                  "cost_budget": b["cost"], "result_last_year": ly["revenue"] - ly["cost"],
                  "forecast": forecast.get(cc, ZERO) if forecast is not None else None}
        centre = centres.get(cc)
        rows.append({"cost_centre": centre.code if centre else "", "cost_centre_name": centre.name if centre
                     else NO_COST_CENTRE, **_result_row(values)})
        for key in totals:
            if totals[key] is not None:
                totals[key] += values[key]
    return ReportResult(rows=rows, totals=_result_row(totals))


# --- unit costs --------------------------------------------------------------------------------------

PERSONS_SQL = f"""
WITH months AS (SELECT %(month)s::date AS month_start),
{fresh.MAPPED_CTE}
SELECT cc.activity_code, count(DISTINCT p.person_id)
FROM placements_placement p
{fresh.COST_CENTRE_JOINS.format(p="p", month="%(month)s::date")}
JOIN budget_costcentre cc ON cc.id = {fresh.COST_CENTRE_SQL}
WHERE p.voided_reason = '' AND p.period && daterange(%(first)s::date, %(last)s::date, '[]')
GROUP BY 1
"""


def persons_by_activity(period: Period) -> dict[str, int]:
    """Distinct persons with a live placement in the period per activity code (cost centre as at the period's
    last month, resolved as the roll-up does)."""
    with connection.cursor() as cur:
        cur.execute(PERSONS_SQL, {"month": period.last_month, "first": period.first_day, "last": period.last_day})
        return {code: n for code, n in cur.fetchall()}


def _per(amount: Decimal, count) -> tuple[Decimal | None, Decimal | None]:
    """kr (whole) and tkr (one decimal) per unit; None without units."""
    if not count:
        return None, None
    exact = rounding.exact(amount) / count
    return rounding.round_half_away(exact, 0), rounding.round_half_away(exact / 1000, 1)


def _unit_row(code: str, name: str, cost: Decimal, revenue: Decimal, days: int, ext_cost: Decimal, ext_days: int,
              persons: int) -> dict:
    net = cost - revenue
    per_day, per_day_tkr = _per(net, days)
    ext_per_day, ext_per_day_tkr = _per(ext_cost, ext_days)
    per_person, _ = _per(net, persons)
    return {"activity_code": code, "activity_name": name, "cost": cost, "other_revenue": revenue, "net_cost": net,
            "care_days": days, "net_cost_per_day": per_day, "net_cost_per_day_tkr": per_day_tkr,
            "external_cost": ext_cost, "external_care_days": ext_days, "external_cost_per_day": ext_per_day,
            "external_cost_per_day_tkr": ext_per_day_tkr, "persons": persons, "net_cost_per_person": per_person}


def unit_costs(*, user, year: int, through_month: int | None, **_) -> ReportResult:
    period = Period(year, through_month)
    centres = {c.pk: c for c in CostCentre.objects.exclude(activity_code="")}
    names: dict[str, str] = {}
    for c in sorted(centres.values(), key=lambda c: c.code):
        names.setdefault(c.activity_code, c.name)
    money: dict = defaultdict(lambda: [ZERO, ZERO])
    for cc, v in ledger_lines(*_period_months(period)).items():
        if cc in centres:
            money[centres[cc].activity_code][0] += v["cost"]
            money[centres[cc].activity_code][1] += v["revenue"]
    days: dict = defaultdict(lambda: [0, 0, ZERO])
    for (code, regime), f in facts_by(period, "cost_centre__activity_code", "regime").items():
        if not code:
            continue
        days[code][0] += f["care_days"]
        if regime == "kopt":
            days[code][1] += f["care_days"]
            days[code][2] += f["cost"]
    persons = persons_by_activity(period)
    rows = []
    for code in sorted(set(money) | set(days)):
        cost, revenue = money.get(code, [ZERO, ZERO])
        all_days, ext_days, ext_cost = days.get(code, [0, 0, ZERO])
        rows.append(_unit_row(code, names.get(code, ""), cost, revenue, all_days, ext_cost, ext_days,
                              persons.get(code, 0)))
    sums = {k: sum((r[k] for r in rows), ZERO if k not in ("care_days", "external_care_days", "persons") else 0)
            for k in ("cost", "other_revenue", "care_days", "external_cost", "external_care_days", "persons")}
    totals = _unit_row("", "", sums["cost"], sums["other_revenue"], sums["care_days"], sums["external_cost"],
                       sums["external_care_days"], sums["persons"])
    totals["activity_code"] = ""
    return ReportResult(rows=rows, totals=totals)
