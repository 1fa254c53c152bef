from decimal import Decimal

import pytest
from django.db.models import Count

from placements.demo import load_demo_placements
from placements.models import CareType, FosterCarePayment, FosterCareTerms, Placement
from placements.pricing import month_cost
from socialtjanst.demo import load_demo

pytestmark = pytest.mark.django_db


def test_demo_placements_cover_the_catalogue_and_a_rerun_adds_nothing():
    load_demo()
    first = load_demo_placements()
    assert first["placements"] == first["total"] >= 200
    assert load_demo_placements() == {"placements": 0, "total": first["total"], "agreements": 9}
    used = set(Placement.objects.values_list("care_type__code", flat=True))
    assert used == set(CareType.objects.values_list("code", flat=True))
    assert Placement.objects.filter(legal_basis="LSB", parent_placement__isnull=False).exists()
    assert Placement.objects.filter(end_reason="flytt").count() >= 20
    assert Placement.objects.annotate(n=Count("price_periods")).filter(n__gte=2).exists()
    # Own familjehem are paid by SKR's rule, some with barnbidrag deducted (issue 20).
    own = Placement.objects.filter(care_type__code="FH_EGET")
    assert FosterCareTerms.objects.filter(placement__in=own).count() == own.count()
    assert FosterCareTerms.objects.filter(child_benefit_deduction=Decimal("1250.00")).exists()
    assert set(FosterCarePayment.objects.values_list("placement__care_type__code", flat=True)) == {"FH_EGET"}
    for p in Placement.objects.prefetch_related("price_periods")[:100]:
        result = month_cost(placement=p, year=p.start_on.year, month=p.start_on.month,
                            price_periods=p.price_periods.all())
        assert result.unpriced_days == 0
