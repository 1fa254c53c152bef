"""Import of placements exactly as shared/formats.md specifies.

One row per price period; rows with the same placerings_id are one placement. All or
nothing: any invalid row imports nothing and every error names the row (as the
spreadsheet numbers it: the header is row 1) and the column. Idempotent: keyed on
placerings_id, a placement or price list that already matches the file is not touched.
"""

import csv
import datetime
import io
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import load_workbook

from socialtjanst.audit import audit_record
from socialtjanst.identity import parse_id_number
from socialtjanst.models import AccessAction, IdKind, LegalBasis, Person, Unit

from .models import CareType, Placement, PricePeriod, PricingUnit, Provider, Regime, normalise_org_number
from .services import _save

COLUMNS = ["placerings_id", "personnummer", "kön", "enhet", "vårdform", "utförare", "utförare_namn", "verksamhet",
           "lagrum", "startdatum", "slutdatum", "pris_från", "dygnspris", "månadsbelopp", "arvode", "omkostnad"]
REQUIRED_COLUMNS = ["placerings_id", "personnummer", "enhet", "vårdform", "lagrum", "startdatum"]
PLACEMENT_COLUMNS = ["personnummer", "enhet", "vårdform", "utförare", "lagrum", "startdatum", "slutdatum",
                     "verksamhet"]

MISSING_COLUMN = "Kolumnen '{column}' saknas i filen."
EMPTY_FILE = "Filen innehåller inga rader."
UNREADABLE = "Filen kunde inte läsas: {reason}"
ERROR = "Rad {row}, kolumn '{column}': {reason}"
REQUIRED = "värde saknas."
BAD_DATE = "ogiltigt datum '{value}' (skriv ÅÅÅÅ-MM-DD)."
BAD_NUMBER = "ogiltigt belopp '{value}'."
BAD_GENDER = "ange K, M eller lämna tomt."
BAD_CARE_TYPE = "okänd vårdform '{value}'."
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


class PlacementImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


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


def normalise_header(name) -> str:
    """'Vårdform', 'VARDFORM', ' vardform ' → 'vardform'."""
    text = str(name or "").strip().lower().replace(" ", "_")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


_KEYS = {normalise_header(c): c for c in COLUMNS}


def _read_rows(content: bytes, filename: str) -> list[list]:
    if filename.lower().endswith(".xlsx"):
        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the user's error
            raise PlacementImportError([UNREADABLE.format(reason=type(exc).__name__)]) from exc
        return [list(r) for r in wb.active.iter_rows(values_only=True)]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlacementImportError([UNREADABLE.format(reason="inte UTF-8")]) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(_text(value))
    except ValueError:
        raise ValueError(BAD_DATE.format(value=_text(value))) from None


def _decimal(value) -> Decimal:
    if isinstance(value, int | float):
        return Decimal(str(value))
    raw = re.sub(r"[\s\u00a0\u202f]", "", _text(value)).replace(",", ".")
    try:
        result = Decimal(raw)
    except InvalidOperation:
        raise ValueError(BAD_NUMBER.format(value=_text(value))) from None
    if not result.is_finite() or result < 0:
        raise ValueError(BAD_NUMBER.format(value=_text(value)))
    return result


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

    for column in REQUIRED_COLUMNS:
        if not _text(v.get(column)):
            err(column, REQUIRED)
    p["external_id"] = _text(v.get("placerings_id"))
    if _text(v.get("personnummer")):
        try:
            p["id"] = parse_id_number(_text(v["personnummer"]))
        except ValidationError as exc:
            err("personnummer", exc.messages[0])
    gender = _text(v.get("kön")).upper()
    if gender not in ("", "K", "M"):
        err("kön", BAD_GENDER)
    p["gender"] = {"K": "kvinna", "M": "man"}.get(gender)
    p["unit"] = _text(v.get("enhet"))
    care_type = None
    if _text(v.get("vårdform")):
        care_type = care_types.get(_text(v["vårdform"]).upper())
        if care_type is None:
            err("vårdform", BAD_CARE_TYPE.format(value=_text(v["vårdform"])))
    p["care_type"] = care_type
    p["provider"] = _text(v.get("utförare"))
    p["provider_name"] = _text(v.get("utförare_namn"))
    if care_type and care_type.regime == Regime.BOUGHT and not p["provider"]:
        err("utförare", PROVIDER_REQUIRED)
    if p["provider"] and re.fullmatch(r"[0-9]{6}-?[0-9]{4}", p["provider"]):
        try:
            p["provider"] = normalise_org_number(p["provider"])
        except ValidationError as exc:
            err("utförare", exc.messages[0])
    p["cost_centre"] = _text(v.get("verksamhet"))
    legal = _text(v.get("lagrum"))
    matches = [c for c in LegalBasis.values if c.lower() == legal.lower()]
    if legal and not matches:
        err("lagrum", BAD_LEGAL_BASIS)
    p["legal_basis"] = matches[0] if matches else None
    for column, key in (("startdatum", "start_on"), ("slutdatum", "end_on"), ("pris_från", "price_from")):
        p[key] = None
        if _text(v.get(column)):
            try:
                p[key] = _date(v[column])
            except ValueError as exc:
                err(column, str(exc))
    if p["start_on"] and p["end_on"] and p["end_on"] < p["start_on"]:
        err("slutdatum", END_BEFORE_START)
    if p["start_on"] and p["price_from"] and p["price_from"] < p["start_on"]:
        err("pris_från", PRICE_BEFORE_START)
    p["price_from"] = p["price_from"] or p["start_on"]
    for column, key in (("dygnspris", "daily"), ("månadsbelopp", "monthly"), ("arvode", "fee"),
                        ("omkostnad", "expenses")):
        p[key] = None
        if _text(v.get(column)):
            try:
                p[key] = _decimal(v[column])
            except ValueError as exc:
                err(column, str(exc))
    if p["fee"] is not None and p["expenses"] is not None:
        if p["monthly"] is None:
            p["monthly"] = p["fee"] + p["expenses"]
        elif p["monthly"] != p["fee"] + p["expenses"]:
            err("månadsbelopp", PARTS_MISMATCH)
    else:
        p["fee"] = p["expenses"] = None
    if care_type is not None:
        if care_type.pricing_unit == PricingUnit.PER_MONTH:
            p["daily"] = None
            if p["monthly"] is None:
                err("månadsbelopp", MONTHLY_REQUIRED)
        else:
            p["monthly"] = p["fee"] = p["expenses"] = None
            if p["daily"] is None:
                err("dygnspris", DAILY_REQUIRED)


def parse_file(content: bytes, filename: str) -> dict[str, list[_Row]]:
    """Reads and validates the whole file; returns rows grouped by placerings_id or raises with every error."""
    rows = _read_rows(content, filename)
    rows = [r for r in rows if any(_text(c) for c in r)]
    if len(rows) < 2:
        raise PlacementImportError([EMPTY_FILE])
    header = [_KEYS.get(normalise_header(h)) for h in rows[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise PlacementImportError([MISSING_COLUMN.format(column=c) for c in missing])
    care_types = {ct.code.upper(): ct for ct in CareType.objects.all()}
    errors: list[str] = []
    groups: dict[str, list[_Row]] = defaultdict(list)
    for number, raw in enumerate(rows[1:], start=2):
        values = {key: raw[i] if i < len(raw) else None for i, key in enumerate(header) if key}
        row = _Row(number=number, values=values)
        _validate_row(row, care_types, errors)
        if row.parsed["external_id"]:
            groups[row.parsed["external_id"]].append(row)
    for group in groups.values():
        first = group[0]
        seen_from = {first.parsed["price_from"]: first.number}
        for row in group[1:]:
            for column in PLACEMENT_COLUMNS:
                if _text(row.values.get(column)) != _text(first.values.get(column)):
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
        person, created = Person.objects.get_or_create(id_number=p["id"].canonical, defaults={
            "id_kind": p["id"].kind or IdKind.PERSONNUMMER, "first_name": "", "last_name": "Namn saknas (import)",
            "gender": p["gender"] or p["id"].gender, "birth_date": p["id"].birth_date,
        })
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
                provider = Provider.objects.create(name=p["provider_name"] or p["provider"], org_number=p["provider"])
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

