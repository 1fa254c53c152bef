import datetime
from decimal import Decimal

import pytest

from placements import services
from placements.models import Placement
from tests.browser.conftest import log_in
from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import care_type

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_move_a_child_from_jourhem_to_own_familjehem_then_an_overlap_is_refused(page, handlaggare, units):
    child = CaseFactory(unit=units["own"], person=PersonFactory(first_name="Flytt", last_name="Barnsson")).person
    jour = services.placement_create(
        by=handlaggare, person=child, care_type=care_type("FH_JOUR"), unit=units["own"], legal_basis="LVU",
        start_on=datetime.date(2024, 1, 10), monthly_amount=Decimal("42000"),
    )
    log_in(page, "hanna")
    page.get_by_text("Dina pågående ärenden").wait_for()
    page.goto(page.base_url + f"/placeringar/{jour.pk}/")
    page.fill("#id_move-move_on", "2024-03-01")
    page.select_option("#id_move-care_type", label="Familjehem, eget")
    page.fill("#id_move-monthly_amount", "30000")
    page.check("#id_move-informed")
    page.check("#id_move-heard")
    page.fill("#id_move-child_view", "Vill bo kvar i samma skola.")
    page.click("button:has-text('Flytta')")
    page.get_by_text("Flytten är registrerad.").wait_for()
    assert page.inner_text("#care-type") == "Familjehem, eget"
    assert page.inner_text("#end-on") == "pågående"
    assert "Jourhem, 2024-01-10–2024-03-01" in page.inner_text("main")

    page.click("text=Placeringar")
    page.click("text=Registrera placering")
    page.fill("#id_id_number", child.id_number)
    page.select_option("#id_care_type", label="Nätverkshem")
    page.select_option("#id_unit", label="Mottagning barn och unga")
    page.select_option("#id_legal_basis", label="SoL")
    page.fill("#id_start_on", "2024-06-01")
    page.click("button:has-text('Registrera placering')")
    overlap = "Personen har redan en placering som överlappar: Familjehem, eget, 2024-03-01–pågående."
    page.get_by_text(overlap).wait_for()
    assert Placement.objects.filter(person=child).count() == 2
