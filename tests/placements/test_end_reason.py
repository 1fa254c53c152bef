"""Issue 14 point 7: ending a placement preselects no avslutsorsak; the user chooses one, or nothing is saved."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from placements import services
from tests.conftest import login
from tests.placements.factories import care_type

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def jour(handlaggare, units, child):
    return services.placement_create(by=handlaggare, person=child, care_type=care_type("FH_JOUR"), unit=units["own"],
                                     legal_basis="LVU", start_on=D(2024, 1, 10), monthly_amount=Decimal("42000"))


def test_the_end_form_starts_without_a_reason_and_refuses_none(handlaggare, jour):
    client = login(handlaggare)
    page = client.get(f"/placeringar/{jour.pk}/").content.decode()
    select = re.search(r'<select name="end-end_reason"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'<option value="([^"]*)"[^>]*selected', select) == [""]
    response = client.post(f"/placeringar/{jour.pk}/avsluta/", {"end-end_on": "2024-03-01", "end-end_reason": ""})
    assert response.status_code == 200 and "Detta fält måste fyllas i." in response.content.decode()
    jour.refresh_from_db()
    assert (jour.end_on, jour.end_reason) == (None, "")
    client.post(f"/placeringar/{jour.pk}/avsluta/", {"end-end_on": "2024-03-01", "end-end_reason": "hemflytt"})
    jour.refresh_from_db()
    assert (jour.end_on, jour.end_reason) == (D(2024, 3, 1), "hemflytt")


def test_the_service_refuses_an_end_without_a_reason(handlaggare, jour):
    with pytest.raises(ValidationError) as err:
        services.placement_end(by=handlaggare, placement=jour, end_on=D(2024, 3, 1), end_reason="")
    assert err.value.messages == ["Ange avslutsorsak."]
