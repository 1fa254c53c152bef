"""A new placement's first price periods when no price was given (shared/domain.md §4.2):

- with an agreement: the agreement's price list for the care type is copied at avrop, each row
  running until the next row of the list, clipped to the placement;
- an own familjehem (FH_EGET): built by SKR's rule (placements.skr) with the basic terms: a new period
  from each new year's levels and from the first of the month the child turns 13 (omkostnad only).

The copies are the placement's own from then on (a later change to the price list or a new level
does not rewrite them). Days nothing covers stay visible as 'saknar pris' (pricing.month_cost).
"""

from .. import skr
from ..days import care_end, intersect
from ..models import AgreementPrice, FosterCareTerms, Placement, PricePeriod

# Care types whose monthly price follows SKR's rule (placements.skr).
RATE_CARE_TYPE_CODES = skr.RULE_CARE_TYPE_CODES


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


def foster_care_rate_periods(*, placement: Placement) -> list[PricePeriod]:
    """Monthly price periods of an own familjehem by SKR's rule (placements.skr) with the basic terms from
    the start (unsaved); _create saves those terms beside them."""
    if placement.care_type.code not in skr.RULE_CARE_TYPE_CODES:
        return []
    return skr.rule_periods(placement=placement, terms=[FosterCareTerms(placement=placement,
                                                                         valid_from=placement.start_on)],
                            levels=skr.Levels.load(), birth=skr.birth_date_of(placement.person))


def initial_price_periods(*, placement: Placement) -> list[PricePeriod]:
    """The first price periods of a new placement without an explicit price (unsaved)."""
    if placement.agreement_id is not None:
        return agreement_price_periods(placement=placement)
    return foster_care_rate_periods(placement=placement)
