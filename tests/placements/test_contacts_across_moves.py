"""Contacts with a placed child follow the child, not the home: after a move the control list still counts the
contacts and private conversations recorded in the earlier home, and holds the care (not the new placement) to the
yearly target. Before, a move started the count over: a child moved two months ago owed no contacts at all."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from placements import care_followup, lilla_hjartat, services
from tests.conftest import login
from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import care_type

D = datetime.date
pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2025, 1, 15, 12, tzinfo=datetime.UTC)
HEARD = lilla_hjartat.ChildParticipation(informed=True, heard=True, child_view="Vill bo nära skolan.")


def _place(handlaggare, units, start, end=None, first="Flytt"):
    case = CaseFactory(unit=units["own"], responsible=handlaggare,
                       person=PersonFactory(first_name=first, last_name="Barnsson", birth_date=D(2012, 4, 4)))
    return services.placement_create(by=handlaggare, person=case.person, care_type=care_type("FH_JOUR"),
                                     unit=units["own"], legal_basis="SoL", start_on=start, end_on=end,
                                     monthly_amount=Decimal("42000"))


def _contact(handlaggare, placement, day, alone=False):
    care_followup.child_contact_record(by=handlaggare, placement=placement, contacted_on=day, kind="besok",
                                       spoken_alone=alone)


def _rows(handlaggare):
    rows = care_followup.followup_rows(care_followup.selectors.placements_for_user(handlaggare), D(2025, 1, 15))
    return [(r.placement.start_on, r.contacts, r.contacts_due, r.last_private_conversation,
             r.private_conversation_missing) for r in rows]


@time_machine.travel(TODAY, tick=False)
def test_after_a_move_the_earlier_homes_contacts_count_and_the_care_owes_a_whole_years_target(handlaggare, units):
    first = _place(handlaggare, units, D(2024, 1, 10))
    for day in (D(2024, 3, 1), D(2024, 6, 1)):
        _contact(handlaggare, first, day)
    _contact(handlaggare, first, D(2024, 9, 1), alone=True)
    moved = services.placement_move(by=handlaggare, placement=first, move_on=D(2024, 11, 1),
                                     care_type=care_type("FH_NATVERK"), monthly_amount=Decimal("20000"),
                                     participation=HEARD)
    care_followup.care_review_record(by=handlaggare, placement=moved, kind="overvagande", decided_on=D(2024, 12, 1),
                                     outcome="fortsatt_vard")

    assert care_followup.care_starts([moved]) == {moved.pk: D(2024, 1, 10)}
    # Three contacts in the last twelve months, all in the first home, against the care's full target of four;
    # the private conversation of 2024-09-01 is within six months. Counted per placement, the moved child owed
    # nothing (2 whole months: 4 × 2 // 12 = 0) and had no contacts.
    assert _rows(handlaggare) == [(D(2024, 11, 1), 3, 4, D(2024, 9, 1), False)]

    _contact(handlaggare, moved, D(2025, 1, 10))
    assert _rows(handlaggare) == []  # four contacts across both homes: on target


@time_machine.travel(TODAY, tick=False)
def test_care_that_ended_before_a_gap_is_not_counted_into_the_new_care(handlaggare, units):
    earlier = _place(handlaggare, units, D(2023, 1, 10), end=D(2024, 2, 1), first="Uppehåll")
    _contact(handlaggare, earlier, D(2024, 1, 20), alone=True)
    again = services.placement_create(by=handlaggare, person=earlier.person, care_type=care_type("FH_JOUR"),
                                      unit=units["own"], legal_basis="SoL", start_on=D(2024, 5, 1),
                                      monthly_amount=Decimal("42000"))

    assert care_followup.care_starts([again]) == {again.pk: D(2024, 5, 1)}
    # Placed 8 whole months: target 4 × 8 // 12 = 2; the old home's contact is from other care and does not count.
    # No private conversation since the care began, which is more than six months ago.
    assert _rows(handlaggare) == [(D(2024, 5, 1), 0, 2, None, True)]


@time_machine.travel(TODAY, tick=False)
def test_the_new_homes_page_lists_the_contacts_from_the_earlier_home(handlaggare, units):
    first = _place(handlaggare, units, D(2024, 1, 10))
    _contact(handlaggare, first, D(2024, 9, 1), alone=True)
    moved = services.placement_move(by=handlaggare, placement=first, move_on=D(2024, 11, 1),
                                     care_type=care_type("FH_NATVERK"), monthly_amount=Decimal("20000"),
                                     participation=HEARD)
    _contact(handlaggare, moved, D(2025, 1, 10))

    page = login(handlaggare).get(reverse("placements:placement_detail", args=[moved.pk])).content.decode()
    table = page[page.index("<h3>Kontakter med barnet</h3>"):]
    assert "<td>2025-01-10</td>" in table and "<td>Detta hem</td>" in table
    assert "<td>2024-09-01</td>" in table and f"från {first.start_on:%Y-%m-%d}" in table
