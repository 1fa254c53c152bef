"""Återaktualisering (issue 15 point 4): the `reactualisation` report per unit with each share linked to the
closed cases behind it. Figures and the definition are socialtjanst.followup.reactualisation's; scope and
identity follow the other follow-ups (access.followup_*): a controller sees case numbers only. Every page
writes the access log."""

import django_tables2 as tables
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django_tables2 import RequestConfig
from django_tables2.data import TableListData

from common.params import year_param
from common.tables import BaseTable
from socialtjanst import access
from socialtjanst.followup import reactualisation

from ..audit import audit_record
from ..models import AccessAction, Person
from .reports import followup_unit_by_code, followup_year_report, require_followup_viewer

YES, NO = "Ja", "Nej"
OTHER_UNIT = "annan enhet"  # a return in a unit outside the reader's: shown without its case number


def reactualisation_report(request):
    cases_url = reverse("socialtjanst:reactualisation_cases")

    def links(year):
        def link(record, key):
            if key == "share" and record.get("share") is not None:
                return f"{cases_url}?unit={record['unit']}&year={year}"
            return None
        return link

    return followup_year_report(request, "reactualisation", "socialtjanst/followup/reactualisation.html",
                                links=links, context=lambda year: {"cohort_year": year - 1})


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
    require_followup_viewer(request.user)
    year = year_param(request)
    units, unit, code = followup_unit_by_code(request)
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
