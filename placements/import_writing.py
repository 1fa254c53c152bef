"""The placement import's writing (placements.importing reads and checks the file, then calls this).

In sets (write_in_sets): units and providers through their services, persons found and created in one
statement each, placements created and changed in batches, the price lists of every placement whose prices
differ replaced at once, one access-log row per created person as person_register writes it, and the import's
own row. Row by row (write_row_by_row): one placement at a time, each error named by its row; the set-based
writing hands over to it for anything it cannot name a row for (RowByRow, a ValidationError or a database
error), inside the import's transaction, after rolling its own savepoint back.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F

from common.import_files import ERROR, ImportFileError
from socialtjanst.audit import audit_record
from socialtjanst.models import AccessAction, Unit
from socialtjanst.services import person_register, persons_register_many

from .ivo import permit_check
from .models import CareType, Placement, PricePeriod, Provider
from .services import _provider_create, _save, price_version_bump
from .signals import placements_written

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


def _price_rows(group: list) -> list[tuple]:
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


class RowByRow(Exception):
    """An error the row-by-row writing reports in its own words."""


def _provider_of(p: dict, providers_by_org: dict, providers_by_code: dict) -> Provider | None:
    if not p["provider"]:
        return None
    return providers_by_org.get(p["provider"]) or providers_by_code.get(p["provider"])


WANTED_FIELDS = ("person_id", "care_type_id", "unit_id", "provider_id", "legal_basis", "start_on", "end_on",
                 "cost_centre", "lvu_ground")


def _wanted(p: dict, person_id: int, unit: Unit, provider: Provider | None) -> dict:
    """The placement's fields (WANTED_FIELDS) as the file gives them."""
    care_type: CareType = p["care_type"]
    return {
        "person_id": person_id, "care_type_id": care_type.pk, "unit_id": unit.pk,
        "provider_id": provider.pk if provider else None, "legal_basis": p["legal_basis"],
        "start_on": p["start_on"], "end_on": p["end_on"],
        "cost_centre": p["cost_centre"] or care_type.activity_code,
        # The LVU ground when the file states one ("LVU 3 §"); none outside LVU (a CHECK); plain "LVU" keeps
        # what is stored (a new placement: not stated).
        **({"lvu_ground": p.get("lvu_ground") or ""} if p.get("lvu_ground") or p["legal_basis"] != "LVU" else {}),
    }


def _chunks(items: list, size: int = 5000):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def write_in_sets(by, groups: dict[str, list], filename: str) -> ImportSummary:
    """Call inside a savepoint: its rollback also undoes the constraint mode set here."""
    # Foreign keys checked per statement, not queued to the commit: every history row (pghistory's trigger)
    # opens and aborts a subtransaction, and each abort walks the whole queue of deferred checks, so the
    # import grew with the square of the file again (2,2 ms per price period at 15 000 rows, 0,07 ms now).
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    summary = _write_in_sets(by, groups, filename)
    with connection.cursor() as cur:
        # Back to every deferrable constraint's initial mode: all of them (Django's foreign keys) are deferred.
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
    return summary


def _write_in_sets(by, groups: dict[str, list], filename: str) -> ImportSummary:
    summary = ImportSummary()
    units = {u.code: u for u in Unit.objects.all()}
    providers_by_org = {p.org_number: p for p in Provider.objects.all()}
    providers_by_code = {p.code: p for p in providers_by_org.values() if p.code}
    # Units and providers first, in the file's order (few, and created through their services).
    resolved: dict[str, tuple[Unit, Provider | None]] = {}
    for external_id, group in groups.items():
        p = group[0].parsed
        unit = units.get(p["unit"])
        if unit is None:
            unit = units[p["unit"]] = Unit.objects.create(code=p["unit"], name=p["unit"],
                                                          target_group=p["care_type"].target_group)
            summary.units_created.append(p["unit"])
        provider = _provider_of(p, providers_by_org, providers_by_code)
        if p["provider"] and provider is None:
            if not re.fullmatch(r"[0-9]{6}-[0-9]{4}", p["provider"]):
                raise RowByRow
            provider = _provider_create(by=by, name=p["provider_name"] or p["provider"], org_number=p["provider"])
            providers_by_org[provider.org_number] = provider
            summary.providers_created.append(provider.name)
        permit_check(care_type=p["care_type"], provider=provider, start_on=p["start_on"])
        resolved[external_id] = (unit, provider)
    people: dict[str, str | None] = {}
    for group in groups.values():
        people.setdefault(group[0].parsed["id"].canonical, group[0].parsed["gender"])
    persons, summary.persons_created = persons_register_many(by=by, people=people, first_name="",
                                                             last_name=UNKNOWN_NAME)
    existing: dict[str, Placement] = {}
    for chunk in _chunks(list(groups)):
        existing.update((pl.external_id, pl) for pl in Placement.objects.filter(external_id__in=chunk))
    placements: dict[str, Placement] = {}
    created, changed = [], []
    for external_id, group in groups.items():
        p = group[0].parsed
        unit, provider = resolved[external_id]
        wanted = _wanted(p, persons[p["id"].canonical].pk, unit, provider)
        placement = existing.get(external_id)
        if placement is None:
            # Version 2: created at 1 and raised once as its price list is written, as row by row (the version
            # is not in the placement's history, so one write leaves the same rows).
            placement = Placement(external_id=external_id, is_24h=p["care_type"].is_24h, price_version=2, **wanted)
            created.append(placement)
        elif any(getattr(placement, k) != val for k, val in wanted.items()):
            for k, val in wanted.items():
                setattr(placement, k, val)
            if placement.end_on is None:
                placement.end_reason = ""
            changed.append(placement)
        placements[external_id] = placement
    Placement.objects.bulk_create(created, batch_size=1000)
    Placement.objects.bulk_update(changed, [*WANTED_FIELDS, "end_reason"], batch_size=500)
    prices_now: dict[int, list[tuple]] = defaultdict(list)
    for chunk in _chunks([pl.pk for pl in existing.values()]):
        for pp in PricePeriod.objects.filter(placement_id__in=chunk).order_by("placement_id", "valid_from"):
            prices_now[pp.placement_id].append(
                (pp.valid_from, pp.valid_to, pp.daily_price, pp.monthly_amount, pp.fee, pp.expenses))
    repriced: set[str] = set()
    new_prices = []
    for external_id, group in groups.items():
        prices = _price_rows(group)
        placement = placements[external_id]
        if not _same_prices(prices_now.get(placement.pk, []), prices):
            repriced.add(external_id)
            new_prices += [PricePeriod(placement=placement, valid_from=f, valid_to=t, daily_price=d, monthly_amount=m,
                                       fee=fe, expenses=ex) for f, t, d, m, fe, ex in prices]
    repriced_ids = [placements[e].pk for e in repriced if e in existing]
    for chunk in _chunks(repriced_ids):
        # services.price_version_bump for many at once: a price form opened before the import cannot save over it.
        Placement.objects.filter(pk__in=chunk).update(price_version=F("price_version") + 1)
        with connection.cursor() as cur:  # not a queryset delete: that loads every row to send its signal
            cur.execute("DELETE FROM placements_priceperiod WHERE placement_id = ANY(%s)", [chunk])
    PricePeriod.objects.bulk_create(new_prices, batch_size=2000)
    touched_ids = {pl.external_id for pl in created + changed} | repriced
    touched = [placements[e] for e in groups if e in touched_ids]
    summary.created = len(created)
    summary.unchanged = len(groups) - len(touched)
    summary.updated = len(touched) - summary.created
    by_pk = {person.pk: person for person in persons.values()}
    _log_import(by, filename, touched, [by_pk[t.person_id] for t in touched])
    if touched:
        placements_written.send(sender=Placement)  # bulk writes send no post_save: wake the roll-up
    return summary


def _log_import(by, filename: str, touched: list[Placement], persons: list) -> None:
    if touched:
        audit_record(user=by, action=AccessAction.CHANGE, object_type="PlacementImport",
                     persons=persons, object_unit_ids=[t.unit_id for t in touched],
                     criteria={"fil": filename, "placeringar": len(touched)})


def write_row_by_row(by, groups: dict[str, list], filename: str) -> ImportSummary:
    """One placement at a time, each error named by its row: what the set-based writing falls back to."""
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
        wanted = _wanted(p, person.pk, unit, provider)
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
    _log_import(by, filename, touched, [t.person for t in touched])
    return summary

