"""Uppföljning av anmälningar (shared/domain.md §8): every breakdown of socialtjanst.followup.intake_statistics as
Swedish tables, month by month beside last year, and a bar chart drawn on the server as SVG (the CSP
allows no script). Aggregates only: no person is named or linked on this page."""

from dataclasses import dataclass, field

from django.http import Http404
from django.shortcuts import render

from common.params import period_from_request
from common.periods import MONTHS
from common.reporting import FORMATS, INT, PERCENT
from common.tables import format_value
from socialtjanst.followup import intake_statistics as stats

from .. import access
from ..audit import audit_record
from ..models import AccessAction, TargetGroup
from .reports import unit_from_request

CHART_HEIGHT = 160
CHART_BAR = 14
CHART_GROUP = 44
CHART_LEFT = 40


@dataclass
class SimpleTable:
    """Headers and pre-formatted cells; numeric cells are right-aligned."""

    title: str
    headers: list[str]
    rows: list[list[str]]
    footer: list[str] = field(default_factory=list)
    note: str = ""
    report: str = ""  # the registered report (socialtjanst.followup.report_defs_followup) it downloads as


def _n(value) -> str:
    return format_value(value or 0, INT)


def _pct(value) -> str:
    return format_value(value, PERCENT) if value is not None else "–"


def _summary_table(statistics, year) -> SimpleTable:
    labels = dict(TargetGroup.choices)

    def cells(row, label):
        return [str(label), _n(row["reports"]), _n(row["individuals"]), _n(row["female"]), _n(row["male"]),
                _n(row["unknown"]), _n(row["not_investigated"]), _pct(row["not_investigated_share"]),
                _n(row["reports_last_year"]), _n(row["individuals_last_year"])]

    return SimpleTable(
        title="Orosanmälningar per målgrupp",
        headers=["Målgrupp", "Anmälningar", "Unika individer", "Flickor/kvinnor", "Pojkar/män", "Kön okänt",
                 "Ej inledd utredning", "Andel ej inledd utredning", f"Anmälningar {year - 1}",
                 f"Unika individer {year - 1}"],
        rows=[cells(r, labels.get(r["target_group"], r["target_group"])) for r in statistics.summary],
        footer=cells(statistics.summary_totals, "Totalt"),
        note="Könsfördelningen räknas på unika individer. Totalen räknar varje individ en gång, även om hen "
             "förekommer i båda målgrupperna. Andelen ej inledd utredning räknas på anmälningar med beslutad "
             "förhandsbedömning.",
    )


def _count_table(title, first, rows, total_individuals=None, note="", report="") -> SimpleTable:
    footer = []
    if total_individuals is not None:
        footer = ["Totalt", _n(sum(r["events"] for r in rows)), _n(total_individuals)]
    return SimpleTable(title=title, headers=[first, "Antal", "Unika individer"],
                       rows=[[r["label"], _n(r["events"]), _n(r["individuals"])] for r in rows], footer=footer,
                       note=note, report=report)


def _gender_table(title, first, rows, total, report="") -> SimpleTable:
    def cells(row, label):
        return [label, _n(row["events"]), _n(row["events_female"]), _n(row["events_male"]),
                _n(row["events_unknown"]), _n(row["individuals"]), _n(row["female"]), _n(row["male"]),
                _n(row["unknown"])]

    return SimpleTable(
        title=title,
        headers=[first, "Antal", "varav flickor/kvinnor", "varav pojkar/män", "varav kön okänt", "Unika individer",
                 "varav flickor/kvinnor", "varav pojkar/män", "varav kön okänt"],
        rows=[cells(r, r["label"]) for r in rows], footer=cells(total, "Totalt"), report=report,
    )


def _month_table(statistics, year) -> SimpleTable:
    months = statistics.months
    return SimpleTable(
        title="Orosanmälningar månad för månad",
        headers=["Månad", f"Anmälningar {year}", f"Anmälningar {year - 1}", f"Unika individer {year}",
                 f"Unika individer {year - 1}"],
        rows=[[MONTHS[m["month"] - 1], _n(m["reports"]), _n(m["reports_last_year"]), _n(m["individuals"]),
               _n(m["individuals_last_year"])] for m in months],
        footer=["Totalt", _n(sum(m["reports"] for m in months)), _n(sum(m["reports_last_year"] for m in months)),
                "", ""],
        note="Unika individer räknas inom varje månad; en individ kan förekomma flera månader.",
    )


def month_chart(months: list[dict]) -> dict:
    """Bar geometry (SVG user units) for anmälningar per month, this year beside last year."""
    top = max([m["reports"] for m in months] + [m["reports_last_year"] for m in months] + [1])
    bars = []
    for i, m in enumerate(months):
        x = CHART_LEFT + i * CHART_GROUP
        for offset, value, key in ((0, m["reports_last_year"], "last"), (CHART_BAR, m["reports"], "this")):
            height = round(value * CHART_HEIGHT / top)
            bars.append({"x": x + offset, "y": 10 + CHART_HEIGHT - height, "height": height, "width": CHART_BAR - 1,
                         "kind": key, "value": value, "label": MONTHS[m["month"] - 1]})
    labels = [{"x": CHART_LEFT + i * CHART_GROUP + CHART_BAR, "text": MONTHS[m["month"] - 1][:3]}
              for i, m in enumerate(months)]
    return {"bars": bars, "labels": labels, "top": top, "width": CHART_LEFT + len(months) * CHART_GROUP + 10,
            "height": CHART_HEIGHT + 40, "axis_y": 10 + CHART_HEIGHT, "label_y": CHART_HEIGHT + 28}


def intake_statistics_page(request):
    user = request.user
    if not access.may_view_followup(user):
        raise Http404("Sidan finns inte.")
    year, month = period_from_request(request)
    units = access.followup_units_for_user(user)
    unit = unit_from_request(request, units)
    unit_id = unit.pk if unit else None
    statistics = stats.intake_statistics(user=user, year=year, through_month=month, unit_id=unit_id)
    audit_record(user=user, action=AccessAction.LIST, object_type="Statistik:anmalningar",
                 object_unit_ids=[unit_id] if unit_id else [],
                 criteria={"year": year, "month": month, "unit": unit_id})
    tables = [
        _summary_table(statistics, year),
        _count_table("Aktualiseringar per typ", "Typ", statistics.by_kind,
                     note="Bara orosanmälningar räknas som anmälningar; ansökan, information och eget initiativ "
                          "visas här för sig."),
        _count_table("Orosanmälningar per anmälare", "Anmälare", statistics.by_reporter,
                     statistics.summary_totals["individuals"], report="intakes_by_reporter"),
        _count_table("Orosanmälningar per oro", "Oron gäller", statistics.by_concern, report="intakes_by_concern",
                     note="En anmälan kan gälla flera slags oro och räknas då under var och en; kolumnerna "
                          "summerar därför inte till antalet anmälningar."),
        _count_table("Orosanmälningar per kanal", "Kanal", statistics.by_channel,
                     statistics.summary_totals["individuals"], report="intakes_by_channel"),
        _gender_table("Inledda utredningar per målgrupp och kön", "Målgrupp", statistics.investigations,
                      statistics.investigations_total),
        _gender_table("Beslut per lagrum och kön", "Lagrum", statistics.decisions, statistics.decisions_total,
                      report="decisions_by_law"),
    ]
    return render(request, "socialtjanst/statistics/intakes.html", {
        "year": year, "month": month, "unit_id": unit_id, "units": units,
        "months": list(enumerate(MONTHS, start=1)), "formats": FORMATS, "tables": tables,
        "month_table": _month_table(statistics, year), "chart": month_chart(statistics.months),
        "period_label": f"januari–{MONTHS[month - 1]} {year}" if month else f"helår {year}",
    })
