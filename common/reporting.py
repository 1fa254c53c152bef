"""One registry for every report of shared/formats.md ('Report exports').

Each app registers its reports here (placements and budget may import socialtjanst, never
the other way), and one set of functions turns a report's result into the page table, the
JSON document and the CSV / XLSX downloads, so the documented keys are written in one place:
the report's `columns`.

A report's `build(user=..., year=..., through_month=..., **params)` returns rows and totals
as dicts keyed by the documented keys. `user=None` means the management command, which
runs with the whole municipality in scope; every page passes the logged-in user and the
report scopes its data through socialtjanst.access.
"""

import csv
import datetime
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook

from common.errors import NotFound

# Column kinds decide how a value is shown on screen and written to a file; the reports import them from here.
from common.exports import DATE, DECIMAL, INT, KR, PERCENT, TEXT, safe_cell, sheet_title, write_sheet  # noqa: F401

TOTALS_SHEET = "Summa"
FORMATS = ("json", "csv", "xlsx")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT


@dataclass
class ReportResult:
    rows: list[dict]
    totals: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    columns: tuple[Column, ...]
    build: Callable[..., ReportResult]
    # Who may open the page and download it; the command runs without a user.
    allowed: Callable[[object], bool]
    description: str = ""
    # The Excel sheet's name where the title is longer than Excel's 31 characters.
    sheet: str = ""
    # The page and downloads take ?unit= (one of the user's follow-up units) and pass build(unit_id=...).
    unit_scoped: bool = False

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]


_REGISTRY: dict[str, Report] = {}


def register(report: Report) -> Report:
    if report.name in _REGISTRY and _REGISTRY[report.name] is not report:
        raise ValueError(f"Rapporten {report.name} är redan registrerad.")
    _REGISTRY[report.name] = report
    return report


def get_report(name: str) -> Report:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise NotFound("Rapporten finns inte.") from None


def report_title(name: str) -> str:
    """The report's Swedish title, or its name if no report of that name is registered (an old log row)."""
    report = _REGISTRY.get(name)
    return report.title if report else name


def all_reports() -> list[Report]:
    return sorted(_REGISTRY.values(), key=lambda r: r.name)


def run_report(report: Report, *, user, year: int, through_month: int | None, **params) -> ReportResult:
    if through_month is not None and not 1 <= through_month <= 12:
        raise ValueError("Månaden ska vara 1–12.")
    return report.build(user=user, year=year, through_month=through_month, **params)


# --- serialising ---------------------------------------------------------------

def _plain(value):
    """JSON value: amounts as numbers in kr, not rounded; dates as ISO strings."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    return value


def json_document(report: Report, result: ReportResult, *, year: int, through_month: int | None) -> dict:
    keys = report.keys
    return {
        "report": report.name,
        "year": year,
        "through_month": through_month,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "rows": [{k: _plain(row.get(k)) for k in keys} for row in result.rows],
        "totals": {k: _plain(v) for k, v in result.totals.items() if k in keys},
    }


def _csv_value(value):
    # Swedish Excel opens ';'-separated files with decimal commas directly; BI tools are told so in docs/reports.md.
    if isinstance(value, Decimal | float):
        return format(value, "f").replace(".", ",")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else safe_cell(value)


def csv_bytes(report: Report, result: ReportResult) -> bytes:
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, delimiter=";")
    writer.writerow(report.keys)
    for row in result.rows:
        writer.writerow([_csv_value(row.get(k)) for k in report.keys])
    return buf.getvalue().encode("utf-8")


def xlsx_bytes(report: Report, result: ReportResult) -> bytes:
    """What a controller opens (issue 14): a sheet named after the report with one row of Swedish labels, the
    rows with number formats (kr, %, dates as dates), and the totals on a sheet of their own under the same
    labels, so a BI tool reading the first sheet never counts the totals twice. The keys are in JSON and CSV."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(report.sheet or report.title)
    labels = [c.label for c in report.columns]
    kinds = [c.kind for c in report.columns]
    write_sheet(ws, labels, ([row.get(k) for k in report.keys] for row in result.rows), kinds)
    totals = wb.create_sheet(TOTALS_SHEET)
    write_sheet(totals, labels, [[result.totals.get(k) for k in report.keys]], kinds)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def render_bytes(report: Report, result: ReportResult, fmt: str, *, year: int, through_month: int | None) -> bytes:
    if fmt == "json":
        doc = json_document(report, result, year=year, through_month=through_month)
        return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
    if fmt == "csv":
        return csv_bytes(report, result)
    if fmt == "xlsx":
        return xlsx_bytes(report, result)
    raise NotFound("Okänt exportformat.")


def download_response(report: Report, result: ReportResult, fmt: str, *, year: int,
                      through_month: int | None) -> HttpResponse:
    body = render_bytes(report, result, fmt, year=year, through_month=through_month)
    suffix = f"{year}-{through_month:02d}" if through_month else f"{year}"
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{report.name}_{suffix}.{fmt}"'
    return response
