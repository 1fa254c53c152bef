"""A move continues the care, so the review clock runs on (SoL 6 kap. 8 §, LVU 13 §: the care is reviewed every six
months, whichever home the child lives in). Before, an omplacering restarted the six months at the new start, which
could hide an övervägande already owed. Checked in the Python rule (the placement page, Följa vården), its SQL twins
(Att göra, Kontroller) and the deadline report, which counts each due review once."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from common import reporting
from placements import care_followup, lilla_hjartat, services
from placements.care_review_sets import children_past_due
from placements.models import Placement
from socialtjanst.models import Case
from socialtjanst.todo import TodoQuery
from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import care_type

D = datetime.date
pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2024, 12, 20, 12, tzinfo=datetime.UTC)
HEARD = lilla_hjartat.ChildParticipation(informed=True, heard=True, child_view="Vill bo kvar i samma skola.")


def _place(handlaggare, units, start, basis="SoL", code="FH_JOUR"):
    case = CaseFactory(unit=units["own"], responsible=handlaggare,
                       person=PersonFactory(first_name="Flytt", last_name="Barnsson", birth_date=D(2012, 4, 4)))
    return services.placement_create(by=handlaggare, person=case.person, care_type=care_type(code), unit=units["own"],
                                     legal_basis=basis, start_on=start, monthly_amount=Decimal("42000"))


def _move(handlaggare, placement, on, basis=None, code="FH_NATVERK"):
    return services.placement_move(by=handlaggare, placement=placement, move_on=on, care_type=care_type(code),
                                   monthly_amount=Decimal("20000"), legal_basis=basis, participation=HEARD)


def _review(handlaggare, placement, on):
    care_followup.care_review_record(by=handlaggare, placement=placement, kind="overvagande", decided_on=on,
                                     outcome="fortsatt_vard")


@time_machine.travel(TODAY, tick=False)
def test_after_a_move_the_next_review_is_six_months_after_the_last_one_not_after_the_move(handlaggare, units):
    first = _place(handlaggare, units, D(2024, 1, 10))
    _review(handlaggare, first, D(2024, 5, 2))
    moved = _move(handlaggare, first, D(2024, 6, 1))

    assert moved.review_clock_from == D(2024, 5, 2)
    assert care_followup.next_review_due(moved) == D(2024, 11, 2)  # not 2024-12-01
    # The SQL twins say the same: Kontroller's past-due list and the Att göra item.
    assert children_past_due(Placement.objects.all(), D(2024, 12, 20)) == [(moved, D(2024, 11, 2))]
    items = [i for i in TodoQuery(Case.objects.all(), D(2024, 12, 20)).rows() if i.kind.startswith("Övervägande")]
    assert [(i.due_on, i.overdue) for i in items] == [(D(2024, 11, 2), True)]


@time_machine.travel(TODAY, tick=False)
def test_without_a_review_the_clock_runs_from_the_first_start_through_every_move(handlaggare, units):
    first = _place(handlaggare, units, D(2024, 1, 31))
    second = _move(handlaggare, first, D(2024, 3, 1))
    third = _move(handlaggare, Placement.objects.get(pk=second.pk), D(2024, 5, 15), code="FH_JOUR")
    assert (second.review_clock_from, third.review_clock_from) == (D(2024, 1, 31), D(2024, 1, 31))
    assert care_followup.next_review_due(third) == D(2024, 7, 31)  # calendar months from 2024-01-31


@time_machine.travel(TODAY, tick=False)
def test_a_new_legal_basis_is_a_new_decision_with_a_clock_of_its_own(handlaggare, units):
    first = _place(handlaggare, units, D(2024, 1, 10))
    _review(handlaggare, first, D(2024, 5, 2))
    under_lvu = _move(handlaggare, first, D(2024, 6, 1), basis="LVU")
    assert under_lvu.review_clock_from is None
    assert care_followup.next_review_due(under_lvu) == D(2024, 12, 1)


@time_machine.travel(TODAY, tick=False)
def test_the_deadline_report_judges_the_moved_childs_review_by_the_carried_due_date_once(
        handlaggare, enhetschef, units):
    first = _place(handlaggare, units, D(2024, 1, 10))
    _review(handlaggare, first, D(2024, 5, 2))  # due 2024-07-10: met
    moved = _move(handlaggare, first, D(2024, 6, 1))
    _review(handlaggare, Placement.objects.get(pk=moved.pk), D(2024, 11, 25))  # due 2024-11-02: late

    result = reporting.run_report(reporting.get_report("deadlines"), user=enhetschef, year=2024, through_month=None)
    (row,) = [r for r in result.rows if r["care_reviews_total"]]
    # Two reviews were due in 2024, one met; the move neither adds a third item nor moves the second to 2024-12-01
    # (which would have made the review of 2024-11-25 look on time).
    assert (row["care_reviews_total"], row["care_reviews_within"], row["care_reviews_share"]) == (
        2, 1, Decimal("0.5000"))


@time_machine.travel(TODAY, tick=False)
def test_a_review_already_owed_at_the_move_stays_owed_and_is_counted_once(handlaggare, enhetschef, units):
    first = _place(handlaggare, units, D(2024, 1, 10))  # due 2024-07-10, never made
    moved = _move(handlaggare, first, D(2024, 8, 1))
    assert care_followup.next_review_due(moved) == D(2024, 7, 10)  # still owed in the new home

    result = reporting.run_report(reporting.get_report("deadlines"), user=enhetschef, year=2024, through_month=None)
    (row,) = [r for r in result.rows if r["care_reviews_total"]]
    assert (row["care_reviews_total"], row["care_reviews_within"]) == (1, 0)  # the first home's miss, once
