"""Import of budgets in the format agreed in the project's shared specification ('Budget: import_budget').

One row per year and cost centre, optionally per care type; the key is (år, verksamhet, vårdform).
The common import rules are the placements import's, from placements.import_files: the same file
reading (.xlsx, or .csv in UTF-8 with or without BOM, `;` or `,`), the same header matching (case and
å/ä/ö do not matter), the same reading of text and numbers against the model field they are stored in,
and the same error format naming the row (the header is row 1), the column and the reason.

All or nothing: any invalid row imports nothing. Idempotent: a budget that already matches its row
is not written, so neither `version` nor `updated_at` moves on a second import of the same file.
Budgets in the database that the file does not mention are left as they are.

Optional `intäkter` and `kostnader` (issue 17, additive): the row's budget on the ledger's lines, both
positive kr with belopp = kostnader − intäkter; summed per year and verksamhet into budget.models.LedgerBudget
(month 0), which the ledger's result_report compares with the ledger outcome line by line.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from placements.days import YEAR_MAX, YEAR_MIN  # also the model's constraint budget_year_range
from placements.import_files import (
    BAD_CARE_TYPE,
    BAD_NUMBER,
    EMPTY_FILE,
    ERROR,
    MISSING_COLUMN,
    NEGATIVE_AMOUNT,
    REQUIRED,
    TOO_LARGE,
    TOO_LONG,
    TOO_MANY_DECIMALS,
    UNREADABLE,
    ImportFileError,
    care_types_by_code,
    check_fits,
    normalise_header,
    parse_amount,
    parse_care_type,
    parse_number,
    parse_text,
    read_table,
    text,
)
from placements.models import CareType

from .models import Budget, CostCentre, LedgerBudget, VolumeUnit

__all__ = [
    "COLUMNS", "REQUIRED_COLUMNS", "YEAR_MIN", "YEAR_MAX", "BudgetImportError", "BudgetImportSummary", "BudgetRow",
    "parse_budget_file", "import_budget",
    # Every message this import reports, the ones shared with the placements import included.
    "MISSING_COLUMN", "EMPTY_FILE", "UNREADABLE", "ERROR", "REQUIRED", "BAD_YEAR", "YEAR_OUT_OF_RANGE", "BAD_NUMBER",
    "NEGATIVE_AMOUNT", "TOO_LARGE", "TOO_MANY_DECIMALS", "TOO_LONG", "BAD_CARE_TYPE", "VOLUME_NOT_POSITIVE",
    "VOLUME_WITHOUT_UNIT", "UNIT_WITHOUT_VOLUME", "BAD_UNIT", "DUPLICATE_KEY", "LINES_BOTH", "LINES_NOT_NET",
]

COLUMNS = ["år", "verksamhet", "verksamhet_namn", "vårdform", "belopp", "volym", "volymenhet", "intäkter",
           "kostnader"]
REQUIRED_COLUMNS = ["år", "verksamhet", "belopp"]

CODE_FIELD = CostCentre._meta.get_field("code")
NAME_FIELD = CostCentre._meta.get_field("name")
AMOUNT_FIELD = Budget._meta.get_field("amount")
VOLUME_FIELD = Budget._meta.get_field("volume")

BAD_YEAR = "ogiltigt år '{value}' (skriv ÅÅÅÅ)."
YEAR_OUT_OF_RANGE = f"året {{value}} ligger utanför {YEAR_MIN}–{YEAR_MAX}."
VOLUME_NOT_POSITIVE = "volymen måste vara större än 0."
VOLUME_WITHOUT_UNIT = "volym är angiven men volymenhet saknas."
UNIT_WITHOUT_VOLUME = "volymenhet är angiven men volym saknas."
BAD_UNIT = "okänd volymenhet '{value}' (ange årsplacering, dygn, dagar, hushåll eller inflöde)."
DUPLICATE_KEY = "samma år, verksamhet och vårdform som rad {first}."
LINES_BOTH = "ange både intäkter och kostnader, eller ingen av dem."
LINES_NOT_NET = "belopp ska vara kostnader − intäkter ({net})."

# Volume units as written in a file: the stored value, its plural, with or without å/ä/ö.
_UNITS = {normalise_header(v): v for v in VolumeUnit.values}
_UNITS.update({normalise_header("årsplaceringar"): VolumeUnit.PLACEMENT_YEARS, "dag": VolumeUnit.DAYS})


class BudgetImportError(ImportFileError):
    pass


@dataclass
class BudgetImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cost_centres_created: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        lines = [f"{self.created} budgetrader skapade, {self.updated} ändrade, {self.unchanged} oförändrade."]
        if self.cost_centres_created:
            lines.append("Nya verksamheter skapade: " + ", ".join(self.cost_centres_created) + ".")
        return lines


@dataclass(frozen=True)
class BudgetRow:
    number: int
    year: int
    cost_centre_code: str
    cost_centre_name: str
    care_type: CareType | None
    amount: Decimal
    volume: Decimal | None
    volume_unit: str
    revenue: Decimal | None = None
    cost: Decimal | None = None

    @property
    def key(self) -> tuple[int, str, int | None]:
        return self.year, self.cost_centre_code, self.care_type.pk if self.care_type else None


def _parse_row(number: int, values: dict, care_types: dict[str, CareType], errors: list[str]) -> BudgetRow | None:
    before = len(errors)

    def err(column, reason):
        errors.append(ERROR.format(row=number, column=column, reason=reason))

    for column in REQUIRED_COLUMNS:
        if not text(values.get(column)):
            err(column, REQUIRED)

    year = None
    if text(values.get("år")):
        raw = text(values["år"])
        if not re.fullmatch(r"[0-9]{1,6}", raw):
            err("år", BAD_YEAR.format(value=raw))
        elif not YEAR_MIN <= int(raw) <= YEAR_MAX:
            err("år", YEAR_OUT_OF_RANGE.format(value=raw))
        else:
            year = int(raw)

    code = name = ""
    try:
        code = parse_text(values.get("verksamhet"), CODE_FIELD)
    except ValueError as exc:
        err("verksamhet", str(exc))
    try:
        name = parse_text(values.get("verksamhet_namn"), NAME_FIELD)
    except ValueError as exc:
        err("verksamhet_namn", str(exc))

    care_type = None
    if text(values.get("vårdform")):
        try:
            care_type = parse_care_type(values["vårdform"], care_types)
        except ValueError as exc:
            err("vårdform", str(exc))

    amount = None
    if text(values.get("belopp")):
        try:
            amount = parse_amount(values["belopp"], AMOUNT_FIELD)
        except ValueError as exc:
            err("belopp", str(exc))

    volume = None
    has_volume = bool(text(values.get("volym")))
    if has_volume:
        try:
            volume = parse_number(values["volym"])
            if volume <= 0:
                raise ValueError(VOLUME_NOT_POSITIVE)
            check_fits(volume, VOLUME_FIELD, values["volym"])
        except ValueError as exc:
            err("volym", str(exc))

    unit = ""
    raw_unit = text(values.get("volymenhet"))
    if raw_unit:
        unit = _UNITS.get(normalise_header(raw_unit), "")
        if not unit:
            err("volymenhet", BAD_UNIT.format(value=raw_unit))
    if has_volume and not raw_unit:
        err("volymenhet", VOLUME_WITHOUT_UNIT)
    if raw_unit and not has_volume:
        err("volym", UNIT_WITHOUT_VOLUME)

    revenue, cost = _lines(values, amount, err)
    if len(errors) > before:
        return None
    return BudgetRow(number=number, year=year, cost_centre_code=code, cost_centre_name=name, care_type=care_type,
                     amount=amount, volume=volume, volume_unit=unit, revenue=revenue, cost=cost)


def _lines(values: dict, amount: Decimal | None, err) -> tuple[Decimal | None, Decimal | None]:
    """The optional intäkter and kostnader of a row: both or neither, and belopp their net."""
    given = {c: text(values.get(c)) for c in ("intäkter", "kostnader")}
    if not any(given.values()):
        return None, None
    parsed = {}
    for column, raw in given.items():
        if not raw:
            err(column, LINES_BOTH)
            continue
        try:
            parsed[column] = parse_amount(values[column], AMOUNT_FIELD)
        except ValueError as exc:
            err(column, str(exc))
    if len(parsed) < 2:
        return None, None
    net = parsed["kostnader"] - parsed["intäkter"]
    if amount is not None and amount != net:
        err("belopp", LINES_NOT_NET.format(net=format(net, "f")))
        return None, None
    return parsed["intäkter"], parsed["kostnader"]


def parse_budget_file(content: bytes, filename: str) -> list[BudgetRow]:
    """Reads and validates the whole file; returns its rows or raises BudgetImportError with every error."""
    try:
        table = read_table(content, filename, COLUMNS, REQUIRED_COLUMNS)
    except ImportFileError as exc:
        raise BudgetImportError(exc.errors) from None
    care_types = care_types_by_code()
    errors: list[str] = []
    rows: list[BudgetRow] = []
    first_of_key: dict[tuple, int] = {}
    for number, values in table:
        row = _parse_row(number, values, care_types, errors)
        if row is None:
            continue
        if row.key in first_of_key:
            errors.append(ERROR.format(row=number, column="vårdform" if row.care_type else "verksamhet",
                                       reason=DUPLICATE_KEY.format(first=first_of_key[row.key])))
            continue
        first_of_key[row.key] = number
        rows.append(row)
    if errors:
        raise BudgetImportError(errors)
    return rows


def _differs(budget: Budget, row: BudgetRow) -> bool:
    return (budget.amount != row.amount or budget.volume != row.volume
            or budget.volume_unit != row.volume_unit)


@transaction.atomic
def import_budget(*, by=None, content: bytes, filename: str) -> BudgetImportSummary:
    """Imports the whole file in one transaction, or nothing (BudgetImportError with every error).

    Upsert on (år, verksamhet, vårdform): a new key creates a budget; a changed amount or volume
    updates it and raises its version (so an edit form opened before the import is stale); an equal
    row writes nothing. An unknown cost centre code is created with verksamhet_namn (or the code)."""
    rows = parse_budget_file(content, filename)
    summary = BudgetImportSummary()
    by = by if by is not None and by.is_authenticated else None
    centres = {c.code: c for c in CostCentre.objects.select_for_update()}
    new_names: dict[str, str] = {}
    for row in rows:
        if row.cost_centre_code not in centres and not new_names.get(row.cost_centre_code):
            new_names[row.cost_centre_code] = row.cost_centre_name
    for code, name in new_names.items():
        centres[code] = CostCentre.objects.create(code=code, name=name or code)
        summary.cost_centres_created.append(code)
    years = {row.year for row in rows}
    existing = {(b.year, b.cost_centre.code, b.care_type_id): b
                for b in Budget.objects.select_for_update(of=("self",)).select_related("cost_centre").order_by("pk")
                .filter(year__in=years)}
    for row in rows:
        budget = existing.get(row.key)
        if budget is None:
            Budget.objects.create(year=row.year, cost_centre=centres[row.cost_centre_code], care_type=row.care_type,
                                  amount=row.amount, volume=row.volume, volume_unit=row.volume_unit, updated_by=by)
            summary.created += 1
        elif _differs(budget, row):
            budget.amount, budget.volume, budget.volume_unit = row.amount, row.volume, row.volume_unit
            budget.version += 1
            budget.updated_by = by
            budget.save(update_fields=["amount", "volume", "volume_unit", "version", "updated_by", "updated_at"])
            summary.updated += 1
        else:
            summary.unchanged += 1
    _write_lines(rows, centres)
    return summary


def _write_lines(rows: list[BudgetRow], centres: dict) -> None:
    """The year's budget on the ledger's lines (LedgerBudget month 0) for each year and verksamhet whose rows
    carry intäkter and kostnader, summed over care types."""
    sums: dict[tuple[int, str], list[Decimal]] = {}
    for row in rows:
        if row.revenue is None:
            continue
        pair = sums.setdefault((row.year, row.cost_centre_code), [Decimal(0), Decimal(0)])
        pair[0] += row.revenue
        pair[1] += row.cost
    for (year, code), (revenue, cost) in sums.items():
        LedgerBudget.objects.update_or_create(year=year, month=0, cost_centre=centres[code],
                                              defaults={"revenue": revenue, "cost": cost})
