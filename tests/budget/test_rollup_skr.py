"""SKR's familjehem rule through the monthly roll-up (issue 20): the facts equal the day-walking reference,
which prices a rule placement from the rule's definition; history before the rule stands; a change that
touches a closed month is booked as a correction in the first open month, never written into the closed one."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget import rollup
from budget.models import MonthClosing, MonthlyFact
from placements import services
from placements.models import FeeKind, FosterCareTerms, PricePeriod
from tests.budget.test_rollup import facts_by_origin, reference_in
from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import PlacementFactory, PricePeriodFactory, care_type

D = datetime.date
WINDOW = [D(2023, 11, 1), D(2023, 12, 1), D(2024, 1, 1), D(2024, 2, 1), D(2024, 3, 1), D(2024, 4, 1),
          D(2024, 5, 1), D(2024, 6, 1)]


def _familjehem(by, units, birth, start, end=None):
    person = CaseFactory(unit=units["own"], person=PersonFactory(birth_date=birth)).person
    return services.placement_create(by=by, person=person, care_type=care_type("FH_EGET"), unit=units["own"],
                                     legal_basis="SoL", start_on=start, end_on=end)


def _fh_cost(booking, origin):
    return sum((f.cost for f in MonthlyFact.objects.filter(booking_month=booking, origin_month=origin,
                                                           care_type=care_type("FH_EGET"))), Decimal(0))


@pytest.mark.django_db
def test_rule_placements_roll_up_to_the_reference_to_the_ore(handlaggare, units):
    turning_13 = _familjehem(handlaggare, units, D(2011, 3, 9), D(2023, 11, 20))
    services.foster_care_terms_set(by=handlaggare, placement=turning_13, valid_from=D(2024, 2, 14),
                                   fee_kind=FeeKind.REDUCED, fee_change_percent=Decimal(25),
                                   fee_reason="Syskon placerat i samma hem", child_benefit_deduction=Decimal("1250"))
    june_20 = _familjehem(handlaggare, units, D(2017, 6, 1), D(2024, 6, 20))
    ended = _familjehem(handlaggare, units, D(2012, 12, 31), D(2024, 1, 1), D(2024, 4, 17))
    services.foster_care_terms_set(by=handlaggare, placement=ended, valid_from=D(2024, 1, 1),
                                   expenses_raise_percent=Decimal("30"), expenses_reason="Särskilda behov")
    rollup.rollup_months(WINDOW)

    assert facts_by_origin(WINDOW) == reference_in(WINDOW)
    # June: the 20th–30th, 11 of 30 days of 11 417 + 5 253 = 6 112,33, beside the two others' full months.
    assert june_20.start_on == D(2024, 6, 20)
    # The other, 13 since March: arvode 11 417 − 25 % (2 854) + omkostnad 125 % 5 969 − barnbidrag 1 250 = 13 282.
    assert _fh_cost(D(2024, 6, 1), D(2024, 6, 1)) == Decimal("6112.33") + Decimal("13282.00")


@pytest.mark.django_db
def test_an_older_placement_keeps_its_months_before_the_rule_and_follows_it_from_the_first_open_month(
        handlaggare, units):
    person = CaseFactory(unit=units["own"], person=PersonFactory(birth_date=D(2014, 2, 2))).person
    old = PlacementFactory(person=person, care_type=care_type("FH_EGET"), unit=units["own"], start_on=D(2024, 1, 1))
    PricePeriodFactory(placement=old, monthly_amount=Decimal("12100"), fee=Decimal("6200"), expenses=Decimal("5900"))
    negotiated = PlacementFactory(care_type=care_type("FH_EGET"), start_on=D(2024, 1, 1))
    PricePeriodFactory(placement=negotiated, monthly_amount=Decimal("30000"))

    assert services.skr_adopt(from_month=D(2024, 3, 1)) == 1  # the unsplit agreed amount stays as it is
    assert list(PricePeriod.objects.filter(placement=old).order_by("valid_from").values_list(
        "valid_from", "valid_to", "monthly_amount"))[:2] == [
        (D(2024, 1, 1), D(2024, 3, 1), Decimal("12100.00")), (D(2024, 3, 1), D(2025, 1, 1), Decimal("16670.00"))]
    assert not FosterCareTerms.objects.filter(placement=negotiated).exists()
    rollup.rollup_months(WINDOW)
    assert facts_by_origin(WINDOW) == reference_in(WINDOW)
    assert _fh_cost(D(2024, 2, 1), D(2024, 2, 1)) == Decimal("42100.00")
    assert _fh_cost(D(2024, 3, 1), D(2024, 3, 1)) == Decimal("46670.00")


@pytest.mark.django_db
def test_a_deduction_back_into_a_closed_month_is_booked_as_a_correction_in_the_first_open_month(
        handlaggare, units, controller):
    placement = _familjehem(handlaggare, units, D(2016, 1, 8), D(2024, 1, 1))
    rollup.rollup_months([D(2024, 1, 1), D(2024, 2, 1)])
    MonthClosing.objects.create(month=D(2024, 1, 1), closed_by=controller)
    assert _fh_cost(D(2024, 1, 1), D(2024, 1, 1)) == Decimal("16670.00")

    services.foster_care_terms_set(by=handlaggare, placement=placement, valid_from=D(2024, 1, 1),
                                   child_benefit_deduction=Decimal("1250"))
    rollup.rollup_dirty(limit=1000)

    assert _fh_cost(D(2024, 1, 1), D(2024, 1, 1)) == Decimal("16670.00")  # the closed month as it was closed
    assert _fh_cost(D(2024, 2, 1), D(2024, 1, 1)) == Decimal("-1250.00")  # its correction, booked in February
    assert _fh_cost(D(2024, 2, 1), D(2024, 2, 1)) == Decimal("15420.00")
    assert facts_by_origin([D(2024, 1, 1), D(2024, 2, 1)]) == reference_in([D(2024, 1, 1), D(2024, 2, 1)])


@pytest.mark.django_db
def test_a_new_years_prisbasbelopp_reprices_only_from_that_year(handlaggare, units):
    from placements.models import PriceBaseAmount

    placement = _familjehem(handlaggare, units, D(2016, 1, 8), D(2024, 11, 1))
    PriceBaseAmount.objects.filter(year=2025).update(amount=60000)
    assert services.skr_reprice_from_year(2025) == 1
    periods = list(PricePeriod.objects.filter(placement=placement).order_by("valid_from")
                   .values_list("valid_from", "expenses"))
    assert periods[:2] == [(D(2024, 11, 1), Decimal("5253.00")), (D(2025, 1, 1), Decimal("5500.00"))]
    assert services.skr_reprice_from_year(2025) == 0  # nothing to change: no month is marked again


@pytest.mark.django_db(transaction=False)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(st.tuples(
    st.dates(D(2004, 1, 1), D(2023, 12, 31)),  # birth
    st.dates(D(2023, 10, 1), D(2024, 6, 30)),  # start
    st.one_of(st.none(), st.integers(0, 200)),  # days placed
    st.sampled_from(["grund", "reducerat", "forhojt", "avtalat"]),
    st.integers(1, 120),  # terms change, days after the start
    st.sampled_from([Decimal(0), Decimal("1250")]),
), min_size=1, max_size=4))
def test_the_roll_up_equals_the_rules_definition_for_random_placements(handlaggare, units, specs):
    FosterCareTerms.objects.all().delete()
    PricePeriod.objects.all().delete()
    MonthlyFact.objects.all().delete()
    from placements.models import Placement

    Placement.objects.all().delete()
    for birth, start, length, kind, change_after, deduction in specs:
        end = None if length is None else start + datetime.timedelta(days=length)
        placement = PlacementFactory(person=PersonFactory(birth_date=birth), care_type=care_type("FH_EGET"),
                                     unit=units["own"], start_on=start, end_on=end)
        FosterCareTerms.objects.create(placement=placement, valid_from=start)
        changed = start + datetime.timedelta(days=change_after)
        if end is None or changed < end:
            FosterCareTerms.objects.create(
                placement=placement, valid_from=changed, fee_kind=kind, child_benefit_deduction=deduction,
                fee_change=Decimal("777") if kind == "forhojt" else None,
                fee_change_percent=Decimal("33") if kind == "reducerat" else None,
                fee_reason="Skäl" if kind in ("forhojt", "reducerat") else "",
                negotiated_fee=Decimal("20000") if kind == "avtalat" else None,
                negotiated_expenses=Decimal("6543.21") if kind == "avtalat" else None)
        services.skr_reprice(placement)
    rollup.rollup_months(WINDOW)
    assert facts_by_origin(WINDOW) == reference_in(WINDOW)


@pytest.mark.django_db
def test_the_command_moves_older_placements_from_the_first_open_month(controller):
    from io import StringIO

    from django.core.management import call_command

    old = PlacementFactory(person=PersonFactory(birth_date=D(2014, 2, 2)), care_type=care_type("FH_EGET"),
                           start_on=D(2024, 1, 1))
    PricePeriodFactory(placement=old, monthly_amount=Decimal("12100"), fee=Decimal("6200"), expenses=Decimal("5900"))
    for month in (D(2024, 1, 1), D(2024, 2, 1)):
        MonthClosing.objects.create(month=month, closed_by=controller)
    out = StringIO()
    call_command("familjehem_skr", stdout=out)
    assert out.getvalue() == "1 placeringar i eget familjehem följer SKR:s regel från 2024-03.\n"
    assert FosterCareTerms.objects.get(placement=old).valid_from == D(2024, 3, 1)
