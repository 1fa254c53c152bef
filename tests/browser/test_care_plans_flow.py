"""Vårdplan, genomförandeplan and underrättelser (issue 16 points 2 and 6): the enhetschef finds a newly placed
child in the control list; the handläggare records the plans and works through the checklist on the placement
page (each row's form opens under "Registrera", no script needed); the child leaves the list."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from placements import notifications, services
from tests.browser.conftest import log_in
from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import care_type

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_plans_and_the_checklist_take_the_child_off_the_control_list(page, handlaggare, enhetschef, units):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=50)  # past six weeks: both plans and the notifications are due
    child = CaseFactory(unit=units["own"], opened_on=start - datetime.timedelta(days=30),
                        person=PersonFactory(first_name="Planerad", last_name="Barnsson",
                                             birth_date=datetime.date(2014, 5, 5))).person
    placement = services.placement_create(
        by=handlaggare, person=child, care_type=care_type("FH_JOUR"), unit=units["own"], legal_basis="SoL",
        start_on=start, monthly_amount=Decimal("42000"))

    log_in(page, "eva")
    page.goto(page.base_url + "/placeringar/")
    page.click("text=Vårdplaner och underrättelser")
    assert page.inner_text("#count-children") == "1"
    assert "Genomförandeplan (senast" in page.locator("#plan-list tr", has_text="Planerad Barnsson").inner_text()
    page.click("button:has-text('Logga ut')")

    log_in(page, "hanna")
    page.get_by_text("Dina pågående ärenden").wait_for()
    page.goto(page.base_url + f"/placeringar/{placement.pk}/")
    for label in ("Vårdplan", "Genomförandeplan"):
        page.select_option("#id_plan-kind", label=label)
        page.fill("#id_plan-established_on", start.isoformat())
        page.click("button:has-text('Spara plan')")
        page.get_by_text(f"{label} är registrerad.").wait_for()
    for item in placement.notifications.order_by("pk"):
        row = page.locator(f"#notification-{item.pk}")
        row.locator("summary").click()
        told = item.recipient in ("forsakringskassan", "skola")
        row.locator(f"#id_n{item.pk}-relevant").select_option("ja" if told else "nej")
        if told:
            row.locator(f"#id_n{item.pk}-notified_on").fill(today.isoformat())
        row.locator("button:has-text('Spara')").click()
        message = (notifications.SAVED_SENT.format(recipient=item.get_recipient_display(), day=today.isoformat())
                   if told else notifications.SAVED_NOT_RELEVANT.format(recipient=item.get_recipient_display()))
        page.get_by_text(message).wait_for()
    assert "ej gjord" not in page.inner_text("#notifications")
    page.click("button:has-text('Logga ut')")

    log_in(page, "eva")
    page.goto(page.base_url + "/placeringar/planer-och-underrattelser/")
    assert page.inner_text("#count-children") == "0"
    assert "Inga placerade barn med saknade planer eller försenade underrättelser." in page.inner_text("main")
