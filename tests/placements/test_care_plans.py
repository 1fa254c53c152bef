"""Vårdplan, genomförandeplan and the notification checklist (issue 16 points 2 and 6): the municipal due dates,
the checklist made when a child's placement starts, ends or moves, recording on the placement page, and the
control list with its access."""

import datetime
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from placements import care_plans, lilla_hjartat, notifications, selectors, services
from placements.models import CarePlan, PlacementNotification
from socialtjanst import deadlines
from socialtjanst.models import AccessEvent
from tests.conftest import login
from tests.factories import CaseFactory, PersonFactory, UserFactory
from tests.placements.factories import ProviderFactory, care_type

D = datetime.date
pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2025, 3, 10, 12, tzinfo=datetime.UTC)
CHILD_BIRTH = D(2012, 4, 4)


# --- the municipal due dates -----------------------------------------------------------------------------------

def test_the_default_rules_are_the_start_six_weeks_and_a_week():
    assert deadlines.care_plan_due(D(2024, 1, 31)) == D(2024, 1, 31)
    assert deadlines.implementation_plan_due(D(2024, 1, 31)) == D(2024, 3, 13)  # 42 days, over a leap February
    assert deadlines.placement_notification_due(D(2024, 12, 28)) == D(2025, 1, 4)


@override_settings(IFO_CARE_PLAN_DAYS=14, IFO_IMPLEMENTATION_PLAN_DAYS=28, IFO_PLACEMENT_NOTIFICATION_DAYS=3)
def test_a_municipality_sets_its_own_days():
    assert deadlines.care_plan_due(D(2024, 1, 31)) == D(2024, 2, 14)
    assert deadlines.implementation_plan_due(D(2024, 1, 31)) == D(2024, 2, 28)
    assert deadlines.placement_notification_due(D(2024, 12, 30)) == D(2025, 1, 2)


@pytest.mark.parametrize("name", ["IFO_IMPLEMENTATION_PLAN_DAYS", "IFO_PLACEMENT_NOTIFICATION_DAYS"])
def test_a_negative_number_of_days_stops_the_start(name):
    env = {**os.environ, "DJANGO_DEBUG": "1", "IFO_CODE_ONLY": "1", name: "-1"}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=Path(__file__).resolve().parents[2], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "IFO_IMPLEMENTATION_PLAN_DAYS och IFO_PLACEMENT_NOTIFICATION_DAYS får inte vara negativa." in result.stderr


# --- the checklist -----------------------------------------------------------------------------------------------

START = D(2025, 1, 31)


def _place(handlaggare, unit, *, first="Placerad", birth=CHILD_BIRTH, basis="SoL", start=START, code="FH_JOUR"):
    person = CaseFactory(unit=unit, person=PersonFactory(first_name=first, last_name="Barnsson",
                                                         birth_date=birth)).person
    kind = care_type(code)
    price = {"monthly_amount": Decimal("42000")} if kind.is_monthly else {
        "provider": ProviderFactory(), "daily_price": Decimal("5200")}
    return services.placement_create(by=handlaggare, person=person, care_type=kind, unit=unit, legal_basis=basis,
                                     start_on=start, **price)


def _checklist(placement):
    return [(n.event, n.recipient, n.event_on, n.due_on, n.relevant, n.notified_on)
            for n in placement.notifications.order_by("event_on", "event", "recipient")]


@time_machine.travel(TODAY, tick=False)
def test_a_childs_placement_starts_with_four_agencies_to_tell(handlaggare, units):
    placement = _place(handlaggare, units["own"])
    assert _checklist(placement) == [
        ("start", "forsakringskassan", D(2025, 1, 31), D(2025, 2, 7), True, None),
        ("start", "overformyndare", D(2025, 1, 31), D(2025, 2, 7), None, None),
        ("start", "pensionsmyndigheten", D(2025, 1, 31), D(2025, 2, 7), None, None),
        ("start", "skola", D(2025, 1, 31), D(2025, 2, 7), True, None),
    ]


@time_machine.travel(TODAY, tick=False)
def test_an_adult_or_a_child_in_open_care_has_no_checklist(handlaggare, units):
    adult = _place(handlaggare, units["own"], first="Vuxen", birth=D(1990, 1, 1))
    open_care = _place(handlaggare, units["own"], first="Kontakt", code="KONTAKTFAMILJ")
    assert not PlacementNotification.objects.filter(placement__in=[adult, open_care]).exists()


def _answer(handlaggare, placement, recipient, relevant, notified_on=None, event="start"):
    item = placement.notifications.get(recipient=recipient, event=event)
    return notifications.placement_notification_record(by=handlaggare, placement=placement, notification_id=item.pk,
                                                       relevant=relevant, notified_on=notified_on)


@time_machine.travel(TODAY, tick=False)
def test_the_end_adds_the_agencies_with_the_answers_already_given(handlaggare, units):
    placement = _place(handlaggare, units["own"], basis="LVU", code="SIS_LVU")
    _answer(handlaggare, placement, "pensionsmyndigheten", False)
    _answer(handlaggare, placement, "overformyndare", True, D(2025, 2, 3))
    services.placement_end(by=handlaggare, placement=placement, end_on=D(2025, 3, 5), end_reason="hemflytt")
    assert _checklist(placement)[4:] == [
        ("slut", "forsakringskassan", D(2025, 3, 5), D(2025, 3, 12), True, None),
        ("slut", "overformyndare", D(2025, 3, 5), D(2025, 3, 12), True, None),
        ("slut", "pensionsmyndigheten", D(2025, 3, 5), D(2025, 3, 12), False, None),
        ("slut", "skola", D(2025, 3, 5), D(2025, 3, 12), True, None),
    ]


@time_machine.travel(TODAY, tick=False)
def test_a_move_is_one_checklist_on_the_new_placement(handlaggare, units):
    placement = _place(handlaggare, units["own"], start=D(2024, 6, 1))
    _answer(handlaggare, placement, "pensionsmyndigheten", True, D(2024, 6, 3))
    following = services.placement_move(
        by=handlaggare, placement=placement, move_on=D(2025, 3, 1), care_type=care_type("FH_JOUR"),
        monthly_amount=Decimal("42000"),
        participation=lilla_hjartat.ChildParticipation(informed=True, heard=True, child_view="Vill bo nära skolan."))
    assert not placement.notifications.filter(event="slut").exists()
    assert [(r, due, relevant) for _, r, _, due, relevant, _ in _checklist(following)] == [
        ("forsakringskassan", D(2025, 3, 8), True), ("overformyndare", D(2025, 3, 8), None),
        ("pensionsmyndigheten", D(2025, 3, 8), True), ("skola", D(2025, 3, 8), True),
    ]


def _move(handlaggare, placement, **kwargs):
    return services.placement_move(
        by=handlaggare, placement=placement, move_on=D(2025, 3, 1), care_type=care_type("FH_JOUR"),
        monthly_amount=Decimal("42000"),
        participation=lilla_hjartat.ChildParticipation(informed=True, heard=True, child_view="Vill bo nära skolan."),
        **kwargs)


@time_machine.travel(TODAY, tick=False)
def test_a_move_carries_the_vardplan_but_not_the_genomforandeplan(handlaggare, units):
    placement = _place(handlaggare, units["own"], start=D(2024, 6, 1))
    care_plans.care_plan_record(by=handlaggare, placement=placement, kind="vardplan", established_on=D(2024, 5, 28),
                                revised_on=D(2024, 12, 2))
    care_plans.care_plan_record(by=handlaggare, placement=placement, kind="genomforandeplan",
                                established_on=D(2024, 6, 20))
    following = _move(handlaggare, placement)
    assert [(s.kind, s.established_on, s.revised_on, s.overdue, s.due_on)
            for s in care_plans.plan_statuses(following, D(2025, 3, 10))] == [
        ("vardplan", D(2024, 5, 28), D(2024, 12, 2), False, D(2025, 3, 1)),
        ("genomforandeplan", None, None, False, D(2025, 4, 12)),
    ]


@time_machine.travel(TODAY, tick=False)
def test_care_under_another_law_after_a_move_needs_a_new_vardplan(handlaggare, units):
    placement = _place(handlaggare, units["own"], start=D(2024, 6, 1))
    care_plans.care_plan_record(by=handlaggare, placement=placement, kind="vardplan", established_on=D(2024, 5, 28))
    following = _move(handlaggare, placement, legal_basis="LVU")
    assert not following.care_plans.exists()


@time_machine.travel(TODAY, tick=False)
def test_a_date_for_an_agency_not_to_tell_or_after_today_is_refused(handlaggare, units):
    placement = _place(handlaggare, units["own"])
    with pytest.raises(ValidationError) as exc:
        _answer(handlaggare, placement, "pensionsmyndigheten", False, D(2025, 3, 1))
    assert exc.value.messages == [notifications.NOT_RELEVANT_NO_DATE]
    with pytest.raises(ValidationError) as exc:
        _answer(handlaggare, placement, "forsakringskassan", True, D(2025, 3, 11))
    assert exc.value.messages == [notifications.DATE_IN_FUTURE]
    assert _checklist(placement)[0][4:] == (True, None)
    assert _checklist(placement)[2][4:] == (None, None)


@time_machine.travel(TODAY, tick=False)
def test_ticking_an_item_on_the_placement_page(handlaggare, units):
    placement = _place(handlaggare, units["own"])
    item = placement.notifications.get(recipient="forsakringskassan")
    client = login(handlaggare)
    page = client.get(reverse("placements:placement_detail", args=[placement.pk])).content.decode()
    assert f'<tr id="notification-{item.pk}"><td>Placeringen börjar 2025-01-31</td>' in page
    response = client.post(reverse("placements:notification_record", args=[placement.pk]), {
        "item": item.pk, f"n{item.pk}-relevant": "ja", f"n{item.pk}-notified_on": "2025-02-04",
        f"n{item.pk}-note": "Blankett"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert ("Underrättelsen till Försäkringskassan (underhållsstöd, barnbidrag) är registrerad som gjord "
            "2025-02-04.") in page
    item.refresh_from_db()
    assert (item.relevant, item.notified_on, item.note, item.answered_by) == (True, D(2025, 2, 4), "Blankett",
                                                                             handlaggare)
    event = AccessEvent.objects.filter(object_type="PlacementNotification").get()
    assert (event.user, event.action, event.object_id) == (handlaggare, "change", item.pk)


@time_machine.travel(TODAY, tick=False)
def test_outside_the_unit_the_item_is_not_found_and_unchanged(handlaggare, units):
    placement = _place(handlaggare, units["own"])
    item = placement.notifications.get(recipient="skola")
    outsider = UserFactory(username="olle", role="Handläggare", units=[units["other"]])
    response = login(outsider).post(reverse("placements:notification_record", args=[placement.pk]), {
        "item": item.pk, f"n{item.pk}-relevant": "nej"})
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.relevant is True and item.answered_by is None


@time_machine.travel(TODAY, tick=False)
def test_the_controller_sees_how_many_items_are_open_but_not_the_answers(handlaggare, controller, units):
    placement = _place(handlaggare, units["own"])
    _answer(handlaggare, placement, "pensionsmyndigheten", True, D(2025, 2, 3))
    page = login(controller).get(reverse("placements:placement_detail", args=[placement.pk])).content.decode()
    assert '<p id="notifications-open">Öppna underrättelser: 3</p>' in page
    assert 'id="notifications"' not in page and "notification-" not in page


# --- the plans ------------------------------------------------------------------------------------------------

@time_machine.travel(TODAY, tick=False)
def test_the_plans_show_their_due_dates_and_the_recorded_dates(handlaggare, units):
    placement = _place(handlaggare, units["own"])
    client = login(handlaggare)
    page = client.get(reverse("placements:placement_detail", args=[placement.pk])).content.decode()
    assert ('<tr id="plan-vardplan"><td>Vårdplan</td><td class="overdue">2025-01-31 (saknas, försenad)</td>'
            '<td>–</td><td>–</td></tr>') in page
    assert ('<tr id="plan-genomforandeplan"><td>Genomförandeplan</td><td>2025-03-14</td><td>–</td><td>–</td>'
            '</tr>') in page
    response = client.post(reverse("placements:care_plan_record", args=[placement.pk]), {
        "plan-kind": "vardplan", "plan-established_on": "2025-02-03", "plan-revised_on": "2025-03-03"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Vårdplan är registrerad." in page
    assert ('<tr id="plan-vardplan"><td>Vårdplan</td><td>2025-01-31</td><td>2025-02-03 (efter fristen)</td>'
            '<td>2025-03-03</td></tr>') in page
    assert AccessEvent.objects.filter(object_type="CarePlan", action="create", user=handlaggare).count() == 1


@time_machine.travel(TODAY, tick=False)
def test_a_vardplan_established_before_the_start_is_on_time_and_a_revision_moves_the_date(handlaggare, units):
    placement = _place(handlaggare, units["own"])
    care_plans.care_plan_record(by=handlaggare, placement=placement, kind="vardplan", established_on=D(2025, 1, 20))
    care_plans.care_plan_record(by=handlaggare, placement=placement, kind="vardplan", established_on=D(2025, 1, 20),
                                revised_on=D(2025, 3, 1))
    status = care_plans.plan_statuses(placement, D(2025, 3, 10))[0]
    assert (status.established_on, status.revised_on, status.overdue, status.late) == (
        D(2025, 1, 20), D(2025, 3, 1), False, False)
    plan = CarePlan.objects.get()
    assert [(e.established_on, e.revised_on) for e in plan.events.order_by("pgh_id")] == [
        (D(2025, 1, 20), None), (D(2025, 1, 20), D(2025, 3, 1))]


@time_machine.travel(TODAY, tick=False)
def test_a_revision_before_the_plan_or_a_plan_for_an_adult_is_refused(handlaggare, units):
    placement = _place(handlaggare, units["own"])
    with pytest.raises(ValidationError) as exc:
        care_plans.care_plan_record(by=handlaggare, placement=placement, kind="genomforandeplan",
                                    established_on=D(2025, 2, 10), revised_on=D(2025, 2, 9))
    assert exc.value.messages == [care_plans.REVISED_BEFORE_ESTABLISHED]
    adult = _place(handlaggare, units["own"], first="Vuxen", birth=D(1990, 1, 1))
    with pytest.raises(ValidationError) as exc:
        care_plans.care_plan_record(by=handlaggare, placement=adult, kind="vardplan", established_on=D(2025, 2, 1))
    assert exc.value.messages == [care_plans.NOT_A_CHILD_PLACEMENT]
    assert not CarePlan.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_the_form_shows_a_refused_plan_in_swedish_and_saves_nothing(handlaggare, units):
    placement = _place(handlaggare, units["own"])
    response = login(handlaggare).post(reverse("placements:care_plan_record", args=[placement.pk]), {
        "plan-kind": "genomforandeplan", "plan-established_on": "2025-03-01", "plan-revised_on": "2025-02-28"})
    assert response.status_code == 200
    assert care_plans.REVISED_BEFORE_ESTABLISHED in response.content.decode()
    assert not CarePlan.objects.exists()


# --- the control list ------------------------------------------------------------------------------------------

@pytest.fixture
def planned(handlaggare, units):
    """Four placed children of the handläggare's unit on 2025-03-10: one all in order; one without a
    genomförandeplan six weeks on; one started last week (only the vårdplan overdue yet); one ended on
    2025-02-28 whose agencies told at the start are not yet told of the end; and an adult."""
    fine = _place(handlaggare, units["own"], first="Ordning", start=D(2025, 1, 10))
    for kind in ("vardplan", "genomforandeplan"):
        care_plans.care_plan_record(by=handlaggare, placement=fine, kind=kind, established_on=D(2025, 1, 10))
    for item in fine.notifications.all():
        notifications.placement_notification_record(by=handlaggare, placement=fine, notification_id=item.pk,
                                                    relevant=item.recipient == "skola",
                                                    notified_on=D(2025, 1, 12) if item.recipient == "skola" else None)
    late = _place(handlaggare, units["own"], first="Sen", start=D(2025, 1, 20))
    care_plans.care_plan_record(by=handlaggare, placement=late, kind="vardplan", established_on=D(2025, 1, 20))
    for item in late.notifications.all():
        notifications.placement_notification_record(by=handlaggare, placement=late, notification_id=item.pk,
                                                    relevant=False, notified_on=None)
    new = _place(handlaggare, units["own"], first="Ny", start=D(2025, 3, 5))
    ended = _place(handlaggare, units["own"], first="Hemma", start=D(2024, 6, 1), basis="LVU", code="SIS_LVU")
    for kind in ("vardplan", "genomforandeplan"):
        care_plans.care_plan_record(by=handlaggare, placement=ended, kind=kind, established_on=D(2024, 6, 1))
    for item in ended.notifications.all():
        told = item.recipient in ("forsakringskassan", "skola")
        notifications.placement_notification_record(by=handlaggare, placement=ended, notification_id=item.pk,
                                                    relevant=told, notified_on=D(2024, 6, 3) if told else None)
    services.placement_end(by=handlaggare, placement=ended, end_on=D(2025, 2, 28), end_reason="hemflytt")
    _place(handlaggare, units["own"], first="Vuxen", birth=D(1990, 1, 1), start=D(2024, 6, 1))
    return {"fine": fine, "late": late, "new": new, "ended": ended}


@time_machine.travel(TODAY, tick=False)
def test_the_control_list_names_the_children_behind(handlaggare, planned):
    rows = care_plans.plan_control_rows(selectors.placements_for_user(handlaggare), D(2025, 3, 10))
    assert [(r.placement.person.first_name, [(p.kind, p.due_on) for p in r.overdue_plans],
             [(n.event, n.recipient, n.due_on) for n in r.overdue_notifications]) for r in rows] == [
        ("Hemma", [], [("slut", "forsakringskassan", D(2025, 3, 7)), ("slut", "skola", D(2025, 3, 7))]),
        ("Sen", [("genomforandeplan", D(2025, 3, 3))], []),
        ("Ny", [("vardplan", D(2025, 3, 5))], []),
    ]
    with time_machine.travel(datetime.datetime(2025, 3, 13, 12, tzinfo=datetime.UTC), tick=False):
        rows = care_plans.plan_control_rows(selectors.placements_for_user(handlaggare), D(2025, 3, 13))
    assert [(r.placement.person.first_name, [n.recipient for n in r.overdue_notifications]) for r in rows] == [
        ("Hemma", ["forsakringskassan", "skola"]),
        ("Sen", []),
        ("Ny", ["forsakringskassan", "pensionsmyndigheten", "skola", "overformyndare"]),
    ]
    assert care_plans.plan_control_counts(rows) == {
        "children": 3, "care_plan_missing": 1, "implementation_plan_missing": 1, "notifications_overdue": 6}


@time_machine.travel(TODAY, tick=False)
def test_the_enhetschef_sees_the_children_and_the_view_is_logged(enhetschef, planned):
    page = login(enhetschef).get(reverse("placements:plan_control_list")).content.decode()
    assert '<dd id="count-children">3</dd>' in page
    assert '<dd id="count-implementation-plan-missing">1</dd>' in page
    assert "Sen Barnsson" in page and "Ny Barnsson" in page and "Hemma Barnsson" in page and "Ordning" not in page
    assert "Genomförandeplan (senast 2025-03-03)" in page
    assert "Försäkringskassan (underhållsstöd, barnbidrag), placeringen upphör (senast 2025-03-07)" in page
    event = AccessEvent.objects.filter(user=enhetschef, object_type="Placement").latest("pk")
    assert (event.action, event.criteria) == ("list", {"lista": "Vårdplaner och underrättelser"})
    assert len(event.person_ids) == 3


@time_machine.travel(TODAY, tick=False)
def test_the_controller_sees_counts_only(controller, planned):
    response = login(controller).get(reverse("placements:plan_control_list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<dd id="count-care-plan-missing">1</dd>' in page
    assert "Barnsson" not in page and 'id="plan-list"' not in page
    event = AccessEvent.objects.filter(user=controller, object_type="Placement").latest("pk")
    assert event.person_ids == []
    assert event.criteria == {"lista": "Vårdplaner och underrättelser", "children": 3, "care_plan_missing": 1,
                              "implementation_plan_missing": 1, "notifications_overdue": 2}


@time_machine.travel(TODAY, tick=False)
def test_a_handlaggare_of_another_unit_sees_an_empty_list(units, planned):
    outsider = UserFactory(username="olle", role="Handläggare", units=[units["other"]])
    page = login(outsider).get(reverse("placements:plan_control_list")).content.decode()
    assert '<dd id="count-children">0</dd>' in page
