"""Issue 14 point 5: a child is never placed at an HVB whose IVO check says "Saknar tillstånd" or whose permit
had ended by the start date, whether the placement comes from the form, a move or the file import; the
provider register marks permits ending within 90 days."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from placements import ivo, services
from placements.importing import PlacementImportError, import_placements
from placements.models import IvoCheckResult, Placement
from socialtjanst.identity import synthetic_id_number
from tests.conftest import login
from tests.placements.factories import ProviderFactory, care_type, next_org_number

D = datetime.date
pytestmark = pytest.mark.django_db


def _hvb(by, person, unit, provider, **kwargs):
    return services.placement_create(by=by, person=person, care_type=care_type("HVB_BOU"), unit=unit,
                                     legal_basis="SoL", start_on=D(2024, 3, 1), provider=provider,
                                     daily_price=Decimal("4600"), **kwargs)


def test_a_check_that_found_no_permit_refuses_the_placement_naming_the_provider(handlaggare, units, child,
                                                                                hvb_provider):
    with pytest.raises(ValidationError) as err:
        _hvb(handlaggare, child, units["own"], hvb_provider, ivo_checked_on=D(2024, 2, 28),
             ivo_check_result=IvoCheckResult.NO_PERMIT)
    assert err.value.messages == [
        "Barnet kan inte placeras hos Solgläntans HVB AB: kontrollen i IVO:s placeringsstöd 2024-02-28 "
        "visar att utföraren saknar tillstånd."]
    assert not Placement.objects.exists()


def test_a_permit_that_ended_before_the_start_date_refuses_the_placement(handlaggare, units, child):
    provider = ProviderFactory(name="Ekhagens HVB AB", ivo_permit_valid_until=D(2024, 2, 29))
    with pytest.raises(ValidationError) as err:
        _hvb(handlaggare, child, units["own"], provider, ivo_checked_on=D(2024, 2, 28),
             ivo_check_result=IvoCheckResult.NO_REMARKS)
    assert err.value.messages == [
        "Barnet kan inte placeras hos Ekhagens HVB AB: utförarens IVO-tillstånd gällde till 2024-02-29, "
        "före placeringens startdatum 2024-03-01."]
    assert not Placement.objects.exists()
    # A permit valid through the start date itself is enough.
    provider.ivo_permit_valid_until = D(2024, 3, 1)
    provider.save()
    placement = _hvb(handlaggare, child, units["own"], provider, ivo_checked_on=D(2024, 2, 28),
                     ivo_check_result=IvoCheckResult.NO_REMARKS)
    assert placement.provider == provider


def test_a_move_to_a_provider_without_permit_is_refused_and_the_old_placement_stays(handlaggare, units, child,
                                                                                   hvb_provider):
    jour = services.placement_create(by=handlaggare, person=child, care_type=care_type("FH_JOUR"),
                                     unit=units["own"], legal_basis="LVU", start_on=D(2024, 1, 10),
                                     monthly_amount=Decimal("42000"))
    with pytest.raises(ValidationError) as err:
        services.placement_move(by=handlaggare, placement=jour, move_on=D(2024, 3, 1), care_type=care_type("HVB_BOU"),
                                provider=hvb_provider, daily_price=Decimal("4600"), ivo_checked_on=D(2024, 2, 20),
                                ivo_check_result=IvoCheckResult.NO_PERMIT)
    assert err.value.code == "ivo_no_permit"
    jour.refresh_from_db()
    assert jour.end_on is None


def test_the_form_shows_the_refusal(handlaggare, units, child, hvb_provider):
    response = login(handlaggare).post(reverse("placements:placement_create"), {
        "id_number": child.id_number, "care_type": care_type("HVB_BOU").pk, "provider": hvb_provider.pk,
        "unit": units["own"].pk, "legal_basis": "SoL", "start_on": "2024-03-01", "daily_price": "4600",
        "ivo_checked_on": "2024-02-28", "ivo_check_result": "saknar_tillstand",
    })
    assert "Barnet kan inte placeras hos Solgläntans HVB AB" in response.content.decode()
    assert not Placement.objects.exists()


def test_the_import_refuses_a_childs_placement_at_a_provider_whose_permit_had_ended():
    org = next_org_number()
    ProviderFactory(name="Björkens HVB AB", org_number=org, ivo_permit_valid_until=D(2023, 12, 31))
    header = "placerings_id;personnummer;Enhet;Vardform;UTFÖRARE;lagrum;startdatum;pris_fran;dygnspris"
    row = f"P1;{synthetic_id_number(D(2012, 5, 4), 1)};UTR_BARN;HVB_BOU;{org};SoL;2024-01-02;;4600"
    with pytest.raises(PlacementImportError) as err:
        import_placements(content=f"{header}\n{row}".encode(), filename="placeringar.csv")
    assert err.value.errors == [
        "placerings_id P1: Barnet kan inte placeras hos Björkens HVB AB: utförarens IVO-tillstånd gällde till "
        "2023-12-31, före placeringens startdatum 2024-01-02."]
    assert not Placement.objects.exists()


def test_permits_expiring_within_90_days_are_marked_in_the_register(controller):
    today = D(2026, 3, 1)
    soon = ProviderFactory(name="Snart AB", ivo_permit_valid_until=D(2026, 5, 30))  # 90 days ahead
    ProviderFactory(name="Senare AB", ivo_permit_valid_until=D(2026, 5, 31))  # 91 days ahead
    ended = ProviderFactory(name="Utgånget AB", ivo_permit_valid_until=D(2026, 2, 28))
    assert [ivo.permit_expires_soon(p, today) for p in (soon, ended)] == [True, False]
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC), tick=False):
        page = login(controller).get(reverse("placements:provider_list")).content.decode()
    assert '2026-05-30 <strong class="overdue">(går ut inom 90 dagar)</strong>' in page
    assert re.search(r"<td[^>]*>2026-05-31</td>", page)
    assert '2026-02-28 <strong class="overdue">(har gått ut)</strong>' in page
