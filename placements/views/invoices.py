"""Fakturakontroll screens for the controller. Thin: permission check, parse the forms, call
placements.invoices (the rules and the writes). Without the permission the pages do not exist (404).

The forms, filter and tables of these pages live here, beside their only views."""

import datetime

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_http_methods, require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from common.exports import xlsx_response
from common.tables import BaseTable, swedish_number
from common.views import RenderInTransactionMixin
from socialtjanst.audit import audit_record
from socialtjanst.models import AccessAction

from .. import invoices, selectors
from ..filters import MonthField, parse_month
from ..models import InvoiceCheck, Provider
from ..pricing import MISSING_PRICE

NUM = {"td": {"class": "num"}, "th": {"class": "num"}, "tf": {"class": "num"}}
PLACEMENT_NOT_FOUND = "Placeringen finns inte."


def _kr(value) -> str:
    """1 234,50 (Swedish grouping and decimal comma)."""
    return swedish_number(value, 2)


def _month_label(month: datetime.date) -> str:
    return f"{month.year}-{month.month:02d}"


def _price_label(pp) -> str:
    if pp.monthly_amount is not None:
        return f"{_kr(pp.monthly_amount)}/mån"
    return _kr(pp.daily_price)


def _require(allowed: bool) -> None:
    if not allowed:
        raise Http404("Sidan finns inte.")


# --- forms and filter ----------------------------------------------------------------


class InvoiceCheckForm(forms.Form):
    provider = forms.ModelChoiceField(label="Utförare", queryset=Provider.objects.order_by("name"))
    month = MonthField(label="Månad (ÅÅÅÅ-MM)", widget=forms.TextInput(attrs={"placeholder": "ÅÅÅÅ-MM"}))
    invoice_reference = forms.CharField(label="Fakturanummer", max_length=60)
    comment = forms.CharField(label="Kommentar", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class InvoiceLineForm(forms.Form):
    """One row's entry; prefixed by the placement number."""

    invoiced_amount = forms.DecimalField(label="Fakturerat belopp", max_digits=12, decimal_places=2, min_value=0,
                                         required=False, localize=True,
                                         widget=forms.TextInput(attrs={"size": 10, "inputmode": "decimal"}))
    invoiced_days = forms.IntegerField(label="Fakturerade dygn", min_value=0, required=False,
                                       widget=forms.NumberInput(attrs={"class": "days-input"}))
    comment = forms.CharField(label="Kommentar", required=False, max_length=500,
                              widget=forms.TextInput(attrs={"size": 16}))


class InvoiceLineAddForm(InvoiceLineForm):
    """A line for a placement the table does not list (the invoice names a placement number)."""

    placement = forms.IntegerField(label="Placering (nummer)", min_value=1)
    invoiced_amount = forms.DecimalField(label="Fakturerat belopp", max_digits=12, decimal_places=2, min_value=0,
                                         localize=True)
    field_order = ["placement", "invoiced_amount", "invoiced_days", "comment"]


class InvoiceMonthFilter(django_filters.Filter):
    field_class = MonthField

    def filter(self, qs, value):
        if not value:
            return qs
        year, month = parse_month(value)
        return qs.filter(month=datetime.date(year, month, 1))


class InvoiceCheckFilter(django_filters.FilterSet):
    provider = django_filters.ModelChoiceFilter(label="Utförare", queryset=Provider.objects.order_by("name"))
    month = InvoiceMonthFilter(label="Månad (ÅÅÅÅ-MM)", widget=forms.TextInput(attrs={"placeholder": "ÅÅÅÅ-MM"}))

    class Meta:
        model = InvoiceCheck
        fields = ["provider", "month"]


# --- tables --------------------------------------------------------------------------


class InvoiceCheckTable(BaseTable):
    invoice_reference = tables.Column(verbose_name="Fakturanummer",
                                      linkify=("placements:invoicecheck_detail", {"pk": tables.A("pk")}))
    provider = tables.Column(verbose_name="Utförare", order_by="provider__name")
    month = tables.Column(verbose_name="Månad")
    line_count = tables.Column(verbose_name="Fakturerade placeringar", attrs=NUM)
    invoiced_total = tables.Column(verbose_name="Fakturerat (kr)", attrs=NUM, default="–")
    created_by = tables.Column(verbose_name="Registrerad av")
    created_at = tables.DateTimeColumn(verbose_name="Registrerad", format="Y-m-d H:i")

    class Meta(BaseTable.Meta):
        model = InvoiceCheck
        fields = ("invoice_reference", "provider", "month", "line_count", "invoiced_total", "created_by",
                  "created_at")

    def render_month(self, value):
        return _month_label(value)

    def render_invoiced_total(self, value):
        return _kr(value)


class InvoiceRowTable(BaseTable):
    """The rows of placements.invoices.invoice_comparison, with an entry form per row when `forms` is given
    (placement number → InvoiceLineForm) and a totals row."""

    placement = tables.Column(verbose_name="Placering", empty_values=(), orderable=False, footer="Summa")
    name = tables.Column(verbose_name="Namn", empty_values=(), orderable=False)
    id_number = tables.Column(verbose_name="Personnummer", empty_values=(), orderable=False)
    period = tables.Column(verbose_name="Period i månaden", empty_values=(), orderable=False)
    days = tables.Column(verbose_name="Dygn", attrs=NUM, orderable=False,
                         footer=lambda table: table.comparison.days_total)
    price = tables.Column(verbose_name="À-pris (kr)", empty_values=(), orderable=False, attrs=NUM)
    expected = tables.Column(verbose_name="Förväntat belopp (kr)", attrs=NUM, orderable=False,
                             footer=lambda table: _kr(table.comparison.expected_total))
    invoiced_amount = tables.Column(verbose_name="Fakturerat belopp (kr)", empty_values=(), orderable=False,
                                    attrs=NUM, footer=lambda table: _kr(table.comparison.invoiced_total))
    invoiced_days = tables.Column(verbose_name="Fakturerade dygn", empty_values=(), orderable=False, attrs=NUM,
                                  footer=lambda table: table.comparison.invoiced_days_total)
    difference = tables.Column(verbose_name="Differens (kr)", empty_values=(), orderable=False, attrs=NUM,
                               footer=lambda table: _kr(table.comparison.difference_total))
    remarks = tables.Column(verbose_name="Anmärkning", empty_values=(), orderable=False)
    comment = tables.Column(verbose_name="Kommentar", empty_values=(), orderable=False)

    class Meta(BaseTable.Meta):
        row_attrs = {"class": lambda record: "flagged" if record.is_flagged else ""}
        empty_text = "Utföraren har inga placeringar med dygn i månaden."

    def __init__(self, comparison, *, show_identity: bool, forms=None, **kwargs):
        exclude = () if show_identity else ("name", "id_number")
        super().__init__(comparison.rows, exclude=exclude, **kwargs)
        self.comparison = comparison
        self.forms = forms or {}

    def render_placement(self, record):
        if record.placement is None:
            return record.placement_id
        return format_html('<a href="{}">{}</a> {}', reverse("placements:placement_detail", args=[record.placement_id]),
                           record.placement_id, record.placement.care_type.name)

    def _identity(self, record):
        if record.placement is None:
            return selectors.HIDDEN_IDENTITY, selectors.HIDDEN_IDENTITY
        return selectors.placement_identity(self.request.user, record.placement)

    def render_name(self, record):
        return self._identity(record)[0]

    def render_id_number(self, record):
        return self._identity(record)[1]

    def render_period(self, record):
        if record.first_day is None:
            return "–"
        return f"{record.first_day.isoformat()}–{record.last_day.isoformat()}"

    def render_price(self, record):
        return " / ".join(_price_label(pp) for pp in record.prices) or "–"

    def render_expected(self, record):
        if _expected(record) is None:
            return format_html('<span class="overdue">{} ({} dygn)</span>', MISSING_PRICE, record.unpriced_days)
        return _kr(record.expected)

    def _field(self, record, name, shown):
        form = self.forms.get(record.placement_id)
        if form is None:
            return "–" if shown is None else shown
        field, errors = form[name], form[name].errors
        # Every input has its own label (WCAG 1.3.1): the column and the row, read out but not shown.
        label = format_html('<label class="visually-hidden" for="{}">{}, placering {}</label>', field.id_for_label,
                            field.label, record.placement_id)
        return format_html("{}{}{}", label, field, format_html('<span class="overdue">{}</span>', " ".join(errors))
                           if errors else "")

    def render_invoiced_amount(self, record):
        return self._field(record, "invoiced_amount",
                           None if record.invoiced_amount is None else _kr(record.invoiced_amount))

    def render_invoiced_days(self, record):
        return self._field(record, "invoiced_days", record.invoiced_days)

    def render_difference(self, record):
        return "–" if record.difference is None else _kr(record.difference)

    def render_remarks(self, record):
        return format_html_join("; ", '<span class="overdue">{}</span>', ((f,) for f in record.flags)) or "–"

    def render_comment(self, record):
        return self._field(record, "comment", record.line.comment if record.line and record.line.comment else None)


# --- views ---------------------------------------------------------------------------


class InvoiceCheckListView(RenderInTransactionMixin, SingleTableMixin, FilterView):
    table_class = InvoiceCheckTable
    filterset_class = InvoiceCheckFilter
    template_name = "placements/invoice_list.html"
    strict = False

    def dispatch(self, request, *args, **kwargs):
        _require(invoices.can_view_invoice_checks(request.user))
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return invoices.invoice_checks_for_user(self.request.user).order_by("-month", "provider__name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = invoices.can_create_invoice_checks(self.request.user)
        return context


@require_http_methods(["GET", "POST"])
def invoicecheck_create(request):
    _require(invoices.can_create_invoice_checks(request.user))
    form = InvoiceCheckForm(request.POST or None, initial={"provider": request.GET.get("provider"),
                                                           "month": request.GET.get("month")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        year, month = parse_month(data["month"])
        try:
            check = invoices.invoice_check_create(
                by=request.user, provider=data["provider"], month=datetime.date(year, month, 1),
                invoice_reference=data["invoice_reference"], comment=data["comment"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Fakturakontrollen är registrerad.")
            return redirect(check.get_absolute_url())
    return render(request, "placements/invoice_form.html", {"form": form, "title": "Ny fakturakontroll"})


def _comparison(request, check):
    placements = selectors.placements_for_user(request.user).select_related("person")
    return invoices.invoice_comparison(invoice_check=check, placements=placements)


def _audit(request, action, comparison):
    shown = [r.placement for r in comparison.rows if r.placement is not None]
    audit_record(user=request.user, action=action, object_type="InvoiceCheck",
                 object_id=comparison.invoice_check.pk, persons=[p.person for p in shown],
                 object_unit_ids=[p.unit_id for p in shown])


def _row_forms(request, comparison, data=None) -> dict:
    if not invoices.can_enter_invoice_lines(request.user):
        return {}
    return {
        row.placement_id: InvoiceLineForm(data, prefix=f"p{row.placement_id}", initial={
            "invoiced_amount": row.invoiced_amount, "invoiced_days": row.invoiced_days,
            "comment": row.line.comment if row.line else ""})
        for row in comparison.rows if row.placement is not None
    }


def _detail_page(request, check, comparison, *, row_forms=None, add_form=None, status=200):
    _audit(request, AccessAction.VIEW, comparison)
    can_enter = invoices.can_enter_invoice_lines(request.user)
    if row_forms is None:
        row_forms = _row_forms(request, comparison)
    table = InvoiceRowTable(comparison, forms=row_forms, request=request,
                            show_identity=selectors.can_see_placement_identity(request.user))
    return render(request, "placements/invoice_detail.html", {
        "check": check, "comparison": comparison, "table": table, "can_enter": can_enter,
        "add_form": add_form or (InvoiceLineAddForm(prefix="ny") if can_enter else None),
        "month_label": _month_label(check.month), "not_invoiced_expected": _kr(comparison.not_invoiced_expected),
    }, status=status)


def invoicecheck_detail(request, pk):
    check = invoices.invoice_check_get_for_user(request.user, pk)
    return _detail_page(request, check, _comparison(request, check))


@require_POST
def invoicecheck_update(request, pk):
    """Saves the amounts and days entered in the table's rows."""
    check = invoices.invoice_check_get_for_user(request.user, pk)
    _require(invoices.can_enter_invoice_lines(request.user))
    comparison = _comparison(request, check)
    row_forms = _row_forms(request, comparison, request.POST)
    if all(f.is_valid() for f in row_forms.values()):
        placements = {r.placement_id: r.placement for r in comparison.rows if r.placement is not None}
        entries = [
            invoices.InvoiceLineEntry(placement=placements[pid], invoiced_amount=f.cleaned_data["invoiced_amount"],
                                      invoiced_days=f.cleaned_data["invoiced_days"], comment=f.cleaned_data["comment"])
            for pid, f in row_forms.items()
        ]
        try:
            changed = invoices.invoice_lines_save(by=request.user, invoice_check=check, entries=entries)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Fakturaraderna är sparade ({changed} ändrade).")
            return redirect(check.get_absolute_url())
    return _detail_page(request, check, comparison, row_forms=row_forms)


@require_POST
def invoiceline_create(request, pk):
    """A line for a placement number from the invoice that the table does not list."""
    check = invoices.invoice_check_get_for_user(request.user, pk)
    _require(invoices.can_enter_invoice_lines(request.user))
    form = InvoiceLineAddForm(request.POST, prefix="ny")
    if form.is_valid():
        data = form.cleaned_data
        placement = (selectors.placements_for_user(request.user).select_related("person")
                     .filter(pk=data["placement"]).first())
        if placement is None:
            form.add_error("placement", PLACEMENT_NOT_FOUND)
        else:
            try:
                invoices.invoice_lines_save(by=request.user, invoice_check=check, entries=[invoices.InvoiceLineEntry(
                    placement=placement, invoiced_amount=data["invoiced_amount"],
                    invoiced_days=data["invoiced_days"], comment=data["comment"])])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Fakturaraden är sparad.")
                return redirect(check.get_absolute_url())
    return _detail_page(request, check, _comparison(request, check), add_form=form)


EXPORT_HEADER = ["Placering", "Vårdform", "Period från", "Period till", "Dygn", "À-pris (kr)",
                 "Förväntat belopp (kr)", "Fakturerat belopp (kr)", "Fakturerade dygn", "Differens (kr)",
                 "Dygn som saknar pris", "Anmärkning", "Kommentar"]


def _expected(row):
    """The expected amount, or None when no day of the month has a price: never 0 kr for a missing price."""
    if row.days and row.unpriced_days == row.days and not row.expected:
        return None
    return row.expected


def _export_price(row):
    """À-pris as a number when one daily price covers the month; otherwise the prices as text."""
    if len(row.prices) == 1 and row.prices[0].daily_price is not None:
        return row.prices[0].daily_price
    return " / ".join(_price_label(pp) for pp in row.prices)


def invoicecheck_export(request, pk):
    """Excel of the check: amounts and days as numbers, text formula-escaped (common.exports)."""
    check = invoices.invoice_check_get_for_user(request.user, pk)
    comparison = _comparison(request, check)
    _audit(request, AccessAction.EXPORT, comparison)
    show_identity = selectors.can_see_placement_identity(request.user)
    header = list(EXPORT_HEADER)
    if show_identity:
        header[1:1] = ["Namn", "Personnummer"]
    rows = []
    for row in comparison.rows:
        cells = [row.placement_id, row.placement.care_type.name if row.placement else "", row.first_day,
                 row.last_day, row.days, _export_price(row), _expected(row), row.invoiced_amount, row.invoiced_days,
                 row.difference, row.unpriced_days, "; ".join(row.flags), row.line.comment if row.line else ""]
        if show_identity:
            name, id_number = (selectors.placement_identity(request.user, row.placement) if row.placement
                               else (selectors.HIDDEN_IDENTITY, selectors.HIDDEN_IDENTITY))
            cells[1:1] = [name, id_number]
        rows.append(cells)
    total = ["Summa", "", "", "", comparison.days_total, "", comparison.expected_total, comparison.invoiced_total,
             comparison.invoiced_days_total, comparison.difference_total, "", "", ""]
    if show_identity:
        total[1:1] = ["", ""]
    rows.append(total)
    filename = f"fakturakontroll-{check.provider.org_number}-{_month_label(check.month)}-{check.pk}.xlsx"
    return xlsx_response(filename, header, rows, title=f"Fakturakontroll {_month_label(check.month)}")
