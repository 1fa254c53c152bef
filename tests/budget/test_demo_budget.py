"""load_demo_budget: budgets per cost centre and care type for three years, sized on the placements, idempotent."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from budget.demo import demo_budget_figures, load_demo_budget, placement_figures, placement_years_by_cost_centre
from budget.models import Budget, CostCentre
from placements.models import CareType
from tests.placements.factories import PlacementFactory, PricePeriodFactory, care_type

pytestmark = pytest.mark.django_db
D = datetime.date


def test_placement_years_follow_the_mapping_and_the_placements_own_cost_centre():
    PlacementFactory(care_type=care_type("HVB_BOU"), start_on=D(2024, 1, 1), end_on=D(2025, 3, 1))  # whole 2024
    PlacementFactory(care_type=care_type("FH_EGET"), start_on=D(2024, 7, 1), end_on=None)  # 184 days
    PlacementFactory(care_type=care_type("HVB_BOU"), start_on=D(2024, 1, 1), end_on=D(2024, 1, 31),
                     cost_centre="572")  # 30 days on its own cost centre
    years = placement_years_by_cost_centre(2024)
    assert years == {"5731": Decimal(1), "5732": Decimal(184) / 366, "572": Decimal(30) / 366}
    assert set(placement_figures(2024)) == {("5731", "HVB_BOU"), ("5732", "FH_EGET"), ("572", "HVB_BOU")}
    assert placement_figures(2024, through_month=1)[("572", "HVB_BOU")][0] == 30


def test_figures_move_volume_and_price_a_little_from_the_actual():
    actual = (20 * 366, Decimal(20 * 366 * 5000))  # 20 placement years at 5 000 kr a day
    volume, amount = demo_budget_figures(code="5731", care_type="HVB_BOU", year=2024, days_counted=366,
                                         actual=actual)
    assert Decimal("17.6") <= volume <= Decimal("21.6")
    price = amount / volume / 366
    assert Decimal(4800) < price < Decimal(5250)
    assert demo_budget_figures(code="5731", care_type="HVB_BOU", year=2024, days_counted=366,
                               actual=actual) == (volume, amount)
    # A care type without placements: half a placement year at the cost centre's price.
    assert demo_budget_figures(code="572", care_type="SKYDDAT_BOENDE", year=2024, days_counted=366,
                               actual=None) == (Decimal("0.5"), Decimal(439000))


def test_load_demo_budget_budgets_every_care_type_is_idempotent_and_never_overwrites():
    hvb = PlacementFactory(care_type=care_type("HVB_BOU"), start_on=D(2024, 1, 1), end_on=D(2025, 1, 1))
    PricePeriodFactory(placement=hvb, valid_from=D(2024, 1, 1), valid_to=None, daily_price=Decimal(5000))
    result = load_demo_budget(today=D(2025, 6, 15))
    care_types = CareType.objects.filter(active=True, activity_code__in=CostCentre.objects.values("code")).count()
    assert care_types == 14
    assert result == {"created": 3 * 14, "total": 3 * 14}
    assert set(Budget.objects.values_list("year", flat=True)) == {2023, 2024, 2025}
    assert not Budget.objects.filter(care_type__isnull=True).exists()
    assert set(Budget.objects.values_list("volume_unit", flat=True)) == {"årsplacering"}
    hvb_2024 = Budget.objects.get(year=2024, care_type__code="HVB_BOU")
    assert Decimal("0.8") <= hvb_2024.volume <= Decimal("1.1")
    edited = Budget.objects.get(year=2025, care_type__code="HVB_BOU")
    edited.amount = Decimal(1)
    edited.save()
    assert load_demo_budget(today=D(2025, 6, 15)) == {"created": 0, "total": 3 * 14}
    edited.refresh_from_db()
    assert edited.amount == Decimal(1)


def test_a_year_and_cost_centre_with_a_budget_already_gets_no_care_type_rows():
    """The older demo's one budget per verksamhet is kept and never counted twice."""
    centre = CostCentre.objects.get(code="5731")
    Budget.objects.create(year=2025, cost_centre=centre, amount=Decimal(1_000_000))
    load_demo_budget(today=D(2025, 6, 15))
    assert list(Budget.objects.filter(year=2025, cost_centre=centre).values_list("care_type", "amount")) == [
        (None, Decimal("1000000.00"))]
    assert Budget.objects.filter(year=2024, cost_centre=centre).count() == 3  # HVB_BOU, SIS_LVU, STODBOENDE_BOU


def test_command_runs():
    call_command("load_demo_budget")
    assert Budget.objects.exists()
