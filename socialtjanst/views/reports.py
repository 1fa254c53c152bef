"""The pages and downloads of every registered report (common.reporting): one view
for all, so each report reads the same on screen and in its files."""

import django_tables2 as tables
from django.http import Http404
from django.shortcuts import render
from django.utils.html import format_html

from common import reporting
from common.params import period_from_request, year_param
from common.periods import MONTHS
from common.tables import BaseTable, format_value
from socialtjanst import access

from ..audit import audit_record
from ..models import AccessAction


def report_table(report: reporting.Report, result: reporting.ReportResult, links=None):
    """A django-tables2 table built from the report's columns, with the totals as its footer."""
    attrs = {}
    for i, col in enumerate(report.columns):
        numeric = col.kind != reporting.TEXT
        footer = format_value(result.totals.get(col.key), col.kind) if result.totals else None
        if i == 0 and result.totals and not footer:
            footer = "Totalt"
        attrs[col.key] = tables.Column(
            verbose_name=col.label, accessor=tables.A(col.key), footer=footer, orderable=False, empty_values=(),
            attrs={"td": {"class": "num"}, "th": {"class": "num"}, "tf": {"class": "num"}} if numeric else {},
        )

        # The catch-all matters: django-tables2 calls a render method only if every named argument is one it
        # passes, so without it `_col` would make every cell render as None.
        def render(self, value, record, _col=col, **_cell):
            text = format_value(value, _col.kind)
            link = links(record, _col.key) if links else None
            return format_html('<a href="{}">{}</a>', link, text) if link else text

        attrs[f"render_{col.key}"] = render
    attrs["Meta"] = type("Meta", (BaseTable.Meta,), {"per_page": 500})
    return type(f"{report.name.title()}Table", (BaseTable,), attrs)(result.rows)


def unit_from_request(request, units):
    """The `unit` in the address, one of `units` (the user's own), or None when none is given; anything
    else (not a number, another unit) is a 404, never a 500."""
    raw = request.GET.get("unit")
    if not raw:
        return None
    try:
        unit_id = int(raw)
    except ValueError:
        raise Http404("Enheten finns inte.") from None
    unit = units.filter(pk=unit_id).first()
    if unit is None:
        raise Http404("Enheten finns inte.")
    return unit


def require_followup_viewer(user) -> None:
    """The follow-up pages (frister, återaktualisering, stabilitet ...) are the enhetschef's and controller's."""
    if not access.may_view_followup(user):
        raise Http404("Sidan finns inte.")


def followup_unit_by_code(request) -> tuple[list[int] | None, object, str]:
    """A follow-up drill-down's `?unit=<code>`: (the unit ids to read, the unit or None, the code). Without a code,
    every unit the user follows up (None: all); a code outside them is a 404."""
    units = access.followup_scope_unit_ids(request.user)
    code = request.GET.get("unit") or ""
    if not code:
        return units, None, ""
    unit = access.followup_units_for_user(request.user).filter(code=code).first()
    if unit is None:
        raise Http404("Enheten finns inte.")
    return [unit.pk], unit, code


def followup_year_report(request, name: str, template: str, links=None, context=None):
    """A follow-up report for one year (`?year=`) on its own page: the viewer checked, the view logged, the
    report's table with `links(year)(record, key)` as its drill-down and `context(year)` added."""
    report = reporting.get_report(name)
    require_followup_viewer(request.user)
    year = year_param(request)
    result = reporting.run_report(report, user=request.user, year=year, through_month=None)
    audit_record(user=request.user, action=AccessAction.LIST, object_type=f"Rapport:{name}",
                 criteria={"year": year})
    return render(request, template, {
        "report": report, "table": report_table(report, result, links=links(year) if links else None),
        "year": year, "formats": reporting.FORMATS, **(context(year) if context else {}),
    })


def _allowed_report(request, name):
    report = reporting.get_report(name)
    if not report.allowed(request.user):
        raise Http404("Rapporten finns inte.")
    return report


def report_index(request):
    reports = [r for r in reporting.all_reports() if r.allowed(request.user)]
    return render(request, "reports/index.html", {"reports": reports})


def _run(request, report):
    """The period, the unit (for a unit-scoped report; None = all the user's units) and the result."""
    year, month = period_from_request(request)
    params, criteria = {}, {"year": year, "month": month}
    unit = None
    if report.unit_scoped:
        unit = unit_from_request(request, access.followup_units_for_user(request.user))
        params["unit_id"] = criteria["unit"] = unit.pk if unit else None
    result = reporting.run_report(report, user=request.user, year=year, through_month=month, **params)
    return year, month, unit, result, criteria


def report_page(request, name):
    report = _allowed_report(request, name)
    year, month, unit, result, criteria = _run(request, report)
    audit_record(user=request.user, action=AccessAction.LIST, object_type=f"Rapport:{report.name}",
                 object_unit_ids=[unit.pk] if unit else [], criteria=criteria)
    return render(request, "reports/report.html", {
        "report": report, "table": report_table(report, result), "year": year, "month": month, "unit": unit,
        "units": access.followup_units_for_user(request.user) if report.unit_scoped else None,
        "months": list(enumerate(MONTHS, start=1)), "formats": reporting.FORMATS,
        "period_label": f"januari–{MONTHS[month - 1]} {year}" if month else f"helår {year}",
    })


def report_export(request, name, fmt):
    report = _allowed_report(request, name)
    if fmt not in reporting.FORMATS:
        raise Http404("Okänt exportformat.")
    year, month, unit, result, criteria = _run(request, report)
    audit_record(user=request.user, action=AccessAction.EXPORT, object_type=f"Rapport:{report.name}",
                 object_unit_ids=[unit.pk] if unit else [], criteria={**criteria, "format": fmt})
    return reporting.download_response(report, result, fmt, year=year, through_month=month)
