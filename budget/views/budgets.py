"""The controller's budget screens: import, the year's list with its Excel export, create/edit with the
monthly profile, cost centres and the care type → cost centre mapping. Thin: parse, call one function
of budget.planning or budget.importing, render. Everyone but a controller gets 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_tables2 import SingleTableView

from common.exports import xlsx_response
from common.params import year_or_this_year
from common.views import RenderInTransactionMixin

from .. import planning
from ..forms import BudgetForm, BudgetImportForm, CostCentreForm, CostCentreRemapForm
from ..importing import BudgetImportError, import_budget
from ..tables import BudgetTable, CostCentreTable

BUDGET_SAVED = "Budgeten är sparad."
COST_CENTRE_SAVED = "Verksamheten är sparad."
MAPPING_SAVED = "{care_type} hör till {cost_centre} från {date}."

EXPORT_HEADER = ["År", "Verksamhet", "Verksamhetens namn", "Vårdform", "Vårdformens namn", "Belopp (kr)", "Volym",
                 "Volymenhet", "À-pris per dygn (kr)"]


def _chosen_year(request) -> int:
    # '²'.isdigit() is True but int('²') raises: the one parser knows.
    return year_or_this_year(request)


class _ControllerOnly:
    def dispatch(self, request, *args, **kwargs):
        planning.require(planning.can_view_budgets(request.user))
        return super().dispatch(request, *args, **kwargs)


class BudgetListView(_ControllerOnly, RenderInTransactionMixin, SingleTableView):
    table_class = BudgetTable
    template_name = "budget/budget_list.html"
    table_pagination = False

    def get_queryset(self):
        return planning.budgets_for_year(user=self.request.user, year=_chosen_year(self.request))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = _chosen_year(self.request)
        context.update(year=year, years=sorted({year, *planning.budget_years()}, reverse=True),
                       can_change=planning.can_change_budgets(self.request.user))
        return context


def budget_export(request):
    """Excel of the year's list: the same selector, numbers as numbers."""
    planning.require(planning.can_view_budgets(request.user))
    year = _chosen_year(request)
    budgets = planning.budgets_for_year(user=request.user, year=year)
    return xlsx_response(f"budget-{year}.xlsx", EXPORT_HEADER, planning.budget_export_rows(budgets),
                         title=f"Budget {year}")


@require_http_methods(["GET", "POST"])
def budget_import(request):
    planning.require(planning.can_change_budgets(request.user))
    errors: list[str] = []
    summary = None
    form = BudgetImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = import_budget(by=request.user, content=upload.read(), filename=upload.name)
        except BudgetImportError as exc:
            errors = exc.errors
    return render(request, "budget/budget_import.html", {"form": form, "errors": errors, "summary": summary})


def _list_url(year: int) -> str:
    return f"{reverse('budget:budget_list')}?year={year}"


@require_http_methods(["GET", "POST"])
def budget_create(request):
    planning.require(planning.can_change_budgets(request.user))
    form = BudgetForm(request.POST or None, initial={"year": _chosen_year(request)})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            budget = planning.budget_create(
                by=request.user, year=d["year"], cost_centre=d["cost_centre"], care_type=d["care_type"],
                amount=d["amount"], volume=d["volume"], volume_unit=d["volume_unit"],
                month_percentages=form.month_percentages())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, BUDGET_SAVED)
            return redirect(_list_url(budget.year))
    return render(request, "budget/budget_form.html", {"form": form, "budget": None})


@require_http_methods(["GET", "POST"])
def budget_update(request, pk):
    planning.require(planning.can_change_budgets(request.user))
    budget = planning.budget_get(user=request.user, pk=pk)
    initial = {"year": budget.year, "cost_centre": budget.cost_centre, "care_type": budget.care_type,
               "amount": budget.amount, "volume": budget.volume, "volume_unit": budget.volume_unit,
               "version": budget.version}
    initial.update({f"month_{m}": p.normalize() for m, p in planning.budget_month_percentages(budget).items()})
    form = BudgetForm(request.POST or None, initial=initial, budget=budget)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            planning.budget_update(
                by=request.user, budget_id=budget.pk, expected_version=d["version"], amount=d["amount"],
                volume=d["volume"], volume_unit=d["volume_unit"], month_percentages=form.month_percentages())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, BUDGET_SAVED)
            return redirect(_list_url(budget.year))
    return render(request, "budget/budget_form.html", {"form": form, "budget": budget})


# --- cost centres ---------------------------------------------------------------


class CostCentreListView(_ControllerOnly, RenderInTransactionMixin, SingleTableView):
    table_class = CostCentreTable
    template_name = "budget/costcentre_list.html"

    def get_queryset(self):
        return planning.cost_centres_for_user(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = planning.can_change_cost_centres(self.request.user)
        return context


@require_http_methods(["GET", "POST"])
def costcentre_create(request):
    planning.require(planning.can_change_cost_centres(request.user))
    form = CostCentreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            planning.cost_centre_create(by=request.user, code=d["code"], name=d["name"],
                                        activity_code=d["activity_code"], active=d["active"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, COST_CENTRE_SAVED)
            return redirect("budget:costcentre_list")
    return render(request, "budget/costcentre_form.html", {"form": form, "cost_centre": None})


@require_http_methods(["GET", "POST"])
def costcentre_update(request, pk):
    planning.require(planning.can_change_cost_centres(request.user))
    centre = planning.cost_centre_get(user=request.user, pk=pk)
    form = CostCentreForm(request.POST or None, instance=centre)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        planning.cost_centre_update(by=request.user, cost_centre_id=centre.pk, name=d["name"],
                                    activity_code=d["activity_code"], active=d["active"])
        messages.success(request, COST_CENTRE_SAVED)
        return redirect("budget:costcentre_list")
    return render(request, "budget/costcentre_form.html", {"form": form, "cost_centre": centre})


@require_http_methods(["GET", "POST"])
def costcentre_mapping(request):
    """Each care type with its cost centre now, decided changes and history; a form per care type to remap
    from a month (a new dated row; old rows are never edited)."""
    planning.require(planning.can_view_budgets(request.user))
    can_change = planning.can_change_cost_centres(request.user)
    failed_form = None
    if request.method == "POST":
        planning.require(can_change)
        posted = request.POST.get("care_type", "")
        form = CostCentreRemapForm(request.POST, auto_id=_remap_auto_id(posted if posted.isdigit() else "x"))
        if form.is_valid():
            d = form.cleaned_data
            try:
                mapping = planning.cost_centre_remap(by=request.user, care_type=d["care_type"],
                                                     cost_centre=d["cost_centre"], valid_from=d["valid_from"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, MAPPING_SAVED.format(care_type=mapping.care_type.name,
                                                               cost_centre=mapping.cost_centre,
                                                               date=f"{mapping.valid_from:%Y-%m-%d}"))
                return redirect("budget:costcentre_mapping")
        failed_form = form
    rows = planning.mapping_overview(user=request.user, on=timezone.localdate())
    for row in rows:
        if failed_form is not None and failed_form.data.get("care_type") == str(row.care_type.pk):
            row.form = failed_form
        elif can_change:
            row.form = CostCentreRemapForm(initial={"care_type": row.care_type,
                                                    "cost_centre": row.current.cost_centre if row.current else None},
                                           auto_id=_remap_auto_id(row.care_type.pk))
        else:
            row.form = None
    return render(request, "budget/costcentre_mapping.html",
                  {"rows": rows, "can_change": can_change, "failed_form": failed_form})


def _remap_auto_id(care_type_pk) -> str:
    return f"id_remap{care_type_pk}_%s"
