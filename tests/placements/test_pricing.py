import datetime
from decimal import Decimal

import pytest

from placements.pricing import month_cost
from tests.placements.factories import PlacementFactory, PricePeriodFactory, care_type

D = datetime.date
pytestmark = pytest.mark.django_db


def test_own_foster_home_part_month_is_amount_times_days_over_days_in_month():
    placement = PlacementFactory(care_type=care_type("FH_EGET"), start_on=D(2024, 2, 10))
    PricePeriodFactory(placement=placement, monthly_amount=Decimal("30000.00"))
    result = month_cost(placement=placement, year=2024, month=2)
    assert result.days == 20
    assert result.cost == Decimal(30000) * 20 / 29
    assert result.unpriced_days == 0


def test_per_dygn_across_a_price_change_at_new_year():
    placement = PlacementFactory(start_on=D(2023, 12, 20), end_on=D(2024, 1, 10))
    PricePeriodFactory(placement=placement, valid_to=D(2024, 1, 1), daily_price=Decimal("5000.00"))
    PricePeriodFactory(placement=placement, valid_from=D(2024, 1, 1), daily_price=Decimal("5200.00"))
    assert month_cost(placement=placement, year=2023, month=12).cost == Decimal("60000.00")
    january = month_cost(placement=placement, year=2024, month=1)
    assert (january.days, january.cost, january.unpriced_days) == (9, Decimal("46800.00"), 0)


def test_days_without_a_price_are_reported_not_costed_at_zero():
    placement = PlacementFactory(start_on=D(2024, 3, 1), end_on=D(2024, 4, 1))
    PricePeriodFactory(placement=placement, valid_from=D(2024, 3, 11), daily_price=Decimal("4600.00"))
    result = month_cost(placement=placement, year=2024, month=3)
    assert (result.days, result.cost, result.unpriced_days) == (31, Decimal("96600.00"), 10)
    assert result.describe_missing() == "saknar pris för 10 dygn"


def test_same_day_placement_costs_one_dygn():
    placement = PlacementFactory(start_on=D(2024, 3, 15), end_on=D(2024, 3, 15))
    PricePeriodFactory(placement=placement, daily_price=Decimal("2500.00"))
    result = month_cost(placement=placement, year=2024, month=3)
    assert (result.days, result.cost, result.unpriced_days) == (1, Decimal("2500.00"), 0)
