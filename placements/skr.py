"""Familjehemsersättning for an own familjehem as SKR has recommended it since 2023 (issue 20): the one
home of the rule. shared/domain.md §4.2.

A month's amount for a placement = arvode + omkostnadsersättning − avdrag:

- arvode: the year's grundarvode (FosterCareFeeLevel; one class for children 0–19), förhöjt or reducerat
  per placement by a stated amount (kr per month) or a step (% of the grundarvode, rounded to whole
  kronor), never below 0. It does not change with the child's age.
- omkostnad: the age band's per cent (ExpensesBand) of the year's prisbasbelopp (PriceBaseAmount) ÷ 12,
  rounded half away from zero to whole kronor as SKR publishes it (2021: 47 600 kr gives 4 363, 4 958,
  6 148 and 6 942 kr for 110, 125, 155 and 175 %; truncating would give 6 941). A placement may raise
  the per cent by some points, never above the band's highest tax-free level. The band changes from the
  first of the month the child turns its first age (13), and the band ends with the month before the
  child turns to_age + 1 (20): after that no SKR level exists and the days stay 'saknar pris'.
- avdrag: barnbidrag/studiebidrag paid straight to the familjehem, kr per month, at most the amount above.
- A negotiated amount (konsulentstödda and kontrakterade homes) replaces arvode and omkostnad.

A year without a prisbasbelopp or grundarvode uses the latest earlier year (an ongoing placement keeps
being paid until the new year's figures are entered). Part months follow the ordinary rule of
placements.pricing (amount × days ÷ days in the month): the rule only writes price periods.

budget/reference.py computes the same amounts from this definition on its own, to check the roll-up.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError

from common.rounding import round_half_away
from socialtjanst.identity import parse_id_number

from .days import care_end
from .models import (
    ExpensesBand,
    FeeKind,
    FosterCareFeeLevel,
    FosterCareTerms,
    Placement,
    PriceBaseAmount,
    PricePeriod,
)

# Care types paid by this rule when no explicit price is given.
RULE_CARE_TYPE_CODES = frozenset({"FH_EGET"})
MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class Band:
    from_age: int
    to_age: int
    base_percent: Decimal
    ceiling_percent: Decimal


@dataclass(frozen=True)
class Levels:
    """The reference data, read once: {year: prisbasbelopp}, {year: grundarvode}, the bands by age."""

    price_base: dict[int, int]
    fees: dict[int, Decimal]
    bands: tuple[Band, ...]

    @classmethod
    def load(cls) -> "Levels":
        return cls(
            price_base=dict(PriceBaseAmount.objects.values_list("year", "amount")),
            fees=dict(FosterCareFeeLevel.objects.values_list("year", "monthly_fee")),
            bands=tuple(Band(b.from_age, b.to_age, b.base_percent, b.ceiling_percent)
                        for b in ExpensesBand.objects.order_by("from_age")),
        )

    @staticmethod
    def _latest(values: dict, year: int):
        years = [y for y in values if y <= year]
        return values[max(years)] if years else None

    def price_base_for(self, year: int) -> int | None:
        return self._latest(self.price_base, year)

    def fee_for(self, year: int) -> Decimal | None:
        return self._latest(self.fees, year)

    def band_for(self, age: int) -> Band | None:
        return next((b for b in self.bands if b.from_age <= age <= b.to_age), None)

    def data_years(self) -> set[int]:
        return set(self.price_base) | set(self.fees)


@dataclass(frozen=True)
class MonthlyParts:
    fee: Decimal
    expenses: Decimal
    deduction: Decimal

    @property
    def amount(self) -> Decimal:
        return self.fee + self.expenses - self.deduction


def expenses_amount(price_base: int, percent: Decimal) -> Decimal:
    """percent % of the prisbasbelopp ÷ 12 in whole kronor (half away from zero), as SKR's tables."""
    return round_half_away(Fraction(price_base) * Fraction(percent) / (100 * MONTHS_PER_YEAR), 0)


def expenses_percent(band: Band, terms: FosterCareTerms) -> Decimal:
    """The band's grundkostnad, raised by the placement's points up to the band's highest tax-free level."""
    return min(band.base_percent + (terms.expenses_raise_percent or 0), band.ceiling_percent)


def fee_amount(base_fee: Decimal, terms: FosterCareTerms) -> Decimal:
    if terms.fee_kind not in (FeeKind.RAISED, FeeKind.REDUCED):
        return base_fee
    if terms.fee_change is not None:
        change = terms.fee_change
    else:
        change = round_half_away(Fraction(base_fee) * Fraction(terms.fee_change_percent) / 100, 0)
    return max(base_fee + change if terms.fee_kind == FeeKind.RAISED else base_fee - change, Decimal(0))


def age_in_month(birth: datetime.date, month: datetime.date) -> int:
    """The age the child has or reaches in the month of `month`: a band changes from that month's first."""
    return month.year - birth.year - (1 if month.month < birth.month else 0)


def monthly_parts(levels: Levels, terms: FosterCareTerms, day: datetime.date,
                  birth: datetime.date | None) -> MonthlyParts | None:
    """The month amount's parts that apply on `day`, or None when the rule has no level for it."""
    if terms.fee_kind == FeeKind.NEGOTIATED:
        fee, expenses = terms.negotiated_fee, terms.negotiated_expenses
    else:
        base_fee, price_base = levels.fee_for(day.year), levels.price_base_for(day.year)
        band = levels.band_for(age_in_month(birth, day)) if birth is not None else None
        if base_fee is None or price_base is None or band is None:
            return None
        fee = fee_amount(base_fee, terms)
        expenses = expenses_amount(price_base, expenses_percent(band, terms))
    return MonthlyParts(fee=fee, expenses=expenses, deduction=min(terms.child_benefit_deduction, fee + expenses))


def birth_date_of(person) -> datetime.date | None:
    if person.birth_date is not None:
        return person.birth_date
    try:
        return parse_id_number(person.id_number).birth_date
    except ValidationError:  # a reservnummer or other id without a readable date
        return None


def _band_changes(birth: datetime.date | None, levels: Levels) -> set[datetime.date]:
    if birth is None:
        return set()
    ages = {b.from_age for b in levels.bands} | {b.to_age + 1 for b in levels.bands}
    return {datetime.date(birth.year + age, birth.month, 1) for age in ages}


def rule_start(placement: Placement, terms: list[FosterCareTerms]) -> datetime.date | None:
    """The first day the rule prices: the placement's start or its first terms, whichever is later."""
    return max(placement.start_on, terms[0].valid_from) if terms else None


def rule_periods(*, placement: Placement, terms: list[FosterCareTerms], levels: Levels,
                 birth: datetime.date | None) -> list[PricePeriod]:
    """The placement's price periods from rule_start on (unsaved), split where the terms, the year or the
    band change and joined where the amount stays the same. Days without a level get no period."""
    start = rule_start(placement, terms)
    if start is None:
        return []
    stop = care_end(placement.start_on, placement.end_on)
    last_year = max([start.year, *levels.data_years()])

    def inside(d: datetime.date) -> bool:
        return start < d and (stop is None or d < stop)

    candidates = {t.valid_from for t in terms} | _band_changes(birth, levels)
    candidates |= {datetime.date(y, 1, 1) for y in range(start.year + 1, last_year + 1)}
    bounds = sorted({start, *filter(inside, candidates)})
    ordered = sorted(terms, key=lambda t: t.valid_from)
    periods: list[PricePeriod] = []
    for valid_from, valid_to in zip(bounds, [*bounds[1:], stop], strict=True):
        current = [t for t in ordered if t.valid_from <= valid_from][-1]  # rule_start is on or after the first
        parts = monthly_parts(levels, current, valid_from, birth)
        if parts is None:
            continue  # 'saknar pris'
        last = periods[-1] if periods else None
        if last is not None and last.valid_to == valid_from and \
                (last.fee, last.expenses, last.deduction) == (parts.fee, parts.expenses, parts.deduction):
            last.valid_to = valid_to
            continue
        periods.append(PricePeriod(placement=placement, valid_from=valid_from, valid_to=valid_to,
                                   monthly_amount=parts.amount, fee=parts.fee, expenses=parts.expenses,
                                   deduction=parts.deduction))
    return periods
