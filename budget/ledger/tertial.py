"""The tertial package (issue 17 point 5): for a delår (January–August) or the year, one workbook with a
sheet per published table, each built by its registered report (common.reporting), so the package reads
exactly as the report pages and files do. A table the user may not see is left out; each sheet ends with the
report's totals row."""

import io

from openpyxl import Workbook

from common import reporting
from common.errors import NotFound
from common.exports import sheet_title, write_sheet

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
