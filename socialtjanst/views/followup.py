"""Deadline follow-up for managers and controllers: the deadline report with links to the
cases behind every miss, and the quarterly IVO list. Scope and identity are decided by
socialtjanst.followup.deadline_report; every page and download that shows cases writes the access log."""

from collections import defaultdict

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django_tables2 import RequestConfig
from django_tables2.data import TableListData

from common import reporting
from common.date_window import ROLLUP_YEAR_MAX, ROLLUP_YEAR_MIN
from common.exports import csv_response, xlsx_response
from common.params import page_param, period_from_request, quarter_param, year_param
from common.periods import MONTHS
from common.tables import BaseTable
from socialtjanst import access, todo_sources
from socialtjanst.followup import deadline_report as dr
from socialtjanst.followup import deadline_sets, report_defs
from socialtjanst.followup.ivo_report import ENFORCED_LATE, NOT_ENFORCED, IvoList, quarter_bounds

from ..audit import audit_cases, audit_record
from ..models import AccessAction, Case, InterventionKind, InvestigationExtension, Person, Unit
from ..users import user_full_name
from .reports import report_table

NOT_DONE = "ej klar"
SHARE_LINKS = dict(report_defs.MEASURES)  # a share's column prefix → its drill-down, other apps' kinds included


def _require_viewer(user):
    if not access.may_view_followup(user):
        raise Http404("Sidan finns inte.")


def _criteria(request, **extra) -> dict:
    return {**{k: v for k, v in request.GET.items() if v and k != "page"}, **extra}


# --- the report page -----------------------------------------------------------------------


def deadline_report(request):
    """The `deadlines` report with each share linked to the misses behind it."""
    report = reporting.get_report("deadlines")
    _require_viewer(request.user)
    year, month = period_from_request(request)
    result = reporting.run_report(report, user=request.user, year=year, through_month=month)
    audit_record(user=request.user, action=AccessAction.LIST, object_type="Rapport:deadlines",
                 criteria={"year": year, "month": month})
    period = f"year={year}" + (f"&month={month}" if month else "")

    def links(record, key):
        prefix = key.removesuffix("_share")
        if key.endswith("_share") and prefix in SHARE_LINKS and record.get(key) is not None:
            url = reverse("socialtjanst:deadline_misses", args=[SHARE_LINKS[prefix]])
            return f"{url}?unit={record['unit']}&{period}"
        return None

    return render(request, "socialtjanst/followup/deadlines.html", {
        "report": report, "table": report_table(report, result, links=links), "year": year, "month": month,
        "months": list(enumerate(MONTHS, start=1)), "formats": reporting.FORMATS,
        "period_label": f"januari–{MONTHS[month - 1]} {year}" if month else f"helår {year}",
        "kinds": dr.all_kinds(), "period_query": period,
    })


# --- drill-down ----------------------------------------------------------------------------


class DeadlineMissFilter(django_filters.FilterSet):
    unit = django_filters.ModelChoiceFilter(label="Enhet", queryset=Unit.objects.none(), to_field_name="code")
    year = django_filters.NumberFilter(label="År", method="keep")
    month = django_filters.ChoiceFilter(label="Till och med månad", method="keep", empty_label="Helår",
                                        choices=list(enumerate(MONTHS, start=1)))

    class Meta:
        model = Case
        fields = ["unit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["unit"].queryset = access.followup_units_for_user(self.request.user)
        self.form.fields["year"].widget = forms.NumberInput(attrs={"min": ROLLUP_YEAR_MIN, "max": ROLLUP_YEAR_MAX})

    def keep(self, queryset, name, value):
        return queryset  # the period is applied by deadline_report, not to the cases


class DeadlineMissTable(BaseTable):
    case = tables.Column(verbose_name="Ärende", orderable=False)
    person = tables.Column(verbose_name="Person", orderable=False)
    unit = tables.Column(verbose_name="Enhet", orderable=False)
    start_on = tables.Column(verbose_name="Frist från", orderable=False)
    due_on = tables.Column(verbose_name="Senast", orderable=False)
    done_on = tables.Column(verbose_name="Klar", orderable=False)
    days_late = tables.Column(verbose_name="Dagar för sent", orderable=False, attrs={"td": {"class": "num"}})
    responsible = tables.Column(verbose_name="Ansvarig handläggare", orderable=False)
    detail = tables.Column(verbose_name="Förlängning / insats", orderable=False)

    def render_case(self, value, record):
        url = record.get("url")
        return format_html('<a href="{}">{}</a>', url, value) if url else str(value)  # a number, never "1 803"


def _details(kind: str, rows: list[dict]) -> dict[int, str]:
    """The 'Förlängning / insats' text of each row, keyed by its position; an investigation's extensions are
    read for the rows given only."""
    if kind == dr.INVESTIGATIONS:
        extensions = defaultdict(list)
        for inv_id, decided_on, new_due_on in InvestigationExtension.objects.filter(
                investigation_id__in={r["pk"] for r in rows}).values_list("investigation_id", "decided_on",
                                                                          "new_due_on"):
            extensions[inv_id].append((decided_on, new_due_on))
        return {n: dr.extension_text(r["start_on"], extensions[r["pk"]]) for n, r in enumerate(rows)}
    if kind == dr.SCREENINGS:
        return {n: dr.screening_extension_text(r["start_on"], r["extended_due_on"], r["extension_decided_on"])
                for n, r in enumerate(rows)}
    registered = _registered(kind)
    if registered is not None:
        return {n: registered.detail(r) if registered.detail else "" for n, r in enumerate(rows)}
    kinds = dict(InterventionKind.choices)
    return {n: "; ".join(x for x in (r["legal_basis"], str(kinds.get(r["intervention_kind"], r["intervention_kind"]))
                                     if r["intervention_kind"] else dr.NO_INTERVENTION) if x)
            for n, r in enumerate(rows)}


def _registered(kind: str):
    return next((k for k in todo_sources.deadline_kinds() if k.key == kind), None)


def _row_url(registered, row: dict) -> str | None:
    """Where a miss leads: a registered kind's own page (a placement's follow-up), else the case."""
    if registered is not None and registered.row_url is not None:
        return registered.row_url(row)
    return reverse("socialtjanst:case_detail", args=[row["case_id"]]) if row["case_id"] else None


def miss_rows(user, kind: str, rows: list[dict]) -> list[dict]:
    """The drill-down's rows (the page's, or every miss for a download), the same on screen and in the
    downloads; a controller's rows carry neither a person nor a name. Persons and handläggare are read for
    these rows only."""
    identity = access.followup_shows_identity(user)
    details = _details(kind, rows)
    registered = _registered(kind)
    persons = Person.objects.in_bulk({r["person_id"] for r in rows}) if identity else {}
    staff = get_user_model().objects.in_bulk({r["responsible_id"] for r in rows if r["responsible_id"]})
    out = []
    for n, r in enumerate(rows):
        row = {
            "case": r["case_id"], "unit": r["unit_name"], "start_on": r["start_on"].isoformat(),
            "due_on": r["due_on"].isoformat(), "done_on": r["done_on"].isoformat() if r["done_on"] else NOT_DONE,
            "days_late": r["days_late"], "detail": details[n],
        }
        if identity:
            row["person"] = access.person_identity(user, persons[r["person_id"]]).name
            row["responsible"] = user_full_name(staff.get(r["responsible_id"]))
            row["url"] = _row_url(registered, r)
        out.append(row)
    return out


class MissTableData(TableListData):
    """django-tables2 data over deadline_sets.MissRows: the paginator's slice fetches and shapes one page."""

    def __init__(self, user, misses: deadline_sets.MissRows):
        super().__init__(misses)
        self.user, self.fetched = user, []

    def order_by(self, aliases):
        pass  # the order is the statement's (every column is orderable=False); ?sort= changes nothing

    def __getitem__(self, key):
        raw = self.data[key]
        if isinstance(key, slice):
            self.fetched = raw
            return miss_rows(self.user, self.data.kind, raw)
        return miss_rows(self.user, self.data.kind, [raw])[0]


def _audit_misses(user, action, raw_rows: list[dict], criteria: dict) -> None:
    persons = Person.objects.filter(pk__in={r["person_id"] for r in raw_rows}).only("pk", "protected_identity")
    audit_record(user=user, action=action, object_type="Case", persons=persons,
                 object_unit_ids=[r["unit_id"] for r in raw_rows], criteria=criteria)


def _misses(request, kind):
    if kind not in dr.all_kinds():
        raise Http404("Sidan finns inte.")
    _require_viewer(request.user)
    year, month = period_from_request(request)
    cases = access.followup_cases_for_user(request.user)
    miss_filter = DeadlineMissFilter(request.GET, queryset=cases, request=request)
    units = access.followup_scope_unit_ids(request.user)
    unit = None
    if miss_filter.is_bound:
        miss_filter.form.is_valid()  # as django-filter does: a valid unit applies even beside an invalid field
        unit = miss_filter.form.cleaned_data.get("unit")
    if unit is not None:  # the filter's choices are already the user's units
        units = [unit.pk] if units is None or unit.pk in units else []
    start, end = dr.period_bounds(year, month)
    misses = deadline_sets.MissRows(kind, units, start, end, timezone.localdate())
    return miss_filter, misses, year, month


def deadline_misses(request, kind):
    miss_filter, misses, year, month = _misses(request, kind)
    data = MissTableData(request.user, misses)
    table = DeadlineMissTable(data, request=request)
    if not access.followup_shows_identity(request.user):
        table.columns.hide("person")
        table.columns.hide("responsible")
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    list(table.page.object_list)  # the page's rows are fetched once, here, before they are logged
    _audit_misses(request.user, AccessAction.LIST, data.fetched, _criteria(request, kind=kind))
    return render(request, "socialtjanst/followup/misses.html", {
        "title": dr.all_kinds()[kind], "kind": kind, "filter": miss_filter, "table": table, "count": len(misses),
        "query": request.GET.urlencode(), "year": year, "month": month,
    })


def deadline_misses_export(request, kind, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404("Okänt exportformat.")
    _filter, misses, year, month = _misses(request, kind)
    raw = list(misses)
    _audit_misses(request.user, AccessAction.EXPORT, raw, _criteria(request, kind=kind, format=fmt))
    columns = [c for c in DeadlineMissTable.base_columns.items()
               if access.followup_shows_identity(request.user) or c[0] not in ("person", "responsible")]
    header = [str(col.verbose_name) for _key, col in columns]
    rows = ([row.get(key, "") for key, _col in columns] for row in miss_rows(request.user, kind, raw))
    filename = f"frister_{kind}_{year}" + (f"-{month:02d}" if month else "") + f".{fmt}"
    if fmt == "xlsx":
        return xlsx_response(filename, header, rows, title=str(dr.all_kinds()[kind]))
    return csv_response(filename, header, rows)


# --- IVO ------------------------------------------------------------------------------------

IVO_HEADER = ["Status", "Ärende", "Person", "Enhet", "Beslutsdatum", "Lagrum", "Insats", "Verkställd",
              "Dagar väntat"]


# A page of the IVO list; the export has every row. At national scale an enhetschef's quarter has ~3 000 rows.
IVO_PER_PAGE = 25


def _ivo(request):
    _require_viewer(request.user)
    today = timezone.localdate()
    # Bounded before any date is built: an eleven-digit year made datetime.date raise OverflowError (a 500).
    year = year_param(request)
    quarter = quarter_param(request, default=(today.month - 1) // 3 + 1)
    ivo = IvoList(access.followup_scope_unit_ids(request.user), year=year, quarter=quarter, today=today)
    return year, quarter, ivo


def _ivo_table(user, lines, quarter_end):
    """The lines' cases (with person and unit, one query) and the rows the page and the export show."""
    cases = Case.objects.select_related("person", "unit").in_bulk({line.case_id for line in lines})
    identity = access.followup_shows_identity(user)
    rows = []
    for line in lines:
        case = cases[line.case_id]
        rows.append({
            "status": line.status_label, "case": case.pk,
            "person": access.person_identity(user, case.person).name if identity else "",
            "unit": case.unit.name, "decided_on": line.decided_on.isoformat(), "legal_basis": line.legal_basis,
            "intervention": line.intervention_kind,
            "started_on": (line.done_on.isoformat() if line.done_on and line.done_on <= quarter_end
                           else "ej verkställd"),
            "days_waited": line.days_waited, "url": case.get_absolute_url() if identity else "",
        })
    return [cases[line.case_id] for line in lines], rows, identity


def ivo_list(request):
    year, quarter, ivo = _ivo(request)
    number, lines = ivo.page(page_param(request), IVO_PER_PAGE)
    cases, table_rows, identity = _ivo_table(request.user, lines, quarter_bounds(year, quarter)[1])
    audit_cases(user=request.user, action=AccessAction.LIST, cases=cases,
                criteria=_criteria(request, list="ivo", year=year, quarter=quarter))
    counts = ivo.counts()
    total = sum(counts.values())
    pages = max(1, -(-total // IVO_PER_PAGE))
    return render(request, "socialtjanst/followup/ivo.html", {
        "rows": table_rows, "year": year, "quarter": quarter, "identity": identity, "quarters": (1, 2, 3, 4),
        "not_enforced": counts[NOT_ENFORCED], "enforced_late": counts[ENFORCED_LATE], "total": total,
        "page": number, "pages": pages, "previous_page": number - 1 if number > 1 else None,
        "next_page": number + 1 if number < pages else None,
    })


def ivo_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404("Okänt exportformat.")
    year, quarter, ivo = _ivo(request)
    cases, table_rows, identity = _ivo_table(request.user, list(ivo), quarter_bounds(year, quarter)[1])
    audit_cases(user=request.user, action=AccessAction.EXPORT, cases=cases,
                criteria=_criteria(request, list="ivo", year=year, quarter=quarter, format=fmt))
    keys = ["status", "case", "person", "unit", "decided_on", "legal_basis", "intervention", "started_on",
            "days_waited"]
    header = list(IVO_HEADER)
    if not identity:
        keys.remove("person")
        header.remove("Person")
    body = ([row[k] for k in keys] for row in table_rows)
    filename = f"ivo_{year}_k{quarter}.{fmt}"
    if fmt == "xlsx":
        return xlsx_response(filename, header, body, title=f"Ej verkställda beslut {year} K{quarter}")
    return csv_response(filename, header, body)
