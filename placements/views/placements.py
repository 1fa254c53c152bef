"""Placement screens. Thin: parse the form, call one service or selector, audit reads."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from common import exports
from common.exports import csv_response, xlsx_response
from common.paging import CappedCountPaginator
from common.views import AuditedTableView
from socialtjanst import access
from socialtjanst.audit import audit_person
from socialtjanst.models import AccessAction, Unit

from .. import lilla_hjartat, selectors, services
from ..filters import PlacementFilter
from ..forms import (
    FosterCarePaymentForm,
    FosterCareTermsForm,
    PlacementCreateForm,
    PlacementEndForm,
    PlacementImportForm,
    PlacementMoveForm,
    PricePeriodForm,
)
from ..models import FosterCarePayment
from ..pricing import month_cost, payment_cost
from ..tables import PlacementTable
from .section_forms import audit_placements, changeable_placement, placement_form

PERSON_NOT_FOUND = "Personen finns inte bland dina ärenden."


TERMS_SAVED = "Villkoren för familjehemsersättningen är sparade och priserna omräknade."



def _list_queryset(user):
    return (selectors.placements_for_user(user).select_related("person", "care_type", "provider", "unit")
            .prefetch_related("price_periods", "payments").order_by("-start_on", "pk"))


def _require_list_access(user):
    if not selectors.can_view_placements(user):
        raise Http404("Sidan finns inte.")


class PlacementListView(AuditedTableView):
    table_class = PlacementTable
    filterset_class = PlacementFilter
    template_name = "placements/placement_list.html"
    paginator_class = CappedCountPaginator  # a month has ~100 000 placements at national scale: counted no further

    def dispatch(self, request, *args, **kwargs):
        _require_list_access(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return _list_queryset(self.request.user)

    def get_table_kwargs(self):
        year, month = self.filterset.chosen_month()
        return {"year": year, "month": month,
                "show_identity": selectors.can_see_placement_identity(self.request.user)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["year"], context["month"] = self.filterset.chosen_month()
        context["can_register"] = selectors.can_register_placements(self.request.user)
        context["can_import"] = selectors.can_import_placements(self.request.user)
        return context

    def audit(self, records, criteria):
        audit_placements(self.request.user, AccessAction.LIST, records, criteria)


EXPORT_HEADER = ["Placering", "Namn", "Personnummer", "Vårdform", "Utförare", "Enhet", "Verksamhet", "Lagrum",
                 "Start", "Slut", "Dygn i månaden", "Kostnad i månaden (kr)", "Dygn som saknar pris", "Anmärkning"]
EXPORT_KINDS = [exports.INT, *[exports.TEXT] * 7, exports.DATE, exports.DATE, exports.INT, exports.ORE, exports.INT,
                exports.TEXT]


def placement_export(request, fmt="xlsx"):
    """Excel (or CSV) of the same filtered, access-scoped list, with the month's days and cost as numbers."""
    _require_list_access(request.user)
    filterset = PlacementFilter(request.GET, queryset=_list_queryset(request.user), request=request)
    placements = list(filterset.qs)
    year, month = filterset.chosen_month()
    audit_placements(request.user, AccessAction.EXPORT, placements,
                      criteria={**{k: v for k, v in request.GET.items() if v}, "format": fmt})
    rows = []
    for p in placements:
        name, id_number = selectors.placement_identity(request.user, p)
        cost = month_cost(placement=p, year=year, month=month, price_periods=p.price_periods.all(),
                          payments=p.payments.all())
        rows.append([p.pk, name, id_number, p.care_type.name, p.provider.name if p.provider else "Egen regi",
                     p.unit.name, p.cost_centre, p.legal_basis, p.start_on, p.end_on, cost.days, cost.known_cost,
                     cost.unpriced_days, cost.missing_price_note()])
    filename = f"placeringar-{year}-{month:02d}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, EXPORT_HEADER, ([_csv_cell(v) for v in row] for row in rows))
    return xlsx_response(filename, EXPORT_HEADER, rows, title=f"Placeringar {year}-{month:02d}", kinds=EXPORT_KINDS)


def _csv_cell(value):
    """Swedish Excel reads ';'-separated files with decimal commas; a missing cost is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _person_from_query(request):
    """The person of `?person=<pk>` (from the person page), if the user may place them."""
    person_pk = request.GET.get("person", "")
    if not (person_pk.isascii() and person_pk.isdigit()):  # "²".isdigit() is True, and no id
        return None
    return selectors.persons_placeable_by(request.user).filter(pk=person_pk).first()


@require_http_methods(["GET", "POST"])
def placement_create(request):
    if not selectors.can_register_placements(request.user):
        raise Http404("Sidan finns inte.")
    units = Unit.objects.filter(pk__in=access.user_unit_ids(request.user))
    person = _person_from_query(request)
    if request.method == "POST":
        form = PlacementCreateForm(request.POST, units=units, user=request.user, person=person)
        if form.is_valid():
            data = form.cleaned_data
            person = selectors.persons_placeable_by(request.user).filter(id_number=data["id_number"]).first()
            if person is None:
                form.add_error("id_number", PERSON_NOT_FOUND)
            else:
                try:
                    placement = services.placement_create(
                        by=request.user, person=person, care_type=data["care_type"], unit=data["unit"],
                        legal_basis=data["legal_basis"], start_on=data["start_on"], end_on=data["end_on"],
                        provider=data["provider"], agreement=data["agreement"], intervention=data["intervention"],
                        parent_placement=data["parent_placement"], daily_price=data["daily_price"],
                        monthly_amount=data["monthly_amount"], ivo_checked_on=data["ivo_checked_on"],
                        ivo_check_result=data["ivo_check_result"], lvu_ground=data["lvu_ground"],
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, "Placeringen är registrerad.")
                    return redirect(placement.get_absolute_url())
    else:
        initial = {}
        if person is not None and not access.person_identity(request.user, person).masked:
            initial["id_number"] = person.id_number
        form = PlacementCreateForm(initial=initial, units=units, user=request.user, person=person)
    _audit_form_identities(request.user, form, person)
    return render(request, "placements/placement_form.html", {"form": form, "title": "Registrera placering"})


def _audit_form_identities(user, form, person):
    """The form shows who it is about (`?person=`) and, in the parent list, adults' names (some of them in
    skyddat boende): both are read access and logged in the request's transaction, so a failed log write
    shows neither."""
    if person is not None:
        audit_person(user=user, action=AccessAction.VIEW, person=person, criteria={"sida": "Registrera placering"})
    parents = list(form.fields["parent_placement"].queryset)
    if parents:
        audit_placements(user, AccessAction.LIST, parents, criteria={
            "lista": str(form.fields["parent_placement"].label), "placeringar": [p.pk for p in parents]})


def _detail_context(request, placement, **forms):
    name, id_number = selectors.placement_identity(request.user, placement)
    others = []
    if selectors.can_see_placement_identity(request.user):
        others = list(selectors.placements_for_user(request.user).filter(person_id=placement.person_id)
                      .exclude(pk=placement.pk).select_related("care_type", "provider"))
    can_change = selectors.can_change_placement(request.user, placement)
    payments = [(p, payment_cost(p)) for p in selectors.payments_for_placement(placement)]
    context = {
        "placement": placement, "name": name, "id_number": id_number, "others": others,
        "price_periods": placement.price_periods.order_by("valid_from"), "can_change": can_change,
        "move_form": PlacementMoveForm(prefix="move"), "end_form": PlacementEndForm(prefix="end"),
        "price_form": PricePeriodForm(prefix="price", initial={"price_version": placement.price_version}),
        "payments": payments,
        "show_payments": placement.care_type.is_monthly,
        "can_register_payments": selectors.can_register_payments(request.user, placement),
        "can_delete_payments": can_change and request.user.has_perm(selectors.DELETE_PAYMENT_PERMISSION),
        "payment_form": FosterCarePaymentForm(prefix="payment"),
        "terms": placement.foster_care_terms.order_by("valid_from"),
        "terms_form": FosterCareTermsForm(prefix="terms"),
        "parent_placement": (selectors.placements_for_user(request.user)
                             .filter(pk=placement.parent_placement_id).select_related("care_type", "provider")
                             .first() if placement.parent_placement_id else None),
    }
    context.update(forms)
    return context


def placement_detail(request, pk):
    placement = selectors.placement_get_for_user(request.user, pk)
    audit_placements(request.user, AccessAction.VIEW, [placement], object_id=placement.pk)
    return render(request, "placements/placement_detail.html", _detail_context(request, placement))


def _post_action(request, pk, form_class, prefix, call, success):
    def done(placement, data):
        return success, call(placement, data).get_absolute_url()

    def page(form):
        return render(request, "placements/placement_detail.html",
                      _detail_context(request, placement, **{f"{prefix}_form": form}), status=200)
    placement = changeable_placement(request, pk)
    return placement_form(request, placement, form_class, prefix, done, page)


@require_http_methods(["GET", "POST"])
def placement_move(request, pk):
    return _post_action(request, pk, PlacementMoveForm, "move", lambda p, d: services.placement_move(
        by=request.user, placement=p, move_on=d["move_on"], care_type=d["care_type"], provider=d["provider"],
        agreement=d["agreement"], daily_price=d["daily_price"], monthly_amount=d["monthly_amount"],
        ivo_checked_on=d["ivo_checked_on"],
        ivo_check_result=d["ivo_check_result"], participation=lilla_hjartat.ChildParticipation(
            informed=d["informed"], heard=d["heard"], child_view=d["child_view"], reason_not=d["reason_not"])),
        "Flytten är registrerad.")


@require_http_methods(["GET", "POST"])
def placement_end(request, pk):
    return _post_action(request, pk, PlacementEndForm, "end", lambda p, d: services.placement_end(
        by=request.user, placement=p, end_on=d["end_on"], end_reason=d["end_reason"],
        removal_ban=lilla_hjartat.RemovalBan(considered_on=d["removal_ban_considered_on"],
                                             outcome=d["removal_ban_outcome"],
                                             motivation=d["removal_ban_motivation"])),
        "Placeringen är avslutad.")


@require_http_methods(["GET", "POST"])
def price_period_create(request, pk):
    return _post_action(request, pk, PricePeriodForm, "price", lambda p, d: services.price_period_set(
        by=request.user, placement=p, valid_from=d["valid_from"], daily_price=d["daily_price"],
        monthly_amount=d["monthly_amount"], expected_price_version=d["price_version"]).placement,
        "Priset är sparat.")


@require_http_methods(["GET", "POST"])
def payment_create(request, pk):
    def register(placement, data):
        return services.foster_care_payment_register(
            by=request.user, placement=placement, month=data["month"], kind=data["kind"], amount=data["amount"],
            comment=data["comment"]).placement

    return _post_action(request, pk, FosterCarePaymentForm, "payment", register, "Ersättningen är registrerad.")


@require_http_methods(["GET", "POST"])
def terms_set(request, pk):
    def save(placement, data):
        return services.foster_care_terms_set(
            by=request.user, placement=placement, valid_from=data["valid_from"], fee_kind=data["fee_kind"],
            fee_change=data["fee_change"], fee_change_percent=data["fee_change_percent"],
            fee_reason=data["fee_reason"], expenses_raise_percent=data["expenses_raise_percent"],
            expenses_reason=data["expenses_reason"],
            child_benefit_deduction=data["child_benefit_deduction"] or Decimal(0),
            negotiated_fee=data["negotiated_fee"], negotiated_expenses=data["negotiated_expenses"]).placement

    return _post_action(request, pk, FosterCareTermsForm, "terms", save, TERMS_SAVED)


@require_http_methods(["POST"])
def payment_delete(request, pk, payment_pk):
    placement = changeable_placement(request, pk)
    payment = get_object_or_404(FosterCarePayment, pk=payment_pk, placement=placement)
    services.foster_care_payment_delete(by=request.user, payment=payment)
    messages.success(request, "Ersättningen är borttagen.")
    return redirect(placement.get_absolute_url())


@require_http_methods(["GET", "POST"])
def placement_import(request):
    from ..importing import PlacementImportError, import_placements

    if not selectors.can_import_placements(request.user):
        raise Http404("Sidan finns inte.")
    errors: list[str] = []
    summary = None
    form = PlacementImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = import_placements(by=request.user, content=upload.read(), filename=upload.name)
        except PlacementImportError as exc:
            errors = exc.errors
    return render(request, "placements/placement_import.html",
                  {"form": form, "errors": errors, "summary": summary})


