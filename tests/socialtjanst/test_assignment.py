"""Fördelning (issue 15 point 1): who may assign whom, several cases at once, the history rows, the access
log, and the database's own refusal of a responsible outside the case's unit."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from common.errors import NotFound
from socialtjanst import assignment
from socialtjanst.models import AccessEvent, Case, CaseAssignment
from socialtjanst.roles import Role
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def team(units):
    eva = UserFactory(username="eva", first_name="Eva", last_name="Chefsson", role=Role.ENHETSCHEF,
                      units=[units["own"]])
    hanna = UserFactory(username="hanna", first_name="Hanna", last_name="Handläggarsson", role=Role.HANDLAGGARE,
                        units=[units["own"]])
    olle = UserFactory(username="olle", first_name="Olle", last_name="Olsson", role=Role.HANDLAGGARE,
                       units=[units["own"]])
    stina = UserFactory(username="stina", first_name="Stina", last_name="Annansson", role=Role.HANDLAGGARE,
                        units=[units["other"]])
    return eva, hanna, olle, stina


def test_the_enhetschef_assigns_several_cases_at_once_with_history_and_access_log(team, units):
    eva, hanna, olle, _ = team
    first, second = (CaseFactory(unit=units["own"], opened_on=D(2026, 1, 5)) for _ in range(2))
    rows = assignment.cases_assign(by=eva, case_ids=[first.pk, second.pk], to_user_id=hanna.pk, on=D(2026, 2, 1))
    assert sorted(r.case_id for r in rows) == [first.pk, second.pk]
    assert set(Case.objects.filter(pk__in=[first.pk, second.pk]).values_list("responsible_id", flat=True)) == {
        hanna.pk}
    history = list(CaseAssignment.objects.order_by("case_id").values_list(
        "case_id", "from_user_id", "to_user_id", "assigned_on", "assigned_by_id"))
    assert history == [(first.pk, None, hanna.pk, D(2026, 2, 1), eva.pk), (second.pk, None, hanna.pk, D(2026, 2, 1),
                                                                          eva.pk)]
    events = AccessEvent.objects.filter(object_type="CaseAssignment", action="change", username="eva")
    assert sorted(events.values_list("object_id", flat=True)) == sorted(r.pk for r in rows)
    assert sorted(e.person_ids[0] for e in events) == sorted([first.person_id, second.person_id])

    # Reassigning: the history names the one before; the case page lists it newest first.
    assignment.cases_assign(by=eva, case_ids=[first.pk], to_user_id=olle.pk, on=D(2026, 3, 1))
    assert [(r.from_user, r.to_user, r.assigned_on) for r in assignment.case_assignment_history(first)] == [
        (hanna, olle, D(2026, 3, 1)), (None, hanna, D(2026, 2, 1))]
    first.refresh_from_db()
    assert first.responsible == olle and first.version == 3


def test_only_a_handlaggare_of_the_cases_unit_can_be_chosen_and_nothing_changes_otherwise(team, units):
    eva, hanna, _, stina = team
    own = CaseFactory(unit=units["own"])
    with pytest.raises(ValidationError) as err:
        assignment.cases_assign(by=eva, case_ids=[own.pk], to_user_id=stina.pk)
    assert err.value.messages == [assignment.NOT_A_MEMBER.format(
        name="Stina Annansson", unit="Mottagning barn och unga", case=own.pk)]
    with pytest.raises(ValidationError):  # the enhetschef herself is no handläggare
        assignment.cases_assign(by=eva, case_ids=[own.pk], to_user_id=eva.pk)
    own.refresh_from_db()
    assert own.responsible is None and not CaseAssignment.objects.exists()
    assert list(assignment.assignable_users([units["own"].pk])) == [hanna, team[2]]


def test_one_case_outside_the_units_refuses_the_whole_batch_and_is_logged_as_denied(team, units):
    eva, hanna, _, _ = team
    own, other = CaseFactory(unit=units["own"]), CaseFactory(unit=units["other"])
    with pytest.raises(NotFound):
        assignment.cases_assign(by=eva, case_ids=[own.pk, other.pk], to_user_id=hanna.pk)
    own.refresh_from_db()
    assert own.responsible is None and not CaseAssignment.objects.exists()


def test_a_handlaggare_cannot_assign_but_can_take_an_unassigned_case_of_her_unit(team, units):
    _, hanna, olle, _ = team
    case = CaseFactory(unit=units["own"])
    with pytest.raises(NotFound):
        assignment.cases_assign(by=hanna, case_ids=[case.pk], to_user_id=hanna.pk)
    assert list(assignment.unassigned_cases(hanna)) == [case]
    row = assignment.case_take(by=hanna, case_id=case.pk)
    assert (row.from_user, row.to_user, row.assigned_by) == (None, hanna, hanna)
    assert list(assignment.unassigned_cases(hanna)) == []
    with pytest.raises(ValidationError) as err:
        assignment.case_take(by=olle, case_id=case.pk)
    assert err.value.messages == [assignment.ALREADY_ASSIGNED]
    with pytest.raises(NotFound):
        assignment.case_take(by=olle, case_id=CaseFactory(unit=units["other"]).pk)


def test_the_unassigned_queue_is_the_open_cases_without_responsible_in_the_chefs_units(team, units):
    eva, hanna, _, _ = team
    waiting = CaseFactory(unit=units["own"], opened_on=D(2026, 1, 2))
    older = CaseFactory(unit=units["own"], opened_on=D(2025, 12, 1))
    CaseFactory(unit=units["own"], responsible=hanna)
    CaseFactory(unit=units["own"], status="avslutat", closed_on=D(2026, 1, 3), opened_on=D(2026, 1, 1))
    CaseFactory(unit=units["other"])
    assert list(assignment.unassigned_cases(eva)) == [older, waiting]


def test_a_date_before_the_case_was_opened_is_refused(team, units):
    eva, hanna, _, _ = team
    case = CaseFactory(unit=units["own"], opened_on=D(2026, 1, 5))
    with pytest.raises(ValidationError) as err:
        assignment.cases_assign(by=eva, case_ids=[case.pk], to_user_id=hanna.pk, on=D(2026, 1, 4))
    assert err.value.messages == [assignment.BEFORE_OPENED.format(opened="2026-01-05")]


def test_the_database_refuses_a_responsible_outside_the_unit_and_any_change_of_history(team, units):
    eva, hanna, _, stina = team
    case = CaseFactory(unit=units["own"])
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseAssignment.objects.create(case=case, to_user=stina, assigned_on=D(2026, 1, 1), assigned_by=eva)
    row = assignment.cases_assign(by=eva, case_ids=[case.pk], to_user_id=hanna.pk)[0]
    with connection.cursor() as cur:
        cur.execute("SELECT has_table_privilege(%s, 'socialtjanst_caseassignment', 'UPDATE'), "
                    "has_table_privilege(%s, 'socialtjanst_caseassignment', 'DELETE'), "
                    "has_table_privilege(%s, 'socialtjanst_caseassignment', 'INSERT')",
                    [settings.DATABASE_APP_ROLE] * 3)
        assert cur.fetchone() == (False, False, True)
    assert CaseAssignment.objects.filter(pk=row.pk).exists()
