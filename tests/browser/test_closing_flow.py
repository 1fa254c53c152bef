"""Issue 5: a controller closes August; a handläggare then ends a July placement earlier; the
September follow-up shows the correction, and the August report is unchanged."""

import datetime
from decimal import Decimal

import pytest

from budget import closing, rollup
from placements import services
from tests.browser.conftest import log_in
from tests.budget.conftest import ensure_cost_centres
from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import ProviderFactory, care_type

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = datetime.date
YEAR = 2025  # a whole year in the past, so every month can be closed whatever the date


def report_text(page, month):
    page.goto(page.base_url + f"/rapporter/placement_days/?year={YEAR}&month={month}")
    return page.inner_text("table")


def test_a_correction_after_closing_august_lands_in_september_and_august_stays(page, handlaggare, controller,
                                                                                units):
    ensure_cost_centres()
    child = CaseFactory(unit=units["own"], person=PersonFactory(first_name="Juli", last_name="Placerad")).person
    placement = services.placement_create(
        by=handlaggare, person=child, care_type=care_type("HVB_BOU"), provider=ProviderFactory(name="Ekbackens HVB"),
        unit=units["own"], legal_basis="SoL", start_on=D(YEAR, 7, 1), daily_price=Decimal("5000"),
        ivo_checked_on=D(YEAR, 6, 28), ivo_check_result="utan_anmarkning",
    )
    rollup.rollup_months(rollup.year_months(YEAR))
    for month in range(1, 8):  # January–July closed earlier
        closing.close_month(by=controller, month=D(YEAR, month, 1))

    log_in(page, "carl")
    page.goto(page.base_url + "/budget/bokslut/")
    assert page.input_value("input[name=month]") == f"{YEAR}-08"
    page.click("button:has-text('Stäng månaden')")
    page.get_by_text(f"Augusti {YEAR} är stängd.").wait_for()
    august_before = report_text(page, 8)
    assert "HVB barn och unga" in august_before and "62" in august_before  # July + August, 31 days each

    page.click("text=Logga ut")
    log_in(page, "hanna")
    page.get_by_text("Dina pågående ärenden").wait_for()
    page.goto(page.base_url + f"/placeringar/{placement.pk}/")
    page.fill("#id_end-end_on", f"{YEAR}-07-21")
    page.select_option("#id_end-end_reason", label="Avslutad enligt plan")
    page.click("button:has-text('Avsluta placeringen')")
    page.get_by_text("Placeringen är avslutad").wait_for()
    rollup.rollup_dirty(limit=1000)  # what the worker does on commit (tests/tasks covers the worker)

    page.click("text=Logga ut")
    log_in(page, "carl")
    assert report_text(page, 8) == august_before
    september = report_text(page, 9)
    # 11 days of July and 31 of August taken back: −42 dygn, −210 000 kr, booked in September.
    assert "−210\xa0000" in september or "-210\xa0000" in september
    assert f"{YEAR}-07" in september and f"{YEAR}-08" in september
