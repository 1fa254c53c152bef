"""The cost of a placement in a month (shared/domain.md §4.2).

Per dygn / per dag: price × care days in each price period. Per month: amount × care
days in the month ÷ days in that month (a part month). Days of the placement that no
price period covers are reported as 'saknar pris', never costed at zero. Amounts are
exact Decimals, not rounded (shared/formats.md: amounts in kr, not rounded).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .days import care_days, care_end, days_in_month, month_bounds
from .models import Placement, PricePeriod

MISSING_PRICE = "saknar pris"


@dataclass(frozen=True)
class MonthCost:
    days: int
    cost: Decimal  # of the priced days only
    unpriced_days: int

    @property
    def has_missing_price(self) -> bool:
        return self.unpriced_days > 0

    def describe_missing(self) -> str:
        return f"{MISSING_PRICE} för {self.unpriced_days} dygn" if self.unpriced_days else ""


def _overlap(a_start, a_end, b_start, b_end) -> tuple[datetime.date, datetime.date | None] | None:
    """Intersection of half-open ranges, end None = unbounded."""
    start = max(a_start, b_start)
    ends = [e for e in (a_end, b_end) if e is not None]
    end = min(ends) if ends else None
    if end is not None and end <= start:
        return None
    return start, end


def month_cost(
    *, placement: Placement, year: int, month: int, price_periods: Iterable[PricePeriod] | None = None
) -> MonthCost:
    """Days and cost of `placement` in the month. Pass `price_periods` (e.g. prefetched) to avoid a query."""
    first, next_first = month_bounds(year, month)
    days = care_days(placement.start_on, placement.end_on, first, next_first)
    if days == 0:
        return MonthCost(0, Decimal(0), 0)
    periods = list(placement.price_periods.all() if price_periods is None else price_periods)
    placement_end = care_end(placement.start_on, placement.end_on)
    month_length = days_in_month(year, month)
    cost = Decimal(0)
    priced_days = 0
    for pp in periods:
        covered = _overlap(placement.start_on, placement_end, pp.valid_from, pp.valid_to)
        if covered is None:
            continue
        # covered is a non-empty half-open range (a same-day placement was widened by care_end).
        n = care_days(covered[0], covered[1], first, next_first)
        if n == 0:
            continue
        priced_days += n
        if pp.monthly_amount is not None:
            cost += pp.monthly_amount * n / month_length
        else:
            cost += pp.daily_price * n
    return MonthCost(days=days, cost=cost, unpriced_days=days - priced_days)
