"""Import of placements in the format agreed in the project's shared specification.

One row per price period; rows with the same placerings_id are one placement. All or
nothing: any invalid row imports nothing and every error names the row (as the
spreadsheet numbers it: the header is row 1, and an empty row keeps its number) and the column.
Idempotent: keyed on placerings_id, a placement or price list that already matches the file is not
touched. Reading the file and its cells is placements.import_files, shared with the budget import.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction

from common.date_window import validate_rollup_date
from socialtjanst.audit import audit_record
from socialtjanst.identity import parse_id_number
from socialtjanst.models import AccessAction, LegalBasis, Unit
from socialtjanst.services import person_register

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
from .ivo import permit_check
from .models import CareType, Placement, PricePeriod, PricingUnit, Provider, Regime, normalise_org_number
from .services import _provider_create, _save, price_version_bump

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
PROVIDER_REQUIRED = "vårdformen är köpt: ange utförarens organisationsnummer eller kod."
END_BEFORE_START = "slutdatum är före startdatum."
PRICE_BEFORE_START = "priset gäller från före startdatum."
DAILY_REQUIRED = "vårdformen prissätts per dygn eller dag: ange dygnspris."
MONTHLY_REQUIRED = "vårdformen prissätts per månad: ange månadsbelopp (eller arvode och omkostnad)."
PARTS_MISMATCH = "månadsbelopp är inte summan av arvode och omkostnad."
DIFFERS = "skiljer sig från rad {first} med samma placerings_id."
DUPLICATE_PRICE_FROM = "samma pris_från som rad {first}."
UNKNOWN_PROVIDER_CODE = "okänd utförarkod '{value}' (ange organisationsnummer för en ny utförare)."
DB_ERROR = "placerings_id {external_id}: {reason}"
UNKNOWN_NAME = "Namn saknas (import)"


class PlacementImportError(ImportFileError):
    pass


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    persons_created: int = 0
    units_created: list[str] = field(default_factory=list)
    providers_created: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        lines = [f"{self.created} placeringar skapade, {self.updated} ändrade, {self.unchanged} oförändrade.",
                 f"{self.persons_created} personer skapade."]
        if self.units_created:
            lines.append("Nya enheter skapade: " + ", ".join(self.units_created) + ".")
        if self.providers_created:
            lines.append("Nya utförare skapade: " + ", ".join(self.providers_created) + ".")
        return lines


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
    matches = [c for c in LegalBasis.values if c.lower() == legal.lower()]
    if legal and not matches:
        err("lagrum", BAD_LEGAL_BASIS)
    p["legal_basis"] = matches[0] if matches else None
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


# --- writing ---------------------------------------------------------------------


def _price_rows(group: list[_Row]) -> list[tuple]:
    """(valid_from, valid_to, daily, monthly, fee, expenses), each period running to the next pris_från."""
    ordered = sorted(group, key=lambda r: r.parsed["price_from"])
    result = []
    for i, row in enumerate(ordered):
        p = row.parsed
        valid_to = ordered[i + 1].parsed["price_from"] if i + 1 < len(ordered) else None
        result.append((p["price_from"], valid_to, p["daily"], p["monthly"], p["fee"], p["expenses"]))
    return result


def _existing_prices(placement: Placement) -> list[tuple]:
    return [(pp.valid_from, pp.valid_to, pp.daily_price, pp.monthly_amount, pp.fee, pp.expenses)
            for pp in placement.price_periods.order_by("valid_from")]


def _same_prices(a: list[tuple], b: list[tuple]) -> bool:
    def norm(rows):
        return [tuple(x.normalize() if isinstance(x, Decimal) else x for x in r) for r in rows]

    return norm(a) == norm(b)


@transaction.atomic
def import_placements(*, by=None, content: bytes, filename: str) -> ImportSummary:
    """Imports the whole file in one transaction, or nothing (PlacementImportError with every error)."""
    by = by or AnonymousUser()
    groups = parse_file(content, filename)
    summary = ImportSummary()
    units = {u.code: u for u in Unit.objects.all()}
    providers_by_org = {p.org_number: p for p in Provider.objects.all()}
    providers_by_code = {p.code: p for p in providers_by_org.values() if p.code}
    errors: list[str] = []
    touched: list[Placement] = []
    for external_id, group in groups.items():
        p = group[0].parsed
        care_type: CareType = p["care_type"]
        person, created = person_register(by=by, id_number=p["id"].canonical, first_name="",
                                          last_name=UNKNOWN_NAME, gender=p["gender"])
        summary.persons_created += created
        unit = units.get(p["unit"])
        if unit is None:
            unit = units[p["unit"]] = Unit.objects.create(code=p["unit"], name=p["unit"],
                                                          target_group=care_type.target_group)
            summary.units_created.append(p["unit"])
        provider = None
        if p["provider"]:
            provider = providers_by_org.get(p["provider"]) or providers_by_code.get(p["provider"])
            if provider is None:
                if not re.fullmatch(r"[0-9]{6}-[0-9]{4}", p["provider"]):
                    errors.append(ERROR.format(row=group[0].number, column="utförare",
                                               reason=UNKNOWN_PROVIDER_CODE.format(value=p["provider"])))
                    continue
                try:
                    provider = _provider_create(by=by, name=p["provider_name"] or p["provider"],
                                                org_number=p["provider"])
                except ValidationError as exc:
                    errors.append(ERROR.format(row=group[0].number, column="utförare", reason=exc.messages[0]))
                    continue
                providers_by_org[provider.org_number] = provider
                summary.providers_created.append(provider.name)
        wanted = {
            "person_id": person.pk, "care_type_id": care_type.pk, "unit_id": unit.pk,
            "provider_id": provider.pk if provider else None, "legal_basis": p["legal_basis"],
            "start_on": p["start_on"], "end_on": p["end_on"],
            "cost_centre": p["cost_centre"] or care_type.activity_code,
        }
        placement = Placement.objects.filter(external_id=external_id).first()
        try:
            # The file carries no IVO check; the provider's permit end date still refuses a child's placement.
            permit_check(care_type=care_type, provider=provider, start_on=p["start_on"])
            if placement is None:
                placement = Placement(external_id=external_id, is_24h=care_type.is_24h, **wanted)
                _save(placement)
                summary.created += 1
                changed = True
            else:
                changed = any(getattr(placement, k) != val for k, val in wanted.items())
                if changed:
                    for k, val in wanted.items():
                        setattr(placement, k, val)
                    if placement.end_on is None:
                        placement.end_reason = ""
                    _save(placement)
            prices = _price_rows(group)
            if not _same_prices(_existing_prices(placement), prices):
                with transaction.atomic():
                    # A price form opened before the import must not save over the imported list.
                    price_version_bump(placement_id=placement.pk)
                    placement.price_periods.all().delete()
                    PricePeriod.objects.bulk_create([PricePeriod(
                        placement=placement, valid_from=f, valid_to=t, daily_price=d, monthly_amount=m, fee=fe,
                        expenses=ex) for f, t, d, m, fe, ex in prices])
                changed = True
        except ValidationError as exc:
            errors.append(DB_ERROR.format(external_id=external_id, reason=exc.messages[0]))
            continue
        if changed:
            touched.append(placement)
    if errors:
        raise PlacementImportError(errors)
    summary.unchanged = len(groups) - len(touched)
    summary.updated = len(touched) - summary.created
    if touched:
        audit_record(user=by, action=AccessAction.CHANGE, object_type="PlacementImport",
                     persons=[t.person for t in touched], object_unit_ids=[t.unit_id for t in touched],
                     criteria={"fil": filename, "placeringar": len(touched)})
    return summary

