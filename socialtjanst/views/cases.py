from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from common.exports import csv_response
from common.paging import CappedCountPaginator
from common.views import AuditedTableView

from .. import access, journal, services
from ..audit import audit_case, audit_cases, audit_person, audit_persons
from ..filters import CaseFilter, PersonFilter
from ..forms import CaseCloseForm, CaseOpenForm, PersonUpdateForm
from ..forms_caseflow import DecisionForm, InterventionForm
from ..models import AccessAction
from ..searches import PostedSearchMixin, criteria_of, filter_data
from ..selectors import case_flow
from ..tables import CaseTable, PersonTable

PERSON_SECRET_FIELDS = ("q",)  # a name or a personnummer: posted, never in the address


class PersonListView(PostedSearchMixin, AuditedTableView):
    table_class = PersonTable
    filterset_class = PersonFilter
    template_name = "socialtjanst/person_list.html"
    secret_fields = PERSON_SECRET_FIELDS
    paginator_class = CappedCountPaginator  # no COUNT(*) over every person in scope on each request

    def get_queryset(self):
        return access.persons_for_user(self.request.user).order_by("last_name", "first_name", "pk")

    def audit(self, records, criteria):
        criteria = criteria_of(self.filterset.data)
        action = AccessAction.SEARCH if criteria.get("q") else AccessAction.LIST
        audit_persons(user=self.request.user, action=action, persons=records, criteria=criteria)


def person_export(request):
    """CSV of the same filtered, access-scoped list (the search's ?sok= token, as on the list)."""
    data = filter_data(request, PERSON_SECRET_FIELDS)
    qs = PersonFilter(data, queryset=access.persons_for_user(request.user), request=request).qs
    persons = list(qs.order_by("last_name", "first_name", "pk"))
    audit_persons(user=request.user, action=AccessAction.EXPORT, persons=persons, criteria=criteria_of(data))
    rows = []
    for p in persons:
        ident = access.person_identity(request.user, p)
        rows.append([ident.id_number, ident.name, p.get_gender_display(), p.birth_date])
    return csv_response("personer.csv", ["Personnummer", "Namn", "Kön", "Född"], rows)


def person_detail(request, pk):
    person = access.person_get_for_user(request.user, pk)
    audit_person(user=request.user, action=AccessAction.VIEW, person=person)
    cases = access.cases_for_user(request.user).filter(person=person).select_related("unit", "responsible")
    cross_unit_reason = access.person_cross_unit_reason(request.user, person)
    return render(request, "socialtjanst/person_detail.html", {
        "person": person,
        "identity": access.person_identity_in_scope(request.user, person, cross_unit_reason),
        "cross_unit_reason": cross_unit_reason,
        "cases": cases,
        "can_change": access.can_change_person(request.user, person),
    })


def _lock_masked_fields(form, identity, cross_unit_reason=""):
    """A user without the protected-identity permission can neither see nor change the hidden fields;
    the same on GET and POST, since a browser sends no disabled fields. A person reached across units
    shows no address, so it cannot be changed here either."""
    hidden = ("first_name", "last_name", "address", "protected_identity") if identity.masked else ()
    if cross_unit_reason:
        hidden = (*hidden, "address")
    for name in hidden:
        form.fields[name].disabled = True
        form.fields[name].required = False
    return form


@require_http_methods(["GET", "POST"])
def person_update(request, pk):
    person = access.person_get_for_user(request.user, pk)
    if not access.can_change_person(request.user, person):
        return HttpResponse(status=404)
    cross_unit_reason = access.person_cross_unit_reason(request.user, person)
    identity = access.person_identity_in_scope(request.user, person, cross_unit_reason)
    if request.method == "POST":
        form = _lock_masked_fields(PersonUpdateForm(request.POST), identity, cross_unit_reason)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.person_update(
                    by=request.user, person_id=person.pk, expected_version=data.pop("version"), **data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Personuppgifterna är sparade.")
                return redirect("socialtjanst:person_detail", pk=person.pk)
    else:
        audit_person(user=request.user, action=AccessAction.VIEW, person=person)
        form = PersonUpdateForm(initial={
            "version": person.version, "first_name": "" if identity.masked else person.first_name,
            "last_name": "" if identity.masked else person.last_name, "gender": person.gender,
            "address": "" if identity.masked or cross_unit_reason else person.address,
            "protected_identity": person.protected_identity,
        })
        _lock_masked_fields(form, identity, cross_unit_reason)
    return render(request, "socialtjanst/person_form.html", {"form": form, "person": person, "identity": identity})


class CaseListView(AuditedTableView):
    table_class = CaseTable
    filterset_class = CaseFilter
    template_name = "socialtjanst/case_list.html"
    paginator_class = CappedCountPaginator  # no COUNT(*) over half a million cases on each request

    def get_queryset(self):
        return access.cases_for_user(self.request.user).select_related("person", "unit", "responsible")

    def audit(self, records, criteria):
        audit_cases(user=self.request.user, action=AccessAction.LIST, cases=records, criteria=criteria)


def case_detail(request, pk):
    case = access.case_get_for_user(request.user, pk)
    audit_case(user=request.user, action=AccessAction.VIEW, case=case)
    flow = case_flow(case, today=timezone.localdate())
    return render(request, "socialtjanst/case_detail.html", {
        "case": case,
        "identity": access.person_identity(request.user, case.person),
        "can_change": access.can_change_case(request.user, case),
        "close_form": CaseCloseForm(initial={"version": case.version}, auto_id="id_avsluta_%s"),
        "flow": flow,
        # Distinct ids per form on the page, so every <label for> names its own field (WCAG 1.3.1, 4.1.1).
        "decision_form": DecisionForm(auto_id="id_beslut_%s"),
        "decision_rows": [(row, InterventionForm(auto_id=f"id_insats{row.decision.pk}_%s"))
                          for row in flow["decisions"]],
        # The journal block (templates/socialtjanst/journal_case_block.html).
        "journal_entries": journal.journal_entries(case),
        "journal_draft": journal.journal_draft_for(user=request.user, case=case),
    })


@require_http_methods(["GET", "POST"])
def case_create(request):
    units = access.units_where_user_can_open_cases(request.user)
    if not units.exists():
        return HttpResponse(status=404)
    form = CaseOpenForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case, person, created = services.case_open_for_number(
                by=request.user, id_number=data["id_number"], first_name=data["first_name"],
                last_name=data["last_name"], address=data["address"], protected_identity=data["protected_identity"],
                unit=data["unit"], opened_on=data["opened_on"], reason=data["reason"],
            )
        except ValidationError as exc:
            form.add_error("reason_choice" if exc.code == "cross_unit_reason" else None, exc)
        else:
            messages.success(request, f"Ärende {case.pk} är öppnat.")
            if not created and services.typed_name_differs(person, data["first_name"], data["last_name"]):
                messages.info(request, services.EXISTING_PERSON_NOTE)
            return redirect(case)
    return render(request, "socialtjanst/case_form.html", {"form": form})


@require_POST
def case_close(request, pk):
    case = access.case_get_for_user(request.user, pk)
    form = CaseCloseForm(request.POST)
    if form.is_valid():
        try:
            services.case_close(
                by=request.user, case_id=case.pk, expected_version=form.cleaned_data["version"],
                closed_on=form.cleaned_data["closed_on"],
            )
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        else:
            messages.success(request, "Ärendet är avslutat.")
    else:
        messages.error(request, "Ange ett giltigt avslutsdatum (ÅÅÅÅ-MM-DD).")
    return redirect(case)
