"""Issue 16's must-hold journey: a handläggare places a child in familjehem, logs a visit with a private
conversation, records the övervägande at six months and moves the child with the child's view recorded; the
enhetschef finds the unit's share of överväganden on time and the child in the control list while the next
övervägande is past due.

The clock is set to 2027-03-15 (ticking, and after the real date, so the browser keeps the cookies the server
dates): the placement started 2026-01-15, its övervägande was due and made 2026-07-15, the move on 2026-08-15
started a new placement, where the care's clock runs on: the next övervägande was due 2027-01-15 and is now past
due."""

import datetime

import pytest
import time_machine

from placements.models import MoveParticipation, Placement
from tests.browser.conftest import log_in
from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import ensure_care_types

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = datetime.datetime(2027, 3, 15, 10, tzinfo=datetime.UTC)
CHILD_VIEW = "Vill bo nära mormor och gå kvar i samma skola."


def _log_out(page):
    page.click("button:has-text('Logga ut')")


@time_machine.travel(NOW, tick=True)
def test_place_visit_consider_and_move_a_child_then_the_enhetschef_follows_up(page, handlaggare, enhetschef,
                                                                              units):
    ensure_care_types()  # an earlier transactional test may have flushed the catalogue
    child = CaseFactory(unit=units["own"], responsible=handlaggare, opened_on=datetime.date(2025, 12, 1),
                        person=PersonFactory(first_name="Resa", last_name="Barnsson",
                                             birth_date=datetime.date(2015, 6, 1))).person

    # The handläggare places the child in an own familjehem.
    log_in(page, "hanna")
    page.get_by_text("Dina pågående ärenden").wait_for()
    page.goto(page.base_url + "/placeringar/create/")
    page.fill("#id_id_number", child.id_number)
    page.select_option("#id_care_type", label="Familjehem, eget")
    page.select_option("#id_unit", label="Mottagning barn och unga")
    page.select_option("#id_legal_basis", label="SoL")
    page.fill("#id_start_on", "2026-01-15")
    page.fill("#id_monthly_amount", "30000")
    page.click("button:has-text('Registrera placering')")
    page.locator("#review-due").wait_for()
    first = Placement.objects.get(person=child)
    assert page.inner_text("#review-due") == "2026-07-15 (försenad)"

    # A visit with a private conversation.
    page.fill("#id_contact-contacted_on", "2026-02-10")
    page.select_option("#id_contact-kind", label="Besök")
    page.check("#id_contact-spoken_alone")
    page.fill("#id_contact-note", "Besök i familjehemmet, enskilt samtal med barnet.")
    page.click("button:has-text('Registrera kontakt')")
    page.get_by_text("Kontakten med barnet är registrerad.").wait_for()

    # The övervägande at six months, on its due date.
    page.fill("#id_review-decided_on", "2026-07-15")
    page.select_option("#id_review-outcome", label="Fortsatt vård")
    page.fill("#id_review-text", "Barnet trivs; vården fortsätter.")
    page.click("button:has-text('Registrera beslut')")
    page.get_by_text("Nästa övervägande/omprövning senast 2027-01-15.").wait_for()

    # The move: refused without the child's participation, then made with the child's view.
    page.fill("#id_move-move_on", "2026-08-15")
    page.select_option("#id_move-care_type", label="Nätverkshem")
    page.fill("#id_move-monthly_amount", "20000")
    page.click("button:has-text('Flytta')")
    page.get_by_text("Barnets delaktighet i flytten ska dokumenteras").wait_for()
    page.check("#id_move-informed")
    page.check("#id_move-heard")
    page.fill("#id_move-child_view", CHILD_VIEW)
    page.click("button:has-text('Flytta')")
    page.get_by_text("Flytten är registrerad.").wait_for()
    assert page.inner_text("#care-type") == "Nätverkshem"
    assert page.inner_text("#review-due") == "2027-01-15 (försenad)"
    participation = MoveParticipation.objects.get(moved_from=first)
    assert (participation.informed, participation.heard, participation.child_view) == (True, True, CHILD_VIEW)
    page.goto(page.base_url + f"/placeringar/{first.pk}/")
    assert CHILD_VIEW in page.inner_text("#move-participation")
    _log_out(page)

    # The enhetschef: the unit's share of överväganden on time in 2026, and the child past due in the control list.
    log_in(page, "eva")
    page.wait_for_url(lambda url: "logga-in" not in url)
    page.goto(page.base_url + "/uppfoljning/frister/?year=2026")
    row = page.locator("tr", has_text="Mottagning barn och unga").first
    assert "100,0\xa0%" in row.inner_text()
    page.goto(page.base_url + "/uppfoljning/kontroller/listor/overvaganden/")
    listed = page.locator("tr", has_text="Resa Barnsson")
    assert "2027-01-15" in listed.inner_text()
