from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from common.date_window import OUT_OF_WINDOW_MARKER, in_window

from .. import access, assignment, caseflow, deadlines, intake_service, services
from ..audit import audit_case, audit_persons
from ..forms_caseflow import (
    ChildInterviewForm,
    DecisionForm,
    ExtensionForm,
    IntakeForm,
    InterventionDateForm,
    InterventionForm,
    InvestigationCompleteForm,
    SafetyForm,
    ScreeningForm,
)
from ..identity import parse_id_number
from ..models import AccessAction, ConcernCategory, Intake, Screening


def _errors_to_messages(request, exc_or_form):
    if isinstance(exc_or_form, ValidationError):
        for msg in exc_or_form.messages:
            messages.error(request, msg)
        return
    for field, errs in exc_or_form.errors.items():
        label = exc_or_form.fields[field].label if field in exc_or_form.fields else ""
        for err in errs:
            messages.error(request, f"{label}: {err}" if label else err)


@require_http_methods(["GET", "POST"])
def intake_create(request):
    units = access.units_where_user_can_open_cases(request.user)
    if not units.exists():
        raise Http404
    form = IntakeForm(request.POST or None, units=units)
    if not assignment.may_take(request.user):
        del form.fields["take_case"]  # only a handläggare takes a case (an enhetschef assigns on Att göra)
    earlier = []
    lookup = request.POST.get("id_number", "").strip()  # posted only: a personnummer never rides in the address
    if lookup:
        # Earlier reports about the same child, before saving: access-scoped and logged as a search.
        try:
            canonical = parse_id_number(lookup).canonical
        except ValidationError:
            canonical = None
        if canonical:
            earlier = list(
                access.intakes_for_user(request.user).filter(case__person__id_number=canonical)
                .select_related("case__unit", "case__person").order_by("-received_at")
            )
            audit_persons(user=request.user, action=AccessAction.SEARCH, persons=[i.case.person for i in earlier],
                          criteria={"personnummer": canonical}, object_type="Intake")
    if request.method == "POST" and "save" in request.POST and form.is_valid():
        data = form.cleaned_data
        try:
            receipt = intake_service.intake_receive(
                by=request.user, unit=data["unit"], kind=data["kind"], received_at=data["received_at"],
                person=intake_service.PersonDetails(
                    id_number=data["id_number"], first_name=data["first_name"], last_name=data["last_name"],
                    birth_date=data["birth_date"], gender=data["gender"],
                ),
                channel=data["channel"], reporter_category=data["reporter_category"],
                reporter_contact=data["reporter_contact"], concern_categories=data["concern_categories"],
                concern_text=data["concern_text"], reason=data["reason"], take_case=data.get("take_case", False),
            )
        except ValidationError as exc:
            form.add_error("reason_choice" if exc.code == "cross_unit_reason" else None, exc)
        else:
            intake, person = receipt.intake, receipt.person
            messages.success(request, f"Anmälan är registrerad (nr {intake.pk}).")
            if not receipt.person_created and services.typed_name_differs(person, data["first_name"],
                                                                          data["last_name"]):
                messages.info(request, services.EXISTING_PERSON_NOTE)
            return redirect("socialtjanst:intake_detail", pk=intake.pk)
    return render(request, "socialtjanst/intake_form.html", {
        "form": form, "earlier": earlier, "looked_up": bool(lookup),
        "identity_for": lambda p: access.person_identity(request.user, p),
    })


def intake_detail(request, pk):
    intake = access.intake_get_for_user(request.user, pk)
    audit_case(user=request.user, action=AccessAction.VIEW, case=intake.case, object_type="Intake", object_id=intake.pk)
    screening = Screening.objects.filter(intake=intake).first()
    extended_due_on = screening.extended_due_on if screening else None
    extension_decided_on = screening.extension_decided_on if screening else None
    # A row stored before the date window's CHECKs: the page shows it with the marker, not a 500.
    dates_valid = in_window(intake.received_on, extended_due_on, extension_decided_on)
    safety_applies = deadlines.safety_assessment_applies(intake.kind, intake.target_group)
    screening_applies = deadlines.screening_deadline_applies(intake.target_group)
    return render(request, "socialtjanst/intake_detail.html", {
        "intake": intake, "case": intake.case, "screening": screening,
        "identity": access.person_identity(request.user, intake.case.person),
        "dates_valid": dates_valid, "out_of_window_marker": OUT_OF_WINDOW_MARKER,
        "safety_applies": safety_applies, "screening_applies": screening_applies,
        "concerns": [ConcernCategory(c).label for c in intake.concern_categories if c in ConcernCategory.values],
        "safety_due": deadlines.safety_assessment_due(intake.received_on) if dates_valid else None,
        "screening_due": (deadlines.screening_due(intake.received_on, extended_due_on, extension_decided_on)
                          if dates_valid and screening_applies else None),
        "extension_late": (dates_valid and extended_due_on is not None
                           and deadlines.screening_extension_late(intake.received_on, extension_decided_on)),
        "can_change": access.can_change_case(request.user, intake.case),
        "safety_form": SafetyForm(), "screening_form": ScreeningForm(),
    })


def _action(request, form_class, run, success, back):
    form = form_class(request.POST)
    if not form.is_valid():
        _errors_to_messages(request, form)
        return redirect(back)
    try:
        result = run(form.cleaned_data)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
        return redirect(back)
    messages.success(request, success)
    return redirect(result if isinstance(result, str) else back)


@require_POST
def safety_assess(request, pk):
    intake = access.intake_get_for_user(request.user, pk)
    return _action(request, SafetyForm, lambda d: caseflow.intake_assess_safety(
        by=request.user, intake_id=intake.pk, assessed_on=d["assessed_on"], result=d["result"]) and None,
        "Skyddsbedömningen är registrerad.", intake_detail_url(intake))


def intake_detail_url(intake: Intake) -> str:
    return reverse("socialtjanst:intake_detail", args=[intake.pk])


@require_POST
def screening_create(request, pk):
    intake = access.intake_get_for_user(request.user, pk)

    def run(d):
        screening = caseflow.screening_decide(
            by=request.user, intake_id=intake.pk, decided_on=d["decided_on"], outcome=d["outcome"],
            extraordinary_reason=d["extraordinary_reason"], extended_due_on=d["extended_due_on"],
            extension_decided_on=d["extension_decided_on"],
            linked_investigation_id=d["linked_investigation"], track=d["track"],
        )
        investigation = getattr(screening, "investigation", None) if screening.outcome == "inleda" else None
        if investigation:
            return reverse("socialtjanst:investigation_detail", args=[investigation.pk])
        return None

    return _action(request, ScreeningForm, run, "Förhandsbedömningen är registrerad.", intake_detail_url(intake))


def investigation_detail(request, pk):
    inv = access.investigation_get_for_user(request.user, pk)
    audit_case(user=request.user, action=AccessAction.VIEW, case=inv.case, object_type="Investigation",
               object_id=inv.pk)
    extensions = list(inv.extensions.all())
    pairs = [(e.decided_on, e.new_due_on) for e in extensions]
    # A row stored before the date window's CHECKs: the page shows it with the marker, not a 500.
    dates_valid = in_window(inv.started_on, *(d for pair in pairs for d in pair))
    statuses = deadlines.extension_statuses(inv.started_on, pairs) if dates_valid else [None] * len(extensions)
    return render(request, "socialtjanst/investigation_detail.html", {
        "inv": inv, "case": inv.case, "identity": access.person_identity(request.user, inv.case.person),
        "dates_valid": dates_valid, "out_of_window_marker": OUT_OF_WINDOW_MARKER,
        "initial_due": deadlines.investigation_initial_due(inv.started_on) if dates_valid else None,
        "due": deadlines.investigation_due(inv.started_on, pairs) if dates_valid else None,
        "extensions": list(zip(extensions, statuses, strict=True)),
        "interviews": inv.child_interviews.all(), "decisions": inv.decisions.all(),
        "can_change": access.can_change_case(request.user, inv.case),
        # Distinct ids per form on the page, so every <label for> names its own field (WCAG 1.3.1, 4.1.1).
        "extension_form": ExtensionForm(auto_id="id_forlangning_%s"),
        "interview_form": ChildInterviewForm(auto_id="id_barnsamtal_%s"),
        "complete_form": InvestigationCompleteForm(initial={"version": inv.version}, auto_id="id_avsluta_%s"),
        "decision_form": DecisionForm(initial={"investigation": inv.pk}, auto_id="id_beslut_%s"),
    })


def _inv_back(inv):
    return reverse("socialtjanst:investigation_detail", args=[inv.pk])


@require_POST
def extension_create(request, pk):
    inv = access.investigation_get_for_user(request.user, pk)
    return _action(request, ExtensionForm, lambda d: caseflow.investigation_extend(
        by=request.user, investigation_id=inv.pk, **d) and None, "Förlängningsbeslutet är registrerat.", _inv_back(inv))


@require_POST
def child_interview_create(request, pk):
    inv = access.investigation_get_for_user(request.user, pk)
    return _action(request, ChildInterviewForm, lambda d: caseflow.child_interview_record(
        by=request.user, investigation_id=inv.pk, **d) and None, "Barnsamtalet är registrerat.", _inv_back(inv))


@require_POST
def investigation_complete(request, pk):
    inv = access.investigation_get_for_user(request.user, pk)
    return _action(request, InvestigationCompleteForm, lambda d: caseflow.investigation_complete(
        by=request.user, investigation_id=inv.pk, expected_version=d["version"], completed_on=d["completed_on"],
        outcome=d["outcome"]) and None, "Utredningen är avslutad.", _inv_back(inv))


@require_POST
def decision_create(request, pk):
    case = access.case_get_for_user(request.user, pk)
    back = request.POST.get("back") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = case.get_absolute_url()
    return _action(request, DecisionForm, lambda d: caseflow.decision_record(
        by=request.user, case_id=case.pk, legal_basis=d["legal_basis"], kind=d["kind"], decided_on=d["decided_on"],
        investigation_id=d["investigation"]) and case.get_absolute_url(), "Beslutet är registrerat.", back)


@require_POST
def intervention_create(request, pk):
    decision = access.decision_get_for_user(request.user, pk)
    return _action(request, InterventionForm, lambda d: caseflow.intervention_create(
        by=request.user, decision_id=decision.pk, **d) and None, "Insatsen är registrerad.",
        decision.case.get_absolute_url())


@require_POST
def intervention_start(request, pk):
    iv = access.intervention_get_for_user(request.user, pk)
    return _action(request, InterventionDateForm, lambda d: caseflow.intervention_set_dates(
        by=request.user, intervention_id=iv.pk, expected_version=d["version"], started_on=d["on"]) and None,
        "Insatsen är verkställd.", iv.decision.case.get_absolute_url())


@require_POST
def intervention_end(request, pk):
    iv = access.intervention_get_for_user(request.user, pk)
    return _action(request, InterventionDateForm, lambda d: caseflow.intervention_set_dates(
        by=request.user, intervention_id=iv.pk, expected_version=d["version"], ended_on=d["on"]) and None,
        "Insatsen är avslutad.", iv.decision.case.get_absolute_url())

