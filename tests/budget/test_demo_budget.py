"""load_demo_budget: budgets per cost centre for three years, sized on the placements, idempotent."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from budget.demo import demo_budget_figures, load_demo_budget, placement_years_by_cost_centre
from budget.models import Budget, CostCentre
from tests.placements.factories import PlacementFactory, care_type

pytestmark = pytest.mark.django_db
D = datetime.date


def test_placement_years_follow_the_mapping_and_the_placements_own_cost_centre():
    PlacementFactory(care_type=care_type("HVB_BOU"), start_on=D(2024, 1, 1), end_on=D(2025, 3, 1))  # whole 2024
    PlacementFactory(care_type=care_type("FH_EGET"), start_on=D(2024, 7, 1), end_on=None)  # 184 days
    PlacementFactory(care_type=care_type("HVB_BOU"), start_on=D(2024, 1, 1), end_on=D(2024, 1, 31),
                     cost_centre="572")  # 30 days on its own cost centre
    years = placement_years_by_cost_centre(2024)
    assert years == {"5731": Decimal(1), "5732": Decimal(184) / 366, "572": Decimal(30) / 366}


def test_figures_are_within_ten_per_cent_at_the_cost_centres_price():
    volume, amount = demo_budget_figures(code="5731", year=2024, placement_years=Decimal(20))
    assert Decimal(18) <= volume <= Decimal(22)
    assert amount == (volume * 366 * 5200).quantize(Decimal("-3"))
    assert demo_budget_figures(code="5731", year=2024, placement_years=Decimal(20)) == (volume, amount)
    assert demo_budget_figures(code="572", year=2024, placement_years=Decimal(0))[0] == Decimal(1)


def test_load_demo_budget_is_idempotent_and_never_overwrites():
    PlacementFactory(care_type=care_type("HVB_BOU"), start_on=D(2024, 1, 1), end_on=D(2025, 1, 1))
    result = load_demo_budget(today=D(2025, 6, 15))
    active = CostCentre.objects.filter(active=True).count()
    assert result == {"created": 3 * active, "total": 3 * active}
    years = set(Budget.objects.values_list("year", flat=True))
    assert years == {2023, 2024, 2025}
    assert set(Budget.objects.values_list("volume_unit", flat=True)) == {"årsplacering"}
    edited = Budget.objects.get(year=2025, cost_centre__code="5731")
    edited.amount = Decimal(1)
    edited.save()
    assert load_demo_budget(today=D(2025, 6, 15)) == {"created": 0, "total": 3 * active}
    edited.refresh_from_db()
    assert edited.amount == Decimal(1)


def test_command_runs():
    call_command("load_demo_budget")
    assert Budget.objects.exists()
