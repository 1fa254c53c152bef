import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from common.errors import NotFound
from placements import services
from placements.lilla_hjartat import ChildParticipation
from placements.models import IvoCheckResult, Placement, PricePeriod
from socialtjanst.models import AccessEvent
from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import ProviderFactory, care_type

D = datetime.date
pytestmark = pytest.mark.django_db


def _hvb(by, person, unit, provider, start, end=None, price="4600.00"):
    return services.placement_create(
        by=by, person=person, care_type=care_type("HVB_BOU"), unit=unit, legal_basis="SoL", start_on=start,
        end_on=end, provider=provider, daily_price=Decimal(price), ivo_checked_on=start,
        ivo_check_result=IvoCheckResult.NO_REMARKS,
    )


def test_create_writes_the_placement_its_first_price_and_an_audit_row(handlaggare, units, child, hvb_provider):
    placement = _hvb(handlaggare, child, units["own"], hvb_provider, D(2024, 1, 1))
    assert placement.is_24h is True
    assert placement.cost_centre == "5731"
    assert list(placement.price_periods.values_list("valid_from", "valid_to", "daily_price")) == [
        (D(2024, 1, 1), None, Decimal("4600.00"))
    ]
    event = AccessEvent.objects.get(object_type="Placement", object_id=placement.pk)
    assert (event.action, event.person_ids, event.object_unit_ids) == ("create", [child.pk], [units["own"].pk])


def test_overlapping_heldygn_placement_is_refused_with_a_message_naming_the_other(
    handlaggare, units, child, hvb_provider
):
    _hvb(handlaggare, child, units["own"], hvb_provider, D(2024, 1, 1))
    with pytest.raises(ValidationError) as err:
        services.placement_create(
            by=handlaggare, person=child, care_type=care_type("FH_JOUR"), unit=units["own"], legal_basis="SoL",
            start_on=D(2024, 3, 1), monthly_amount=Decimal("40000"),
        )
    assert err.value.messages == [
        "Personen har redan en placering som överlappar: HVB barn och unga hos Solgläntans HVB AB, 2024-01-01–pågående."
    ]
    assert Placement.objects.count() == 1
    assert PricePeriod.objects.count() == 1


def test_a_non_heldygn_insats_may_run_beside_a_placement(handlaggare, units, child, hvb_provider):
    _hvb(handlaggare, child, units["own"], hvb_provider, D(2024, 1, 1))
    services.placement_create(
        by=handlaggare, person=child, care_type=care_type("KONTAKTFAMILJ"), unit=units["own"], legal_basis="SoL",
        start_on=D(2024, 2, 1),
    )
    assert Placement.objects.count() == 2


def test_ended_placement_and_a_new_one_on_the_end_date_do_not_overlap(handlaggare, units, child, hvb_provider):
    first = _hvb(handlaggare, child, units["own"], hvb_provider, D(2024, 1, 1))
    services.placement_end(by=handlaggare, placement=first, end_on=D(2024, 2, 1), end_reason="enligt_plan")
    _hvb(handlaggare, child, units["own"], hvb_provider, D(2024, 2, 1))
    assert Placement.objects.filter(person=child).count() == 2


def test_move_ends_the_current_and_starts_the_next_on_the_same_date(handlaggare, units, child):
    jour = services.placement_create(
        by=handlaggare, person=child, care_type=care_type("FH_JOUR"), unit=units["own"], legal_basis="LVU",
        start_on=D(2024, 1, 10), monthly_amount=Decimal("42000"),
    )
    family = services.placement_move(
        by=handlaggare, placement=jour, move_on=D(2024, 3, 1), care_type=care_type("FH_EGET"),
        monthly_amount=Decimal("30000"),
        participation=ChildParticipation(informed=True, heard=True, child_view="Vill flytta."),
    )
    jour.refresh_from_db()
    assert (jour.end_on, jour.end_reason) == (D(2024, 3, 1), "flytt")
    assert (family.start_on, family.end_on, family.legal_basis, family.care_type.code) == (
        D(2024, 3, 1), None, "LVU", "FH_EGET"
    )
    assert AccessEvent.objects.filter(object_type="Placement").count() == 3


def test_move_on_the_start_date_is_refused_and_nothing_changes(handlaggare, units, child, hvb_provider):
    placement = _hvb(handlaggare, child, units["own"], hvb_provider, D(2024, 1, 1))
    with pytest.raises(ValidationError) as err:
        services.placement_move(by=handlaggare, placement=placement, move_on=D(2024, 1, 1),
                                care_type=care_type("FH_EGET"), monthly_amount=Decimal("30000"))
    assert err.value.messages == [services.MOVE_DATE_INVALID]
    placement.refresh_from_db()
    assert placement.end_on is None
    assert Placement.objects.count() == 1


def test_bought_care_needs_a_provider(handlaggare, units, child):
    with pytest.raises(ValidationError) as err:
        services.placement_create(by=handlaggare, person=child, care_type=care_type("HVB_BOU"), unit=units["own"],
                                  legal_basis="SoL", start_on=D(2024, 1, 1))
    assert err.value.messages == [services.PROVIDER_REQUIRED]


def test_a_person_outside_ones_units_cannot_be_placed(handlaggare, units, hvb_provider):
    stranger = CaseFactory(unit=units["other"], person=PersonFactory()).person
    with pytest.raises(NotFound):
        _hvb(handlaggare, stranger, units["own"], hvb_provider, D(2024, 1, 1))
    assert Placement.objects.count() == 0


def test_a_controller_cannot_place(controller, units, child, hvb_provider):
    with pytest.raises(NotFound):
        _hvb(controller, child, units["own"], hvb_provider, D(2024, 1, 1))


def test_price_set_closes_the_running_period_at_the_new_date(handlaggare, units, child, hvb_provider):
    placement = _hvb(handlaggare, child, units["own"], hvb_provider, D(2023, 6, 1), price="4600.00")
    services.price_period_set(by=handlaggare, placement=placement, valid_from=D(2024, 1, 1),
                              daily_price=Decimal("4800.00"))
    services.price_period_set(by=handlaggare, placement=placement, valid_from=D(2023, 9, 1),
                              daily_price=Decimal("4700.00"))
    assert list(placement.price_periods.order_by("valid_from").values_list(
        "valid_from", "valid_to", "daily_price")) == [
        (D(2023, 6, 1), D(2023, 9, 1), Decimal("4600.00")),
        (D(2023, 9, 1), D(2024, 1, 1), Decimal("4700.00")),
        (D(2024, 1, 1), None, Decimal("4800.00")),
    ]


def test_monthly_price_from_fee_and_expenses(handlaggare, units, child):
    # A nätverkshem: an own familjehem's prices come from SKR's rule (tests/placements/test_skr.py).
    placement = services.placement_create(
        by=handlaggare, person=child, care_type=care_type("FH_NATVERK"), unit=units["own"], legal_basis="SoL",
        start_on=D(2024, 1, 1),
    )
    period = services.price_period_set(by=handlaggare, placement=placement, valid_from=D(2024, 1, 1),
                                       fee=Decimal("12000"), expenses=Decimal("8000"))
    assert period.monthly_amount == Decimal("20000")


def test_daily_price_on_a_monthly_care_type_is_refused(handlaggare, units, child):
    with pytest.raises(ValidationError) as err:
        services.placement_create(
            by=handlaggare, person=child, care_type=care_type("FH_EGET"), unit=units["own"], legal_basis="SoL",
            start_on=D(2024, 1, 1), daily_price=Decimal("1000"),
        )
    assert err.value.messages == [services.PRICE_KIND_MONTHLY]


def test_price_periods_cannot_overlap_in_the_database(handlaggare, units, child, hvb_provider):
    from django.db import IntegrityError, transaction

    placement = _hvb(handlaggare, child, units["own"], hvb_provider, D(2024, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        PricePeriod.objects.create(placement=placement, valid_from=D(2024, 2, 1), daily_price=Decimal("1"))


@pytest.mark.django_db(transaction=True)
def test_two_users_saving_overlapping_placements_at_once_get_one_placement_and_one_message(units):
    from tests.factories import UserFactory

    anna = UserFactory(username="anna", role="Handläggare", units=[units["own"]])
    bo = UserFactory(username="bo", role="Handläggare", units=[units["own"]])
    child = CaseFactory(unit=units["own"], person=PersonFactory()).person
    provider = ProviderFactory(name="Samtidigt HVB AB")
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def save(user, start):
        try:
            barrier.wait()
            results[user.username] = _hvb(user, child, units["own"], provider, start)
        except ValidationError as exc:
            results[user.username] = exc.messages[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(anna, D(2024, 1, 1))),
               threading.Thread(target=save, args=(bo, D(2024, 1, 5)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Placement.objects.filter(person=child).count() == 1
    messages = [r for r in results.values() if isinstance(r, str)]
    assert len(messages) == 1
    assert messages[0].startswith(
        "Personen har redan en placering som överlappar: HVB barn och unga hos Samtidigt HVB AB, 2024-01-0"
    )
