"""Återaktualisering (issue 15 point 4): the `reactualisation` report per unit with each share linked to the
closed cases behind it. Figures and the definition are socialtjanst.followup.reactualisation's; scope and
identity follow the other follow-ups (access.followup_*): a controller sees case numbers only. Every page
writes the access log."""

import django_tables2 as tables
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django_tables2 import RequestConfig
from django_tables2.data import TableListData

from common import reporting
from common.params import year_param
from common.tables import BaseTable
from socialtjanst import access
from socialtjanst.followup import reactualisation

from ..audit import audit_record
from ..models import AccessAction, Person
from .reports import report_table

YES, NO = "Ja", "Nej"
OTHER_UNIT = "annan enhet"  # a return in a unit outside the reader's: shown without its case number


def _require_viewer(user):
    if not access.may_view_followup(user):
        raise Http404("Sidan finns inte.")


def reactualisation_report(request):
    report = reporting.get_report("reactualisation")
    _require_viewer(request.user)
    year = year_param(request)
    result = reporting.run_report(report, user=request.user, year=year, through_month=None)
    audit_record(user=request.user, action=AccessAction.LIST, object_type="Rapport:reactualisation",
                 criteria={"year": year})
    cases_url = reverse("socialtjanst:reactualisation_cases")

    def links(record, key):
        if key == "share" and record.get("share") is not None:
            return f"{cases_url}?unit={record['unit']}&year={year}"
        return None

    return render(request, "socialtjanst/followup/reactualisation.html", {
        "report": report, "table": report_table(report, result, links=links), "year": year,
        "cohort_year": year - 1, "formats": reporting.FORMATS,
    })


class CohortTable(BaseTable):
    case = tables.Column(verbose_name="Ärende", orderable=False)
    person = tables.Column(verbose_name="Person", orderable=False)
    unit = tables.Column(verbose_name="Enhet", orderable=False)
    closed_on = tables.Column(verbose_name="Avslutat", orderable=False)
    returned = tables.Column(verbose_name="Åter inom 12 månader", orderable=False)
    returned_on = tables.Column(verbose_name="Nytt ärende öppnat", orderable=False)
    return_case = tables.Column(verbose_name="Nytt ärende", orderable=False)

    def render_case(self, value, record):
        url = record.get("url")
        return format_html('<a href="{}">{}</a>', url, value) if url else str(value)  # a number, never "1 803"

    def render_return_case(self, value):
        return str(value)


def cohort_rows(user, rows: list[dict]) -> list[dict]:
    """The drill-down's rows for these cases only; a controller's carry no person and no link."""
    identity = access.followup_shows_identity(user)
    own_units = access.followup_scope_unit_ids(user)
    persons = Person.objects.in_bulk({r["person_id"] for r in rows}) if identity else {}
    out = []
    for r in rows:
        returned = r["return_case_id"] is not None
        visible = returned and (own_units is None or r["return_unit_id"] in own_units)
        row = {"case": r["case_id"], "unit": r["unit_name"], "closed_on": r["closed_on"].isoformat(),
               "returned": YES if returned else NO, "returned_on": r["returned_on"].isoformat() if returned else "",
               "return_case": r["return_case_id"] if visible else (OTHER_UNIT if returned else "")}
        if identity:
            row["person"] = access.person_identity(user, persons[r["person_id"]]).name
            row["url"] = reverse("socialtjanst:case_detail", args=[r["case_id"]])
        out.append(row)
    return out


class CohortTableData(TableListData):
    """django-tables2 data over reactualisation.CohortRows: the paginator's slice fetches one page."""

    def __init__(self, user, cohort):
        super().__init__(cohort)
        self.user, self.fetched = user, []

    def order_by(self, aliases):
        pass  # the order is the statement's (every column is orderable=False); ?sort= changes nothing

    def __getitem__(self, key):
        raw = self.data[key]
        if isinstance(key, slice):
            self.fetched = raw
            return cohort_rows(self.user, raw)
        return cohort_rows(self.user, [raw])[0]


def reactualisation_cases(request):
    _require_viewer(request.user)
    year = year_param(request)
    units = access.followup_scope_unit_ids(request.user)
    code = request.GET.get("unit") or ""
    unit = None
    if code:
        unit = access.followup_units_for_user(request.user).filter(code=code).first()
        if unit is None:
            raise Http404("Enheten finns inte.")
        units = [unit.pk]
    data = CohortTableData(request.user, reactualisation.CohortRows(units, year))
    table = CohortTable(data, request=request)
    if not access.followup_shows_identity(request.user):
        table.columns.hide("person")
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    list(table.page.object_list)  # the page's rows are fetched once, here, before they are logged
    shown = data.fetched
    audit_record(user=request.user, action=AccessAction.LIST, object_type="Case",
                 persons=Person.objects.filter(pk__in={r["person_id"] for r in shown}).only("pk", "protected_identity"),
                 object_unit_ids=[r["unit_id"] for r in shown],
                 criteria={"list": "reactualisation", "year": year, **({"unit": code} if code else {})})
    return render(request, "socialtjanst/followup/reactualisation_cases.html", {
        "table": table, "year": year, "cohort_year": year - 1, "unit": unit, "count": len(data.data),
    })
