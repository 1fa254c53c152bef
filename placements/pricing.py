"""The cost of a placement in a month (shared/domain.md §4.2).

Per dygn / per dag: price × care days in each price period. Per month: amount × care
days in the month ÷ days in that month (a part month). Days of the placement that no
price period covers are reported as 'saknar pris', never costed at zero. Amounts are
exact Decimals, not rounded (shared/formats.md: amounts in kr, not rounded).

A familjehem's extra payments (FosterCarePayment) add to the month they belong to; the
deduction of barnbidrag/studiebidrag subtracts. That sign rule is payment_cost, and its
one SQL twin PAYMENT_COST_SQL (for the monthly roll-up); nothing else decides it.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from .days import care_days, care_end, days_in_month, intersect, month_bounds
from .models import FosterCarePayment, FosterCarePaymentKind, Placement, PricePeriod

MISSING_PRICE = "saknar pris"

# SQL twin of payment_cost: format with the payments table's alias, e.g. PAYMENT_COST_SQL.format(t="fp").
PAYMENT_COST_SQL = (
    f"CASE WHEN {{t}}.kind = '{FosterCarePaymentKind.CHILD_BENEFIT_DEDUCTION.value}' "
    "THEN -{t}.amount ELSE {t}.amount END"
)


# SQL twin of month_cost's priced part as the monthly roll-up books it (budget/fresh.py): rounded to öre once per
# placement and month. Format with SQL for Σ daily price × days, Σ monthly amount × days and the days in the month.
# Daily prices are whole öre and no price is negative (CHECK), so round(daily part + monthly share) equals
# daily part + round(monthly share): only the monthly share is rounded.
MONTH_PRICE_COST_SQL = "{daily_cost} + round({monthly_amount_days} / ({month_days}), 2)"


def payment_cost(payment: FosterCarePayment) -> Decimal:
    """A payment's effect on its month's cost: +amount, or −amount for the deduction of
    barnbidrag/studiebidrag paid straight to the familjehem (shared/domain.md §4.2)."""
    if payment.kind == FosterCarePaymentKind.CHILD_BENEFIT_DEDUCTION:
        return -payment.amount
    return payment.amount


@dataclass(frozen=True)
class MonthCost:
    days: int
    cost: Decimal  # of the priced days, plus the month's payments
    unpriced_days: int
    payments: Decimal = Decimal(0)  # the month's FosterCarePayments (included in cost)

    @property
    def has_missing_price(self) -> bool:
        return self.unpriced_days > 0

    def describe_missing(self) -> str:
        return f"{MISSING_PRICE} för {self.unpriced_days} dygn" if self.unpriced_days else ""

    @property
    def known_cost(self) -> Decimal | None:
        """The month's cost, or None when not one of its days has a price and nothing was paid: a missing price
        is never shown or exported as 0 kr (issue 14). A month with some priced days keeps their cost, flagged."""
        if self.unpriced_days and self.unpriced_days == self.days and not self.payments:
            return None
        return self.cost

    def missing_price_note(self) -> str:
        """'saknar pris (27 dygn)' where the cost is unknown, the longer wording beside a partly priced amount."""
        if not self.unpriced_days:
            return ""
        if self.known_cost is None:
            return f"{MISSING_PRICE} ({self.unpriced_days} dygn)"
        return self.describe_missing()


def month_cost(
    *, placement: Placement, year: int, month: int, price_periods: Iterable[PricePeriod] | None = None,
    payments: Iterable[FosterCarePayment] | None = None,
) -> MonthCost:
    """Days and cost of `placement` in the month. Pass `price_periods` and `payments` (e.g. prefetched)
    to avoid queries."""
    first, next_first = month_bounds(year, month)
    if payments is None:
        payments = placement.payments.filter(month=first)
    paid = sum((payment_cost(p) for p in payments if p.month == first), Decimal(0))
    days = care_days(placement.start_on, placement.end_on, first, next_first)
    if days == 0:
        return MonthCost(0, paid, 0, paid)
    periods = placement.price_periods.all() if price_periods is None else price_periods
    month_length = days_in_month(year, month)
    cost = Decimal(0)
    priced_days = 0
    for pp, n in price_period_days(placement, periods, first, next_first):
        priced_days += n
        if pp.monthly_amount is not None:
            cost += pp.monthly_amount * n / month_length
        else:
            cost += pp.daily_price * n
    return MonthCost(days=days, cost=cost + paid, unpriced_days=days - priced_days, payments=paid)


def price_period_days(placement: Placement, price_periods: Iterable[PricePeriod], first: datetime.date,
                      next_first: datetime.date) -> Iterator[tuple[PricePeriod, int]]:
    """Each price period with the placement's care days it prices in [first, next_first), skipping those with
    none: the one place that decides which days a price period pays for (month_cost, the familjehem split)."""
    placement_end = care_end(placement.start_on, placement.end_on)
    for pp in price_periods:
        covered = intersect(placement.start_on, placement_end, pp.valid_from, pp.valid_to)
        if covered is None:
            continue
        # covered is a non-empty half-open range (a same-day placement was widened by care_end).
        n = care_days(covered[0], covered[1], first, next_first)
        if n:
            yield pp, n
