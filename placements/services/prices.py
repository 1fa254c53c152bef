"""A new placement's first price periods when no price was given (shared/domain.md §4.2):

- with an agreement: the agreement's price list for the care type is copied at avrop, each row
  running until the next row of the list, clipped to the placement;
- an own familjehem (FH_EGET): built from the SKR levels (FosterCareRate), with a new period from
  each new level's valid_from and from the first of the month the child turns 13.

The copies are the placement's own from then on (a later change to the price list or a new level
does not rewrite them). Days nothing covers stay visible as 'saknar pris' (pricing.month_cost).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError

from socialtjanst.identity import parse_id_number

from ..days import care_end, intersect
from ..models import AgeBand, AgreementPrice, FosterCareRate, Placement, PricePeriod

# Care types whose monthly price follows SKR's recommended levels.
RATE_CARE_TYPE_CODES = frozenset({"FH_EGET"})
TEEN_AGE = 13


def agreement_price_periods(*, placement: Placement) -> list[PricePeriod]:
    """The agreement's prices for the placement's care type, clipped to the placement (unsaved)."""
    if placement.agreement_id is None or placement.care_type.is_monthly:
        return []
    rows = list(AgreementPrice.objects.filter(agreement_id=placement.agreement_id, care_type=placement.care_type)
                .order_by("valid_from"))
    stop = care_end(placement.start_on, placement.end_on)
    periods = []
    for row, following in zip(rows, [*rows[1:], None], strict=True):
        clipped = intersect(placement.start_on, stop, row.valid_from, following.valid_from if following else None)
        if clipped is not None:
            periods.append(PricePeriod(placement=placement, valid_from=clipped[0], valid_to=clipped[1],
                                       daily_price=row.daily_price))
    return periods


def birth_date_of(person) -> datetime.date | None:
    if person.birth_date is not None:
        return person.birth_date
    try:
        return parse_id_number(person.id_number).birth_date
    except ValidationError:  # a reservnummer or other id without a readable date
        return None


def teen_from(birth_date: datetime.date) -> datetime.date:
    """The first of the month the child turns 13: the 13–20 level applies from that date."""
    return datetime.date(birth_date.year + TEEN_AGE, birth_date.month, 1)


def foster_care_rate_periods(*, placement: Placement) -> list[PricePeriod]:
    """Monthly price periods of an own familjehem from the SKR levels (unsaved); none without a birth date."""
    if placement.care_type.code not in RATE_CARE_TYPE_CODES:
        return []
    birth = birth_date_of(placement.person)
    if birth is None:
        return []
    band_change = teen_from(birth)
    rates = list(FosterCareRate.objects.order_by("valid_from"))
    start, stop = placement.start_on, care_end(placement.start_on, placement.end_on)

    def inside(d: datetime.date) -> bool:
        return start < d and (stop is None or d < stop)

    bounds = sorted({start, *(r.valid_from for r in rates if inside(r.valid_from)),
                     *([band_change] if inside(band_change) else [])})
    periods: list[PricePeriod] = []
    for valid_from, valid_to in zip(bounds, [*bounds[1:], stop], strict=True):
        band = AgeBand.TEEN if valid_from >= band_change else AgeBand.CHILD
        rate = next((r for r in reversed(rates) if r.age_band == band and r.valid_from <= valid_from), None)
        if rate is None:
            continue  # before the first level: 'saknar pris'
        last = periods[-1] if periods else None
        if last is not None and last.valid_to == valid_from and (last.fee, last.expenses) == (rate.fee, rate.expenses):
            last.valid_to = valid_to
            continue
        periods.append(PricePeriod(placement=placement, valid_from=valid_from, valid_to=valid_to,
                                   monthly_amount=Decimal(rate.fee + rate.expenses), fee=rate.fee,
                                   expenses=rate.expenses))
    return periods


def initial_price_periods(*, placement: Placement) -> list[PricePeriod]:
    """The first price periods of a new placement without an explicit price (unsaved)."""
    if placement.agreement_id is not None:
        return agreement_price_periods(placement=placement)
    return foster_care_rate_periods(placement=placement)
