"""The controller's ledger screens (issue 17): import with the settings, the account mapping, and the
month's reconciliation with its accrual voucher. Thin: parse, call one function of budget.ledger, render.
Everyone but a controller gets 404, like the other budget screens."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import NotFound
from common.exports import XLSX_CONTENT_TYPE
from common.params import bounded_int, year_param
from common.periods import add_months, month_label
from socialtjanst.audit import audit_record
from socialtjanst.models import AccessAction

from .. import planning
from ..ledger import lines, reconciliation, tertial
from ..ledger.forms import AccountMappingForm, AccrualForm, LedgerImportForm, LedgerSettingsForm
from ..ledger.importing import SIE_SUFFIXES, LedgerImportError, import_ledger, ledger_settings
from ..models import CostCentre, LedgerImport, LedgerLine

SETTINGS_SAVED = "Inställningarna är sparade."
INVALID_MONTH = "Ogiltig månad: ange ÅÅÅÅ-MM."


def _require(request) -> None:
    planning.require(planning.can_change_budgets(request.user))


@require_http_methods(["GET", "POST"])
def ledger_import(request):
    _require(request)
    errors: list[str] = []
    summary = None
    form = LedgerImportForm(request.POST or None, request.FILES or None)
    current = ledger_settings()
    settings_form = LedgerSettingsForm(initial={
        "cost_centre_dimension": current.cost_centre_dimension, "accrual_threshold": current.accrual_threshold,
        "placement_account_from": current.placement_account_from,
        "placement_account_to": current.placement_account_to})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.name.lower().endswith(SIE_SUFFIXES):
                summary = import_ledger(by=request.user, stream=upload, filename=upload.name)
            else:
                summary = import_ledger(by=request.user, content=upload.read(), filename=upload.name)
        except LedgerImportError as exc:
            errors = exc.errors
        else:
            audit_record(user=request.user, action=AccessAction.CREATE, object_type="LedgerImport",
                         criteria={"file": upload.name, "months": [m.isoformat() for m in summary.months]})
    return render(request, "budget/ledger_import.html", {
        "form": form, "errors": errors, "summary": summary, "settings_form": settings_form,
        "imports": LedgerImport.objects.select_related("imported_by")[:12],
        "tertial_year": _latest_ledger_month().year,
    })


def _latest_ledger_month() -> datetime.date:
    """The last month of the latest import, or last month when nothing is imported."""
    latest = LedgerImport.objects.order_by("-last_month").first()
    return latest.last_month if latest else add_months(timezone.localdate().replace(day=1), -1)


@require_POST
def ledger_settings_save(request):
    _require(request)
    form = LedgerSettingsForm(request.POST)
    if form.is_valid():
        row = ledger_settings()
        fields = ["cost_centre_dimension", "placement_account_from", "placement_account_to"]
        for name in fields:
            setattr(row, name, form.cleaned_data[name])
        row.save(update_fields=fields)
        reconciliation.set_threshold(threshold=form.cleaned_data["accrual_threshold"])
        messages.success(request, SETTINGS_SAVED)
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("budget:ledger_import")


@require_http_methods(["GET", "POST"])
def account_mapping(request):
    _require(request)
    form = AccountMappingForm(request.POST or None)
    if request.method == "POST" and request.POST.get("remove"):
        removed = lines.remove_mapping(mapping_id=bounded_int(request.POST["remove"], 1, 2**62) or 0)
        if removed:
            messages.success(request, lines.MAPPING_REMOVED.format(account_from=removed.account_from,
                                                                   account_to=removed.account_to))
        return redirect("budget:ledger_accounts")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            mapping = lines.set_mapping(by=request.user, account_from=d["account_from"], account_to=d["account_to"],
                                        line=d["line"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, lines.MAPPING_SAVED.format(
                account_from=mapping.account_from, account_to=mapping.account_to,
                line=LedgerLine(mapping.line).label.lower()))
            return redirect("budget:ledger_accounts")
    return render(request, "budget/ledger_accounts.html", {"form": form, "mappings": lines.mapping_rows()})


def _month(request) -> datetime.date:
    raw = request.GET.get("month") or request.POST.get("month")
    if not raw:
        return _latest_ledger_month()
    try:
        return datetime.date.fromisoformat(f"{raw}-01")
    except ValueError:
        raise NotFound(INVALID_MONTH) from None


def reconciliation_page(request):
    _require(request)
    month = _month(request)
    rows = reconciliation.reconcile(month)
    for row in rows:
        amount = row.accrual if row.reviewed else row.proposal
        row.form = AccrualForm(initial={"cost_centre": row.cost_centre_id or "", "amount": amount,
                                        "comment": row.accrual_comment},
                               auto_id=f"id_accrual{row.cost_centre_id or 0}_%s")
    audit_record(user=request.user, action=AccessAction.LIST, object_type="Avstamning",
                 criteria={"month": month.isoformat()})
    settings = ledger_settings()
    difference = sum((abs(r.reconciled) for r in rows), reconciliation.ZERO)
    return render(request, "budget/ledger_reconciliation.html", {
        "month": month, "month_label": month_label(month), "rows": rows, "difference": difference,
        "threshold": settings.accrual_threshold,
        "blocked": bool(settings.accrual_threshold) and difference > settings.accrual_threshold,
    })


@require_POST
def accrual_save(request):
    _require(request)
    month = _month(request)
    form = AccrualForm(request.POST)
    raw_centre = request.POST.get("cost_centre", "")
    centre = CostCentre.objects.filter(pk=bounded_int(raw_centre, 1, 2**62) or 0).first() if raw_centre else None
    if raw_centre and centre is None:
        raise NotFound("Verksamheten finns inte.")
    if form.is_valid():
        reconciliation.save_accrual(by=request.user, month=month, cost_centre_id=centre.pk if centre else None,
                                    amount=form.cleaned_data["amount"], comment=form.cleaned_data["comment"])
        messages.success(request, reconciliation.ACCRUAL_SAVED.format(
            cost_centre=centre or "utan verksamhet"))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(f"{reverse('budget:ledger_reconciliation')}?month={month:%Y-%m}")


def accrual_export(request, fmt):
    _require(request)
    month = _month(request)
    if fmt == "se":
        body, content_type = reconciliation.voucher_sie(month), "text/plain; charset=cp437"
    elif fmt == "csv":
        body, content_type = reconciliation.voucher_csv(month), "text/csv; charset=utf-8"
    else:
        raise NotFound("Okänt exportformat.")
    audit_record(user=request.user, action=AccessAction.EXPORT, object_type="Periodisering",
                 criteria={"month": month.isoformat(), "format": fmt})
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="periodisering_{month:%Y-%m}.{fmt}"'
    return response


def tertial_package(request, fmt="xlsx"):
    """?year=ÅÅÅÅ&period=delar (January–August) or helar: the tertial package as one workbook or one PDF."""
    _require(request)
    year = year_param(request)
    whole_year = request.GET.get("period") == "helar"
    through = None if whole_year else tertial.DELAR_MONTH
    if fmt == "pdf":
        body, content_type = tertial.tertial_pdf(user=request.user, year=year, through_month=through), "application/pdf"
    elif fmt == "xlsx":
        body = tertial.tertial_workbook(user=request.user, year=year, through_month=through)
        content_type = XLSX_CONTENT_TYPE
    else:
        raise NotFound("Okänt exportformat.")
    audit_record(user=request.user, action=AccessAction.EXPORT, object_type="Tertialpaket",
                 criteria={"year": year, "month": through, "format": fmt})
    response = HttpResponse(body, content_type=content_type)
    suffix = f"{year}" if whole_year else f"{year}-01-{tertial.DELAR_MONTH:02d}"
    response["Content-Disposition"] = f'attachment; filename="tertialpaket_{suffix}.{fmt}"'
    return response
