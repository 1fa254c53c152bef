"""A placement's links: the insats it follows, an LSB child's parent placement, and the IVO
placeringsstöd check before a child is placed at an HVB or stödboende."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from placements import services
from placements.models import IvoCheckResult, Placement
from socialtjanst.models import Decision, Intervention
from tests.conftest import login
from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import care_type

D = datetime.date
pytestmark = pytest.mark.django_db


def _intervention(case, by, kind="placering"):
    decision = Decision.objects.create(case=case, legal_basis="LVU", kind="bistand", decided_on=D(2024, 1, 5),
                                       decided_by=by)
    return Intervention.objects.create(decision=decision, kind=kind)


def _hvb(by, person, unit, provider, **kwargs):
    return services.placement_create(by=by, person=person, care_type=care_type("HVB_BOU"), unit=unit,
                                     legal_basis="SoL", start_on=D(2024, 3, 1), provider=provider,
                                     daily_price=Decimal("4600"), **kwargs)


# --- IVO placeringsstöd ----------------------------------------------------------------


@pytest.mark.parametrize("code", ["HVB_BOU", "STODBOENDE_BOU"])
def test_a_child_is_not_placed_at_hvb_or_stodboende_without_the_ivo_check(handlaggare, units, child, hvb_provider,
                                                                          code):
    with pytest.raises(ValidationError) as err:
        services.placement_create(by=handlaggare, person=child, care_type=care_type(code), unit=units["own"],
                                  legal_basis="SoL", start_on=D(2024, 3, 1), provider=hvb_provider,
                                  daily_price=Decimal("4600"))
    assert err.value.messages == [services.IVO_CHECK_REQUIRED.format(care_type=care_type(code).name)]
    assert Placement.objects.count() == 0


def test_the_ivo_check_must_be_done_by_the_start_date(handlaggare, units, child, hvb_provider):
    with pytest.raises(ValidationError) as err:
        _hvb(handlaggare, child, units["own"], hvb_provider, ivo_checked_on=D(2024, 3, 2),
             ivo_check_result=IvoCheckResult.NO_REMARKS)
    assert err.value.messages == [services.IVO_CHECK_AFTER_START]


def test_with_the_check_recorded_the_child_is_placed(handlaggare, units, child, hvb_provider):
    placement = _hvb(handlaggare, child, units["own"], hvb_provider, ivo_checked_on=D(2024, 2, 28),
                     ivo_check_result=IvoCheckResult.REMARKS)
    assert (placement.ivo_checked_on, placement.ivo_check_result) == (D(2024, 2, 28), "med_anmarkning")


def test_adult_care_types_need_no_ivo_check(handlaggare, units, hvb_provider):
    adult = CaseFactory(unit=units["own"], person=PersonFactory()).person
    placement = services.placement_create(by=handlaggare, person=adult, care_type=care_type("HVB_VUXEN"),
                                          unit=units["own"], legal_basis="SoL", start_on=D(2024, 3, 1),
                                          provider=hvb_provider, daily_price=Decimal("3000"))
    assert placement.ivo_checked_on is None


def test_a_move_to_hvb_needs_the_check_too(handlaggare, units, child, hvb_provider):
    jour = services.placement_create(by=handlaggare, person=child, care_type=care_type("FH_JOUR"),
                                     unit=units["own"], legal_basis="LVU", start_on=D(2024, 1, 10),
                                     monthly_amount=Decimal("42000"))
    with pytest.raises(ValidationError) as err:
        services.placement_move(by=handlaggare, placement=jour, move_on=D(2024, 3, 1),
                                care_type=care_type("HVB_BOU"), provider=hvb_provider, daily_price=Decimal("4600"))
    assert err.value.messages == [services.IVO_CHECK_REQUIRED.format(care_type="HVB barn och unga")]
    jour.refresh_from_db()
    assert jour.end_on is None


def test_the_form_shows_the_ivo_message(handlaggare, units, child, hvb_provider):
    response = login(handlaggare).post(reverse("placements:placement_create"), {
        "id_number": child.id_number, "care_type": care_type("HVB_BOU").pk, "provider": hvb_provider.pk,
        "unit": units["own"].pk, "legal_basis": "SoL", "start_on": "2024-03-01", "daily_price": "4600",
    })
    assert services.IVO_CHECK_REQUIRED.format(care_type="HVB barn och unga") in response.content.decode()
    assert Placement.objects.count() == 0


# --- the insats ------------------------------------------------------------------------


def test_a_placement_follows_one_of_the_persons_insatser(handlaggare, units, hvb_provider):
    case = CaseFactory(unit=units["own"])
    insats = _intervention(case, handlaggare)
    placement = services.placement_create(by=handlaggare, person=case.person, care_type=care_type("FH_JOUR"),
                                          unit=units["own"], legal_basis="LVU", start_on=D(2024, 1, 10),
                                          intervention=insats, monthly_amount=Decimal("42000"))
    assert placement.intervention == insats


def test_another_persons_insats_is_refused(handlaggare, units, child):
    other = _intervention(CaseFactory(unit=units["own"]), handlaggare)
    with pytest.raises(ValidationError) as err:
        services.placement_create(by=handlaggare, person=child, care_type=care_type("FH_JOUR"), unit=units["own"],
                                  legal_basis="LVU", start_on=D(2024, 1, 10), intervention=other)
    assert err.value.messages == [services.INTERVENTION_NOT_FOUND]


def test_an_insats_in_a_unit_the_user_cannot_see_is_refused(handlaggare, units):
    from tests.factories import UserFactory

    person = PersonFactory()
    CaseFactory(unit=units["own"], person=person)
    hidden = _intervention(CaseFactory(unit=units["other"], person=person),
                           UserFactory(username="ulla", role="Handläggare", units=[units["other"]]))
    with pytest.raises(ValidationError) as err:
        services.placement_create(by=handlaggare, person=person, care_type=care_type("FH_JOUR"), unit=units["own"],
                                  legal_basis="LVU", start_on=D(2024, 1, 10), intervention=hidden)
    assert err.value.messages == [services.INTERVENTION_NOT_FOUND]


def test_the_form_offers_only_the_persons_insatser_when_opened_from_the_person(handlaggare, units):
    case = CaseFactory(unit=units["own"])
    mine = _intervention(case, handlaggare)
    theirs = _intervention(CaseFactory(unit=units["own"]), handlaggare, kind="oppenvard")
    response = login(handlaggare).get(reverse("placements:placement_create"), {"person": case.person.pk})
    choices = list(response.context["form"].fields["intervention"].queryset)
    assert choices == [mine]
    assert theirs not in choices
    assert response.context["form"].initial["id_number"] == case.person.id_number


# --- LSB: a child's placement linked to the parent's ----------------------------------------


@pytest.fixture
def parent_placement(handlaggare, units):
    mother = CaseFactory(unit=units["own"], person=PersonFactory(first_name="Mamma")).person
    return services.placement_create(by=handlaggare, person=mother, care_type=care_type("SKYDDAT_BOENDE"),
                                     unit=units["own"], legal_basis="SoL", start_on=D(2024, 4, 1),
                                     provider=services.provider_create(
                                         by=_controller(units), name="Tryggt boende AB", org_number="556677-8899"),
                                     daily_price=Decimal("2600"))


def _controller(units):
    from tests.factories import UserFactory

    return UserFactory(username="carl", role="Controller")


def test_an_lsb_child_is_linked_to_the_parents_placement(handlaggare, units, child, parent_placement):
    placement = services.placement_create(
        by=handlaggare, person=child, care_type=care_type("SKYDDAT_BOENDE"), unit=units["own"], legal_basis="LSB",
        start_on=D(2024, 4, 1), provider=parent_placement.provider, parent_placement=parent_placement,
        daily_price=Decimal("1300"),
    )
    assert placement.parent_placement == parent_placement
    page = login(handlaggare).get(placement.get_absolute_url()).content.decode()
    assert "Förälderns placering (LSB)" in page


@pytest.mark.parametrize("legal_basis, same_person, message", [
    ("SoL", False, services.PARENT_ONLY_LSB),
    ("LSB", True, services.PARENT_SAME_PERSON),
])
def test_parent_link_rules(handlaggare, units, child, parent_placement, legal_basis, same_person, message):
    person = parent_placement.person if same_person else child
    with pytest.raises(ValidationError) as err:
        services.placement_create(
            by=handlaggare, person=person, care_type=care_type("KONTAKTFAMILJ"), unit=units["own"],
            legal_basis=legal_basis, start_on=D(2024, 4, 1), parent_placement=parent_placement,
        )
    assert err.value.messages == [message]


def test_a_parent_placement_the_user_cannot_see_is_refused(units, child, parent_placement):
    from tests.factories import UserFactory

    stranger = UserFactory(username="olle", role="Handläggare", units=[units["own"]])
    CaseFactory(unit=units["own"], person=child)
    Placement.objects.filter(pk=parent_placement.pk).update(unit=units["other"])
    parent_placement.person.cases.update(unit=units["other"])
    with pytest.raises(ValidationError) as err:
        services.placement_create(by=stranger, person=child, care_type=care_type("KONTAKTFAMILJ"), unit=units["own"],
                                  legal_basis="LSB", start_on=D(2024, 4, 1), parent_placement=parent_placement)
    assert err.value.messages == [services.PARENT_NOT_FOUND]
