import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_handlaggare_registers_a_report_screens_it_and_finds_the_investigation_on_att_gora(page, handlaggare):
    today = timezone.localdate()
    log_in(page, "hanna")
    page.click("nav >> text=Registrera anmälan")
    page.fill("#id_id_number", "20180704-9844")
    page.click("button:has-text('Sök tidigare anmälningar')")
    page.get_by_text("Inga tidigare anmälningar i dina enheter.").wait_for()
    page.fill("#id_first_name", "Nybarn")
    page.fill("#id_last_name", "Anmälsson")
    page.select_option("#id_reporter_category", "skola")
    page.check("input[value=vald]")
    page.fill("#id_concern_text", "Barnet berättar om våld hemma.")
    # A new case lands among Ofördelade unless the one registering takes it (issue 15 point 1).
    page.check("#id_take_case")
    page.click("button:has-text('Spara anmälan')")
    page.get_by_text("Anmälan är registrerad").wait_for()
    assert page.inner_text("#screening-due") == (today + datetime.timedelta(days=14)).isoformat()

    page.select_option("#id_outcome", "inleda")
    page.fill("#id_decided_on", today.isoformat())
    page.click("button:has-text('Spara förhandsbedömning')")
    page.get_by_text("Förhandsbedömningen är registrerad").wait_for()
    # Four calendar months (SoL 11:2), counted here with dateutil, not with the rule under test.
    due = (today + relativedelta(months=4)).isoformat()
    assert page.inner_text("#investigation-due") == due

    page.click("nav >> text=Att göra")
    row = page.locator("table tbody tr", has_text="Nybarn Anmälsson")
    assert row.count() == 1
    assert "Utredning" in row.inner_text() and due in row.inner_text()
