"""The controller's two follow-up tables as report rows (issue 14 point 9), so they leave as Excel, CSV and
JSON through common.reporting like the four budget reports: Prognos helår (the forecast page) and
Uppföljning (the month-by-month series per care type). The figures are the pages' own: budget.forecast for
the forecast, budget.reports.monthly_series for the months."""

import datetime
from decimal import Decimal

from common.reporting import ReportResult
from placements.days import days_in_month
from placements.models import CareType

from . import deviations as dv
from .forecast import compute_forecast
from .models import CostCentre, MonthClosing
from .reports import monthly_series

FORECAST_AMOUNTS = ("actual", "ongoing", "adjustment", "forecast")


def may_view_forecast(user) -> bool:
    return user is not None and user.has_perm("budget.view_forecastline")


def forecast(*, user, year: int, through_month: int | None, **_params) -> ReportResult:
    """The forecast after the latest closing of the year (at or before `through_month` when given), as the
    forecast page computes it: actual to date + ongoing placements to the year's end + the adjustment. No
    closing yet: no rows."""
    through = datetime.date(year, through_month, 1) if through_month else None
    closing = MonthClosing.objects.latest_active(year=year, through=through)
    if closing is None:
        return ReportResult(rows=[])
    centres = {c.pk: c for c in CostCentre.objects.all()}
    care_types = {c.pk: c for c in CareType.objects.all()}
    rows = []
    for line in compute_forecast(year, closing.month.month):
        centre, care_type = centres.get(line["cost_centre_id"]), care_types.get(line["care_type_id"])
        rows.append({
            "closed_month": closing.month.strftime("%Y-%m"),
            "cost_centre": centre.code if centre else "", "cost_centre_name": centre.name if centre else
            "Utan verksamhet", "care_type": care_type.code if care_type else "",
            "care_type_name": care_type.name if care_type else "",
            "actual": line["actual"], "ongoing": line["ongoing"], "adjustment": line["adjustment"],
            "forecast": line["total"], "adjustment_comment": line["adjustment_comment"],
        })
    totals = {k: sum((r[k] for r in rows), Decimal(0)) for k in FORECAST_AMOUNTS}
    return ReportResult(rows=rows, totals=totals)


MONTH_FIGURES = ("cost", "cost_last_year", "care_days", "care_days_last_year", "corrections_cost",
                 "corrections_days")


def followup_months(*, user, year: int, through_month: int | None, **_params) -> ReportResult:
    """One row per care type and month through `through_month`, this year beside the same month last year, as
    the follow-up page's tables. Snittantal placerade = care days ÷ days in the month (shared/domain.md §5)."""
    series = monthly_series(year, through_month)
    months = through_month or 12
    rows = []
    for care_type in CareType.objects.filter(pk__in=list(series)).order_by("target_group", "code"):
        now, last = series[care_type.pk]["now"], series[care_type.pk]["last"]
        for m in range(1, months + 1):
            this, before = now.get(m, {}), last.get(m, {})
            origins = this.get("origins", [])
            rows.append({
                "care_type": care_type.code, "care_type_name": care_type.name,
                "month": f"{year}-{m:02d}",
                "cost": this.get("cost", Decimal(0)), "cost_last_year": before.get("cost", Decimal(0)),
                "care_days": this.get("care_days", 0), "care_days_last_year": before.get("care_days", 0),
                "placed": dv.placement_years(this.get("care_days", 0), days_in_month(year, m)),
                "placed_last_year": dv.placement_years(before.get("care_days", 0), days_in_month(year - 1, m)),
                "corrections_cost": this.get("corrections_cost", Decimal(0)) if origins else None,
                "corrections_days": this.get("corrections_days", 0) if origins else None,
                "corrections_months": ", ".join(o.strftime("%Y-%m") for o in origins),
            })
    totals = {k: sum((r[k] or 0 for r in rows), Decimal(0) if "cost" in k else 0) for k in MONTH_FIGURES}
    return ReportResult(rows=rows, totals=totals)
