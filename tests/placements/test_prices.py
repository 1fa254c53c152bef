"""A new placement's first prices without an explicit price: the agreement's price list copied at
avrop (clipped to the placement), or SKR's rule for an own familjehem (services.prices, placements.skr)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from placements import services
from placements.lilla_hjartat import ChildParticipation
from placements.models import AgeBand, AgreementPrice, FosterCareRate, IvoCheckResult, PricePeriod
from placements.pricing import month_cost
from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import ProviderFactory, care_type

D = datetime.date
pytestmark = pytest.mark.django_db


def _periods(placement):
    return [(p.valid_from, p.valid_to, p.daily_price, p.monthly_amount, p.fee, p.expenses)
            for p in PricePeriod.objects.filter(placement=placement).order_by("valid_from")]


def _child(units, birth_date):
    return CaseFactory(unit=units["own"], person=PersonFactory(birth_date=birth_date)).person


def _familjehem(by, person, unit, start, end=None):
    return services.placement_create(by=by, person=person, care_type=care_type("FH_EGET"), unit=unit,
                                     legal_basis="SoL", start_on=start, end_on=end)


# --- SKR levels for an own familjehem -------------------------------------------------


def test_the_old_example_levels_stay_for_history_but_no_longer_price_a_new_placement():
    rows = list(FosterCareRate.objects.order_by("valid_from", "age_band")
                .values_list("valid_from", "age_band", "fee", "expenses"))
    assert rows[:2] == [(D(2024, 1, 1), AgeBand.CHILD, Decimal("6200.00"), Decimal("5900.00")),
                        (D(2024, 1, 1), AgeBand.TEEN, Decimal("6900.00"), Decimal("7100.00"))]
    assert {r[0] for r in rows} == {D(2024, 1, 1), D(2025, 1, 1), D(2026, 1, 1)}
    assert all("Exempelnivå" in note for note in FosterCareRate.objects.values_list("note", flat=True))


# The SKR rule itself (bands, years, terms) is tested in tests/placements/test_skr.py.


def test_before_the_first_grundarvode_the_days_stay_without_a_price(handlaggare, units):
    child = _child(units, D(2014, 6, 1))
    placement = _familjehem(handlaggare, child, units["own"], D(2022, 12, 15))
    assert _periods(placement)[0][:2] == (D(2023, 1, 1), D(2024, 1, 1))
    december = month_cost(placement=placement, year=2022, month=12)
    assert (december.days, december.cost, december.unpriced_days) == (17, Decimal(0), 17)


def test_an_explicit_price_wins_over_the_levels(handlaggare, units):
    child = _child(units, D(2011, 5, 17))
    placement = services.placement_create(
        by=handlaggare, person=child, care_type=care_type("FH_EGET"), unit=units["own"], legal_basis="SoL",
        start_on=D(2024, 2, 10), monthly_amount=Decimal("30000.00"),
    )
    assert _periods(placement) == [(D(2024, 2, 10), None, None, Decimal("30000.00"), None, None)]


def test_the_levels_apply_only_to_an_own_familjehem(handlaggare, units):
    child = _child(units, D(2011, 5, 17))
    jour = services.placement_create(by=handlaggare, person=child, care_type=care_type("FH_JOUR"),
                                     unit=units["own"], legal_basis="SoL", start_on=D(2024, 2, 10))
    assert _periods(jour) == []


# --- agreement prices copied at avrop ---------------------------------------------------


@pytest.fixture
def agreement(controller):
    provider = ProviderFactory(name="Björkens HVB AB")
    agreement = services.agreement_create(by=controller, provider=provider, kind="individavtal", reference="IA-7",
                                          valid_from=D(2023, 1, 1))
    hvb = care_type("HVB_BOU")
    for valid_from, price in [(D(2023, 1, 1), "4400.00"), (D(2024, 1, 1), "4600.00"), (D(2025, 1, 1), "4900.00")]:
        services.agreement_price_create(by=controller, agreement=agreement, care_type=hvb, valid_from=valid_from,
                                        daily_price=Decimal(price))
    services.agreement_price_create(by=controller, agreement=agreement, care_type=care_type("STODBOENDE_BOU"),
                                    valid_from=D(2023, 1, 1), daily_price=Decimal("2500.00"))
    return agreement


def _hvb_with_agreement(by, person, unit, agreement, start, end=None, **kwargs):
    return services.placement_create(
        by=by, person=person, care_type=care_type("HVB_BOU"), unit=unit, legal_basis="SoL", start_on=start,
        end_on=end, agreement=agreement, ivo_checked_on=start, ivo_check_result=IvoCheckResult.NO_REMARKS, **kwargs,
    )


def test_the_agreements_prices_for_the_care_type_are_copied_and_clipped(handlaggare, units, child, agreement):
    placement = _hvb_with_agreement(handlaggare, child, units["own"], agreement, D(2023, 11, 20), D(2024, 3, 5))
    assert placement.provider == agreement.provider
    assert _periods(placement) == [
        (D(2023, 11, 20), D(2024, 1, 1), Decimal("4400.00"), None, None, None),
        (D(2024, 1, 1), D(2024, 3, 5), Decimal("4600.00"), None, None, None),
    ]
    assert month_cost(placement=placement, year=2023, month=12).cost == Decimal("4400.00") * 31
    assert month_cost(placement=placement, year=2024, month=3).cost == Decimal("4600.00") * 4


def test_an_ongoing_placement_keeps_the_last_price_until_further_notice(handlaggare, units, child, agreement):
    placement = _hvb_with_agreement(handlaggare, child, units["own"], agreement, D(2024, 6, 1))
    assert _periods(placement) == [
        (D(2024, 6, 1), D(2025, 1, 1), Decimal("4600.00"), None, None, None),
        (D(2025, 1, 1), None, Decimal("4900.00"), None, None, None),
    ]


def test_a_gap_before_the_price_list_starts_stays_visible_as_saknar_pris(handlaggare, units, child, controller):
    provider = ProviderFactory()
    late = services.agreement_create(by=controller, provider=provider, kind="avrop", reference="AV-1",
                                     valid_from=D(2024, 1, 1))
    services.agreement_price_create(by=controller, agreement=late, care_type=care_type("HVB_BOU"),
                                    valid_from=D(2024, 1, 15), daily_price=Decimal("5000.00"))
    placement = _hvb_with_agreement(handlaggare, child, units["own"], late, D(2024, 1, 1))
    january = month_cost(placement=placement, year=2024, month=1)
    assert (january.days, january.cost, january.unpriced_days) == (31, Decimal("85000.00"), 14)
    assert january.describe_missing() == "saknar pris för 14 dygn"


def test_a_later_change_of_the_price_list_does_not_rewrite_the_copy(handlaggare, units, child, agreement, controller):
    placement = _hvb_with_agreement(handlaggare, child, units["own"], agreement, D(2024, 6, 1), D(2024, 7, 1))
    line = AgreementPrice.objects.get(agreement=agreement, care_type=care_type("HVB_BOU"), valid_from=D(2024, 1, 1))
    services.agreement_price_update(by=controller, price=line, care_type=line.care_type, valid_from=line.valid_from,
                                    daily_price=Decimal("9999.00"))
    assert _periods(placement) == [(D(2024, 6, 1), D(2024, 7, 1), Decimal("4600.00"), None, None, None)]


def test_an_agreement_of_another_provider_is_refused(handlaggare, units, child, agreement):
    with pytest.raises(ValidationError) as err:
        _hvb_with_agreement(handlaggare, child, units["own"], agreement, D(2024, 6, 1), provider=ProviderFactory())
    assert err.value.messages == [services.AGREEMENT_OTHER_PROVIDER.format(agreement="Individavtal IA-7")]


def test_an_explicit_price_wins_over_the_agreement(handlaggare, units, child, agreement):
    placement = _hvb_with_agreement(handlaggare, child, units["own"], agreement, D(2024, 6, 1),
                                    daily_price=Decimal("5100.00"))
    assert _periods(placement) == [(D(2024, 6, 1), None, Decimal("5100.00"), None, None, None)]


def test_a_move_with_an_agreement_copies_its_prices_too(handlaggare, units, child, agreement):
    jour = services.placement_create(by=handlaggare, person=child, care_type=care_type("FH_JOUR"),
                                     unit=units["own"], legal_basis="LVU", start_on=D(2024, 1, 10),
                                     monthly_amount=Decimal("42000"))
    moved = services.placement_move(by=handlaggare, placement=jour, move_on=D(2024, 12, 1),
                                    care_type=care_type("STODBOENDE_BOU"), agreement=agreement,
                                    ivo_checked_on=D(2024, 11, 28), ivo_check_result=IvoCheckResult.NO_REMARKS,
                                    participation=ChildParticipation(reason_not="Akut flytt; barnet hörs efteråt."))
    assert _periods(moved) == [(D(2024, 12, 1), None, Decimal("2500.00"), None, None, None)]
