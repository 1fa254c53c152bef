"""The tertial package (issue 17 point 5): for a delår (January–August) or the year, one workbook with a
sheet per published table, and a PDF with the same tables and a chart of the result per verksamhet, each
table built by its registered report (common.reporting), so the package reads exactly as the report pages
and files do. A table the user may not see is left out; each table ends with the report's totals row."""

import io

from openpyxl import Workbook

from common import reporting
from common.errors import NotFound
from common.exports import sheet_title, write_sheet
from common.periods import MONTHS
from common.rounding import exact, round_half_away
from common.tables import format_value

# In the order the seeds publish them: driftsredovisning, volymuppföljning, placeringsdygn och à-pris, köp av
# verksamhet, nyckeltal per vårddygn, deadline KPIs and intake statistics.
TABLES = ("result_report", "cost_centres", "volume_followup", "placement_days", "purchases", "unit_costs",
          "deadlines", "intake_statistics")
DELAR_MONTH = 8
TOTAL_LABEL = "Totalt"
NOTHING_ALLOWED = "Du får inte se någon av tertialpaketets tabeller."


def tables_for(user) -> list[reporting.Report]:
    found = []
    for name in TABLES:
        try:
            report = reporting.get_report(name)
        except NotFound:  # a table another app has not registered is left out
            continue
        if report.allowed(user):
            found.append(report)
    return found


def tertial_workbook(*, user, year: int, through_month: int | None) -> bytes:
    """The package as .xlsx bytes: one sheet per table, the header in Swedish, the totals as the last row."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for report in tables_for(user):
        result = reporting.run_report(report, user=user, year=year, through_month=through_month)
        title = sheet_title(report.sheet or report.title)
        while title in used:
            title = sheet_title(title[:28] + " 2")
        used.add(title)
        ws = wb.create_sheet(title)
        rows = [[row.get(k) for k in report.keys] for row in result.rows]
        if result.totals:
            total = [result.totals.get(k) for k in report.keys]
            if total and total[0] in (None, ""):
                total[0] = TOTAL_LABEL
            rows.append(total)
        write_sheet(ws, [c.label for c in report.columns], rows, [c.kind for c in report.columns])
    if not wb.sheetnames:
        wb.create_sheet("Tom").append([NOTHING_ALLOWED])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- the PDF ---------------------------------------------------------------------------------

CHART_WIDTH, BAR_HEIGHT, LABEL_WIDTH = 520, 10, 170


def _period_label(year: int, through_month: int | None) -> str:
    return f"januari–{MONTHS[through_month - 1]} {year}" if through_month else f"helår {year}"


def result_chart(rows: list[dict]) -> dict:
    """Two bars per verksamhet, budget and utfall of the nettokostnad (as a positive cost), scaled to the widest."""
    values = [abs(r.get(k) or 0) for r in rows for k in ("result_budget", "result")]
    widest = max(values, default=0) or 1
    scale = exact(CHART_WIDTH - LABEL_WIDTH - 90) / exact(widest)
    bars = []
    for i, r in enumerate(rows):
        y = 10 + i * (2 * BAR_HEIGHT + 12)
        bars.append({
            "label": f"{r['cost_centre']} {r['cost_centre_name']}"[:32], "y": y, "label_y": y + BAR_HEIGHT + 3,
            "budget_width": round_half_away(abs(exact(r["result_budget"] or 0)) * scale, 1),
            "actual_width": round_half_away(abs(exact(r["result"] or 0)) * scale, 1),
            "actual_y": y + BAR_HEIGHT, "budget_text": format_value(abs(r["result_budget"] or 0), reporting.KR),
            "actual_text": format_value(abs(r["result"] or 0), reporting.KR),
        })
    return {"bars": bars, "width": CHART_WIDTH, "height": 20 + len(rows) * (2 * BAR_HEIGHT + 12),
            "x0": LABEL_WIDTH}


def tertial_html(*, user, year: int, through_month: int | None) -> str:
    """The package as one HTML document for print: a chart of the result, then every table with its totals."""
    from django.template.loader import render_to_string

    tables, chart = [], None
    for report in tables_for(user):
        result = reporting.run_report(report, user=user, year=year, through_month=through_month)
        def cells(values: dict, columns=report.columns) -> list[dict]:
            return [{"text": format_value(values.get(c.key), c.kind), "num": c.kind != reporting.TEXT}
                    for c in columns]

        rows = [cells(row) for row in result.rows]
        total = cells(result.totals) if result.totals else None
        if total and not total[0]["text"]:
            total[0]["text"] = TOTAL_LABEL
        tables.append({"title": report.title, "labels": [c.label for c in report.columns], "rows": rows,
                       "total": total})
        if report.name == "result_report":
            chart = result_chart(result.rows)
    return render_to_string("budget/ledger_tertial_pdf.html", {
        "tables": tables, "chart": chart, "period_label": _period_label(year, through_month)})


def _fetch_nothing(url, *args, **kwargs):
    raise ValueError(f"Tertialpaketet hämtar inte {url}")


def tertial_pdf(*, user, year: int, through_month: int | None) -> bytes:
    """The package as PDF (WeasyPrint, imported late: it loads Pango, which only printing needs). The document
    carries its own style and fetches nothing."""
    from weasyprint import HTML

    html = tertial_html(user=user, year=year, through_month=through_month)
    return HTML(string=html, base_url="/", url_fetcher=_fetch_nothing).write_pdf()
