"""Följa vården (issue 16, first slice): a handläggare logs a visit with a private conversation and records the
omprövning; the enhetschef finds the child in the control list while it is past due, and not after."""

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from placements import care_followup, services
from tests.browser.conftest import log_in
from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import care_type

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visit_and_the_omprovning_take_the_child_off_the_control_list(page, handlaggare, enhetschef, units):
    today = timezone.localdate()
    start = today - relativedelta(months=7)  # past the six months, so the omprövning is due
    child = CaseFactory(unit=units["own"], opened_on=start - datetime.timedelta(days=30),
                        person=PersonFactory(first_name="Följd", last_name="Barnsson")).person
    placement = services.placement_create(
        by=handlaggare, person=child, care_type=care_type("FH_JOUR"), unit=units["own"], legal_basis="LVU",
        start_on=start, monthly_amount=Decimal("42000"))
    care_followup.child_contact_record(by=handlaggare, placement=placement, contacted_on=start, kind="besok",
                                       spoken_alone=False)

    log_in(page, "eva")
    page.click("text=Följa vården")
    row = page.locator("#followup-list tr", has_text="Följd Barnsson")
    assert "(försenad)" in row.inner_text()
    page.click("button:has-text('Logga ut')")

    log_in(page, "hanna")
    page.get_by_text("Dina pågående ärenden").wait_for()
    page.goto(page.base_url + f"/placeringar/{placement.pk}/")
    assert "(försenad)" in page.inner_text("#review-due")
    page.fill("#id_contact-contacted_on", today.isoformat())
    page.select_option("#id_contact-kind", label="Besök")
    page.check("#id_contact-spoken_alone")
    page.click("button:has-text('Registrera kontakt')")
    page.get_by_text("Kontakten med barnet är registrerad.").wait_for()
    page.select_option("#id_review-kind", label="Omprövning")
    page.fill("#id_review-decided_on", today.isoformat())
    page.select_option("#id_review-outcome", label="Fortsatt vård")
    page.click("button:has-text('Registrera beslut')")
    due = today + relativedelta(months=6)
    page.get_by_text(f"Nästa övervägande/omprövning senast {due.isoformat()}.").wait_for()
    assert page.inner_text("#review-due") == due.isoformat()
    page.click("button:has-text('Logga ut')")

    log_in(page, "eva")
    page.click("text=Följa vården")
    assert page.inner_text("#count-children") == "0"
    assert "Inga placerade barn med eftersläpande uppföljning." in page.inner_text("main")
