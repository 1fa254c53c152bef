"""CSV and Excel downloads. Every text cell that a spreadsheet would read as a
formula (starting with = + - @, or a tab/CR) is prefixed with an apostrophe.

An Excel file is what a controller opens, so it reads as Swedish (issue 14): one header row of
Swedish labels, a sheet named after the document, amounts and shares as numbers with a number
format, dates as real date cells. Number formats are stored in Excel's locale-neutral notation
('#,##0.00', '0.0%'): Swedish Excel shows them as 1 234,50 and 12,5 %. Ids and years stay plain
integers in the General format, so they are never grouped.
"""

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Cell kinds, shared with common.reporting's column kinds. KR is whole kronor as the reports show them
# (the cell keeps the öre); ORE shows the öre, as the placement and invoice pages do.
TEXT, INT, KR, DECIMAL, PERCENT, DATE, ORE = "text", "int", "kr", "decimal", "percent", "date", "ore"
NUMBER_FORMATS = {
    KR: "#,##0",
    ORE: "#,##0.00",
    INT: "#,##0",
    DECIMAL: "#,##0.0#",
    PERCENT: "0.0%",  # shares are stored as fractions: 0.125 shows as 12,5 %
    DATE: "yyyy-mm-dd",
}
SHEET_TITLE_MAX = 31
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def sheet_title(title: str) -> str:
    """A name Excel accepts: at most 31 characters, none of []:*?/\\."""
    cleaned = " ".join(SHEET_TITLE_FORBIDDEN.sub(" ", title).split())
    return (cleaned[:SHEET_TITLE_MAX].rstrip() or "Export")


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    buf = io.StringIO()
    buf.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
    writer = csv.writer(buf, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _kind_of(value) -> str:
    """The kind of a cell when the caller names none: money in this project is Decimal, ids and counts int."""
    if isinstance(value, Decimal):
        return ORE
    if isinstance(value, datetime.date) or (isinstance(value, str) and ISO_DATE.match(value)):
        return DATE
    return TEXT


def xlsx_cell(value, kind: str | None = None):
    """(value, number format or None) for one cell of `kind` (inferred from the value when None)."""
    if isinstance(value, Promise):
        value = str(value)  # a lazy Swedish label (gettext_lazy)
    if value is None or value == "":
        return None, None
    kind = kind or _kind_of(value)
    if kind == DATE:
        if isinstance(value, str):
            if not ISO_DATE.match(value):
                return safe_cell(value), None  # e.g. "ej verkställd" in a date column
            value = datetime.date.fromisoformat(value)
        if isinstance(value, datetime.datetime):
            value = value.replace(tzinfo=None)
        return value, NUMBER_FORMATS[DATE]
    if kind in (KR, ORE, INT, DECIMAL, PERCENT) and isinstance(value, int | float | Decimal) \
            and not isinstance(value, bool):
        # Excel keeps 15 significant digits either way; öre amounts are exact as doubles far past any budget.
        return (float(value) if isinstance(value, Decimal) else value), NUMBER_FORMATS[kind]
    return safe_cell(value), None


def write_sheet(ws, header: Sequence[str], rows: Iterable[Sequence], kinds: Sequence[str | None] | None = None):
    """One bold Swedish header row, then the rows with their number formats; the header row stays in view."""
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    # The row is counted here and its cells reached one by one: ws.max_row and ws[row] walk every cell written so
    # far, which made a sheet of n rows cost n² (the deadline drill-down's 3 500 misses of one month took 26 s).
    for row_number, row in enumerate(rows, start=2):
        values, formats = [], []
        for i, value in enumerate(row):
            kind = kinds[i] if kinds is not None and i < len(kinds) else None
            shown, number_format = xlsx_cell(value, kind)
            values.append(shown)
            formats.append(number_format)
        ws.append(values)
        for column, number_format in enumerate(formats, start=1):
            if number_format:
                ws.cell(row=row_number, column=column).number_format = number_format
    for i, label in enumerate(header, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(10, min(len(str(label)) + 2, 40))


def xlsx_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence],
               kinds: Sequence[str | None] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(title)
    write_sheet(ws, header, rows, kinds)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence], *, title: str | None = None,
                  kinds: Sequence[str | None] | None = None) -> HttpResponse:
    """`title` names the sheet (Swedish, cut to Excel's 31 characters; else the file's name); `kinds` (TEXT,
    INT, KR, DECIMAL, PERCENT, DATE per column) gives number formats, else a Decimal is kr and an ISO date a
    date."""
    title = title or filename.rsplit(".", 1)[0].replace("_", " ").replace("-", " ")
    response = HttpResponse(xlsx_bytes(title, header, rows, kinds), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
