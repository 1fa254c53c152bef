"""Stabilitet i vården (issue 16 point 5): the `placement_stability` report per unit with its moves and sammanbrott
linked to the placements behind them. Figures and definitions are placements.stability's; scope follows the
other follow-ups (access.followup_*): an enhetschef their own units with the children named (masked by
person_identity), a controller every unit and the counts only (no drill-down). Every page writes the access
log."""

import django_tables2 as tables
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django_tables2 import RequestConfig

from common.params import year_param
from common.tables import BaseTable
from socialtjanst import access
from socialtjanst.audit import audit_record
from socialtjanst.models import AccessAction
from socialtjanst.views.reports import followup_unit_by_code, followup_year_report, require_followup_viewer

from .. import stability

LINKED = {"moves": stability.KIND_MOVES, "breakdowns": stability.KIND_BREAKDOWNS,
          "placements": stability.KIND_PLACEMENTS}


def stability_report(request):
    drill = access.followup_shows_identity(request.user)
    url = reverse("placements:stability_placements")

    def links(year):
        def link(record, key):
            if drill and key in LINKED and record.get(key):
                return f"{url}?unit={record['unit']}&year={year}&kind={LINKED[key]}"
            return None
        return link

    return followup_year_report(request, "placement_stability", "placements/stability.html", links=links,
                                context=lambda year: {"drill": drill})


class StabilityTable(BaseTable):
    placement = tables.Column(verbose_name="Placering", orderable=False)
    person = tables.Column(verbose_name="Barn", orderable=False)
    unit = tables.Column(verbose_name="Enhet", orderable=False)
    care_type = tables.Column(verbose_name="Vårdform", orderable=False)
    start_on = tables.Column(verbose_name="Start", orderable=False)
    end_on = tables.Column(verbose_name="Slut", orderable=False)
    end_reason = tables.Column(verbose_name="Avslutsorsak", orderable=False)

    def render_placement(self, value, record):
        return format_html('<a href="{}">{}</a>', record["url"], str(value))  # an id, never "1 803"


def stability_placements(request):
    """The placements behind a figure: ?kind=placeringar|flyttar|sammanbrott, ?unit=<code> (one of the user's
    units; all of them without), ?year=."""
    require_followup_viewer(request.user)
    if not access.followup_shows_identity(request.user):
        raise Http404("Sidan finns inte.")  # the controller sees the counts only
    year = year_param(request)
    kind = request.GET.get("kind") or stability.KIND_PLACEMENTS
    if kind not in stability.KINDS:
        raise Http404("Sidan finns inte.")
    units, unit, code = followup_unit_by_code(request)
    placements = list(stability.year_placements(units, year).filter(stability.kind_filter(kind, year))
                      .select_related("person", "unit", "care_type").order_by("unit__name", "start_on", "pk"))
    rows = [{"placement": p.pk, "url": p.get_absolute_url(), "person": access.person_identity(request.user,
                                                                                            p.person).name,
             "unit": p.unit.name, "care_type": p.care_type.name, "start_on": p.start_on.isoformat(),
             "end_on": p.end_on.isoformat() if p.end_on else "pågående", "end_reason": p.get_end_reason_display()}
            for p in placements]
    table = StabilityTable(rows, request=request)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    shown = [placements[i] for i in range(table.page.start_index() - 1, table.page.end_index())] if rows else []
    audit_record(user=request.user, action=AccessAction.LIST, object_type="Placement",
                 persons=[p.person for p in shown], object_unit_ids=[p.unit_id for p in shown],
                 criteria={"lista": "Stabilitet i vården", "year": year, "kind": kind, **({"unit": code} if code
                                                                                          else {})})
    return render(request, "placements/stability_placements.html", {
        "table": table, "year": year, "unit": unit, "kind_label": stability.KINDS[kind], "count": len(rows),
    })
