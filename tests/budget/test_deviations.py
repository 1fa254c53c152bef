"""budget/deviations.py: the formulas of shared/domain.md §7, exact to the öre."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget import deviations as dv
from common import rounding

ORE_AMOUNTS = st.decimals(min_value=Decimal("-50000000"), max_value=Decimal("500000000"), places=2,
                          allow_nan=False, allow_infinity=False)
VOLUMES = st.one_of(
    st.integers(min_value=0, max_value=200_000),
    st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=2, allow_nan=False,
                allow_infinity=False),
    st.fractions(min_value=0, max_value=100_000, max_denominator=400),
)


def test_key_example_twelve_placements_against_ten_budgeted():
    """12 000 000 kr for 10 årsplaceringar; 4 392 care days in 2024 = 12 årsplaceringar → −2 400 000."""
    parts = dv.decompose(cost_budget=Decimal("12000000.00"), cost_actual=Decimal("15372000.00"),
                         volume_budget=10, volume_actual=Fraction(4392, 366))
    assert parts.volume_effect == Decimal("-2400000.00")
    assert parts.deviation == Decimal("-3372000.00")
    assert parts.price_effect == Decimal("-972000.00")
    assert parts.volume_effect + parts.price_effect == parts.deviation


def test_the_effect_is_the_same_in_days_and_in_placement_years():
    in_years = dv.decompose(cost_budget=Decimal("12000000.00"), cost_actual=Decimal("13000000.00"),
                            volume_budget=10, volume_actual=Fraction(4392, 366))
    in_days = dv.decompose(cost_budget=Decimal("12000000.00"), cost_actual=Decimal("13000000.00"),
                           volume_budget=3660, volume_actual=4392)
    assert in_years == in_days


def test_price_effect_comes_from_its_own_formula():
    # 100 days budgeted at 1 000 kr; 120 days at 1 100 kr.
    parts = dv.decompose(cost_budget=Decimal("100000.00"), cost_actual=Decimal("132000.00"),
                         volume_budget=100, volume_actual=120)
    assert parts.volume_effect_exact == -(120 - 100) * 1000
    assert parts.price_effect_exact == -(1100 - 1000) * 120
    assert (parts.volume_effect, parts.price_effect, parts.deviation) == (
        Decimal("-20000.00"), Decimal("-12000.00"), Decimal("-32000.00"))


def test_a_non_terminating_budget_price_still_sums_to_the_ore():
    parts = dv.decompose(cost_budget=Decimal("1000000.00"), cost_actual=Decimal("1000000.00"),
                         volume_budget=3, volume_actual=4)
    # pris_b = 333 333,333…; volume effect −333 333,33 (rounded), price effect +333 333,33.
    assert parts.volume_effect == Decimal("-333333.33")
    assert parts.price_effect == Decimal("333333.33")
    assert parts.deviation == Decimal("0.00")


def test_without_a_budget_volume_the_whole_deviation_is_volume():
    parts = dv.decompose(cost_budget=Decimal("0.00"), cost_actual=Decimal("5000.00"), volume_budget=None,
                         volume_actual=3)
    assert (parts.volume_effect, parts.price_effect) == (Decimal("-5000.00"), Decimal("0.00"))


def test_cost_without_days_is_a_price_effect():
    parts = dv.decompose(cost_budget=Decimal("1000.00"), cost_actual=Decimal("250.00"), volume_budget=10,
                         volume_actual=0)
    assert parts.volume_effect == Decimal("1000.00")
    assert parts.price_effect == Decimal("-250.00")


def test_amounts_must_be_whole_ore_and_floats_are_refused():
    with pytest.raises(ValueError, match="hela ören"):
        dv.decompose(cost_budget=Decimal("1.005"), cost_actual=0, volume_budget=1, volume_actual=1)
    with pytest.raises(TypeError):
        dv.decompose(cost_budget=1.5, cost_actual=0, volume_budget=1, volume_actual=1)


@settings(max_examples=3000, deadline=None)
@given(cost_b=ORE_AMOUNTS, cost_u=ORE_AMOUNTS, vol_b=st.one_of(st.none(), VOLUMES), vol_u=VOLUMES)
def test_volume_and_price_effect_sum_exactly_to_the_deviation(cost_b, cost_u, vol_b, vol_u):
    parts = dv.decompose(cost_budget=cost_b, cost_actual=cost_u, volume_budget=vol_b, volume_actual=vol_u)
    assert parts.deviation == cost_b - cost_u
    assert parts.volume_effect + parts.price_effect == parts.deviation
    assert parts.volume_effect_exact + parts.price_effect_exact == Fraction(cost_b) - Fraction(cost_u)
    # Both shown parts are correct roundings of their exact values.
    assert abs(Fraction(parts.volume_effect) - parts.volume_effect_exact) <= Fraction(1, 200)
    assert abs(Fraction(parts.price_effect) - parts.price_effect_exact) <= Fraction(1, 200)
    assert parts.volume_effect == parts.volume_effect.quantize(Decimal("0.01"))
    if vol_b:
        price_b = Fraction(cost_b) / Fraction(vol_b)
        assert parts.volume_effect_exact == -(Fraction(vol_u) - Fraction(vol_b)) * price_b


def test_round_fraction_is_half_away_from_zero():
    assert dv.round_fraction(Fraction(1, 200)) == Decimal("0.01")
    assert dv.round_fraction(Fraction(-1, 200)) == Decimal("-0.01")
    assert dv.round_fraction(Fraction(1, 201)) == Decimal("0.00")
    assert dv.round_fraction(Fraction(5369, 366), Decimal("0.01")) == Decimal("14.67")


@pytest.mark.parametrize(("budget", "actual", "expected"), [
    (Decimal("1000"), Decimal("900"), Decimal("0.1")),
    (Decimal("1000"), Decimal("1250"), Decimal("-0.25")),
    (Decimal("0"), Decimal("10"), Decimal("-1")),
    (Decimal("0"), Decimal("0"), None),
    (Decimal("-1000"), Decimal("-500"), Decimal("-0.5")),
])
def test_deviation_percent(budget, actual, expected):
    assert dv.deviation_percent(budget, actual) == expected


def test_signs_of_cost_and_volume_deviation():
    assert dv.deviation(Decimal("100"), Decimal("120")) == Decimal("-20")
    assert dv.volume_deviation(Decimal("12"), Decimal("10")) == Decimal("2")
    assert dv.volume_deviation(Decimal("12"), None) is None


def test_key_figures():
    assert dv.placement_years(5369, 366) == Decimal("14.67")
    assert dv.placement_years(4392, 366) == Decimal("12.00")
    assert dv.price_per_day(Decimal("1000.00"), 3) == Decimal("333.33")
    assert dv.price_per_day(Decimal("1000.00"), 0) is None
    assert dv.net_cost_per_care_day_tkr(Decimal("5000000"), 1000, other_income=Decimal("200000")) == Decimal("4.8")
    assert dv.net_cost_per_person(Decimal("90000"), 4) == Decimal("22500.00")
    assert dv.own_regime_share(300, 100) == Decimal("0.75")
    assert dv.own_regime_share(0, 0) is None
    assert rounding.mean([10, 20, 31]) == Decimal("20.3")
    assert rounding.mean([]) is None
    assert rounding.share(Decimal("25"), Decimal("100")) == Decimal("0.25")
