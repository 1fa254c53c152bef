"""Lex lilla hjärtat and omplacering (issue 16 points 4 and 5): the clocks, the child's participation in a move,
the flyttningsförbud consideration when a child's familjehem placement ends, the vårdnadsöverflyttning
consideration and the follow-up after LVU care."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from placements import lilla_hjartat, services
from placements.models import (
    CustodyTransferConsideration,
    LvuFollowUp,
    MoveParticipation,
    Placement,
    RemovalBanConsideration,
)
from socialtjanst import deadlines
from socialtjanst.models import AccessEvent, JournalEntry
from tests.conftest import login
from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import care_type

D = datetime.date
pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC)
HEARD = lilla_hjartat.ChildParticipation(informed=True, heard=True, child_view="Vill bo nära skolan.")


# --- the clocks -------------------------------------------------------------------------------------------------

def test_two_years_in_the_same_familjehem_from_a_leap_day_end_in_february():
    assert deadlines.custody_transfer_consideration_due(D(2024, 2, 29)) == D(2026, 2, 28)


def test_after_a_consideration_the_next_is_twelve_calendar_months_on():
    assert deadlines.custody_transfer_consideration_due(D(2024, 2, 29), D(2026, 1, 31)) == D(2027, 1, 31)


def test_the_lvu_follow_up_ends_within_six_calendar_months():
    assert deadlines.lvu_followup_due(D(2024, 8, 31)) == D(2025, 2, 28)
    assert deadlines.lvu_followup_due(D(2024, 1, 31)) == D(2024, 7, 31)


@pytest.mark.parametrize("birth,due,applies", [
    (D(2008, 3, 1), D(2026, 2, 28), True),  # 17 on the due date
    (D(2008, 2, 28), D(2026, 2, 28), False),  # 18 that day: no vårdnadshavare to transfer
    (None, D(2026, 2, 28), False),
])
def test_only_a_child_on_the_due_date_has_the_consideration(birth, due, applies):
    assert deadlines.custody_transfer_applies(birth, due) is applies


# --- fixtures ---------------------------------------------------------------------------------------------------

def _place(by, person, unit, code, start, basis="SoL", **price):
    return services.placement_create(by=by, person=person, care_type=care_type(code), unit=unit, legal_basis=basis,
                                     start_on=start, **(price or {"monthly_amount": Decimal("30000")}))


@pytest.fixture
def familjehem(handlaggare, units, child):
    return _place(handlaggare, child, units["own"], "FH_EGET", D(2024, 2, 29))


# --- omplacering: the child's participation -----------------------------------------------------------------

def _move(by, placement, participation=None, code="FH_NATVERK", basis=None):
    return services.placement_move(by=by, placement=placement, move_on=D(2025, 9, 1), care_type=care_type(code),
                                   monthly_amount=Decimal("20000"), legal_basis=basis, participation=participation)


@pytest.mark.parametrize("participation,message", [
    (None, lilla_hjartat.PARTICIPATION_REQUIRED),
    (lilla_hjartat.ChildParticipation(), lilla_hjartat.PARTICIPATION_REQUIRED),
    (lilla_hjartat.ChildParticipation(informed=True, heard=True, child_view="  "), lilla_hjartat.CHILD_VIEW_REQUIRED),
    (lilla_hjartat.ChildParticipation(informed=True), lilla_hjartat.REASON_NOT_REQUIRED),
])
@time_machine.travel(TODAY, tick=False)
def test_moving_a_child_without_participation_is_refused_and_nothing_changes(handlaggare, familjehem,
                                                                              participation, message):
    with pytest.raises(ValidationError) as exc:
        _move(handlaggare, familjehem, participation)
    assert exc.value.messages == [message]
    familjehem.refresh_from_db()
    assert familjehem.end_on is None
    assert Placement.objects.count() == 1
    assert not MoveParticipation.objects.exists() and not JournalEntry.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_a_move_stores_the_childs_view_with_the_move_and_in_the_journal(handlaggare, familjehem):
    moved = _move(handlaggare, familjehem, HEARD)
    record = MoveParticipation.objects.get()
    assert (record.moved_from, record.moved_to, record.informed, record.heard, record.child_view) == (
        familjehem, moved, True, True, "Vill bo nära skolan.")
    entry = JournalEntry.objects.get()
    assert (entry.kind, entry.occurred_on, entry.case.person) == ("ovrigt", D(2025, 9, 1), familjehem.person)
    assert entry.text == ("Flytt 2025-09-01 till Nätverkshem. Barnets delaktighet: informerat ja, "
                          "hört ja.\nBarnets inställning: Vill bo nära skolan.")
    assert record.journal_entry == entry
    assert AccessEvent.objects.filter(object_type="MoveParticipation", object_id=record.pk).count() == 1


@time_machine.travel(TODAY, tick=False)
def test_a_reason_why_not_is_enough(handlaggare, familjehem):
    _move(handlaggare, familjehem, lilla_hjartat.ChildParticipation(reason_not="Barnet är ett år gammalt."))
    record = MoveParticipation.objects.get()
    assert (record.informed, record.heard, record.child_view, record.reason_not) == (
        False, False, "", "Barnet är ett år gammalt.")


@time_machine.travel(TODAY, tick=False)
def test_an_adult_moves_without_a_participation_record(handlaggare, units):
    adult = CaseFactory(unit=units["own"], person=PersonFactory(birth_date=D(1990, 1, 1))).person
    jour = _place(handlaggare, adult, units["own"], "FH_JOUR", D(2025, 1, 10))
    moved = _move(handlaggare, jour, None, code="FH_EGET")
    assert moved.start_on == D(2025, 9, 1)
    assert not MoveParticipation.objects.exists()


def test_the_database_refuses_a_heard_child_without_a_view(handlaggare, familjehem, units):
    other = _place(handlaggare, CaseFactory(unit=units["own"]).person, units["own"], "FH_EGET", D(2024, 1, 1))
    with transaction.atomic(), pytest.raises(IntegrityError, match="moveparticipation_view_when_heard"):
        MoveParticipation.objects.create(moved_from=familjehem, moved_to=other, informed=True, heard=True,
                                         child_view=" ", recorded_by=handlaggare)


@time_machine.travel(TODAY, tick=False)
def test_the_move_form_carries_the_childs_participation(handlaggare, familjehem):
    client = login(handlaggare)
    page = client.get(reverse("placements:placement_detail", args=[familjehem.pk])).content.decode()
    assert 'name="move-child_view"' in page and 'name="move-reason_not"' in page
    data = {"move-move_on": "2025-09-01", "move-care_type": care_type("FH_NATVERK").pk,
            "move-monthly_amount": "20000"}
    response = client.post(reverse("placements:placement_move", args=[familjehem.pk]), data)
    assert response.status_code == 200
    assert lilla_hjartat.PARTICIPATION_REQUIRED in response.content.decode()
    response = client.post(reverse("placements:placement_move", args=[familjehem.pk]), {
        **data, "move-informed": "on", "move-heard": "on", "move-child_view": "Vill flytta till mormor."})
    moved = Placement.objects.get(start_on=D(2025, 9, 1))
    assert response["Location"] == moved.get_absolute_url()
    page = client.get(reverse("placements:placement_detail", args=[familjehem.pk])).content.decode()
    assert "Vill flytta till mormor." in page


# --- flyttningsförbud ------------------------------------------------------------------------------------------

NO_GROUNDS = lilla_hjartat.RemovalBan(considered_on=D(2026, 3, 2), outcome="ej_skal",
                                      motivation="Barnet flyttar hem enligt plan; ingen risk för skada.")


@pytest.mark.parametrize("removal_ban,message", [
    (None, lilla_hjartat.REMOVAL_BAN_REQUIRED),
    (lilla_hjartat.RemovalBan(considered_on=D(2026, 3, 2), outcome="ej_skal", motivation=" "),
     lilla_hjartat.MOTIVATION_REQUIRED),
    (lilla_hjartat.RemovalBan(considered_on=D(2026, 3, 2), motivation="Skäl."), lilla_hjartat.OUTCOME_REQUIRED),
])
@time_machine.travel(TODAY, tick=False)
def test_ending_a_childs_familjehem_placement_needs_a_motivated_consideration(handlaggare, familjehem,
                                                                             removal_ban, message):
    with pytest.raises(ValidationError) as exc:
        services.placement_end(by=handlaggare, placement=familjehem, end_on=D(2026, 3, 5), end_reason="hemflytt",
                               removal_ban=removal_ban)
    assert exc.value.messages == [message]
    familjehem.refresh_from_db()
    assert familjehem.end_on is None
    assert not RemovalBanConsideration.objects.exists() and not JournalEntry.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_the_consideration_is_stored_and_journalled(handlaggare, familjehem):
    services.placement_end(by=handlaggare, placement=familjehem, end_on=D(2026, 3, 5), end_reason="hemflytt",
                           removal_ban=NO_GROUNDS)
    consideration = RemovalBanConsideration.objects.get()
    assert (consideration.placement, consideration.considered_on, consideration.outcome, consideration.by) == (
        familjehem, D(2026, 3, 2), "ej_skal", handlaggare)
    assert consideration.journal_entry.text == (
        "Övervägande av flyttningsförbud när placeringen i familjehem avslutas 2026-03-05: Skäl för "
        "flyttningsförbud saknas.\nBarnet flyttar hem enligt plan; ingen risk för skada.")
    assert consideration.journal_entry.kind == "beslut"


@time_machine.travel(TODAY, tick=False)
def test_a_jourhem_or_an_hvb_ends_without_it(handlaggare, units, child, hvb_provider):
    jour = _place(handlaggare, child, units["own"], "FH_JOUR", D(2025, 1, 10))
    services.placement_end(by=handlaggare, placement=jour, end_on=D(2025, 3, 1), end_reason="enligt_plan")
    assert not RemovalBanConsideration.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_the_end_form_shows_the_fields_and_the_message(handlaggare, familjehem):
    client = login(handlaggare)
    url = reverse("placements:placement_end", args=[familjehem.pk])
    response = client.post(url, {"end-end_on": "2026-03-05", "end-end_reason": "hemflytt"})
    page = response.content.decode()
    assert lilla_hjartat.REMOVAL_BAN_REQUIRED in page
    assert 'name="end-removal_ban_motivation"' in page and 'name="end-removal_ban_outcome"' in page
    response = client.post(url, {"end-end_on": "2026-03-05", "end-end_reason": "hemflytt",
                                 "end-removal_ban_considered_on": "2026-03-02", "end-removal_ban_outcome": "ej_skal",
                                 "end-removal_ban_motivation": "Ingen risk."})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert '<p id="removal-ban">Övervägt 2026-03-02: Skäl för flyttningsförbud saknas. Ingen risk.</p>' in page


# --- the follow-up after LVU care ------------------------------------------------------------------------------

@time_machine.travel(TODAY, tick=False)
def test_ending_lvu_care_creates_the_follow_up_due_in_six_months(handlaggare, units, child, hvb_provider):
    hvb = _place(handlaggare, child, units["own"], "SIS_LVU", D(2025, 1, 10), basis="LVU",
                 provider=hvb_provider, daily_price=Decimal("5000"))
    services.placement_end(by=handlaggare, placement=hvb, end_on=D(2025, 8, 31), end_reason="hemflytt")
    followup = LvuFollowUp.objects.get()
    assert (followup.placement, followup.care_ended_on, followup.due_on, followup.finished_on) == (
        hvb, D(2025, 8, 31), D(2026, 2, 28), None)


@time_machine.travel(TODAY, tick=False)
def test_a_move_from_lvu_to_sol_ends_lvu_care_but_lvu_to_lvu_does_not(handlaggare, units, child):
    jour = _place(handlaggare, child, units["own"], "FH_JOUR", D(2025, 1, 10), basis="LVU")
    moved = services.placement_move(by=handlaggare, placement=jour, move_on=D(2025, 4, 1),
                                    care_type=care_type("FH_EGET"), monthly_amount=Decimal("30000"),
                                    participation=HEARD)
    assert not LvuFollowUp.objects.exists()
    services.placement_move(by=handlaggare, placement=moved, move_on=D(2025, 9, 1), care_type=care_type("FH_EGET"),
                            monthly_amount=Decimal("30000"), legal_basis="SoL", participation=HEARD)
    followup = LvuFollowUp.objects.get()
    assert (followup.placement, followup.care_ended_on, followup.due_on) == (moved, D(2025, 9, 1), D(2026, 3, 1))


@time_machine.travel(TODAY, tick=False)
def test_finishing_the_follow_up_journals_the_childs_situation(handlaggare, units, child):
    jour = _place(handlaggare, child, units["own"], "FH_JOUR", D(2025, 1, 10), basis="LVU")
    services.placement_end(by=handlaggare, placement=jour, end_on=D(2025, 8, 31), end_reason="hemflytt")
    client = login(handlaggare)
    page = client.get(jour.get_absolute_url()).content.decode()
    assert ("LVU-vården upphörde 2025-08-31. Uppföljningen ska avslutas senast <strong class=\"overdue\">"
            "2026-02-28 (försenad)</strong>.") in page
    response = client.post(reverse("placements:lvu_followup_finish", args=[jour.pk]), {
        "lvu-finished_on": "2026-03-09", "lvu-summary": "Barnet går i skolan och mår bra hemma."})
    assert response.status_code == 302
    followup = LvuFollowUp.objects.get()
    assert (followup.finished_on, followup.finished_by, followup.journal_entry.text) == (
        D(2026, 3, 9), handlaggare,
        "Uppföljning efter avslutad LVU-vård (2025-08-31) avslutad.\nBarnet går i skolan och mår bra hemma.")
    with pytest.raises(ValidationError) as exc:
        lilla_hjartat.lvu_followup_finish(by=handlaggare, followup=followup, finished_on=D(2026, 3, 10),
                                          summary="Igen.")
    assert exc.value.messages == [lilla_hjartat.FOLLOWUP_FINISHED.format(day="2026-03-09")]


# --- vårdnadsöverflyttning --------------------------------------------------------------------------------------

@time_machine.travel(TODAY, tick=False)
def test_the_consideration_is_a_journalled_decision_that_moves_the_clock(handlaggare, familjehem):
    assert lilla_hjartat.custody_transfer_due(familjehem) == D(2026, 2, 28)
    consideration, due = lilla_hjartat.custody_transfer_consideration_record(
        by=handlaggare, placement=familjehem, considered_on=D(2026, 3, 2), outcome="inte_aktuellt",
        motivation="Vårdnadshavarna har regelbunden kontakt; frågan prövas igen om ett år.")
    assert due == D(2027, 3, 2)
    entry = consideration.journal_entry
    assert (entry.kind, entry.occurred_on, entry.author) == ("beslut", D(2026, 3, 2), handlaggare)
    assert entry.text == ("Övervägande av vårdnadsöverflyttning (placering i familjehem sedan 2024-02-29): "
                          "Vårdnadsöverflyttning är inte aktuell nu.\nVårdnadshavarna har regelbunden kontakt; "
                          "frågan prövas igen om ett år.")


@time_machine.travel(TODAY, tick=False)
def test_no_consideration_for_a_jourhem_and_none_without_motivation(handlaggare, units, child, familjehem):
    with pytest.raises(ValidationError) as exc:
        lilla_hjartat.custody_transfer_consideration_record(
            by=handlaggare, placement=familjehem, considered_on=D(2026, 3, 2), outcome="inte_aktuellt",
            motivation="")
    assert exc.value.messages == [lilla_hjartat.MOTIVATION_REQUIRED]
    other = CaseFactory(unit=units["own"]).person
    jour = _place(handlaggare, other, units["own"], "FH_JOUR", D(2023, 1, 10))
    assert lilla_hjartat.custody_transfer_due(jour) is None
    with pytest.raises(ValidationError) as exc:
        lilla_hjartat.custody_transfer_consideration_record(
            by=handlaggare, placement=jour, considered_on=D(2026, 3, 2), outcome="inte_aktuellt", motivation="X")
    assert exc.value.messages == [lilla_hjartat.NO_CUSTODY_CLOCK]
    assert not CustodyTransferConsideration.objects.exists() and not JournalEntry.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_the_placement_page_shows_the_due_date_and_records_the_consideration(handlaggare, familjehem):
    client = login(handlaggare)
    page = client.get(familjehem.get_absolute_url()).content.decode()
    assert '<strong id="custody-due" class="overdue">2026-02-28 (försenat)</strong>' in page
    response = client.post(reverse("placements:custody_consideration_create", args=[familjehem.pk]), {
        "custody-considered_on": "2026-03-02", "custody-outcome": "ansokan",
        "custody-motivation": "Barnet har bott här hela sitt liv."})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Övervägandet är registrerat och journalfört. Nästa övervägande senast 2027-03-02." in page
    assert '<strong id="custody-due">2027-03-02</strong>' in page


@time_machine.travel(TODAY, tick=False)
def test_the_controller_sees_the_due_date_but_not_the_texts(controller, handlaggare, familjehem):
    lilla_hjartat.custody_transfer_consideration_record(
        by=handlaggare, placement=familjehem, considered_on=D(2026, 3, 2), outcome="inte_aktuellt",
        motivation="Hemlig motivering.")
    page = login(controller).get(familjehem.get_absolute_url()).content.decode()
    assert '<strong id="custody-due">2027-03-02</strong>' in page
    assert "Hemlig motivering." not in page and 'id="custody-form"' not in page
    assert login(controller).get(
        reverse("placements:custody_consideration_create", args=[familjehem.pk])).status_code == 404
