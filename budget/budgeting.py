"""Budget for a period: the year's amount and volume spread over months (shared/domain.md §6).

By days of each month unless the controller has set a monthly profile (BudgetMonthShare).
The only place a budget is split over months."""

from decimal import Decimal

from common.periods import Period

from .models import Budget, VolumeUnit


def days_in_year(year: int) -> int:
    return Period(year).days


def days_through(year: int, through_month: int | None) -> int:
    """Days from 1 January through the end of `through_month` (None = the whole year)."""
    return Period(year, through_month).days


def period_share(budget: Budget, through_month: int | None, shares: dict[int, Decimal] | None = None) -> Decimal:
    """The share of the year's budget that falls in January..through_month."""
    if through_month is None or through_month == 12:
        return Decimal(1)
    if shares is None:
        shares = {s.month: s.share for s in budget.month_shares.all()}
    if shares:
        return sum((shares.get(m, Decimal(0)) for m in range(1, through_month + 1)), Decimal(0))
    return Decimal(days_through(budget.year, through_month)) / Decimal(days_in_year(budget.year))


def amount_for_period(budget: Budget, through_month: int | None) -> Decimal:
    return budget.amount * period_share(budget, through_month)


def volume_for_period(budget: Budget, through_month: int | None) -> Decimal | None:
    """Budget volume in the period. Årsplaceringar are a rate (placed on average), so they are not
    spread: 10 årsplaceringar budgeted are 10 in August too; counts (dygn, dagar, hushåll,
    inflöde) are spread like the amount."""
    if budget.volume is None:
        return None
    if budget.volume_unit == VolumeUnit.PLACEMENT_YEARS:
        return budget.volume
    return budget.volume * period_share(budget, through_month)
