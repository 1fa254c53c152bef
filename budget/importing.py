"""Import of budgets exactly as shared/formats.md ('Budget: import_budget') specifies.

One row per year and cost centre, optionally per care type; the key is (år, verksamhet, vårdform).
The common import rules are the placements import's: the same file reading (.xlsx, or .csv in
UTF-8 with or without BOM, `;` or `,`), the same header matching (case and å/ä/ö do not matter)
and the same error format naming the row (the header is row 1), the column and the reason.

All or nothing: any invalid row imports nothing. Idempotent: a budget that already matches its row
is not written, so neither `version` nor `updated_at` moves on a second import of the same file.
Budgets in the database that the file does not mention are left as they are.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction

from placements.importing import ERROR, REQUIRED, PlacementImportError, _read_rows, _text, normalise_header
from placements.models import CareType

from .models import Budget, CostCentre, VolumeUnit

COLUMNS = ["år", "verksamhet", "verksamhet_namn", "vårdform", "belopp", "volym", "volymenhet"]
REQUIRED_COLUMNS = ["år", "verksamhet", "belopp"]

YEAR_MIN, YEAR_MAX = 2000, 2100  # the model's constraint budget_year_range
CODE_MAX_LENGTH = CostCentre._meta.get_field("code").max_length
NAME_MAX_LENGTH = CostCentre._meta.get_field("name").max_length

MISSING_COLUMN = "Kolumnen '{column}' saknas i filen."
EMPTY_FILE = "Filen innehåller inga rader."
BAD_YEAR = "ogiltigt år '{value}' (skriv ÅÅÅÅ)."
YEAR_OUT_OF_RANGE = f"året {{value}} ligger utanför {YEAR_MIN}–{YEAR_MAX}."
BAD_NUMBER = "ogiltigt tal '{value}'."
NEGATIVE_AMOUNT = "beloppet får inte vara negativt."
TOO_LARGE = "talet '{value}' är för stort."
TOO_MANY_DECIMALS = "högst två decimaler ('{value}')."
VOLUME_NOT_POSITIVE = "volymen måste vara större än 0."
VOLUME_WITHOUT_UNIT = "volym är angiven men volymenhet saknas."
UNIT_WITHOUT_VOLUME = "volymenhet är angiven men volym saknas."
BAD_UNIT = "okänd volymenhet '{value}' (ange årsplacering, dygn, dagar, hushåll eller inflöde)."
BAD_CARE_TYPE = "okänd vårdform '{value}'."
CODE_TOO_LONG = f"verksamhetskoden får vara högst {CODE_MAX_LENGTH} tecken."
NAME_TOO_LONG = f"namnet får vara högst {NAME_MAX_LENGTH} tecken."
DUPLICATE_KEY = "samma år, verksamhet och vårdform som rad {first}."

# Field limits of Budget.amount (14, 2) and Budget.volume (12, 2).
AMOUNT_MAX = Decimal("1e12")
VOLUME_MAX = Decimal("1e10")

_KEYS = {normalise_header(c): c for c in COLUMNS}
# Volume units as written in a file: the stored value, its plural, with or without å/ä/ö.
_UNITS = {normalise_header(v): v for v in VolumeUnit.values}
_UNITS.update({normalise_header("årsplaceringar"): VolumeUnit.PLACEMENT_YEARS, "dag": VolumeUnit.DAYS})


class BudgetImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


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

    @property
    def key(self) -> tuple[int, str, int | None]:
        return self.year, self.cost_centre_code, self.care_type.pk if self.care_type else None


def parse_number(value) -> Decimal:
    """'1 234 567,50', '1234567.5', 1234567.5 (xlsx) → Decimal; signed, so the caller can say why it is wrong."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    raw = re.sub(r"[\s\u00a0\u202f]", "", _text(value)).replace(",", ".").replace("\u2212", "-")
    try:
        result = Decimal(raw)
    except InvalidOperation:
        raise ValueError(BAD_NUMBER.format(value=_text(value))) from None
    if not result.is_finite():
        raise ValueError(BAD_NUMBER.format(value=_text(value)))
    return result


def _check_size(number: Decimal, limit: Decimal, raw) -> None:
    if abs(number) >= limit:
        raise ValueError(TOO_LARGE.format(value=_text(raw)))
    if number != number.quantize(Decimal("0.01")):
        raise ValueError(TOO_MANY_DECIMALS.format(value=_text(raw)))


def _parse_row(number: int, values: dict, care_types: dict[str, CareType], errors: list[str]) -> BudgetRow | None:
    before = len(errors)

    def err(column, reason):
        errors.append(ERROR.format(row=number, column=column, reason=reason))

    for column in REQUIRED_COLUMNS:
        if not _text(values.get(column)):
            err(column, REQUIRED)

    year = None
    if _text(values.get("år")):
        raw = _text(values["år"])
        if not re.fullmatch(r"[0-9]{1,6}", raw):
            err("år", BAD_YEAR.format(value=raw))
        elif not YEAR_MIN <= int(raw) <= YEAR_MAX:
            err("år", YEAR_OUT_OF_RANGE.format(value=raw))
        else:
            year = int(raw)

    code = _text(values.get("verksamhet"))
    if len(code) > CODE_MAX_LENGTH:
        err("verksamhet", CODE_TOO_LONG)
    name = _text(values.get("verksamhet_namn"))
    if len(name) > NAME_MAX_LENGTH:
        err("verksamhet_namn", NAME_TOO_LONG)

    care_type = None
    if _text(values.get("vårdform")):
        care_type = care_types.get(_text(values["vårdform"]).upper())
        if care_type is None:
            err("vårdform", BAD_CARE_TYPE.format(value=_text(values["vårdform"])))

    amount = None
    if _text(values.get("belopp")):
        try:
            amount = parse_number(values["belopp"])
            if amount < 0:
                raise ValueError(NEGATIVE_AMOUNT)
            _check_size(amount, AMOUNT_MAX, values["belopp"])
        except ValueError as exc:
            err("belopp", str(exc))

    volume = None
    has_volume = bool(_text(values.get("volym")))
    if has_volume:
        try:
            volume = parse_number(values["volym"])
            if volume <= 0:
                raise ValueError(VOLUME_NOT_POSITIVE)
            _check_size(volume, VOLUME_MAX, values["volym"])
        except ValueError as exc:
            err("volym", str(exc))

    unit = ""
    raw_unit = _text(values.get("volymenhet"))
    if raw_unit:
        unit = _UNITS.get(normalise_header(raw_unit), "")
        if not unit:
            err("volymenhet", BAD_UNIT.format(value=raw_unit))
    if has_volume and not raw_unit:
        err("volymenhet", VOLUME_WITHOUT_UNIT)
    if raw_unit and not has_volume:
        err("volym", UNIT_WITHOUT_VOLUME)

    if len(errors) > before:
        return None
    return BudgetRow(number=number, year=year, cost_centre_code=code, cost_centre_name=name, care_type=care_type,
                     amount=amount, volume=volume, volume_unit=unit)


def parse_budget_file(content: bytes, filename: str) -> list[BudgetRow]:
    """Reads and validates the whole file; returns its rows or raises BudgetImportError with every error."""
    try:
        raw_rows = _read_rows(content, filename)
    except PlacementImportError as exc:
        raise BudgetImportError(exc.errors) from None
    numbered = [(n, r) for n, r in enumerate(raw_rows, start=1) if any(_text(c) for c in r)]
    if len(numbered) < 2:
        raise BudgetImportError([EMPTY_FILE])
    header = [_KEYS.get(normalise_header(h)) for h in numbered[0][1]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise BudgetImportError([MISSING_COLUMN.format(column=c) for c in missing])
    care_types = {ct.code.upper(): ct for ct in CareType.objects.all()}
    errors: list[str] = []
    rows: list[BudgetRow] = []
    first_of_key: dict[tuple, int] = {}
    for number, raw in numbered[1:]:
        values = {key: raw[i] if i < len(raw) else None for i, key in enumerate(header) if key}
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
    return summary
