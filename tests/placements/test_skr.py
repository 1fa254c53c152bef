"""SKR's familjehem rule since 2023 (issue 20, placements/skr.py): arvode + omkostnad − avdrag, the
omkostnad band from the month the child turns 13, per-placement terms, and the part-month rule."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from placements import services, skr
from placements.models import (
    ExpensesBand,
    FeeKind,
    FosterCareFeeLevel,
    FosterCareTerms,
    PriceBaseAmount,
    PricePeriod,
)
from placements.pricing import month_cost
from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import PlacementFactory, PricePeriodFactory, care_type

D = datetime.date
pytestmark = pytest.mark.django_db

# 2024 by the shipped examples: grundarvode 11 417; prisbasbelopp 57 300 → 110 %: 5 252,50 → 5 253; 125 %: 5 968,75
# → 5 969 kr per month.
FEE_2024, CHILD_2024, TEEN_2024 = Decimal("11417"), Decimal("5253"), Decimal("5969")


def _periods(placement):
    return [(p.valid_from, p.valid_to, p.monthly_amount, p.fee, p.expenses, p.deduction)
            for p in PricePeriod.objects.filter(placement=placement).order_by("valid_from")]


def _child(units, birth_date):
    return CaseFactory(unit=units["own"], person=PersonFactory(birth_date=birth_date)).person


def _familjehem(by, person, unit, start, end=None, code="FH_EGET"):
    return services.placement_create(by=by, person=person, care_type=care_type(code), unit=unit,
                                     legal_basis="SoL", start_on=start, end_on=end)


def test_the_2021_table_whole_kronor_as_skr_publishes_it():
    assert PriceBaseAmount.objects.get(year=2021).amount == 47600
    assert [skr.expenses_amount(47600, Decimal(p)) for p in (110, 125, 155, 175)] == [
        Decimal("4363"), Decimal("4958"), Decimal("6148"), Decimal("6942")]


def test_the_shipped_data_is_marked_to_be_checked_and_the_bands_are_0_12_and_13_19():
    assert list(PriceBaseAmount.objects.values_list("year", "amount", "to_be_checked")) == [
        (2021, 47600, True), (2023, 52500, True), (2024, 57300, True), (2025, 58800, True)]
    assert list(FosterCareFeeLevel.objects.values_list("year", "monthly_fee", "to_be_checked")) == [
        (2023, Decimal("11237.00"), True), (2024, Decimal("11417.00"), True)]
    assert list(ExpensesBand.objects.values_list("from_age", "to_age", "base_percent", "ceiling_percent")) == [
        (0, 12, Decimal("110.00"), Decimal("155.00")), (13, 19, Decimal("125.00"), Decimal("175.00"))]


def test_a_child_turning_13_mid_year_gets_the_teen_omkostnad_from_that_month_and_the_same_arvode(handlaggare, units):
    child = _child(units, D(2011, 5, 17))  # turns 13 on 2024-05-17
    placement = _familjehem(handlaggare, child, units["own"], D(2024, 2, 10), D(2024, 9, 30))
    assert _periods(placement) == [
        (D(2024, 2, 10), D(2024, 5, 1), FEE_2024 + CHILD_2024, FEE_2024, CHILD_2024, Decimal(0)),
        (D(2024, 5, 1), D(2024, 9, 30), FEE_2024 + TEEN_2024, FEE_2024, TEEN_2024, Decimal(0)),
    ]
    april, may = (month_cost(placement=placement, year=2024, month=m) for m in (4, 5))
    assert (april.cost, may.cost) == (Decimal("16670.00"), Decimal("17386.00"))
    assert FosterCareTerms.objects.get(placement=placement).fee_kind == FeeKind.BASE


def test_a_new_year_takes_its_own_prisbasbelopp_and_the_latest_grundarvode(handlaggare, units):
    child = _child(units, D(2015, 3, 3))
    placement = _familjehem(handlaggare, child, units["own"], D(2023, 11, 4))
    # 2023: 11 237 + 52 500 × 110 % ÷ 12 = 4 812,50 → 4 813; 2025: 58 800 × 110 % ÷ 12 = 5 390 with 2024's arvode.
    assert [(p[0], p[1], p[3], p[4]) for p in _periods(placement)] == [
        (D(2023, 11, 4), D(2024, 1, 1), Decimal("11237"), Decimal("4813")),
        (D(2024, 1, 1), D(2025, 1, 1), FEE_2024, CHILD_2024),
        (D(2025, 1, 1), D(2028, 3, 1), FEE_2024, Decimal("5390")),
        (D(2028, 3, 1), D(2035, 3, 1), FEE_2024, Decimal("6125")),  # 125 %: 6 125 from the 13th birthday's month
    ]  # from the month the child turns 20 no SKR level: 'saknar pris' (a negotiated amount can be set)


def test_a_placement_starting_on_the_20th_of_a_30_day_month_pays_11_of_30_days(handlaggare, units):
    child = _child(units, D(2016, 1, 8))
    placement = _familjehem(handlaggare, child, units["own"], D(2024, 6, 20))
    june = month_cost(placement=placement, year=2024, month=6)
    assert june.days == 11
    assert june.cost == Decimal("16670") * 11 / 30
    assert round(june.cost, 2) == Decimal("6112.33")


def test_a_sibling_reduction_lowers_the_arvode_from_its_date_with_a_reason(handlaggare, units):
    child = _child(units, D(2016, 1, 8))
    placement = _familjehem(handlaggare, child, units["own"], D(2024, 1, 1))
    with pytest.raises(ValidationError) as err:
        services.foster_care_terms_set(by=handlaggare, placement=placement, valid_from=D(2024, 6, 1),
                                       fee_kind=FeeKind.REDUCED, fee_change_percent=Decimal(25))
    assert err.value.messages == [services.TERMS_REASON_REQUIRED]
    services.foster_care_terms_set(by=handlaggare, placement=placement, valid_from=D(2024, 6, 1),
                                   fee_kind=FeeKind.REDUCED, fee_change_percent=Decimal(25),
                                   fee_reason="Syskon placerat i samma familjehem")
    # 25 % of 11 417 = 2 854,25 → 2 854: arvode 8 563; the omkostnad stays.
    assert [(p[0], p[1], p[3], p[4]) for p in _periods(placement)][:2] == [
        (D(2024, 1, 1), D(2024, 6, 1), FEE_2024, CHILD_2024),
        (D(2024, 6, 1), D(2025, 1, 1), Decimal("8563"), CHILD_2024),
    ]
    assert month_cost(placement=placement, year=2024, month=6).cost == Decimal("8563") + CHILD_2024


def test_a_barnbidrag_deduction_is_subtracted_and_kept_as_its_own_part(handlaggare, units):
    child = _child(units, D(2016, 1, 8))
    placement = _familjehem(handlaggare, child, units["own"], D(2024, 1, 1), D(2024, 12, 31))
    services.foster_care_terms_set(by=handlaggare, placement=placement, valid_from=D(2024, 1, 1),
                                   child_benefit_deduction=Decimal("1250"))
    assert _periods(placement) == [
        (D(2024, 1, 1), D(2024, 12, 31), Decimal("15420.00"), FEE_2024, CHILD_2024, Decimal("1250.00"))]
    assert month_cost(placement=placement, year=2024, month=3).cost == Decimal("15420.00")


def test_a_raised_omkostnad_stops_at_the_bands_ceiling(handlaggare, units):
    child = _child(units, D(2016, 1, 8))
    placement = _familjehem(handlaggare, child, units["own"], D(2024, 1, 1), D(2024, 12, 31))
    services.foster_care_terms_set(by=handlaggare, placement=placement, valid_from=D(2024, 1, 1),
                                   expenses_raise_percent=Decimal(60), expenses_reason="Stort vårdbehov")
    # 110 + 60 = 170 % is above 155 %: 57 300 × 155 % ÷ 12 = 7 401,25 → 7 401.
    assert _periods(placement)[0][4] == Decimal("7401")


def test_a_raised_arvode_by_a_stated_amount_and_a_negotiated_amount_instead(handlaggare, units):
    child = _child(units, D(2016, 1, 8))
    placement = _familjehem(handlaggare, child, units["own"], D(2024, 1, 1), D(2024, 12, 31))
    services.foster_care_terms_set(by=handlaggare, placement=placement, valid_from=D(2024, 1, 1),
                                   fee_kind=FeeKind.RAISED, fee_change=Decimal("3000"), fee_reason="Tung arbetsinsats")
    assert _periods(placement)[0][3] == Decimal("14417")
    services.foster_care_terms_set(by=handlaggare, placement=placement, valid_from=D(2024, 7, 1),
                                   fee_kind=FeeKind.NEGOTIATED, negotiated_fee=Decimal("25000"),
                                   negotiated_expenses=Decimal("7000"))
    assert _periods(placement)[1] == (D(2024, 7, 1), D(2024, 12, 31), Decimal("32000.00"), Decimal("25000.00"),
                                      Decimal("7000.00"), Decimal("0.00"))


def test_the_database_refuses_an_adjustment_without_reason_and_a_deduction_breaking_the_sum(units):
    placement = PlacementFactory(care_type=care_type("FH_EGET"), start_on=D(2024, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        FosterCareTerms.objects.create(placement=placement, valid_from=D(2024, 1, 1), fee_kind=FeeKind.RAISED,
                                       fee_change=Decimal("100"))
    with pytest.raises(IntegrityError), transaction.atomic():
        PricePeriodFactory(placement=placement, monthly_amount=Decimal("100"), fee=Decimal("80"),
                           expenses=Decimal("30"), deduction=Decimal("5"))


def test_20_and_older_has_no_skr_level_and_stays_without_a_price(handlaggare, units):
    child = _child(units, D(2004, 8, 2))  # turns 20 in August 2024
    placement = _familjehem(handlaggare, child, units["own"], D(2024, 6, 1), D(2024, 10, 1))
    assert [p[:2] for p in _periods(placement)] == [(D(2024, 6, 1), D(2024, 8, 1))]
    assert month_cost(placement=placement, year=2024, month=8).unpriced_days == 31


def test_the_handlaggare_sets_the_terms_on_the_placement_page(handlaggare, units):
    from tests.conftest import login

    child = _child(units, D(2016, 1, 8))
    placement = _familjehem(handlaggare, child, units["own"], D(2024, 1, 1), D(2024, 12, 31))
    client = login(handlaggare)
    page = client.get(f"/placeringar/{placement.pk}/").content.decode()
    assert "Familjehemsersättning (SKR)" in page and 'id="terms-form"' in page
    refused = client.post(f"/placeringar/{placement.pk}/villkor/", {
        "terms-valid_from": "2024-06-01", "terms-fee_kind": "reducerat", "terms-fee_change_percent": "25"})
    assert services.TERMS_REASON_REQUIRED in refused.content.decode()
    response = client.post(f"/placeringar/{placement.pk}/villkor/", {
        "terms-valid_from": "2024-06-01", "terms-fee_kind": "reducerat", "terms-fee_change_percent": "25",
        "terms-fee_reason": "Syskon i samma hem", "terms-child_benefit_deduction": "1250"})
    assert response.status_code == 302
    assert _periods(placement)[1] == (D(2024, 6, 1), D(2024, 12, 31), Decimal("12566.00"), Decimal("8563.00"),
                                      CHILD_2024, Decimal("1250.00"))


def test_a_hand_set_price_is_refused_where_the_rule_writes_the_prices(handlaggare, units):
    child = _child(units, D(2016, 1, 8))
    placement = _familjehem(handlaggare, child, units["own"], D(2024, 1, 1))
    with pytest.raises(ValidationError) as err:
        services.price_period_set(by=handlaggare, placement=placement, valid_from=D(2024, 5, 1),
                                  monthly_amount=Decimal("30000"))
    assert err.value.messages == [services.PRICE_FOLLOWS_RULE.format(date="2024-01-01")]


def test_saving_a_year_in_the_admin_reprices_the_rules_placements(handlaggare, units, systemforvaltare):
    from tests.conftest import login

    placement = _familjehem(handlaggare, _child(units, D(2016, 1, 8)), units["own"], D(2024, 11, 1))
    row = PriceBaseAmount.objects.get(year=2025)
    response = login(systemforvaltare).post(f"/admin/placements/pricebaseamount/{row.pk}/change/", {
        "year": "2025", "amount": "60000", "note": "Regeringens beslut"})
    assert response.status_code == 302
    assert PricePeriod.objects.get(placement=placement, valid_from=D(2025, 1, 1)).expenses == Decimal("5500.00")
    assert PriceBaseAmount.objects.get(year=2025).to_be_checked is False
