"""Import of placements in the format agreed in the project's shared specification.

One row per price period; rows with the same placerings_id are one placement. All or
nothing: any invalid row imports nothing and every error names the row (as the
spreadsheet numbers it: the header is row 1, and an empty row keeps its number) and the column.
Idempotent: keyed on placerings_id, a placement or price list that already matches the file is not
touched. Reading the file and its cells is placements.import_files, shared with the budget import; writing
it, in sets, is placements.import_writing.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from common.date_window import validate_rollup_date
from socialtjanst.identity import parse_id_number
from socialtjanst.models import LegalBasis, Unit

from .import_files import (
    ERROR,
    REQUIRED,
    ImportFileError,
    care_types_by_code,
    check_fits,
    parse_amount,
    parse_care_type,
    parse_text,
    read_table,
    text,
)
from .import_writing import (  # noqa: F401  (the import's messages and result, read by callers and tests)
    DB_ERROR,
    UNKNOWN_NAME,
    UNKNOWN_PROVIDER_CODE,
    ImportSummary,
    PlacementImportError,
    RowByRow,
    write_in_sets,
    write_row_by_row,
)
from .models import CareType, Placement, PricePeriod, PricingUnit, Provider, Regime, normalise_org_number

COLUMNS = ["placerings_id", "personnummer", "kön", "enhet", "vårdform", "utförare", "utförare_namn", "verksamhet",
           "lagrum", "startdatum", "slutdatum", "pris_från", "dygnspris", "månadsbelopp", "arvode", "omkostnad"]
REQUIRED_COLUMNS = ["placerings_id", "personnummer", "enhet", "vårdform", "lagrum", "startdatum"]
PLACEMENT_COLUMNS = ["personnummer", "enhet", "vårdform", "utförare", "lagrum", "startdatum", "slutdatum",
                     "verksamhet"]
# The model field each text and amount column is stored in: a cell must fit it.
TEXT_FIELDS = {"placerings_id": Placement._meta.get_field("external_id"), "enhet": Unit._meta.get_field("code"),
               "utförare_namn": Provider._meta.get_field("name"),
               "verksamhet": Placement._meta.get_field("cost_centre")}
AMOUNT_COLUMNS = {"dygnspris": ("daily", PricePeriod._meta.get_field("daily_price")),
                  "månadsbelopp": ("monthly", PricePeriod._meta.get_field("monthly_amount")),
                  "arvode": ("fee", PricePeriod._meta.get_field("fee")),
                  "omkostnad": ("expenses", PricePeriod._meta.get_field("expenses"))}

BAD_DATE = "ogiltigt datum '{value}' (skriv ÅÅÅÅ-MM-DD)."
BAD_GENDER = "ange K, M eller lämna tomt."
BAD_LEGAL_BASIS = "ange SoL, LVU, LVM eller LSB."
LVU_GROUND = re.compile(r"LVU\s*([23])\s*§?", re.IGNORECASE)  # the ground, Placement.lvu_ground
PROVIDER_REQUIRED = "vårdformen är köpt: ange utförarens organisationsnummer eller kod."
END_BEFORE_START = "slutdatum är före startdatum."
PRICE_BEFORE_START = "priset gäller från före startdatum."
DAILY_REQUIRED = "vårdformen prissätts per dygn eller dag: ange dygnspris."
MONTHLY_REQUIRED = "vårdformen prissätts per månad: ange månadsbelopp (eller arvode och omkostnad)."
PARTS_MISMATCH = "månadsbelopp är inte summan av arvode och omkostnad."
DIFFERS = "skiljer sig från rad {first} med samma placerings_id."
DUPLICATE_PRICE_FROM = "samma pris_från som rad {first}."


# --- reading ---------------------------------------------------------------------


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(text(value))
    except ValueError:
        raise ValueError(BAD_DATE.format(value=text(value))) from None


# --- validating ------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    values: dict
    parsed: dict = field(default_factory=dict)


def _validate_row(row: _Row, care_types: dict[str, CareType], errors: list[str]) -> None:
    v, p = row.values, row.parsed

    def err(column, reason):
        errors.append(ERROR.format(row=row.number, column=column, reason=reason))

    def checked_text(column):
        try:
            return parse_text(v.get(column), TEXT_FIELDS[column])
        except ValueError as exc:
            err(column, str(exc))
            return text(v.get(column))

    for column in REQUIRED_COLUMNS:
        if not text(v.get(column)):
            err(column, REQUIRED)
    p["external_id"] = checked_text("placerings_id")
    if text(v.get("personnummer")):
        try:
            p["id"] = parse_id_number(text(v["personnummer"]))
        except ValidationError as exc:
            err("personnummer", exc.messages[0])
    gender = text(v.get("kön")).upper()
    if gender not in ("", "K", "M"):
        err("kön", BAD_GENDER)
    p["gender"] = {"K": "kvinna", "M": "man"}.get(gender)
    p["unit"] = checked_text("enhet")
    care_type = None
    if text(v.get("vårdform")):
        try:
            care_type = parse_care_type(v["vårdform"], care_types)
        except ValueError as exc:
            err("vårdform", str(exc))
    p["care_type"] = care_type
    p["provider"] = text(v.get("utförare"))
    p["provider_name"] = checked_text("utförare_namn")
    if care_type and care_type.regime == Regime.BOUGHT and not p["provider"]:
        err("utförare", PROVIDER_REQUIRED)
    if p["provider"] and re.fullmatch(r"[0-9]{6}-?[0-9]{4}", p["provider"]):
        try:
            p["provider"] = normalise_org_number(p["provider"])
        except ValidationError as exc:
            err("utförare", exc.messages[0])
    p["cost_centre"] = checked_text("verksamhet")
    legal = text(v.get("lagrum"))
    # "LVU 3 §" (or "LVU 3") also states the LVU ground; plain "LVU" leaves a stored ground as it is.
    ground = LVU_GROUND.fullmatch(legal)
    if ground:
        legal = "LVU"
    matches = [c for c in LegalBasis.values if c.lower() == legal.lower()]
    if legal and not matches:
        err("lagrum", BAD_LEGAL_BASIS)
    p["legal_basis"] = matches[0] if matches else None
    p["lvu_ground"] = ground.group(1) if ground else None
    for column, key in (("startdatum", "start_on"), ("slutdatum", "end_on"), ("pris_från", "price_from")):
        p[key] = None
        if text(v.get(column)):
            try:
                p[key] = _date(v[column])
                validate_rollup_date(p[key])
            except ValueError as exc:
                err(column, str(exc))
            except ValidationError as exc:
                p[key] = None
                err(column, exc.messages[0])
    if p["start_on"] and p["end_on"] and p["end_on"] < p["start_on"]:
        err("slutdatum", END_BEFORE_START)
    if p["start_on"] and p["price_from"] and p["price_from"] < p["start_on"]:
        err("pris_från", PRICE_BEFORE_START)
    p["price_from"] = p["price_from"] or p["start_on"]
    invalid = set()  # amount columns with a value that is wrong: not also reported as missing
    for column, (key, model_field) in AMOUNT_COLUMNS.items():
        p[key] = None
        if text(v.get(column)):
            try:
                p[key] = parse_amount(v[column], model_field)
            except ValueError as exc:
                err(column, str(exc))
                invalid.add(column)
    if p["fee"] is not None and p["expenses"] is not None:
        if p["monthly"] is None:
            p["monthly"] = p["fee"] + p["expenses"]
            try:
                check_fits(p["monthly"], AMOUNT_COLUMNS["månadsbelopp"][1], p["monthly"])
            except ValueError as exc:
                err("månadsbelopp", str(exc))
        elif p["monthly"] != p["fee"] + p["expenses"]:
            err("månadsbelopp", PARTS_MISMATCH)
    else:
        p["fee"] = p["expenses"] = None
    if care_type is not None:
        if care_type.pricing_unit == PricingUnit.PER_MONTH:
            p["daily"] = None
            if p["monthly"] is None and not invalid & {"månadsbelopp", "arvode", "omkostnad"}:
                err("månadsbelopp", MONTHLY_REQUIRED)
        else:
            p["monthly"] = p["fee"] = p["expenses"] = None
            if p["daily"] is None and "dygnspris" not in invalid:
                err("dygnspris", DAILY_REQUIRED)


def parse_file(content: bytes, filename: str) -> dict[str, list[_Row]]:
    """Reads and validates the whole file; returns rows grouped by placerings_id or raises with every error."""
    try:
        table = read_table(content, filename, COLUMNS, REQUIRED_COLUMNS)
    except ImportFileError as exc:
        raise PlacementImportError(exc.errors) from None
    care_types = care_types_by_code()
    errors: list[str] = []
    groups: dict[str, list[_Row]] = defaultdict(list)
    for number, values in table:
        row = _Row(number=number, values=values)
        _validate_row(row, care_types, errors)
        if row.parsed["external_id"]:
            groups[row.parsed["external_id"]].append(row)
    for group in groups.values():
        first = group[0]
        seen_from = {first.parsed["price_from"]: first.number}
        for row in group[1:]:
            for column in PLACEMENT_COLUMNS:
                if text(row.values.get(column)) != text(first.values.get(column)):
                    errors.append(ERROR.format(row=row.number, column=column, reason=DIFFERS.format(
                        first=first.number)))
            if row.parsed["price_from"] in seen_from:
                errors.append(ERROR.format(row=row.number, column="pris_från", reason=DUPLICATE_PRICE_FROM.format(
                    first=seen_from[row.parsed["price_from"]])))
            seen_from.setdefault(row.parsed["price_from"], row.number)
    if errors:
        raise PlacementImportError(errors)
    return groups


@transaction.atomic
def import_placements(*, by=None, content: bytes, filename: str) -> ImportSummary:
    """Imports the whole file in one transaction, or nothing (PlacementImportError with every error).

    Written in sets (a national file has thousands of placements). Anything the set-based writing cannot
    name a row for (a provider code, a permit, a constraint) sends the file through the row-by-row writing
    instead, which imports nothing and reports each error as it always has."""
    by = by or AnonymousUser()
    groups = parse_file(content, filename)
    try:
        with transaction.atomic():
            return write_in_sets(by, groups, filename)
    except (RowByRow, ValidationError, DatabaseError):
        pass
    return write_row_by_row(by, groups, filename)
