"""One rounding rule for what is shown and exported: half away from zero (common.rounding), pinned with
hand-computed ties. 1/16 = 0,0625 is 6,25 % → 6,3 %; it was stored as 6,2 in the indicator register (Decimal's
default half-even) while the deadline report showed 6,3 %."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import timezone

from common import reporting, rounding
from common.tables import format_value, swedish_number
from socialtjanst.followup import indicators
from socialtjanst.models import Indicator, IndicatorDirection, IndicatorValue
from socialtjanst.views.indicators import format_number
from tests.socialtjanst.test_deadline_report import child_case, intake

D = datetime.date
TODAY = D(2026, 1, 15)


def test_round_half_away_from_zero_on_ties_of_both_signs():
    assert rounding.round_half_away(Decimal("4600.125"), 2) == Decimal("4600.13")  # half-even gives 4600.12
    assert rounding.round_half_away(Decimal("-4600.125"), 2) == Decimal("-4600.13")
    assert rounding.round_half_away(Decimal("6.25"), 1) == Decimal("6.3")
    assert rounding.round_half_away(Decimal("0.5"), 0) == Decimal("1")
    assert rounding.round_half_away(Decimal("-0.5"), 0) == Decimal("-1")
    assert rounding.round_half_away(Decimal("2.5"), 0) == Decimal("3")  # half-even gives 2
    assert rounding.round_half_away(Fraction(1, 3), 2) == Decimal("0.33")
    assert rounding.round_half_away(2.675, 2) == Decimal("2.68")  # a float by its repr, not 2.67499999…
    assert str(rounding.round_half_away(7, 2)) == "7.00"


def test_share_mean_and_percent_by_hand():
    assert rounding.share(1, 16) == Decimal("0.0625")
    assert rounding.share(2, 3) == Decimal("0.6667")
    assert rounding.share(1, 0) is None
    assert rounding.as_percent(Decimal("0.0625")) == Decimal("6.3")
    assert rounding.as_percent(Decimal("0.0125")) == Decimal("1.3")  # 1,25 % → 1,3 (half-even: 1,2)
    assert rounding.as_percent(None) is None
    # Means with a tie at the second decimal: (1 + 1 + 1 + 2) ÷ 4 = 1,25 → 1,3; (10 + 11) ÷ 2 = 10,5 → 11 whole.
    assert rounding.mean([1, 1, 1, 2]) == Decimal("1.3")
    assert rounding.mean([3, 3, 3, 4]) == Decimal("3.3")  # 3,25 → 3,3 (half-even: 3,2)
    assert rounding.mean([10, 11], places=0) == Decimal("11")
    assert rounding.mean([]) is None


def test_screen_numbers_round_ties_away_from_zero():
    assert swedish_number(Decimal("4600.125"), 2).replace("\xa0", " ") == "4 600,13"
    assert swedish_number(Decimal("0.25"), 1) == "0,3"
    assert format_value(Decimal("0.0625"), reporting.PERCENT) == "6,3\xa0%"


@pytest.fixture
def one_in_sixteen(units, monkeypatch):
    """Sixteen förhandsbedömningar due in 2024 in one unit: one decided in time, fifteen never decided."""
    monkeypatch.setattr(timezone, "localdate", lambda: TODAY)
    case = child_case(units["own"])
    intake(case, D(2024, 1, 2), screened_on=D(2024, 1, 3))
    for day in range(1, 16):
        intake(case, D(2024, 3, day))
    return case


@pytest.mark.django_db
def test_one_in_sixteen_is_6_3_per_cent_on_the_deadline_report_and_in_the_indicator_register(one_in_sixteen,
                                                                                              controller):
    result = reporting.run_report(reporting.get_report("deadlines"), user=controller, year=2024, through_month=None)
    row = next(r for r in result.rows if r["unit"] == "MOTT_BARN")
    assert (row["screenings_within"], row["screenings_total"], row["screenings_share"]) == (1, 16, Decimal("0.0625"))
    assert format_value(row["screenings_share"], reporting.PERCENT) == "6,3\xa0%"

    Indicator.objects.create(name="Förhandsbedömningar i tid", responsible_unit=one_in_sixteen.unit,
                             target_value=90, unit_of_measure="%", direction=IndicatorDirection.HIGHER_IS_BETTER,
                             source="share_screenings_within_14_days")
    assert indicators.indicators_refresh(year=2024) == 1
    stored = IndicatorValue.objects.get().value
    assert stored == Decimal("6.3")
    assert format_number(stored) == "6,3"
