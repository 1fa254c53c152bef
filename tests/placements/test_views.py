import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook

from placements import services
from placements.models import IvoCheckResult, Placement
from socialtjanst.models import AccessEvent
from tests.conftest import login
from tests.placements.factories import PlacementFactory, PricePeriodFactory, ProviderFactory, care_type

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def hvb_placement(handlaggare, units, child, hvb_provider):
    return services.placement_create(
        by=handlaggare, person=child, care_type=care_type("HVB_BOU"), unit=units["own"], legal_basis="SoL",
        start_on=D(2024, 1, 1), provider=hvb_provider, daily_price=Decimal("4600.00"),
        ivo_checked_on=D(2023, 12, 28), ivo_check_result=IvoCheckResult.NO_REMARKS,
    )


def test_handlaggare_registers_a_placement(handlaggare, units, child):
    client = login(handlaggare)
    response = client.post(reverse("placements:placement_create"), {
        "id_number": child.id_number, "care_type": care_type("FH_JOUR").pk, "unit": units["own"].pk,
        "legal_basis": "LVU", "start_on": "2024-02-01", "monthly_amount": "42 000,00",
    })
    placement = Placement.objects.get(person=child)
    assert response.status_code == 302
    assert response["Location"] == reverse("placements:placement_detail", args=[placement.pk])
    assert placement.price_periods.get().monthly_amount == Decimal("42000.00")


def test_overlap_is_shown_as_a_message_not_a_500(handlaggare, units, child, hvb_placement):
    client = login(handlaggare)
    response = client.post(reverse("placements:placement_create"), {
        "id_number": child.id_number, "care_type": care_type("FH_JOUR").pk, "unit": units["own"].pk,
        "legal_basis": "SoL", "start_on": "2024-03-01",
    })
    assert response.status_code == 200
    assert ("Personen har redan en placering som överlappar: HVB barn och unga hos Solgläntans HVB AB, "
            "2024-01-01–pågående.") in response.content.decode()
    assert Placement.objects.count() == 1


def test_person_outside_own_units_is_not_found(handlaggare, units, other_case):
    client = login(handlaggare)
    response = client.post(reverse("placements:placement_create"), {
        "id_number": other_case.person.id_number, "care_type": care_type("FH_JOUR").pk, "unit": units["own"].pk,
        "legal_basis": "SoL", "start_on": "2024-03-01",
    })
    assert "Personen finns inte bland dina ärenden." in response.content.decode()
    assert Placement.objects.count() == 0


def test_move_via_the_detail_page(handlaggare, units, child):
    jour = services.placement_create(
        by=handlaggare, person=child, care_type=care_type("FH_JOUR"), unit=units["own"], legal_basis="LVU",
        start_on=D(2024, 1, 10), monthly_amount=Decimal("42000"),
    )
    client = login(handlaggare)
    response = client.post(reverse("placements:placement_move", args=[jour.pk]), {
        "move-move_on": "2024-03-01", "move-care_type": care_type("FH_EGET").pk, "move-monthly_amount": "30000",
        "move-informed": "on", "move-heard": "on", "move-child_view": "Vill bo i familjehemmet.",
    })
    new = Placement.objects.get(person=child, start_on=D(2024, 3, 1))
    assert response["Location"] == reverse("placements:placement_detail", args=[new.pk])
    jour.refresh_from_db()
    assert jour.end_on == D(2024, 3, 1)


def test_controller_list_shows_days_and_cost_without_names(controller, hvb_placement):
    client = login(controller)
    response = client.get(reverse("placements:placement_list"), {"month": "2024-02"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Placerad Barnsson" not in html and hvb_placement.person.id_number not in html
    assert "133\xa0400,00" in html  # 29 × 4 600
    event = AccessEvent.objects.get(object_type="Placement", action="list")
    assert event.person_ids == [hvb_placement.person_id]


def test_controller_with_the_permission_sees_names(controller, hvb_placement):
    controller.user_permissions.add(Permission.objects.get(codename="view_placement_identity"))
    html = login(controller).get(reverse("placements:placement_list"), {"month": "2024-02"}).content.decode()
    assert "Placerad Barnsson" in html


def test_missing_price_is_shown(controller, units):
    placement = PlacementFactory(unit=units["own"], start_on=D(2024, 3, 1))
    PricePeriodFactory(placement=placement, valid_from=D(2024, 3, 11), daily_price=Decimal("1000"))
    html = login(controller).get(reverse("placements:placement_list"), {"month": "2024-03"}).content.decode()
    assert "21\xa0000,00" in html and "saknar pris för 10 dygn" in html


def test_excel_export_has_numbers_and_no_identity_for_controller(controller, hvb_placement):
    ProviderFactory(name="=HYPERLINK(1)")
    other = PlacementFactory(provider=ProviderFactory(name="=cmd|' /C calc'!A0"), start_on=D(2024, 2, 1))
    response = login(controller).get(reverse("placements:placement_export"), {"month": "2024-02"})
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    row = rows[hvb_placement.pk]
    assert row[1:3] == ("–", "–")
    assert (row[10], row[11], row[12]) == (29, 133400, 0)
    assert rows[other.pk][4] == "'=cmd|' /C calc'!A0"
    assert AccessEvent.objects.filter(object_type="Placement", action="export").count() == 1


def test_systemforvaltare_sees_no_placements(systemforvaltare, hvb_placement):
    client = login(systemforvaltare)
    assert client.get(reverse("placements:placement_list")).status_code == 404
    assert client.get(reverse("placements:placement_detail", args=[hvb_placement.pk])).status_code == 404


def test_handlaggare_of_another_unit_gets_404(units, hvb_placement):
    from tests.factories import UserFactory

    stranger = UserFactory(username="olle", role="Handläggare", units=[units["other"]])
    assert login(stranger).get(reverse("placements:placement_detail", args=[hvb_placement.pk])).status_code == 404


@pytest.mark.parametrize("rows", [1, 15])
def test_list_query_count_does_not_grow_with_rows(rows, controller, units, django_assert_num_queries):
    for i in range(rows):
        p = PlacementFactory(unit=units["own"], start_on=D(2024, 1, 1) + datetime.timedelta(days=i))
        PricePeriodFactory(placement=p, daily_price=Decimal("1000"))
    client = login(controller)
    # The first page after the log-in also renews the session; the user's roles, units and permissions: one statement.
    with django_assert_num_queries(16):
        client.get(reverse("placements:placement_list"), {"month": "2024-02"})


@pytest.mark.parametrize("month", ["9999-12", "1999-12", "2101-01"])
def test_a_month_outside_2000_to_2100_is_a_swedish_error_not_a_500(month, controller, hvb_placement):
    from placements.filters import MONTH_OUT_OF_RANGE

    client = login(controller)
    response = client.get(reverse("placements:placement_list"), {"month": month})
    assert response.status_code == 200
    assert MONTH_OUT_OF_RANGE in response.content.decode()
    assert client.get(reverse("placements:placement_export"), {"month": month}).status_code == 200
    response = client.post(reverse("placements:invoicecheck_create"), {
        "provider": hvb_placement.provider_id, "month": month, "invoice_reference": "F-1"})
    assert response.status_code == 200
    assert MONTH_OUT_OF_RANGE in response.content.decode()
    assert client.get(reverse("placements:invoicecheck_list"), {"month": month}).status_code == 200


def test_a_payment_month_outside_2000_to_2100_is_a_swedish_error_not_a_500(handlaggare, units, child):
    from placements.filters import MONTH_OUT_OF_RANGE
    from placements.models import FosterCarePayment

    familjehem = services.placement_create(
        by=handlaggare, person=child, care_type=care_type("FH_EGET"), unit=units["own"], legal_basis="SoL",
        start_on=D(2024, 2, 10), monthly_amount=Decimal("30000.00"))
    response = login(handlaggare).post(reverse("placements:payment_create", args=[familjehem.pk]), {
        "payment-month": "9999-12", "payment-kind": "extra", "payment-amount": "100"})
    assert response.status_code == 200
    assert MONTH_OUT_OF_RANGE in response.content.decode()
    assert not FosterCarePayment.objects.exists()
