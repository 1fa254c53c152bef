"""Demo placements for 'Demokommunen' (shared/domain.md §4.1): hundreds of placements over
the last two years and the current one, across the whole catalogue, at realistic
prices, with price changes at new year, moves between care types, LSB children
following a parent into skyddat boende, and SiS stays.

Uses the persons `load_demo` creates. Idempotent: every placement is keyed on
external_id 'DEMO-…' and drawn from a generator seeded per person, so a rerun adds nothing.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from common.kept import paused
from socialtjanst.identity import luhn_check_digit
from socialtjanst.models import Case, TargetGroup

from .models import (
    Agreement,
    AgreementKind,
    AgreementPrice,
    CareType,
    FeeKind,
    FosterCarePayment,
    FosterCarePaymentKind,
    FosterCareTerms,
    Placement,
    PricePeriod,
    Provider,
)
from .services import agreement_price_periods, skr_reprice
from .skr import RULE_CARE_TYPE_CODES

# (name, 9 first digits of a synthetic org number, care type codes it offers)
PROVIDERS = [
    ("Björkängens HVB AB", "559100101", ["HVB_BOU", "STODBOENDE_BOU"]),
    ("Solgläntan Behandlingshem AB", "559100102", ["HVB_BOU"]),
    ("Stiftelsen Ungdomsstödet", "802400103", ["STODBOENDE_BOU", "HVB_BOU"]),
    ("Familjevårdskonsulenterna AB", "559100104", ["FH_KONSULENT"]),
    ("Nordic Familjehem AB", "559100105", ["FH_KONSULENT"]),
    ("Statens institutionsstyrelse (demo)", "202100106", ["SIS_LVU", "SIS_LVM"]),
    ("Vägen Ut Behandling AB", "559100107", ["HVB_VUXEN"]),
    ("Stödboende Mälardalen AB", "559100108", ["STODBOENDE_VUXEN"]),
    ("Kvinnojouren Skyddat Boende (demo)", "802400109", ["SKYDDAT_BOENDE"]),
    ("Öppenvårdsteamet Uppland AB", "559100110", ["OPPENVARD_EXTERN_BOU"]),
]

# Price ranges 2024 (kr per dygn/dag, or per month), shared/domain.md §4.1.
PRICES = {
    "FH_EGET": (27000, 31000), "FH_JOUR": (40000, 46000), "FH_NATVERK": (18000, 23000),
    "FH_KONSULENT": (2500, 3200), "HVB_BOU": (4600, 5900), "STODBOENDE_BOU": (1900, 3000),
    "SIS_LVU": (6800, 7400), "HVB_VUXEN": (2800, 3300), "SIS_LVM": (5200, 5800),
    "STODBOENDE_VUXEN": (1900, 2600), "SKYDDAT_BOENDE": (2200, 3000), "KONTAKTFAMILJ": (3000, 5000),
    "OPPENVARD_EXTERN_BOU": (1200, 2000), "VARDNADSOVERFLYTT": (15000, 20000),
}

# Where a child's or an adult's first placement is, and where a move leads.
CHILD_FIRST = ["FH_JOUR", "FH_JOUR", "HVB_BOU", "HVB_BOU", "FH_KONSULENT", "SIS_LVU", "FH_NATVERK",
               "STODBOENDE_BOU"]
ADULT_FIRST = ["HVB_VUXEN", "HVB_VUXEN", "SIS_LVM", "STODBOENDE_VUXEN", "SKYDDAT_BOENDE"]
MOVES = {
    "FH_JOUR": ["FH_EGET", "FH_KONSULENT", "FH_NATVERK"], "HVB_BOU": ["STODBOENDE_BOU", "FH_KONSULENT"],
    "SIS_LVU": ["HVB_BOU"], "FH_KONSULENT": ["FH_EGET"], "FH_EGET": ["VARDNADSOVERFLYTT"],
    "FH_NATVERK": ["FH_EGET"], "STODBOENDE_BOU": [], "VARDNADSOVERFLYTT": [],
    "SIS_LVM": ["HVB_VUXEN"], "HVB_VUXEN": ["STODBOENDE_VUXEN"], "STODBOENDE_VUXEN": [], "SKYDDAT_BOENDE": [],
}
LEGAL = {"SIS_LVU": "LVU", "SIS_LVM": "LVM"}
# Providers without a framework agreement: SiS charges its own national day rates.
NO_AGREEMENT = {"202100106"}
# Permits that run out: one within the provider register's 90 days, the others years ahead (days from today).
PERMIT_DAYS_LEFT = {"559100101": 3 * 365, "559100102": 60, "802400103": 2 * 365, "559100107": 4 * 365,
                    "559100108": 365, "802400109": 2 * 365}
# "Hundreds of placements": load_demo's inflow adds far more persons than that, most of them children.
MAX_CHILDREN, MAX_ADULTS = 220, 80
LSB_IN_FORCE = datetime.date(2024, 4, 1)
NEW_YEAR_INCREASE = Decimal("1.03")


def _org_number(nine: str) -> str:
    return f"{nine[:6]}-{nine[6:]}{luhn_check_digit(nine)}"


def _providers() -> dict[str, list[Provider]]:
    by_care_type: dict[str, list[Provider]] = {}
    today = timezone.localdate()
    for name, nine, codes in PROVIDERS:
        valid_until = today + datetime.timedelta(days=PERMIT_DAYS_LEFT[nine]) if nine in PERMIT_DAYS_LEFT else None
        provider, _ = Provider.objects.get_or_create(
            org_number=_org_number(nine), defaults={"name": name, "ivo_permit": f"IVO 3.5.1-{nine[-4:]}/2023",
                                                    "ivo_permit_valid_until": valid_until})
        for code in codes:
            by_care_type.setdefault(code, []).append(provider)
    return by_care_type


def _agreements(window_start: datetime.date) -> dict[tuple[int, str], Agreement]:
    """A ramavtal per provider (SiS aside) with a price list per care type it offers: a price drawn within the
    care type's range for the first year, raised 3 % each new year up to the current one.
    Returns {(provider id, care type code): agreement}."""
    today = timezone.localdate()
    care_types = {ct.code: ct for ct in CareType.objects.all()}
    found = {}
    for _name, nine, codes in PROVIDERS:
        if nine in NO_AGREEMENT:
            continue
        provider = Provider.objects.get(org_number=_org_number(nine))
        agreement, _ = Agreement.objects.get_or_create(
            provider=provider, reference=f"RA-{nine[-3:]}", defaults={
                "kind": AgreementKind.FRAMEWORK, "valid_from": window_start,
                "valid_to": datetime.date(today.year + 1, 12, 31)})
        for code in codes:
            low, high = PRICES[code]
            price = Decimal(random.Random(f"agreement-{nine}-{code}").randrange(low, high + 1, 10))
            valid_from = agreement.valid_from
            while valid_from <= today:
                AgreementPrice.objects.get_or_create(agreement=agreement, care_type=care_types[code],
                                                     valid_from=valid_from, defaults={"daily_price": price})
                valid_from = datetime.date(valid_from.year + 1, 1, 1)
                price = (price * NEW_YEAR_INCREASE).quantize(Decimal("1"))
            found[provider.pk, code] = agreement
    return found


def _price_periods(rng, care_type: CareType, start: datetime.date, end: datetime.date | None) -> list[dict]:
    """The placement's price, raised by 3 % at each new year it runs through."""
    low, high = PRICES[care_type.code]
    price = Decimal(rng.randrange(low, high + 1, 50 if high > 10000 else 10))
    field = "monthly_amount" if care_type.is_monthly else "daily_price"
    periods, valid_from = [], start
    year = start.year + 1
    while end is None or datetime.date(year, 1, 1) < end:
        new_year = datetime.date(year, 1, 1)
        if new_year > timezone.localdate():
            break
        periods.append({"valid_from": valid_from, "valid_to": new_year, field: price})
        valid_from, price, year = new_year, (price * NEW_YEAR_INCREASE).quantize(Decimal("1")), year + 1
    periods.append({"valid_from": valid_from, "valid_to": None, field: price})
    return periods


def _create(rng, *, external_id, person, unit, care_type, providers, start, end, legal_basis="SoL", parent=None,
            end_reason="", agreements=None) -> tuple[Placement, bool]:
    # Every random draw happens before the existence check, so a rerun walks the same sequence.
    provider = rng.choice(providers[care_type.code]) if care_type.regime == "kopt" else None
    agreement = (agreements or {}).get((provider.pk, care_type.code)) if provider else None
    ivo = {}
    if care_type.requires_ivo_check:
        ivo = {"ivo_checked_on": start - datetime.timedelta(days=rng.randint(0, 5)),
               "ivo_check_result": "utan_anmarkning"}
    prices = _price_periods(rng, care_type, start, end)
    existing = Placement.objects.filter(external_id=external_id).first()
    if existing is not None:
        return existing, False
    placement = Placement.objects.create(
        external_id=external_id, person=person, unit=unit, care_type=care_type, provider=provider,
        legal_basis=LEGAL.get(care_type.code, legal_basis), start_on=start, end_on=end,
        end_reason=end_reason if end else "", parent_placement=parent, cost_centre=care_type.activity_code,
        is_24h=care_type.is_24h, agreement=agreement, **ivo,
    )
    if care_type.code in RULE_CARE_TYPE_CODES:
        _foster_care_terms(placement, prices[0]["monthly_amount"])
        FosterCarePayment.objects.bulk_create(_foster_care_payments(placement))
        return placement, True
    # Bought under the provider's framework agreement: the price list is copied at avrop, as in the application.
    periods = agreement_price_periods(placement=placement) if agreement else []
    PricePeriod.objects.bulk_create(periods or [PricePeriod(placement=placement, **pp) for pp in prices])
    return placement, True


def _foster_care_terms(placement: Placement, agreed: Decimal) -> None:
    """An own familjehem is paid by SKR's rule (placements.skr), every third with barnbidrag paid straight to the
    home deducted; one the rule has no level for (20 or older) gets an agreed amount instead. No random draw:
    a rerun walks the same sequence."""
    deduction = Decimal("1250.00") if placement.pk % 3 == 0 else Decimal(0)
    terms = FosterCareTerms.objects.create(placement=placement, valid_from=placement.start_on,
                                           child_benefit_deduction=deduction)
    skr_reprice(placement)
    if not placement.price_periods.filter(valid_from=placement.start_on).exists():
        fee = (agreed * Decimal("0.6")).quantize(Decimal("1"))
        terms.fee_kind, terms.negotiated_fee, terms.negotiated_expenses = FeeKind.NEGOTIATED, fee, agreed - fee
        terms.save()
        skr_reprice(placement)


def _foster_care_payments(placement: Placement) -> list[FosterCarePayment]:
    """An own familjehem's first month: särskilda kostnader at the start (the barnbidrag deduction is part
    of the terms, _foster_care_terms)."""
    first = placement.start_on.replace(day=1)  # a month always has days of a placement starting in it
    return [FosterCarePayment(placement=placement, month=first, kind=FosterCarePaymentKind.SPECIAL_COSTS,
                              amount=Decimal("2500.00"), comment="Inskrivning: kläder och utrustning")]


@paused()
def load_demo_placements(*, seed: int = 2026) -> dict[str, int]:
    today = timezone.localdate()
    window_start = datetime.date(today.year - 2, 1, 1)
    window_days = (today - window_start).days
    care_types = {ct.code: ct for ct in CareType.objects.all()}
    providers = _providers()
    agreements = _agreements(window_start)
    cases = Case.objects.select_related("person", "unit").order_by("person__id_number", "pk")
    seen, persons = set(), []
    for case in cases:
        if case.person_id not in seen:
            seen.add(case.person_id)
            persons.append(case)
    persons.sort(key=lambda c: (c.status != Case.Status.OPEN, c.person.id_number))  # placed: mostly open cases
    if not persons:
        raise ValueError("Det finns inga personer med ärenden: kör först `python manage.py load_demo`.")
    children = [c for c in persons if c.unit.target_group == TargetGroup.CHILDREN][:MAX_CHILDREN]
    adults = [c for c in persons if c.unit.target_group == TargetGroup.ADULTS][:MAX_ADULTS]
    # Reserved for the LSB stays below, so their own chains never collide with them.
    lsb_children = children[-3:]
    # (load_demo's adults happen to be men; a parent of either gender may take a child to skyddat boende.)
    parents = sorted(adults, key=lambda c: c.person.gender != "kvinna")[:3]
    created = 0

    for case in children[:-3] + [c for c in adults if c not in parents]:
        person, unit = case.person, case.unit
        rng = random.Random(f"{seed}-{person.id_number}")
        is_child = case in children
        start = window_start + datetime.timedelta(days=rng.randint(0, window_days - 30))
        code = rng.choice(CHILD_FIRST if is_child else ADULT_FIRST)
        for n in range(4):
            duration = rng.randint(20, 120) if code in ("FH_JOUR", "SIS_LVU", "SIS_LVM") else rng.randint(60, 500)
            end = start + datetime.timedelta(days=duration)
            following = rng.choice(MOVES[code]) if MOVES[code] and rng.random() < 0.7 else None
            if end > today:
                end, following = (None if rng.random() < 0.85 else end), None
            _, made = _create(rng, external_id=f"DEMO-{person.id_number}-{n}", person=person, unit=unit,
                              care_type=care_types[code], providers=providers, start=start, end=end,
                              end_reason="flytt" if following else rng.choice(["enligt_plan", "hemflytt"]),
                              agreements=agreements)
            created += made
            if end is None or following is None:
                break
            start, code = end, following
        if is_child and rng.random() < 0.25:
            # An öppen insats beside (or after) the placement: not heldygn, so it may overlap.
            ostart = window_start + datetime.timedelta(days=rng.randint(0, window_days - 10))
            oend = ostart + datetime.timedelta(days=rng.randint(30, 300))
            _, made = _create(rng, external_id=f"DEMO-{person.id_number}-open", person=person, unit=unit,
                              care_type=care_types[rng.choice(["KONTAKTFAMILJ", "OPPENVARD_EXTERN_BOU"])],
                              providers=providers, start=ostart, end=oend if oend <= today else None,
                              end_reason="enligt_plan", agreements=agreements)
            created += made

    # LSB: a parent in skyddat boende (SoL) and her child with its own decision and placement, linked.
    for i, (parent_case, child_case) in enumerate(zip(parents, lsb_children, strict=False)):
        rng = random.Random(f"{seed}-lsb-{i}")
        start = max(LSB_IN_FORCE, window_start) + datetime.timedelta(days=rng.randint(0, 300))
        end = start + datetime.timedelta(days=rng.randint(30, 120))
        end = end if end <= today else None
        if start > today:
            continue
        parent, made = _create(rng, external_id=f"DEMO-LSB-{i}-vuxen", person=parent_case.person,
                               unit=parent_case.unit, care_type=care_types["SKYDDAT_BOENDE"], providers=providers,
                               start=start, end=end, end_reason="enligt_plan", agreements=agreements)
        created += made
        _, made = _create(rng, external_id=f"DEMO-LSB-{i}-barn", person=child_case.person, unit=child_case.unit,
                          care_type=care_types["SKYDDAT_BOENDE"], providers=providers, start=start, end=end,
                          legal_basis="LSB", parent=parent, end_reason="enligt_plan", agreements=agreements)
        created += made
    return {"placements": created, "total": Placement.objects.filter(external_id__startswith="DEMO-").count(),
            "agreements": len(set(agreements.values()))}
