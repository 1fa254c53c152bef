"""Gallring: the dry run (what a run today would remove and keep, per category, as counts), the record of
earlier runs, and legal holds. Systemförvaltare see all of it; an enhetschef sees and sets holds on the own
units' cases; anyone else gets 404. Every view is written to the access log."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from .. import retention
from ..audit import audit_record
from ..forms_retention import LegalHoldForm, LegalHoldReleaseForm, PaternityAdoptionForm
from ..models import AccessAction, RetentionRecord

PAGE = "socialtjanst:retention"
HOLD_SET = "Ärende {case} bevaras nu och gallras inte."
HOLD_RELEASED = "Bevarandet av ärende {case} är hävt."
PATERNITY_MARKED = "Ärende {case} är markerat som faderskap eller adoption och gallras aldrig."
PATERNITY_UNMARKED = "Markeringen faderskap eller adoption är borttagen från ärende {case}."
RECORDS_SHOWN = 24


def _allowed_or_404(user):
    if not (retention.may_view_retention(user) or retention.may_hold(user)):
        raise Http404
    return user


@require_GET
def retention_overview(request):
    user = _allowed_or_404(request.user)
    full = retention.may_view_retention(user)
    holds = retention.legal_holds().filter(case__in=retention.holdable_cases_for_user(user))
    paternity = retention.paternity_adoption_cases().filter(case__in=retention.holdable_cases_for_user(user))
    context = {"full": full, "holds": list(holds), "form": LegalHoldForm(), "paternity": list(paternity),
               "paternity_form": PaternityAdoptionForm()}
    criteria = {}
    if full:
        plan = retention.retention_plan()
        context.update(plan=plan, plan_rows=plan.rows(), rules=list(retention.rules().values()),
                       records=list(RetentionRecord.objects.all()[:RECORDS_SHOWN]))
        criteria = {"provkörning": plan.today.isoformat()}
    audit_record(user=user, action=AccessAction.LIST, object_type="Gallring", criteria=criteria)
    return render(request, "socialtjanst/retention.html", context)


@require_POST
def legal_hold_set(request):
    user = _allowed_or_404(request.user)
    form = LegalHoldForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(PAGE)
    case_id = form.cleaned_data["case"]
    try:
        retention.case_legal_hold_set(by=user, case_id=case_id, reason=form.cleaned_data["reason"])
    except (PermissionDenied, ValidationError) as exc:
        for message in (exc.messages if isinstance(exc, ValidationError) else [str(exc)]):
            messages.error(request, message)
    else:
        messages.success(request, HOLD_SET.format(case=case_id))
    return redirect(PAGE)


@require_POST
def legal_hold_release(request):
    user = _allowed_or_404(request.user)
    form = LegalHoldReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Ange skälet till att bevarandet hävs.")
        return redirect(PAGE)
    case_id = form.cleaned_data["case"]
    try:
        retention.case_legal_hold_release(by=user, case_id=case_id, reason=form.cleaned_data["reason"])
    except (PermissionDenied, ValidationError) as exc:
        for message in (exc.messages if isinstance(exc, ValidationError) else [str(exc)]):
            messages.error(request, message)
    else:
        messages.success(request, HOLD_RELEASED.format(case=case_id))
    return redirect(PAGE)


@require_POST
def paternity_adoption_mark(request):
    user = _allowed_or_404(request.user)
    form = PaternityAdoptionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Ange ärendenumret.")
        return redirect(PAGE)
    case_id = form.cleaned_data["case"]
    try:
        retention.case_paternity_adoption_mark(by=user, case_id=case_id)
    except (PermissionDenied, ValidationError) as exc:
        for message in (exc.messages if isinstance(exc, ValidationError) else [str(exc)]):
            messages.error(request, message)
    else:
        messages.success(request, PATERNITY_MARKED.format(case=case_id))
    return redirect(PAGE)


@require_POST
def paternity_adoption_unmark(request):
    user = _allowed_or_404(request.user)
    form = LegalHoldReleaseForm(request.POST)  # the same shape: a case and a reason
    if not form.is_valid():
        messages.error(request, retention.PATERNITY_UNMARK_REASON_REQUIRED)
        return redirect(PAGE)
    case_id = form.cleaned_data["case"]
    try:
        retention.case_paternity_adoption_unmark(by=user, case_id=case_id, reason=form.cleaned_data["reason"])
    except (PermissionDenied, ValidationError) as exc:
        for message in (exc.messages if isinstance(exc, ValidationError) else [str(exc)]):
            messages.error(request, message)
    else:
        messages.success(request, PATERNITY_UNMARKED.format(case=case_id))
    return redirect(PAGE)
