"""Month closing and the full-year forecast: thin views over budget.closing and budget.forecast."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from common.params import year_param
from placements.models import CareType

from .. import closing as closing_service
from .. import forecast as forecast_service
from .. import task_failures
from ..forms import ForecastAdjustmentForm
from ..ledger import reconciliation
from ..models import CostCentre, ForecastAdjustment, MonthClosing


def _require(user, perm):
    if not user.has_perm(perm):
        raise Http404("Sidan finns inte.")


def closing_list(request):
    _require(request.user, "budget.view_monthclosing")
    closings = MonthClosing.objects.select_related("closed_by", "reopened_by").order_by("-month", "-closed_at")[:36]
    next_month = closing_service.next_month_to_close()
    this_month = timezone.localdate().replace(day=1)
    return render(request, "budget/closing_list.html", {
        "closings": closings,
        "next_month": next_month,
        "next_label": closing_service.month_label(next_month) if next_month else None,
        "can_close": request.user.has_perm(closing_service.CLOSE_PERMISSION),
        "can_reopen": request.user.has_perm(closing_service.REOPEN_PERMISSION),
        "latest_closed": closing_service.latest_closed_month(),
        "this_month": this_month,
        # Roll-ups that gave up: the figures of their months may be stale until one succeeds.
        "task_failures": task_failures.unresolved_failures(),
        # The ledger reconciliation of the month to close (issue 17): its difference and whether it blocks.
        "reconciliation": reconciliation.closing_status(next_month),
    })


@require_POST
def close(request):
    _require(request.user, closing_service.CLOSE_PERMISSION)
    try:
        month = datetime.date.fromisoformat(request.POST.get("month", "") + "-01")
    except ValueError:
        messages.error(request, "Ange månaden som ÅÅÅÅ-MM.")
        return redirect("budget:closing_list")
    try:
        closing_service.close_month(by=request.user, month=month,
                                    override_reason=request.POST.get("override_reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{closing_service.month_label(month).capitalize()} är stängd. "
                                  "Prognosen är sparad.")
    return redirect("budget:closing_list")


@require_POST
def reopen(request, pk):
    _require(request.user, closing_service.REOPEN_PERMISSION)
    try:
        closing = closing_service.reopen_month(by=request.user, closing_id=pk, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{closing_service.month_label(closing.month).capitalize()} är öppnad igen.")
    return redirect("budget:closing_list")


def forecast(request):
    _require(request.user, "budget.view_forecastline")
    today = timezone.localdate()
    year = year_param(request, default=today.year)
    latest = closing_service.latest_closing(year=year)
    through = latest.month.month if latest else None
    live = forecast_service.compute_forecast(year, through) if through else []
    centres = {c.pk: c for c in CostCentre.objects.all()}
    care_types = {c.pk: c for c in CareType.objects.all()}
    for line in live:
        line["cost_centre"] = centres.get(line["cost_centre_id"])
        line["care_type"] = care_types.get(line["care_type_id"])
    totals = {k: sum((line[k] for line in live), Decimal(0)) for k in ("actual", "ongoing", "adjustment", "total")}
    stored = (MonthClosing.objects.filter(month__year=year).order_by("month", "closed_at")
              .prefetch_related("forecast_lines"))
    history = [{"closing": c, "total": sum((line.total for line in c.forecast_lines.all()), Decimal(0))}
               for c in stored]
    return render(request, "budget/forecast.html", {
        "year": year, "latest": latest, "lines": live, "totals": totals, "history": history,
        "through_label": closing_service.month_label(latest.month) if latest else None,
        "cost_centres": centres.values(), "care_types": care_types.values(),
        "can_adjust": request.user.has_perm(forecast_service.ADJUST_PERMISSION),
        "adjustments": ForecastAdjustment.objects.filter(year=year).select_related(
            "cost_centre", "care_type", "created_by")[:50],
    })


def _forecast_url(year: int | None) -> str:
    url = reverse("budget:forecast")
    return f"{url}?year={year}" if year else url


@require_POST
def forecast_adjust(request):
    _require(request.user, forecast_service.ADJUST_PERMISSION)
    form = ForecastAdjustmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.error_text())
        return redirect(_forecast_url(form.cleaned_data.get("year")))
    d = form.cleaned_data
    try:
        forecast_service.add_adjustment(by=request.user, year=d["year"], cost_centre=d["cost_centre"],
                                        care_type=d["care_type"], amount=d["amount"], comment=d["comment"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Justeringen är sparad och ingår i prognosen vid nästa bokslut.")
    return redirect(_forecast_url(d["year"]))
