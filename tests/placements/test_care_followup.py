"""Följa vården (issue 16 points 1 and 3): the clocks, recording an övervägande/omprövning with its journal
entry, contacts with the child, and the control list with its access."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from placements import care_followup, services
from placements.models import CareReview, ChildContact
from socialtjanst import deadlines
from socialtjanst.models import AccessEvent, JournalEntry
from tests.conftest import login
from tests.factories import CaseFactory, PersonFactory, UserFactory
from tests.placements.factories import care_type

D = datetime.date
pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2025, 3, 10, 12, tzinfo=datetime.UTC)
CHILD_BIRTH = datetime.date(2012, 4, 4)


# --- the clocks -------------------------------------------------------------------------------------------------

def test_lvu_3_verkstalld_at_month_end_is_reconsidered_by_the_end_of_february():
    assert deadlines.care_review_due(D(2024, 8, 31)) == D(2025, 2, 28)


def test_sol_started_on_the_31st_is_considered_by_the_31st_six_months_on():
    assert deadlines.care_review_due(D(2024, 1, 31)) == D(2024, 7, 31)


def test_a_recorded_review_restarts_the_clock_from_its_own_date():
    assert deadlines.care_review_due(D(2024, 1, 31), D(2024, 7, 15)) == D(2025, 1, 15)


@pytest.mark.parametrize("basis,birth,start,applies", [
    ("SoL", D(2010, 5, 1), D(2024, 1, 31), True),
    ("LVU", D(2006, 2, 1), D(2024, 1, 31), True),    # 17 on the start
    ("LVU", D(2006, 1, 31), D(2024, 1, 31), False),  # 18 on the start
    ("LVM", D(2010, 5, 1), D(2024, 1, 31), False),
    ("SoL", None, D(2024, 1, 31), False),
])
def test_only_a_child_under_sol_or_lvu_has_the_clock(basis, birth, start, applies):
    assert deadlines.care_review_applies(basis, birth, start) is applies


# --- recording ----------------------------------------------------------------------------------------------------

@pytest.fixture
def lvu_placement(handlaggare, units, child):
    return services.placement_create(
        by=handlaggare, person=child, care_type=care_type("FH_JOUR"), unit=units["own"], legal_basis="LVU",
        start_on=D(2024, 8, 31), monthly_amount=Decimal("42000"),
    )


@time_machine.travel(TODAY, tick=False)
def test_recording_an_omprovning_journals_the_decision_and_moves_the_due_date(handlaggare, lvu_placement):
    assert care_followup.next_review_due(lvu_placement) == D(2025, 2, 28)
    review, due = care_followup.care_review_record(
        by=handlaggare, placement=lvu_placement, kind="omprovning", decided_on=D(2025, 2, 20),
        outcome="fortsatt_vard", text="Vården behövs fortfarande.")
    assert due == D(2025, 8, 20)
    entry = JournalEntry.objects.get(case__person=lvu_placement.person)
    assert (entry.kind, entry.occurred_on, entry.author) == ("beslut", D(2025, 2, 20), handlaggare)
    assert entry.text == "Omprövning av vården (LVU): Fortsatt vård.\nVården behövs fortfarande."
    assert review.journal_entry == entry


@time_machine.travel(TODAY, tick=False)
def test_a_sol_placement_has_no_omprovning(handlaggare, units, child):
    placement = services.placement_create(
        by=handlaggare, person=child, care_type=care_type("FH_JOUR"), unit=units["own"], legal_basis="SoL",
        start_on=D(2024, 9, 1), monthly_amount=Decimal("42000"))
    with pytest.raises(ValidationError) as exc:
        care_followup.care_review_record(by=handlaggare, placement=placement, kind="omprovning",
                                         decided_on=D(2025, 2, 20), outcome="fortsatt_vard")
    assert exc.value.messages == [care_followup.RECONSIDERATION_ONLY_LVU]
    assert not CareReview.objects.exists() and not JournalEntry.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_the_form_on_the_placement_page_records_and_shows_the_next_due_date(handlaggare, lvu_placement):
    client = login(handlaggare)
    page = client.get(reverse("placements:placement_detail", args=[lvu_placement.pk])).content.decode()
    assert '<strong id="review-due" class="overdue">2025-02-28 (försenad)</strong>' in page
    response = client.post(reverse("placements:care_review_create", args=[lvu_placement.pk]), {
        "review-kind": "omprovning", "review-decided_on": "2025-03-03", "review-outcome": "fortsatt_vard"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Beslutet är registrerat och journalfört. Nästa övervägande/omprövning senast 2025-09-03." in page
    assert '<strong id="review-due">2025-09-03</strong>' in page


@time_machine.travel(TODAY, tick=False)
def test_a_date_after_today_is_refused_in_swedish(handlaggare, lvu_placement):
    response = login(handlaggare).post(reverse("placements:care_review_create", args=[lvu_placement.pk]), {
        "review-kind": "omprovning", "review-decided_on": "2025-03-11", "review-outcome": "fortsatt_vard"})
    assert response.status_code == 200
    assert care_followup.DATE_IN_FUTURE in response.content.decode()
    assert not CareReview.objects.exists()


# --- contacts --------------------------------------------------------------------------------------------------

@time_machine.travel(TODAY, tick=False)
def test_a_visit_with_a_private_conversation_is_logged(handlaggare, lvu_placement):
    response = login(handlaggare).post(reverse("placements:child_contact_create", args=[lvu_placement.pk]), {
        "contact-contacted_on": "2025-03-01", "contact-kind": "besok", "contact-spoken_alone": "on",
        "contact-note": "Besök i familjehemmet."})
    assert response.status_code == 302
    contact = ChildContact.objects.get()
    assert (contact.contacted_on, contact.kind, contact.spoken_alone, contact.by) == (
        D(2025, 3, 1), "besok", True, handlaggare)


@time_machine.travel(TODAY, tick=False)
def test_an_enskilt_samtal_not_alone_is_refused(handlaggare, lvu_placement):
    with pytest.raises(ValidationError) as exc:
        care_followup.child_contact_record(by=handlaggare, placement=lvu_placement, contacted_on=D(2025, 3, 1),
                                           kind="enskilt_samtal", spoken_alone=False)
    assert exc.value.messages == [care_followup.PRIVATE_CONVERSATION_ALONE]


def test_contact_target_is_the_share_of_a_year_placed():
    assert care_followup.contact_target(D(2024, 12, 10), D(2025, 3, 10)) == 1
    assert care_followup.contact_target(D(2023, 1, 1), D(2025, 3, 10)) == 4
    with override_settings(IFO_CHILD_CONTACTS_PER_YEAR=6):
        assert care_followup.contact_target(D(2024, 9, 10), D(2025, 3, 10)) == 3


# --- the control list -------------------------------------------------------------------------------------------

@pytest.fixture
def followed(handlaggare, units):
    """Three placed children of the handläggare's unit: one all in order, one past due for omprövning, one
    without a private conversation; and one adult, who has no clock."""
    def place(first, start, basis="SoL", birth=CHILD_BIRTH):
        person = CaseFactory(unit=units["own"], person=PersonFactory(first_name=first, last_name="Barnsson",
                                                                      birth_date=birth)).person
        return services.placement_create(by=handlaggare, person=person, care_type=care_type("FH_JOUR"),
                                         unit=units["own"], legal_basis=basis, start_on=start,
                                         monthly_amount=Decimal("42000"))
    fine = place("Ordning", D(2024, 6, 1))
    late = place("Sen", D(2024, 8, 31), basis="LVU")
    alone = place("Ensam", D(2024, 6, 1))
    place("Vuxen", D(2024, 6, 1), birth=D(1990, 1, 1))
    for placement in (fine, late, alone):
        for day in (D(2024, 6, 10), D(2024, 9, 10), D(2024, 12, 10), D(2025, 3, 1)):
            if day >= placement.start_on:
                care_followup.child_contact_record(by=handlaggare, placement=placement, contacted_on=day,
                                                   kind="besok", spoken_alone=placement is not alone)
    for placement in (fine, alone):
        care_followup.care_review_record(by=handlaggare, placement=placement, kind="overvagande",
                                         decided_on=D(2024, 11, 20), outcome="fortsatt_vard")
    return {"fine": fine, "late": late, "alone": alone}


@time_machine.travel(TODAY, tick=False)
def test_the_control_list_names_the_children_behind(handlaggare, followed):
    rows = care_followup.followup_rows(care_followup.selectors.placements_for_user(handlaggare), D(2025, 3, 10))
    assert [(r.placement.person.first_name, r.review_due, r.review_overdue, r.contacts, r.contacts_due,
             r.private_conversation_missing) for r in rows] == [
        ("Ensam", D(2025, 5, 20), False, 4, 3, True),  # placed 9 whole months: 4 × 9 // 12
        ("Sen", D(2025, 2, 28), True, 3, 2, False),  # 6 months: 2
    ]


@time_machine.travel(TODAY, tick=False)
def test_the_enhetschef_sees_the_children_and_the_view_is_logged(enhetschef, followed):
    response = login(enhetschef).get(reverse("placements:followup_list"))
    page = response.content.decode()
    assert '<dd id="count-children">2</dd>' in page and '<dd id="count-review-overdue">1</dd>' in page
    assert "Ensam Barnsson" in page and "Sen Barnsson" in page and "Ordning" not in page
    assert reverse("placements:stability_report") in page  # the unit's moves and sammanbrott, one click on
    event = AccessEvent.objects.filter(user=enhetschef, object_type="Placement").latest("pk")
    assert (event.action, event.criteria) == ("list", {"lista": "Följa vården"})
    assert len(event.person_ids) == 2


@time_machine.travel(TODAY, tick=False)
def test_the_controller_sees_counts_only(controller, followed):
    response = login(controller).get(reverse("placements:followup_list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<dd id="count-children">2</dd>' in page and '<dd id="count-private-missing">1</dd>' in page
    assert "Barnsson" not in page and 'id="followup-list"' not in page
    assert reverse("placements:stability_report") in page
    event = AccessEvent.objects.filter(user=controller, object_type="Placement").latest("pk")
    assert event.person_ids == []


@time_machine.travel(TODAY, tick=False)
def test_a_handlaggare_outside_the_unit_gets_404_on_the_forms_and_an_empty_list(units, followed):
    outsider = UserFactory(username="olle", role="Handläggare", units=[units["other"]])
    client = login(outsider)
    placement = followed["late"]
    assert client.post(reverse("placements:care_review_create", args=[placement.pk]), {
        "review-kind": "omprovning", "review-decided_on": "2025-03-03",
        "review-outcome": "fortsatt_vard"}).status_code == 404
    assert client.post(reverse("placements:child_contact_create", args=[placement.pk]), {
        "contact-contacted_on": "2025-03-03", "contact-kind": "besok"}).status_code == 404
    assert CareReview.objects.filter(placement=placement).count() == 0
    assert '<dd id="count-children">0</dd>' in client.get(reverse("placements:followup_list")).content.decode()


@time_machine.travel(TODAY, tick=False)
def test_the_controller_sees_the_due_date_on_the_placement_but_not_the_contacts(handlaggare, controller,
                                                                                lvu_placement):
    care_followup.child_contact_record(by=handlaggare, placement=lvu_placement, contacted_on=D(2025, 3, 1),
                                       kind="besok", spoken_alone=True, note="Pratade om skolan.")
    page = login(controller).get(reverse("placements:placement_detail", args=[lvu_placement.pk])).content.decode()
    assert '<strong id="review-due" class="overdue">2025-02-28 (försenad)</strong>' in page
    assert "Pratade om skolan." not in page and 'id="contact-form"' not in page


@time_machine.travel(TODAY, tick=False)
def test_a_placement_without_a_case_cannot_journal_its_decision(handlaggare, units):
    person = PersonFactory(birth_date=D(2012, 1, 1))
    placement = services.placement_create(
        by=handlaggare, person=CaseFactory(unit=units["own"], person=person).person, care_type=care_type("FH_JOUR"),
        unit=units["own"], legal_basis="SoL", start_on=D(2024, 9, 1), monthly_amount=Decimal("42000"))
    person.cases.all().delete()
    with pytest.raises(ValidationError) as exc:
        care_followup.care_review_record(by=handlaggare, placement=placement, kind="overvagande",
                                         decided_on=D(2025, 2, 20), outcome="fortsatt_vard")
    assert exc.value.messages == [care_followup.NO_CASE]
