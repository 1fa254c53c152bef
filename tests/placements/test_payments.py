"""Familjehem payments: the sign rule in Python and SQL, the month's cost, and the services."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from common.errors import NotFound
from placements import services
from placements.models import FosterCarePayment, FosterCarePaymentKind, Placement
from placements.pricing import PAYMENT_COST_SQL, month_cost, payment_cost
from socialtjanst.models import AccessEvent
from tests.conftest import login
from tests.factories import UserFactory
from tests.placements.factories import PlacementFactory, PricePeriodFactory, care_type

D = datetime.date
pytestmark = pytest.mark.django_db
KIND = FosterCarePaymentKind


@pytest.fixture
def familjehem(handlaggare, units, child):
    """An own familjehem at 30 000 kr a month from 2024-02-10, ongoing."""
    return services.placement_create(
        by=handlaggare, person=child, care_type=care_type("FH_EGET"), unit=units["own"], legal_basis="SoL",
        start_on=D(2024, 2, 10), monthly_amount=Decimal("30000.00"),
    )


def test_a_deduction_of_child_benefit_lowers_the_months_cost_by_exactly_its_amount(handlaggare, familjehem):
    before = month_cost(placement=familjehem, year=2024, month=2).cost
    assert before == Decimal(30000) * 20 / 29
    services.foster_care_payment_register(by=handlaggare, placement=familjehem, month=D(2024, 2, 1),
                                          kind=KIND.CHILD_BENEFIT_DEDUCTION, amount=Decimal("1250.00"))
    after = month_cost(placement=familjehem, year=2024, month=2)
    assert before - after.cost == Decimal("1250.00")
    assert after.payments == Decimal("-1250.00")
    assert month_cost(placement=familjehem, year=2024, month=3).cost == Decimal("30000.00")


def test_extra_and_special_costs_add_to_the_month(handlaggare, familjehem):
    for kind, amount in [(KIND.EXTRA, "2000.00"), (KIND.SPECIAL_COSTS, "450.50")]:
        services.foster_care_payment_register(by=handlaggare, placement=familjehem, month=D(2024, 3, 1), kind=kind,
                                              amount=Decimal(amount))
    assert month_cost(placement=familjehem, year=2024, month=3).cost == Decimal("32450.50")


@pytest.mark.parametrize("kind, expected", [
    (KIND.EXTRA, Decimal("700.00")), (KIND.SPECIAL_COSTS, Decimal("700.00")),
    (KIND.CHILD_BENEFIT_DEDUCTION, Decimal("-700.00")),
])
def test_payment_cost_and_its_sql_twin_agree(familjehem, kind, expected):
    payment = FosterCarePayment.objects.create(placement=familjehem, month=D(2024, 4, 1), kind=kind,
                                               amount=Decimal("700.00"))
    assert payment_cost(payment) == expected
    with connection.cursor() as cur:
        cur.execute(f"SELECT {PAYMENT_COST_SQL.format(t='fp')} FROM placements_fostercarepayment fp "
                    "WHERE fp.id = %s", [payment.pk])
        assert cur.fetchone()[0] == expected


def test_the_database_refuses_a_month_not_on_its_first_day_and_a_negative_amount(familjehem):
    for month, amount, name in [(D(2024, 3, 2), "1.00", "fostercarepayment_month_first_day"),
                                (D(2024, 3, 1), "-1.00", "fostercarepayment_amount_not_negative")]:
        with pytest.raises(IntegrityError, match=name), transaction.atomic():
            FosterCarePayment.objects.create(placement=familjehem, month=month, kind=KIND.EXTRA,
                                             amount=Decimal(amount))


def test_register_files_the_payment_on_the_first_of_the_month_and_audits(handlaggare, familjehem):
    before = AccessEvent.objects.count()
    payment = services.foster_care_payment_register(by=handlaggare, placement=familjehem, month=D(2024, 5, 17),
                                                    kind=KIND.EXTRA, amount=Decimal("900"), comment="Cykel")
    assert (payment.month, payment.amount, payment.comment) == (D(2024, 5, 1), Decimal("900"), "Cykel")
    assert AccessEvent.objects.count() == before + 1


@pytest.mark.parametrize("month, amount, message", [
    (D(2024, 1, 1), "100", services.PAYMENT_OUTSIDE_PLACEMENT.format(month="2024-01")),
    (D(2024, 3, 1), "0", services.PAYMENT_AMOUNT_POSITIVE),
])
def test_register_refuses_with_a_message_and_writes_nothing(handlaggare, familjehem, month, amount, message):
    with pytest.raises(ValidationError) as err:
        services.foster_care_payment_register(by=handlaggare, placement=familjehem, month=month, kind=KIND.EXTRA,
                                              amount=Decimal(amount))
    assert err.value.messages == [message]
    assert FosterCarePayment.objects.count() == 0


def test_payments_only_for_care_types_priced_per_month(handlaggare, units, child):
    placement = PlacementFactory(person=child, unit=units["own"], start_on=D(2024, 1, 1))
    with pytest.raises(ValidationError) as err:
        services.foster_care_payment_register(by=handlaggare, placement=placement, month=D(2024, 1, 1),
                                              kind=KIND.EXTRA, amount=Decimal("100"))
    assert err.value.messages == [services.PAYMENT_ONLY_MONTHLY]


def test_a_handlaggare_of_another_unit_and_a_controller_may_not_register(units, controller, familjehem):
    stranger = UserFactory(username="olle", role="Handläggare", units=[units["other"]])
    for user in (stranger, controller):
        with pytest.raises(NotFound):
            services.foster_care_payment_register(by=user, placement=familjehem, month=D(2024, 3, 1),
                                                  kind=KIND.EXTRA, amount=Decimal("100"))
    assert FosterCarePayment.objects.count() == 0


def test_delete_removes_it_and_logs_who(handlaggare, familjehem):
    payment = services.foster_care_payment_register(by=handlaggare, placement=familjehem, month=D(2024, 3, 1),
                                                    kind=KIND.EXTRA, amount=Decimal("100"))
    services.foster_care_payment_delete(by=handlaggare, payment=payment)
    assert FosterCarePayment.objects.count() == 0
    assert AccessEvent.objects.filter(action="delete", object_type="FosterCarePayment",
                                      object_id=payment.pk).count() == 1


def test_the_detail_page_form_registers_a_payment_and_shows_its_effect(handlaggare, familjehem):
    client = login(handlaggare)
    page = client.get(reverse("placements:placement_detail", args=[familjehem.pk])).content.decode()
    assert 'id="payment-form"' in page
    response = client.post(reverse("placements:payment_create", args=[familjehem.pk]), {
        "payment-month": "2024-02", "payment-kind": KIND.CHILD_BENEFIT_DEDUCTION, "payment-amount": "1 250,00",
        "payment-comment": "Barnbidrag februari",
    })
    assert response.status_code == 302
    payment = FosterCarePayment.objects.get()
    assert (payment.month, payment.amount) == (D(2024, 2, 1), Decimal("1250.00"))
    page = client.get(reverse("placements:placement_detail", args=[familjehem.pk])).content.decode()
    assert "Avdrag barnbidrag/studiebidrag" in page
    assert "-1\xa0250,00" in page  # Swedish grouping: a no-break space


def test_the_form_shows_the_services_message(handlaggare, familjehem):
    response = login(handlaggare).post(reverse("placements:payment_create", args=[familjehem.pk]), {
        "payment-month": "2023-12", "payment-kind": KIND.EXTRA, "payment-amount": "100",
    })
    assert services.PAYMENT_OUTSIDE_PLACEMENT.format(month="2023-12") in response.content.decode()
    assert FosterCarePayment.objects.count() == 0


def test_no_payment_form_for_a_placement_priced_per_dygn(handlaggare, units, child):
    placement = PlacementFactory(person=child, unit=units["own"], start_on=D(2024, 1, 1))
    PricePeriodFactory(placement=placement, daily_price=Decimal("4600"))
    page = login(handlaggare).get(reverse("placements:placement_detail", args=[placement.pk])).content.decode()
    assert 'id="payments"' not in page
    assert Placement.objects.count() == 1
